"""Values a hostile visitor sends, shared by the hostile-input tests of the portal and the workbench."""

from tests.workbench.helpers import text

MB = "x" * 1_000_000
# Each must be answered (a page, a redirect, a 400 naming the field), none may reach the database broken.
ODD = {
    "empty": "",
    "spaces": "   ",
    "huge": MB,
    "overflow": "99999999999999999999",
    "negative": "-1",
    "emoji": "🍜😀",
    "combining": "e\u0301\u0301\u0301",
    "rtl-override": "\u202eabc\u202c",
    "cjk-ext-b": "𠀀𠀁",
    "full-width": "１２３ＡＢＣ",
    "bad-percent": "%zz%ff%",
    "markup": "<script>alert(1)</script>",
}


def nul_refused(response, field: str) -> None:
    """The edge's answer to a NUL (core.middleware): a 400 whose Chinese message says so and
    names the field as the page labels it (core.fieldlabels), never by its raw name."""
    assert response.status_code == 400
    page = text(response)
    assert "不可见的空字符（NUL）" in page
    assert f"“{field}”" not in page and f"{field}中含有" not in page
