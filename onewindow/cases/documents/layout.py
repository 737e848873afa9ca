"""The page of a notice: the Chinese line breaking, the A4 geometry and styles, the QR code in
the top right corner of a notice's first page, the page numbers per notice, and the tables."""

from __future__ import annotations

import functools
import io
from collections import Counter
from collections.abc import Sequence

import segno
from reportlab.lib import colors
from reportlab.lib import textsplit as _textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle
from reportlab.platypus import paragraph as _paragraph

from onewindow.cases.documents.notice import (
    NUMBER_AFTER_ACCEPTANCE,
    STATUS_TEXT,
    Notice,
    NoticeMaterial,
    chinese_date,
    qr_url,
)
from onewindow.core.fonts import notice_fonts

# ReportLab's CJK line breaker keeps a Japanese list of characters that may not start a line;
# it lacks the full-width Chinese comma, semicolon, colon, ! ? and closing 》〕” ’, so a line
# could begin with "，". Extend the list the breaker reads (idempotent; affects only wrapping).
# Both breakers read it: textsplit (single-style paragraphs) and paragraph (mixed styles).
_CANNOT_START_ZH = "，；：！？》〕”’"
for _module in (_textsplit, _paragraph):
    _module.ALL_CANNOT_START += "".join(c for c in _CANNOT_START_ZH if c not in _module.ALL_CANNOT_START)


# ---------------------------------------------------------------------------------------
# Layout.
# ---------------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 28 * mm, 26 * mm, 37 * mm, 28 * mm
QR_SIZE = 24 * mm
SEAL_RED = colors.HexColor("#C00000")


@functools.cache
def _styles(font: str) -> dict[str, ParagraphStyle]:
    """The paragraph styles, all in the one embedded face (it has one weight: titles are set
    larger, not bold). Keyed by the registered font name, which the settings decide."""
    return {
        "center": ParagraphStyle(
            "center", fontName=font, fontSize=16, leading=22, alignment=TA_CENTER, textColor=SEAL_RED
        ),
        "title": ParagraphStyle("title", fontName=font, fontSize=22, leading=30, alignment=TA_CENTER),
        "subtitle": ParagraphStyle("subtitle", fontName=font, fontSize=14, leading=20, alignment=TA_CENTER),
        "number": ParagraphStyle("number", fontName=font, fontSize=12, leading=18, alignment=TA_CENTER),
        "addressee": ParagraphStyle("addressee", fontName=font, fontSize=12, leading=20, spaceBefore=8),
        "body": ParagraphStyle(
            "body",
            fontName=font,
            fontSize=12,
            leading=20,
            firstLineIndent=24,
            wordWrap="CJK",
            alignment=TA_LEFT,
        ),
        "item": ParagraphStyle("item", fontName=font, fontSize=12, leading=20, leftIndent=24, wordWrap="CJK"),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=10.5, leading=14, wordWrap="CJK"),
        "cellhead": ParagraphStyle("cellhead", fontName=font, fontSize=10.5, leading=14, alignment=TA_CENTER),
        "caption": ParagraphStyle(
            "caption", fontName=font, fontSize=12, leading=18, spaceBefore=6, spaceAfter=4
        ),
        "small": ParagraphStyle("small", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK"),
        "seal": ParagraphStyle(
            "seal", fontName=font, fontSize=12, leading=20, alignment=TA_RIGHT, rightIndent=12
        ),
    }


