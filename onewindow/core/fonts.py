"""The TrueType fonts embedded in the PDFs OneWindow prints (docs/decisions/0012-notice-font.md).

A notice must print the same on a machine that has no Chinese font, so its font travels
inside the PDF: ReportLab embeds a TrueType font as subsets of the glyphs a document uses
(``FontFile2``, base font ``AAAAAA+WenQuanYiZenHei``). It cannot embed CFF (PostScript)
outlines, which rules out the OpenType builds of Noto / Source Han. The files come from
Debian's packages (`make fonts`) or wherever the deploy settings point:

- ``NOTICE_FONT`` (``ONEWINDOW_NOTICE_FONT``): the face every notice is set in; ``path#N``
  picks the Nth face of a ``.ttc`` collection. Default WenQuanYi Zen Hei (fonts-wqy-zenhei),
  which covers GBK and CJK Extension A.
- ``NOTICE_FALLBACK_FONTS`` (``ONEWINDOW_NOTICE_FALLBACK_FONTS``, comma-separated): faces
  tried in order for a character the first lacks — rare characters in names, CJK
  Extension B and later (𠮷). Default BabelStone Han (fonts-babelstone-han). Each is
  read only when a text first needs it (a 50 MB file need not sit in every worker).

Invariants:
- nothing ever falls back to a font that is not embedded: an unusable ``NOTICE_FONT``
  raises `NoticeFontError` naming the file, the setting and the package to install, and
  the system check onewindow.E004 says the same at start-up (`font_file_problem` reads only
  the file's table directory, so the check costs nothing);
- no character is printed blank: one that no face covers prints as 〓 (GETA MARK, the
  typesetter's sign for a character the type case lacks) and a warning is logged with its
  code point (never the text around it: a name is personal data); format characters and
  combining marks that no face covers are invisible anyway and are dropped, and spaces
  become a plain space;
- every subset's ToUnicode map writes characters beyond the BMP as UTF-16 surrogate pairs
  (ReportLab 4 writes the bare code point, which no reader decodes), so 𠮷 copies and
  searches as 𠮷.
"""

from __future__ import annotations

import hashlib
import logging
import struct
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from reportlab.pdfbase import pdfmetrics, ttfonts  # type: ignore[import-untyped]  # no stubs installed

logger = logging.getLogger(__name__)

REPLACEMENT = "\u3013"  # 〓

# Where Debian puts the default faces, and the package that brings each (for the hints).
DEBIAN_PACKAGES = {
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc": "fonts-wqy-zenhei",
    "/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf": "fonts-babelstone-han",
}

# Invisible when a face has no glyph for them: controls, format characters (ZWJ, ZWSP,
# BOM), combining marks and variation selectors. Dropped rather than printed as 〓.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Mn", "Me"})


# What ReportLab reads from a TrueType face besides the outlines (OS/2 for the embedding bits).
_REQUIRED_TABLES = (b"head", b"hhea", b"maxp", b"name", b"post", b"cmap", b"hmtx", b"OS/2")


class NoticeFontError(ImproperlyConfigured):
    """The notice font cannot be used: rendering stops rather than print without it."""


@dataclass(frozen=True)
class FontSpec:
    """A font file and, for a ``.ttc`` collection, which face of it (``path#N``)."""

    path: Path
    index: int = 0

    @classmethod
    def parse(cls, value: str | Path) -> FontSpec:
        text = str(value).strip()
        path, sep, index = text.rpartition("#")
        if sep and path and index.isdigit():
            return cls(Path(path), int(index))
        return cls(Path(text))

    def __str__(self) -> str:
        return f"{self.path}#{self.index}" if self.index else str(self.path)

    def install_hint(self, setting: str) -> str:
        package = DEBIAN_PACKAGES.get(str(self.path))
        start = f"Install Debian's {package} (`make fonts`) or set" if package else "Set"
        return (
            f"{start} {setting} to a TrueType-outline CJK font file (`path`, or `path.ttc#N` for "
            "a face of a collection); see docs/notices.md."
        )


def _read_exactly(fh: Any, size: int) -> bytes:
    data: bytes = fh.read(size)
    if len(data) != size:
        raise EOFError
    return data


