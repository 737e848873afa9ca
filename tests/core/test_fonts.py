"""The notice font settings: which files can be embedded, and the system check that says so.

`font_file_problem` reads only a font's header and table directory, so the tests build
those bytes by hand for the cases no installed font shows (CFF outlines, an embedding
ban, a truncated file); the real Debian files stand for the good cases.
"""

import struct

import pytest

from onewindow.core.checks import check_notice_fonts
from onewindow.core.fonts import FontSpec, NoticeFontError, font_file_problem, notice_fonts

ZEN_HEI = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
BABELSTONE = "/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf"
TRUETYPE_TABLES = (b"OS/2", b"cmap", b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp", b"name", b"post")


def _sfnt(tags=TRUETYPE_TABLES, *, version=b"\x00\x01\x00\x00", fs_type=0) -> bytes:
    """A font's header and table directory, each table 16 zero bytes (OS/2 carries fsType)."""
    directory_end = 12 + 16 * len(tags)
    header = version + struct.pack(">HHHH", len(tags), 0, 0, 0)
    entries, body = b"", b""
    for tag in tags:
        data = struct.pack(">8xH6x", fs_type) if tag == b"OS/2" else bytes(16)
        entries += tag + struct.pack(">III", 0, directory_end + len(body), len(data))
        body += data
    return header + entries + body


def _write(tmp_path, name: str, data: bytes) -> FontSpec:
    path = tmp_path / name
    path.write_bytes(data)
    return FontSpec(path)


def test_the_default_debian_faces_have_truetype_outlines_and_allow_embedding():
    assert font_file_problem(FontSpec.parse(f"{ZEN_HEI}#0")) is None
    assert font_file_problem(FontSpec.parse(f"{ZEN_HEI}#2")) is None  # WenQuanYi Zen Hei Sharp
    assert font_file_problem(FontSpec.parse(BABELSTONE)) is None


def test_a_hand_made_truetype_directory_passes(tmp_path):
    assert font_file_problem(_write(tmp_path, "ok.ttf", _sfnt())) is None
    assert font_file_problem(_write(tmp_path, "mac.ttf", _sfnt(version=b"true"))) is None


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "is truncated or not a font file"),
        (b"\x00\x01\x00\x00\x00\x05", "is truncated or not a font file"),
        (_sfnt()[:40], "is truncated or not a font file"),
        (b"%PDF-1.4 not a font at all", "is not a TrueType font file"),
        (b"wOFF" + bytes(40), "is not a TrueType font file"),
        (_sfnt(version=b"OTTO"), "has CFF (PostScript) outlines"),
        (_sfnt((b"CFF ", *TRUETYPE_TABLES)), "has CFF (PostScript) outlines"),
        (_sfnt((b"OS/2", b"cmap", b"head", b"hmtx")), "has no glyf, loca table"),
        (
            _sfnt((b"cmap", b"glyf", b"loca", b"hmtx")),
            "lacks the head, hhea, maxp, name, post, OS/2 table(s)",
        ),
        (_sfnt(fs_type=0x0002), "forbids embedding (OS/2 fsType 0x0002)"),
        (_sfnt(fs_type=0x0200), "forbids embedding (OS/2 fsType 0x0200)"),
    ],
    ids=[
        "empty",
        "short",
        "cut",
        "pdf",
        "woff",
        "otto",
        "cff-table",
        "no-glyf",
        "no-name",
        "restricted",
        "bitmap-only",
    ],
)
def test_files_that_cannot_be_embedded_say_why(tmp_path, data, problem):
    assert problem in font_file_problem(_write(tmp_path, "font.ttf", data))


def test_editable_and_preview_embedding_bits_are_allowed(tmp_path):
    assert font_file_problem(_write(tmp_path, "a.ttf", _sfnt(fs_type=0x0004))) is None
    assert font_file_problem(_write(tmp_path, "b.ttf", _sfnt(fs_type=0x0008))) is None


