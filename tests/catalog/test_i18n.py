import re
from pathlib import Path

import pytest
from django.utils import translation

from onewindow.catalog.models import MaterialRequirement, ServiceItem, ServiceItemVersion

PO = Path(__file__).resolve().parents[2] / "onewindow/catalog/locale/zh_Hans/LC_MESSAGES/django.po"


def test_every_chinese_message_is_translated_and_none_is_fuzzy():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    # An untranslated entry ends with an empty msgstr; a wrapped translation continues on
    # the next lines, so only a bare `msgstr ""` at the very end counts.
    untranslated = [e for e in entries if "msgid" in e and re.search(r'^msgstr ""\Z', e.strip(), re.M)]
    assert untranslated == []
    assert "#, fuzzy" not in text


@pytest.mark.parametrize(
    ("model", "field", "chinese"),
    [
        (ServiceItem, None, "事项"),
        (ServiceItemVersion, "legal_basis", "设定依据"),
        (ServiceItemVersion, "promised_limit_days", "承诺时限"),
        (MaterialRequirement, "tolerable", "容缺（可后补）"),
    ],
)
def test_verbose_names_read_naturally_to_a_clerk(model, field, chinese):
    with translation.override("zh-hans"):
        name = model._meta.verbose_name if field is None else model._meta.get_field(field).verbose_name
        assert str(name) == chinese
