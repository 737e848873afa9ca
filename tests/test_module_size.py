"""No module of the package grows past 800 lines (docs/decisions/0006-house-rules.md, 4.):
STYLE.md splits a module by what a person does once it passes ~600; this is the ceiling."""

from pathlib import Path

import onewindow

MAX_LINES = 800
PACKAGE = Path(onewindow.__file__).parent


def test_no_module_is_longer_than_the_ceiling():
    too_long = {
        str(path.relative_to(PACKAGE.parent)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not too_long, f"split by topic (STYLE.md, 'Where logic lives'): {too_long}"