def test_missing_paths_folders_and_absent_faces_say_why(tmp_path):
    assert font_file_problem(FontSpec(tmp_path / "none.ttf")) == "does not exist"
    assert font_file_problem(FontSpec(tmp_path)) == "is a folder, not a font file"
    assert font_file_problem(FontSpec.parse("")) == "is not set"
    assert "it has no face #7" in font_file_problem(FontSpec.parse(f"{ZEN_HEI}#7"))
    assert "not a TrueType collection" in font_file_problem(FontSpec.parse(f"{BABELSTONE}#1"))


def test_font_spec_reads_the_face_index_only_after_a_hash():
    assert FontSpec.parse(f" {ZEN_HEI}#2 ") == FontSpec.parse(f"{ZEN_HEI}#2")
    assert FontSpec.parse(f"{ZEN_HEI}#2").index == 2
    assert FontSpec.parse("/fonts/C#/font.ttf") == FontSpec.parse("/fonts/C#/font.ttf#0")
    assert FontSpec.parse("/fonts/C#/font.ttf").index == 0
    assert str(FontSpec.parse(f"{ZEN_HEI}#0")) == ZEN_HEI


def test_the_check_passes_with_the_installed_fonts():
    assert check_notice_fonts() == []


def test_the_check_stops_start_up_without_the_notice_font(settings, tmp_path):
    settings.NOTICE_FONT = str(tmp_path / "gone.ttf")

    [error] = check_notice_fonts()

    assert error.id == "onewindow.E004"
    assert error.is_serious()
    assert "gone.ttf does not exist" in error.msg
    assert "ONEWINDOW_NOTICE_FONT" in error.hint


def test_the_check_names_the_debian_package_for_a_default_path(settings, tmp_path):
    settings.NOTICE_FONT = f"{ZEN_HEI}#9"

    [error] = check_notice_fonts()

    assert error.id == "onewindow.E004"
    assert "fonts-wqy-zenhei" in error.hint


def test_the_check_warns_when_a_fallback_font_is_unusable(settings, tmp_path):
    cff = _write(tmp_path, "SourceHanSerif.otf", _sfnt(version=b"OTTO"))
    settings.NOTICE_FALLBACK_FONTS = [BABELSTONE, str(cff.path), str(tmp_path / "gone.ttf")]

    warnings = check_notice_fonts()

    assert [w.id for w in warnings] == ["onewindow.W004", "onewindow.W004"]
    assert not any(w.is_serious() for w in warnings)
    assert "SourceHanSerif.otf has CFF" in warnings[0].msg
    assert "〓" in warnings[0].msg


def test_an_unusable_fallback_is_skipped_at_render_time_and_logged(settings, tmp_path, caplog):
    settings.NOTICE_FALLBACK_FONTS = [str(tmp_path / "gone.ttf"), BABELSTONE]
    fonts = notice_fonts()

    runs = fonts.runs("吉𠮷")

    assert [face for face, _ in runs] == [fonts.name, runs[1][0]]
    assert runs[1][1] == "𠮷" and runs[1][0] != fonts.name
    assert "gone.ttf does not exist: skipped" in caplog.text


def test_a_font_reportlab_cannot_parse_is_a_clear_error(settings, tmp_path):
    settings.NOTICE_FONT = str(_write(tmp_path, "hollow.ttf", _sfnt()).path)

    with pytest.raises(NoticeFontError, match="hollow.ttf cannot be read by ReportLab"):
        notice_fonts()


def test_the_fonts_follow_the_settings_and_installing_the_font_needs_no_restart(settings, tmp_path):
    settings.NOTICE_FONT = str(tmp_path / "later.ttc")
    with pytest.raises(NoticeFontError):
        notice_fonts()

    (tmp_path / "later.ttc").symlink_to(ZEN_HEI)

    assert notice_fonts().primary_spec == FontSpec(tmp_path / "later.ttc")
