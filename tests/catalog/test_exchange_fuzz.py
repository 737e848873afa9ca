"""The catalog readers under generated input: 2,000 JSON files and 2,000 workbooks through
the real import path, in a subprocess limited to 1 GiB of address space, end in a report
or a `CatalogImportError` and nothing else (see `fuzz_readers.py` for what is generated)."""

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MEMORY = 1 << 30  # 1 GiB
EXAMPLES = 2000


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


@pytest.mark.parametrize("reader", ["json", "xlsx"])
def test_the_reader_answers_every_generated_file_with_a_report_under_a_memory_cap(reader):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ONEWINDOW_DATA_DIR")}
    result = subprocess.run(  # noqa: S603 (our own module, no shell)
        [sys.executable, "-m", "tests.catalog.fuzz_readers", reader, str(EXAMPLES)],
        cwd=ROOT,
        env=env,
        preexec_fn=_cap_memory,  # runs in the child before it starts Python
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-10000:]
    assert f"{reader}: {EXAMPLES} examples, no crash" in result.stdout
