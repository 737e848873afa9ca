"""axe-core in the browser tests: `axe_violations(page)` runs the vendored rules on the page as it is.

The pages carry a strict Content-Security-Policy (`script-src 'self'`), which blocks what
`page.add_script_tag(content=…)` inserts (an inline <script>): the test would see no `axe` and
the page fixture would record the CSP report. So axe's source is evaluated through Playwright's
own channel (the DevTools protocol's Runtime.evaluate, which a page's CSP does not govern), in
the page's main world, and the page keeps its real policy: a CSP violation of the page itself
still fails the test. No context needs `bypass_csp` (docs/decisions/0022-elderly-friendly-mode.md).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE_VERSION = "4.14.1"
AXE_FILE = Path(__file__).resolve().parent / "vendor" / f"axe-core-{AXE_VERSION}" / "axe.min.js"

# The rule sets axe runs: WCAG 2.0/2.1/2.2 A and AA (what GB/T 37668 follows) and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@cache
def _axe_source() -> str:
    return AXE_FILE.read_text(encoding="utf-8")


def _inject(page: Any) -> None:
    if page.evaluate("typeof window.axe === 'object'"):
        return
    # A function expression Playwright calls with the source: `(0, eval)` runs it in global scope,
    # where axe's UMD wrapper sets window.axe. Playwright's evaluate is not subject to the page's CSP.
    page.evaluate("source => { (0, eval)(source); return typeof window.axe; }", _axe_source())
    assert page.evaluate("typeof window.axe === 'object'"), "axe-core did not load into the page"


def axe_run(page: Any, *, tags: list[str] | None = None) -> dict[str, Any]:
    """axe's full result for the whole document."""
    _inject(page)
    options = {"runOnly": {"type": "tag", "values": tags or AXE_TAGS}, "resultTypes": ["violations"]}
    result: dict[str, Any] = page.evaluate("options => window.axe.run(document, options)", options)
    return result


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """The violations of the given impacts: each with its rule id, help, link and the failing nodes."""
    return [v for v in axe_run(page)["violations"] if v.get("impact") in impacts]


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per rule, then each failing element's selector and axe's summary of what to fix."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            target = " ".join(str(t) for t in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}: {summary[:300]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    … and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


def assert_no_axe_violations(
    page: Any, *, where: str = "", impacts: tuple[str, ...] = ("serious", "critical")
) -> None:
    found = axe_violations(page, impacts)
    assert not found, f"axe-core {AXE_VERSION} found on {where or page.url}:\n{describe(found)}"