def font_file_problem(spec: FontSpec) -> str | None:
    """Why this face cannot be embedded, or None. Reads the header and table directory only.

    Checks, in order: the file exists and is readable; a ``.ttc`` has face N; the face has
    TrueType outlines (``glyf``, ``loca``; not CFF); it has the other tables ReportLab reads;
    its licence bits (OS/2 ``fsType``) allow embedding. A file that passes can still be
    damaged inside: ReportLab's parse, at first use, raises `NoticeFontError` then.
    """
    if str(spec.path) in ("", "."):
        return "is not set"
    try:
        with spec.path.open("rb") as fh:
            head = _read_exactly(fh, 12)
            if head[:4] == b"ttcf":
                (count,) = struct.unpack(">I", head[8:12])
                if spec.index >= count:
                    return f"is a collection of {count} face(s): it has no face #{spec.index}"
                fh.seek(12 + 4 * spec.index)
                (offset,) = struct.unpack(">I", _read_exactly(fh, 4))
                fh.seek(offset)
                head = _read_exactly(fh, 12)
            elif spec.index:
                return f"is not a TrueType collection (.ttc): it has no face #{spec.index}"
            if head[:4] == b"OTTO":
                return "has CFF (PostScript) outlines: ReportLab can embed TrueType (glyf) outlines only"
            if head[:4] not in (b"\x00\x01\x00\x00", b"true"):
                return "is not a TrueType font file"
            (num_tables,) = struct.unpack(">H", head[4:6])
            directory = _read_exactly(fh, 16 * num_tables)
            tables = {
                directory[i : i + 4]: struct.unpack(">II", directory[i + 8 : i + 16])
                for i in range(0, len(directory), 16)
            }
            if b"CFF " in tables or b"CFF2" in tables:
                return "has CFF (PostScript) outlines: ReportLab can embed TrueType (glyf) outlines only"
            absent = [tag.decode() for tag in (b"glyf", b"loca") if tag not in tables]
            if absent:
                return f"has no {', '.join(absent)} table: not a TrueType-outline font ReportLab can embed"
            absent = [tag.decode().strip() for tag in _REQUIRED_TABLES if tag not in tables]
            if absent:
                return f"lacks the {', '.join(absent)} table(s) ReportLab reads"
            os2_offset, _length = tables[b"OS/2"]
            fh.seek(os2_offset + 8)
            (fs_type,) = struct.unpack(">H", _read_exactly(fh, 2))
    except FileNotFoundError:
        return "does not exist"
    except IsADirectoryError:
        return "is a folder, not a font file"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    except EOFError:
        return "is truncated or not a font file"
    # fsType bit 1 alone: "restricted licence embedding"; bit 9 (0x200): "bitmap embedding only".
    if fs_type & 0x000F == 0x0002 or fs_type & 0x0200:
        return f"forbids embedding (OS/2 fsType {fs_type:#06x})"
    return None


def _utf16_hex(codepoint: int) -> str:
    return chr(codepoint).encode("utf-16-be", "surrogatepass").hex().upper()


def _to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """ReportLab's `makeToUnicodeCMap`, with UTF-16 for every code point and bfchar blocks of
    at most 100 entries (the PDF limit ReportLab's version exceeds)."""
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
    ]
    entries = [f"<{code:02X}> <{_utf16_hex(cp)}>" for code, cp in enumerate(subset)]
    for start in range(0, len(entries), 100):
        block = entries[start : start + 100]
        lines += [f"{len(block)} beginbfchar", *block, "endbfchar"]
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


# `TTFont.addObjects` looks the function up in its module at call time.
ttfonts.makeToUnicodeCMap = _to_unicode_cmap


def _register(spec: FontSpec) -> Any:
    """Register the face under a name derived from the spec: ReportLab keeps the first font
    registered under a name, so a name must never stand for two files."""
    name = "OW" + hashlib.sha256(str(spec).encode()).hexdigest()[:12]
    try:
        return pdfmetrics.getFont(name)
    except KeyError:
        pass
    font = ttfonts.TTFont(name, str(spec.path), subfontIndex=spec.index)
    pdfmetrics.registerFont(font)
    return pdfmetrics.getFont(name)


