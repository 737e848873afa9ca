from pathlib import Path

from django.utils import translation

from onewindow.cases.errors import case_error
from onewindow.cases.models import Application, Case
from onewindow.cases.rules import TRANSITIONS, action_label

PO = (
    Path(__file__).resolve().parents[2]
    / "onewindow"
    / "cases"
    / "locale"
    / "zh_Hans"
    / "LC_MESSAGES"
    / "django.po"
)


def test_errors_read_in_chinese_and_name_the_field():
    with translation.override("zh-hans"):
        assert "受理" in case_error("SEPARATION_OF_DUTIES").message
        err = case_error("FIELD_REQUIRED", field="legal_basis")
        assert err.message == "请填写“法律依据”。"
        assert (
            "办理中"
            in case_error("TRANSITION_NOT_ALLOWED", action=action_label("accept"), state="办理中").message
        )


def test_model_and_action_names_are_chinese():
    with translation.override("zh-hans"):
        assert str(Case._meta.verbose_name) == "办件"
        assert str(Application._meta.verbose_name) == "申请"
        assert action_label("accept") == "受理"
        assert action_label("complete") == "办结"
        assert all(action_label(a) != a for a in TRANSITIONS)


def test_every_chinese_message_is_translated():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    untranslated = [e for e in entries if e.rstrip().endswith('msgstr ""') and "msgid" in e]
    assert not untranslated, untranslated[:3]
    assert "#, fuzzy" not in text


def test_a_message_without_its_parameters_still_reads():
    err = case_error("FIELD_INVALID", reason="x")
    assert err.code == "FIELD_INVALID" and err.message.endswith("x")
    with translation.override("zh-hans"):
        assert case_error("TASK_CLAIMED_BY_OTHER").message.startswith("该任务已由")


def test_every_translation_keeps_the_placeholders_of_its_message():
    import re

    placeholder = re.compile(r"%\(\w+\)[sd]")
    text = PO.read_text(encoding="utf-8")
    wrong = []
    for entry in text.split("\n\n")[1:]:
        lines = [line for line in entry.split("\n") if not line.startswith("#")]
        body = "\n".join(lines)
        if "msgid" not in body or "msgstr" not in body:
            continue
        msgid_part, msgstr_part = body.split("msgstr", 1)
        msgid_part = msgid_part.split("msgid", 1)[1]
        if sorted(placeholder.findall(msgid_part)) != sorted(placeholder.findall(msgstr_part)):
            wrong.append(msgid_part.strip()[:80])
    assert not wrong, wrong
