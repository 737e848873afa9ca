from pathlib import Path

from onewindow.cases.rules import TRANSITIONS, transition_table_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "cases.md"


def test_the_doc_embeds_the_transition_table_from_the_code():
    text = DOC.read_text(encoding="utf-8")
    start = text.index("<!-- transition-table:start -->") + len("<!-- transition-table:start -->")
    end = text.index("<!-- transition-table:end -->")
    assert text[start:end].strip() == transition_table_markdown().strip(), (
        "docs/cases.md is out of date: paste transition_table_markdown() between the markers"
    )


def test_the_doc_lists_every_action():
    text = DOC.read_text(encoding="utf-8")
    for action in TRANSITIONS:
        assert f"| `{action}` |" in text