class NoticeFonts:
    """The faces of the current settings: the primary one, loaded now, and the fallbacks,
    loaded when a text first needs a character the primary face lacks."""

    def __init__(self, primary: FontSpec, fallbacks: Sequence[FontSpec] = ()) -> None:
        problem = font_file_problem(primary)
        if problem:
            raise NoticeFontError(
                f"The notice font {primary} {problem}. Notices are never printed with a font "
                f"they do not embed. {primary.install_hint('ONEWINDOW_NOTICE_FONT')}"
            )
        try:
            self._primary = _register(primary)
        except Exception as exc:  # ReportLab's parser raises TTFError, KeyError, struct.error …
            raise NoticeFontError(
                f"The notice font {primary} cannot be read by ReportLab ({exc}). "
                f"{primary.install_hint('ONEWINDOW_NOTICE_FONT')}"
            ) from exc
        self.primary_spec = primary
        self.fallback_specs = tuple(fallbacks)
        self.name: str = self._primary.fontName
        self._covered: dict[int, int] = self._primary.face.charToGlyph
        self._fallbacks: list[tuple[str, dict[int, int]]] | None = None
        self._lock = threading.Lock()

    def _load_fallbacks(self) -> list[tuple[str, dict[int, int]]]:
        with self._lock:
            if self._fallbacks is None:
                loaded = []
                for spec in self.fallback_specs:
                    problem = font_file_problem(spec)
                    if problem is None:
                        try:
                            font = _register(spec)
                        except Exception as exc:  # as in __init__: any parse failure
                            problem = f"cannot be read by ReportLab ({exc})"
                        else:
                            loaded.append((str(font.fontName), font.face.charToGlyph))
                            continue
                    logger.warning("Notice fallback font %s %s: skipped.", spec, problem)
                self._fallbacks = loaded
            return self._fallbacks

    def _face_for(self, char: str) -> str | None:
        codepoint = ord(char)
        if codepoint in self._covered:
            return self.name
        for name, covered in self._fallbacks if self._fallbacks is not None else self._load_fallbacks():
            if codepoint in covered:
                return name
        return None

    def runs(self, text: str) -> list[tuple[str, str]]:
        """`text` cut into (registered font name, text) runs, each set in a face that has
        every one of its characters; what no face has is replaced or dropped (module doc)."""
        covered = self._covered
        if all(ord(char) in covered for char in text):
            return [(self.name, text)] if text else []
        runs: list[tuple[str, list[str]]] = []
        missing: dict[int, None] = {}
        for char in text:
            face = self._face_for(char)
            if face is None:
                if char.isspace():
                    face, char = self.name, " "
                elif unicodedata.category(char) in _INVISIBLE_CATEGORIES:
                    continue
                else:
                    missing[ord(char)] = None
                    face, char = self.name, REPLACEMENT
            if runs and runs[-1][0] == face:
                runs[-1][1].append(char)
            else:
                runs.append((face, [char]))
        if missing:
            logger.warning(
                "A notice has %d character(s) that no notice font covers, printed as %s: %s. "
                "Add a TrueType font that has them to ONEWINDOW_NOTICE_FALLBACK_FONTS (docs/notices.md).",
                len(missing),
                REPLACEMENT,
                ", ".join(f"U+{codepoint:04X}" for codepoint in missing),
            )
        return [(face, "".join(chars)) for face, chars in runs]

    def markup(self, text: str) -> str:
        """`text` as Paragraph markup: escaped, each fallback run in its own <font>."""
        return "".join(
            escape(run) if face == self.name else f'<font name="{face}">{escape(run)}</font>'
            for face, run in self.runs(text)
        )

    def draw_centred(self, canvas: Any, x: float, y: float, text: str, size: float) -> None:
        """Canvas counterpart of `markup`: `text` centred on x, run by run."""
        runs = self.runs(text)
        widths = [pdfmetrics.stringWidth(run, face, size) for face, run in runs]
        left = x - sum(widths) / 2
        for (face, run), width in zip(runs, widths, strict=True):
            canvas.setFont(face, size)
            canvas.drawString(left, y, run)
            left += width

    def describe(self) -> str:
        """One line for a benchmark or a log: which files, which faces."""
        face = self._primary.face
        line = (
            f"{face.familyName.decode(errors='replace')} ({self.primary_spec}, TrueType, embedded as subsets)"
        )
        if self.fallback_specs:
            line += "; fallback " + ", ".join(str(spec) for spec in self.fallback_specs)
        return line


_current: NoticeFonts | None = None
_current_lock = threading.Lock()


def configured_specs() -> tuple[FontSpec, tuple[FontSpec, ...]]:
    """The primary and fallback faces the settings name."""
    fallbacks = getattr(settings, "NOTICE_FALLBACK_FONTS", ())
    if isinstance(fallbacks, str):
        fallbacks = [part for part in fallbacks.split(",") if part.strip()]
    return FontSpec.parse(settings.NOTICE_FONT), tuple(FontSpec.parse(value) for value in fallbacks)


def notice_fonts() -> NoticeFonts:
    """The faces of the current settings, loaded once per process (again if the settings
    change). Raises `NoticeFontError` while the primary face is unusable; each call tries
    again, so installing the font needs no restart."""
    global _current
    primary, fallbacks = configured_specs()
    fonts = _current
    if fonts is not None and fonts.primary_spec == primary and fonts.fallback_specs == fallbacks:
        return fonts
    with _current_lock:
        fonts = _current
        if fonts is None or fonts.primary_spec != primary or fonts.fallback_specs != fallbacks:
            fonts = _current = NoticeFonts(primary, fallbacks)
        return fonts