def _p(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text: escaped, characters the face lacks set in a fallback face."""
    fonts = notice_fonts()
    return Paragraph(fonts.markup(text), _styles(fonts.name)[style])


def _qr_png(case_number: str, query_code: str) -> bytes:
    buffer = io.BytesIO()
    # border=4: the quiet zone the QR standard asks for is part of the image, so the number
    # printed under it never touches the code.
    segno.make(qr_url(case_number, query_code), error="m", micro=False).save(
        buffer, kind="png", scale=8, border=4
    )
    return buffer.getvalue()


class _NoticeStart(Flowable):
    """Zero-size marker opening a notice: tells the page hooks which notice the page belongs to."""

    def __init__(self, seq: int, case_number: str, query_code: str = "") -> None:
        super().__init__()
        self.seq = seq
        self.case_number = case_number
        self.query_code = query_code
        self.width = self.height = 0

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self) -> None:
        canvas = self.canv
        canvas._notice_seq = self.seq
        canvas._notice_case = self.case_number
        canvas._qr_pending = self.case_number
        canvas._qr_code = self.query_code


def _draw_qr(canvas: Canvas, doc) -> None:
    """onPageEnd: the QR of the notice that started on this page, top right, number under it."""
    case_number = getattr(canvas, "_qr_pending", "")
    if not case_number:
        return
    canvas._qr_pending = ""
    query_code = getattr(canvas, "_qr_code", "")
    x = PAGE_WIDTH - MARGIN_RIGHT - QR_SIZE
    y = PAGE_HEIGHT - 8 * mm - QR_SIZE
    canvas.saveState()
    canvas.drawImage(ImageReader(io.BytesIO(_qr_png(case_number, query_code))), x, y, QR_SIZE, QR_SIZE)
    notice_fonts().draw_centred(canvas, x + QR_SIZE / 2, y - 2.5 * mm, case_number, 7)
    if query_code:
        notice_fonts().draw_centred(canvas, x + QR_SIZE / 2, y - 5.5 * mm, f"查询码 {query_code}", 7)
    canvas.restoreState()


class _NoticeCanvas(Canvas):
    """Keeps pages until save() so each notice can print 第 i 页 共 n 页 over its own pages."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._page_states: list[dict] = []
        self._notice_seq = 0
        self._notice_case = ""
        self._qr_pending = ""
        self._qr_code = ""

    def showPage(self) -> None:
        self._page_states.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        totals = Counter(state["_notice_seq"] for state in self._page_states)
        seen: Counter[int] = Counter()
        for state in self._page_states:
            self.__dict__.update(state)
            seen[self._notice_seq] += 1
            if totals[self._notice_seq] > 1:
                notice_fonts().draw_centred(
                    self,
                    PAGE_WIDTH / 2,
                    14 * mm,
                    f"办件编号 {self._notice_case}　第 {seen[self._notice_seq]} 页 共 {totals[self._notice_seq]} 页",
                    9,
                )
            super().showPage()
        super().save()


def _cell_font() -> tuple[str, tuple[int, int], tuple[int, int], str]:
    """A table selects its cells' font before drawing them, Helvetica unless told: a font the
    PDF would reference without embedding, although every cell holds a Paragraph."""
    return ("FONTNAME", (0, 0), (-1, -1), notice_fonts().name)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> Table:
    data = [[_p(h, "cellhead") for h in header]]
    data += [[_p(str(cell), "cell") for cell in row] for row in rows]
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="CENTER")
    table.setStyle(
        TableStyle(
            [
                _cell_font(),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


FRAME_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT


def _materials_table(
    materials: Sequence[NoticeMaterial], *, with_due: bool = False, name_header: str = "材料名称"
) -> Table:
    if with_due:
        header = ("序号", name_header, "形式及份数", "补齐期限", "备注")
        widths = (12 * mm, 56 * mm, 28 * mm, 32 * mm, FRAME_WIDTH - 128 * mm)
        rows = [
            (str(i), m.name, m.form, chinese_date(m.due_date) if m.due_date else "", m.note)
            for i, m in enumerate(materials, 1)
        ]
    else:
        header = ("序号", name_header, "形式及份数", "状态", "备注")
        widths = (12 * mm, 66 * mm, 30 * mm, 22 * mm, FRAME_WIDTH - 130 * mm)
        rows = [(str(i), m.name, m.form, STATUS_TEXT[m.status], m.note) for i, m in enumerate(materials, 1)]
    return _table(header, rows, widths)


def _info_table(notice: Notice) -> Table:
    party = notice.applicant
    label_w, value_w = 24 * mm, FRAME_WIDTH / 2 - 24 * mm
    rows = [
        ("申请人", party.name, party.id_label, party.id_number or "—"),
        ("联系电话", party.mobile or "—", "办件编号", notice.case_number or NUMBER_AFTER_ACCEPTANCE),
        ("申请事项", notice.item_name, "申请编号", notice.application_number or "—"),
        (
            "承办部门",
            notice.department_name or "—",
            "申请时间",
            chinese_date(notice.applied_at or notice.issued_at),
        ),
    ]
    data = [[_p(cell, "cell") for cell in row] for row in rows]
    table = Table(data, colWidths=[label_w, value_w, label_w + 6 * mm, value_w - 6 * mm], hAlign="CENTER")
    table.setStyle(
        TableStyle(
            [
                _cell_font(),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F4F4F4")),
                ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#F4F4F4")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table
