"""The notices carry their font: every PDF embeds TrueType subsets and references nothing else.

A clerk's printer, an applicant's phone or an archive's PC may have no Chinese font at all:
the notice must print the same there. These tests read each PDF back with pypdf and check
every font it uses: a subset (``ABCDEF+`` tag) of a TrueType face with the glyphs inside
(``FontFile2``), no standard or CID font left for the reader to supply, and text that
extracts back as the Chinese written — rare characters in names included.
"""

import io
import logging
import re

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from onewindow.cases.documents.notice import NoticeKind, NoticeParty
from onewindow.cases.documents.render import render_notice, render_notices
from onewindow.core.fonts import REPLACEMENT, NoticeFontError
from tests.cases.test_documents import _every_kind, _notice, _text

SUBSET_TAG = re.compile(r"^/[A-Z]{6}\+")
RARE_NAME = "吉𠮷明"  # 𠮷 U+20BB7, CJK Extension B: not in WenQuanYi Zen Hei


def _fonts(pdf: bytes) -> list[DictionaryObject]:
    """Every font dictionary the pages use, through their form XObjects too."""
    found: dict[int, DictionaryObject] = {}

    def walk(resources) -> None:
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            found[id(font.get_object())] = font.get_object()
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        walk(page.get("/Resources"))
    return list(found.values())


def _assert_every_font_embedded_as_a_subset(pdf: bytes) -> list[str]:
    fonts = _fonts(pdf)
    assert fonts, "the PDF uses no font at all"
    names = []
    for font in fonts:
        name = str(font["/BaseFont"])
        assert font["/Subtype"] == "/TrueType", (
            f"{name} is a {font['/Subtype']} font, not an embedded TrueType"
        )
        assert SUBSET_TAG.match(name), f"{name} has no subset tag"
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{name} is referenced, not embedded"
        program = descriptor["/FontFile2"].get_object().get_data()
        assert program[:4] == b"\x00\x01\x00\x00" and b"glyf" in program[:512], (
            f"{name}: not TrueType outlines"
        )
        assert len(program) < 2_000_000, f"{name}: the whole font file was embedded, not a subset"
        assert "/ToUnicode" in font, f"{name}: its text would not copy or search"
        names.append(name)
    return names


@pytest.mark.parametrize("notice", _every_kind(), ids=[kind.value for kind in NoticeKind])
def test_every_notice_kind_embeds_only_truetype_subsets(notice):
    pdf = render_notice(notice)

    names = _assert_every_font_embedded_as_a_subset(pdf)

    assert any("WenQuanYiZenHei" in name for name in names)
    text = _text(pdf)
    for written in (notice.title, notice.center_name, notice.item_name, "王小明", "某某县市场监督管理局"):
        assert written in text


def test_a_bundle_of_every_kind_embeds_only_truetype_subsets():
    pdf = render_notices(_every_kind())

    _assert_every_font_embedded_as_a_subset(pdf)
    assert "受理通知书" in _text(pdf) and "出件回执" in _text(pdf)


def test_a_long_notice_embeds_the_footer_and_the_qr_caption_font_too():
    """The page footer (第 i 页 共 n 页) and the number under the QR code are drawn on the canvas."""
    from onewindow.cases.documents.notice import MaterialStatus, NoticeMaterial

    materials = [NoticeMaterial(f"申请材料第{i}项", "原件1份", MaterialStatus.MISSING) for i in range(1, 60)]
    pdf = render_notice(_notice(NoticeKind.SUPPLEMENT, materials=materials))

    _assert_every_font_embedded_as_a_subset(pdf)
    assert "第1页共" in _text(pdf)


def test_a_rare_character_in_a_name_prints_from_the_embedded_fallback_face(caplog):
    notice = _notice(NoticeKind.ACCEPTANCE, applicant=NoticeParty(name=RARE_NAME))

    with caplog.at_level(logging.WARNING, logger="onewindow.core.fonts"):
        pdf = render_notice(notice)

    names = _assert_every_font_embedded_as_a_subset(pdf)
    assert any("BabelStoneHan" in name for name in names)
    text = _text(pdf)
    assert f"申请人{RARE_NAME}" in text  # the ToUnicode map decodes U+20BB7 (a surrogate pair)
    assert f"{RARE_NAME}：" in text
    assert REPLACEMENT not in text
    assert not caplog.records


def test_a_notice_without_rare_characters_never_embeds_the_fallback_face():
    names = _assert_every_font_embedded_as_a_subset(render_notice(_every_kind()[0]))

    assert not any("BabelStoneHan" in name for name in names)


def test_a_character_no_face_has_prints_as_a_geta_mark_and_is_logged_without_the_name(settings, caplog):
    settings.NOTICE_FALLBACK_FONTS = []
    notice = _notice(
        NoticeKind.REFUSAL, applicant=NoticeParty(name=RARE_NAME), reasons=["申请人𠮷不符合条件"]
    )

    with caplog.at_level(logging.WARNING, logger="onewindow.core.fonts"):
        pdf = render_notice(notice)

    _assert_every_font_embedded_as_a_subset(pdf)
    text = _text(pdf)
    assert f"申请人吉{REPLACEMENT}明" in text
    assert f"申请人{REPLACEMENT}不符合条件" in text
    assert "𠮷" not in text
    messages = [record.getMessage() for record in caplog.records]
    assert messages and all("U+20BB7" in message for message in messages)
    assert not any("吉" in message or "明" in message for message in messages)


def test_invisible_characters_no_face_has_are_dropped_not_marked(settings, caplog):
    """A variation selector (U+E0100) and a word joiner (U+2060) show nothing anyway."""
    settings.NOTICE_FALLBACK_FONTS = []
    notice = _notice(NoticeKind.ACCEPTANCE, applicant=NoticeParty(name="王\U000e0100小\u2060明"))

    with caplog.at_level(logging.WARNING, logger="onewindow.core.fonts"):
        text = _text(render_notice(notice))

    assert "申请人王小明" in text
    assert REPLACEMENT not in text
    assert not caplog.records


def test_hostile_names_render_in_embedded_fonts_only():
    """Emoji, right-to-left marks, Latin with accents, a control character, a huge name."""
    for name in ("张😀三", "\u202eAli\u202c", "Zoë Ñúñez", "李\x07四", "欧阳" + "𠮷" * 300):
        pdf = render_notice(_notice(NoticeKind.ACCEPTANCE, applicant=NoticeParty(name=name)))

        _assert_every_font_embedded_as_a_subset(pdf)


def test_a_missing_notice_font_stops_rendering_with_a_message_naming_file_and_setting(settings, tmp_path):
    settings.NOTICE_FONT = str(tmp_path / "no-such-font.ttc")

    with pytest.raises(NoticeFontError) as raised:
        render_notice(_every_kind()[0])

    message = str(raised.value)
    assert "no-such-font.ttc does not exist" in message
    assert "ONEWINDOW_NOTICE_FONT" in message


def test_a_cff_notice_font_is_refused_not_replaced(settings, tmp_path):
    cff = tmp_path / "NotoSansCJK.otf"
    cff.write_bytes(b"OTTO" + b"\x00" * 400)
    settings.NOTICE_FONT = str(cff)

    with pytest.raises(NoticeFontError, match="CFF"):
        render_notice(_every_kind()[0])
