"""Run a property-based check of `tests/catalog/fuzz_readers.py` in a subprocess under a memory cap.

The child process is limited to `MEMORY` of address space (RLIMIT_AS) before Python starts,
so a reader that allocates without bound dies there instead of passing; it gets a SQLite
database of its own (`DATABASE_URL` and `ONEWINDOW_DATA_DIR` are not passed on)."""

import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEMORY = 1 << 30  # 1 GiB
EXAMPLES = 2000


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def check_reader(reader: str, examples: int = EXAMPLES) -> None:
    """Fail unless `examples` generated files all got the reader's own answer."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ONEWINDOW_DATA_DIR")}
    result = subprocess.run(  # noqa: S603 (our own module, no shell)
        [sys.executable, "-m", "tests.catalog.fuzz_readers", reader, str(examples)],
        cwd=ROOT,
        env=env,
        preexec_fn=_cap_memory,  # runs in the child before it starts Python
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-10000:]
    assert f"{reader}: {examples} examples, no crash" in result.stdout
