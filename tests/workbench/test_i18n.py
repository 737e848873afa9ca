from pathlib import Path

import pytest

PO = (
    Path(__file__).resolve().parents[2]
    / "onewindow"
    / "workbench"
    / "locale"
    / "zh_Hans"
    / "LC_MESSAGES"
    / "django.po"
)


def test_every_workbench_message_is_translated():
    text = PO.read_text(encoding="utf-8")
    entries = [e for e in text.split("\n\n")[1:] if "msgid" in e]
    assert entries
    untranslated = [e for e in entries if e.rstrip().endswith('msgstr ""')]
    assert not untranslated, untranslated[:3]
    assert "#, fuzzy" not in text


@pytest.mark.django_db
def test_batch_page_reads_in_chinese(client, world):
    client.force_login(world.clerk.user)
    page = client.get(f"/workbench/batch/{world.item.code}/").content.decode()
    assert "批量受理" in page and "下载批量受理表" in page
