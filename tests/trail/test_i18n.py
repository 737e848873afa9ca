"""The trail's messages (the verifier's findings, the commands) read in Chinese."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from onewindow.trail.errors import TrailError

ROOT = Path(__file__).resolve().parents[2] / "onewindow"
CATALOGS = [ROOT / app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po" for app in ("trail", "core")]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdg]")


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parts[-5])
def test_every_message_is_translated_and_keeps_its_placeholders(po):
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    wrong = []
    for entry in text.split("\n\n")[1:]:
        body = "\n".join(line for line in entry.split("\n") if not line.startswith("#"))
        if "msgid" not in body:
            continue
        msgid, msgstr = body.split("msgstr", 1)
        if msgstr.strip() == '""' or sorted(PLACEHOLDER.findall(msgid)) != sorted(
            PLACEHOLDER.findall(msgstr)
        ):
            wrong.append(msgid.strip()[:80])
    assert not wrong, wrong


def test_the_missing_key_error_reads_in_chinese():
    with translation.override("zh-hans"):
        message = TrailError("SIGNING_KEY_MISSING", path="/etc/onewindow/trail.pem").message
    assert message.startswith("留痕签名密钥/etc/onewindow/trail.pem不存在") and "trail_keygen" in message
