"""PDF notices handed to applicants: 受理、不予受理、一次性告知、办结通知书 and 出件（送达）回执.

The renderer knows nothing about the models. The engine builds a `Notice` (plain frozen
dataclasses, values it already has) and calls `render_notice()`; this keeps rendering
testable without a database and lets the engine decide when a notice is due.

Why the notice wording is Chinese literals here and not gettext: these are official
administrative documents (文书). Their text is prescribed by the 行政许可法 and the local
规范 and must read the same whatever language the clerk's screen uses, so the notice body
is Chinese by regulation, kept in the constants below. Only what a clerk sees in the UI
(the enum labels) goes through gettext, with English msgids as everywhere else.

Invariants:
- a `NoticeParty` never holds a full ID number, USCC or phone: it masks on construction
  (values that already contain ``*`` are taken as masked);
- `issued_at` must be aware; dates print in the center's time zone as ``2026年11月3日``
  (Arabic numerals, no leading zeros — GB/T 9704-2012 for 成文日期);
- every notice starts on a new page, carries a QR code of the public progress page in the
  top right corner of its first page and, when it runs over one page, ``第 i 页 共 n 页``
  numbered per notice (so a bundle PDF of several notices still reads correctly);
- user-supplied text is escaped before it reaches ReportLab's paragraph markup;
- every font the PDF uses is embedded, as TrueType subsets (`onewindow.core.fonts`,
  docs/decisions/0012-notice-font.md), so the notice prints the same on a machine without a
  Chinese font: paragraphs, table cells and canvas strings all name the notice face (ReportLab
  would otherwise select Helvetica, which it never embeds), and a character the face lacks is
  set in an embedded fallback face or printed as 〓, never left blank.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from reportlab.lib import colors
from reportlab.lib import textsplit as _textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as _paragraph
from reportlab.platypus.flowables import HRFlowable

from onewindow.cases.models import Decision
from onewindow.catalog.models import DeliveryMethod
from onewindow.core.fields import mask_address, mask_id_number, mask_phone
from onewindow.core.fonts import notice_fonts

# ReportLab's CJK line breaker keeps a Japanese list of characters that may not start a line;
# it lacks the full-width Chinese comma, semicolon, colon, ! ? and closing 》〕” ’, so a line
# could begin with "，". Extend the list the breaker reads (idempotent; affects only wrapping).
# Both breakers read it: textsplit (single-style paragraphs) and paragraph (mixed styles).
_CANNOT_START_ZH = "，；：！？》〕”’"
for _module in (_textsplit, _paragraph):
    _module.ALL_CANNOT_START += "".join(c for c in _CANNOT_START_ZH if c not in _module.ALL_CANNOT_START)


class NoticeKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("acceptance notice")
    REFUSAL = "refusal", _("refusal notice")
    SUPPLEMENT = "supplement", _("supplement notice (one-time list)")
    COMPLETION = "completion", _("completion notice")
    HANDOVER = "handover", _("handover receipt")
    COMMITMENT = "commitment", _("tolerance commitment letter (容缺受理承诺书)")
    PROXY = "proxy", _("proxy authorisation slip (代办委托书)")


class MaterialStatus(models.TextChoices):
    """Same values as `ApplicationMaterial.Status`, plus what only a notice says of a material."""

    RECEIVED = "received", _("received")
    PENDING = "pending", _("pending (tolerated)")
    MISSING = "missing", _("missing")
    REJECTED = "rejected", _("rejected")
    COMMITTED = "committed", _("replaced by a commitment (告知承诺)")
    RETURNED = "returned", _("returned")
    DELIVERED = "delivered", _("delivered")


# ---------------------------------------------------------------------------------------
# Official wording (Chinese by regulation, see the module docstring).
# ---------------------------------------------------------------------------------------

TITLES = {
    NoticeKind.ACCEPTANCE: "受理通知书",
    NoticeKind.REFUSAL: "不予受理通知书",
    NoticeKind.SUPPLEMENT: "一次性告知书",
    NoticeKind.COMPLETION: "办结通知书",
    NoticeKind.HANDOVER: "出件回执",
    NoticeKind.COMMITMENT: "容缺受理承诺书",
    NoticeKind.PROXY: "代办委托书",
}
TITLE_ACCEPTANCE_WITH_PENDING = "容缺受理通知书"
TITLE_HANDOVER_DELIVERED = "送达回执"
SUBTITLE_SUPPLEMENT = "（补正材料通知书）"

# The 字 of the notice number: 〔2026〕受字第 XTX-20261123-0001 号.
NUMBER_WORDS = {
    NoticeKind.ACCEPTANCE: "受",
    NoticeKind.REFUSAL: "不受",
    NoticeKind.SUPPLEMENT: "补",
    NoticeKind.COMPLETION: "结",
    NoticeKind.HANDOVER: "送",
    NoticeKind.COMMITMENT: "诺",
    NoticeKind.PROXY: "代",
}

# Procedural basis per notice when the item gives none (行政许可法 第三十二条、第三十八条).
PROCEDURE_BASIS = {
    NoticeKind.ACCEPTANCE: "《中华人民共和国行政许可法》第三十二条第一款第（五）项",
    NoticeKind.REFUSAL: "《中华人民共和国行政许可法》第三十二条第一款",
    NoticeKind.SUPPLEMENT: "《中华人民共和国行政许可法》第三十二条第一款第（四）项",
    NoticeKind.COMPLETION: "《中华人民共和国行政许可法》第三十八条",
    NoticeKind.HANDOVER: "",
    NoticeKind.COMMITMENT: "",
    NoticeKind.PROXY: "",
}
# Printed in place of the case number on a commitment letter printed before acceptance.
NUMBER_AFTER_ACCEPTANCE = "受理后编号"

STATUS_TEXT = {
    MaterialStatus.RECEIVED: "已收取",
    MaterialStatus.PENDING: "容缺后补",
    MaterialStatus.MISSING: "未提交",
    MaterialStatus.REJECTED: "不符合要求",
    MaterialStatus.COMMITTED: "告知承诺",
    MaterialStatus.RETURNED: "已退还",
    MaterialStatus.DELIVERED: "已送达",
}

DELIVERY_TEXT = {
    DeliveryMethod.PICKUP: "窗口领取",
    DeliveryMethod.MAIL: "邮政寄递",
    DeliveryMethod.ELECTRONIC: "电子送达",
}

REVIEW_TIME_EXCLUDED = (
    "依法需要听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审和公示的，所需时间不计算在上述期限内。"
)
COPIES_CLAUSE = "本通知书一式两份，一份交申请人，一份由本机关存档。"


def remedies_text(*, review_body: str = "", court: str = "") -> str:
    """The standard 救济途径 sentence (行政复议法 第二十条, 行政诉讼法 第四十六条).

    Name the review body (e.g. ``某某县人民政府``) and court when known; otherwise the
    wording stays general, which is still correct.
    """
    review = f"向{review_body}申请行政复议" if review_body else "依法申请行政复议"
    litigate = f"依法向{court}提起行政诉讼" if court else "依法向人民法院提起行政诉讼"
    return (
        f"如对本决定不服，可以自收到本通知书之日起六十日内{review}，"
        f"也可以自收到本通知书之日起六个月内{litigate}。"
    )


DEFAULT_REMEDIES = remedies_text()


# ---------------------------------------------------------------------------------------
# The data the engine hands over.
# ---------------------------------------------------------------------------------------


def _masked(value: str, mask) -> str:
    value = (value or "").strip()
    if not value or "*" in value:
        return value
    return mask(value)


@dataclass(frozen=True)
class NoticeParty:
    """The addressee. ID/USCC and phone are masked on construction; pass raw or masked values."""

    name: str
    id_number: str = ""
    mobile: str = ""
    organisation: bool = False

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a notice needs the applicant's name")
        object.__setattr__(self, "id_number", _masked(self.id_number, mask_id_number))
        object.__setattr__(self, "mobile", _masked(self.mobile, mask_phone))

    @property
    def id_label(self) -> str:
        return "统一社会信用代码" if self.organisation else "身份证件号码"


@dataclass(frozen=True)
class NoticeMaterial:
    """One row of a materials table.

    `form` is the free text of form and copies (``原件1份``, ``复印件2份（加盖公章）``);
    `note` says what is wrong or required; `due_date` is the 补齐期限 of a tolerated material.
    """

    name: str
    form: str = ""
    status: str = MaterialStatus.RECEIVED
    note: str = ""
    due_date: dt.date | None = None

    def __post_init__(self) -> None:
        if self.status not in MaterialStatus.values:
            raise ValueError(f"unknown material status {self.status!r}")
        object.__setattr__(self, "status", MaterialStatus(self.status))


@dataclass(frozen=True)
class Notice:
    """Everything printed on one notice. Sequences are stored as tuples (the notice is immutable).

    Kind-specific requirements, checked here so a wrong official document is never printed:
    refusal needs `reasons`; supplement needs `materials` (the complete list to supplement,
    each `missing` or `rejected`);
    acceptance may not list missing/rejected materials and each pending one needs its
    `due_date`; completion needs `decision`, and a denial needs `reasons`; handover needs
    `delivery_method`.
    """

    kind: str
    case_number: str
    center_name: str
    department_name: str
    item_name: str
    applicant: NoticeParty
    issued_at: dt.datetime
    clerk_name: str = ""
    application_number: str = ""
    applied_at: dt.datetime | None = None
    reasons: Sequence[str] = ()
    legal_basis: str = ""
    procedure_basis: str = ""
    materials: Sequence[NoticeMaterial] = ()
    promised_deadline: dt.date | None = None
    supplement_due: dt.date | None = None
    decision: str = ""
    decision_text: str = ""
    result_name: str = ""
    delivery_method: str = ""
    delivery_address: str = ""
    pickup_place: str = ""
    tracking_number: str = ""
    carrier: str = ""
    signed_by: str = ""
    signer_document: str = ""  # the collector's document number, masked (not the applicant)
    remedies: str = ""
    consult_phone: str = ""
    complaint_phone: str = ""
    query_code: str = ""  # printed under the QR code; with the number it opens the progress page
    # A commitment letter: how its signature was recorded ("" while it waits to be signed).
    signature_record: str = ""
    # The portal binding code of the applicant (acceptance and supplement notices; ABCD-EFGH) and
    # its last valid day: whoever holds the paper may see the applicant's cases online.
    binding_code: str = ""
    binding_code_until: dt.date | None = None
    proxy_agent_name: str = ""  # the 代办员 of a proxy slip
    proxy_station: str = ""  # the village station the agent works at
    consented_at: dt.datetime | None = None  # when the agent recorded the applicant's consent
    extra: Sequence[str] = field(default=())

    def __post_init__(self) -> None:
        if self.kind not in NoticeKind.values:
            raise ValueError(f"unknown notice kind {self.kind!r}")
        kind = NoticeKind(self.kind)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "reasons", tuple(r for r in self.reasons if r.strip()))
        object.__setattr__(self, "materials", tuple(self.materials))
        object.__setattr__(self, "extra", tuple(self.extra))
        object.__setattr__(self, "delivery_address", _masked(self.delivery_address, mask_address))
        if not self.case_number.strip() and kind != NoticeKind.COMMITMENT:
            raise ValueError("a notice needs the case number")  # a commitment is signed before it
        for name in ("issued_at", "applied_at"):
            value = getattr(self, name)
            if value is not None and timezone.is_naive(value):
                raise ValueError(f"{name} must be an aware datetime")
        if self.decision and self.decision not in Decision.values:
            raise ValueError(f"unknown decision {self.decision!r}")
        if self.delivery_method and self.delivery_method not in DeliveryMethod.values:
            raise ValueError(f"unknown delivery method {self.delivery_method!r}")
        if kind == NoticeKind.REFUSAL and not self.reasons:
            raise ValueError("a refusal notice must state its reasons")
        if kind == NoticeKind.SUPPLEMENT:
            if not self.materials:
                raise ValueError("a supplement notice must list every material to supplement")
            for m in self.materials:
                if m.status not in (MaterialStatus.MISSING, MaterialStatus.REJECTED):
                    raise ValueError(f"material {m.name!r} is {m.status}: not one to supplement")
        if kind == NoticeKind.ACCEPTANCE:
            for m in self.materials:
                if m.status in (MaterialStatus.MISSING, MaterialStatus.REJECTED):
                    raise ValueError(f"cannot accept with material {m.name!r} {m.status}")
                if m.status == MaterialStatus.PENDING and m.due_date is None:
                    raise ValueError(f"tolerated material {m.name!r} needs its due date")
        if kind == NoticeKind.COMPLETION:
            if not self.decision:
                raise ValueError("a completion notice needs the decision")
            if self.decision == Decision.DENIED and not self.reasons:
                raise ValueError("a denial must state its reasons")
        if kind == NoticeKind.HANDOVER and not self.delivery_method:
            raise ValueError("a handover receipt needs the delivery method")
        if kind == NoticeKind.COMMITMENT:
            if not self.materials:
                raise ValueError("a commitment letter lists the tolerated materials")
            for m in self.materials:
                if m.status != MaterialStatus.PENDING or m.due_date is None:
                    raise ValueError(f"material {m.name!r} is not tolerated with a due date")
        if kind == NoticeKind.PROXY and not (self.proxy_agent_name.strip() and self.proxy_station.strip()):
            raise ValueError("a proxy slip needs the agent and the station")

    @property
    def pending_materials(self) -> tuple[NoticeMaterial, ...]:
        return tuple(m for m in self.materials if m.status == MaterialStatus.PENDING)

    @property
    def title(self) -> str:
        if self.kind == NoticeKind.ACCEPTANCE and self.pending_materials:
            return TITLE_ACCEPTANCE_WITH_PENDING
        if self.kind == NoticeKind.HANDOVER and self.delivery_method != DeliveryMethod.PICKUP:
            return TITLE_HANDOVER_DELIVERED
        return TITLES[self.kind]

    @property
    def notice_number(self) -> str:
        """〔2026〕受字第 <case number> 号: unique because the case number is, readable at the window."""
        year = timezone.localtime(self.issued_at).year
        return f"〔{year}〕{NUMBER_WORDS[self.kind]}字第 {self.case_number or NUMBER_AFTER_ACCEPTANCE} 号"

    @property
    def filename(self) -> str:
        return f"{self.case_number or 'draft'}-{NoticeKind(self.kind).value}.pdf"


def qr_url(case_number: str, query_code: str = "") -> str:
    """The public progress page a notice's QR code opens: the number and the query code, so the
    holder of the paper sees the case at once (without the code the page asks for it)."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    query = urlencode({"number": case_number, **({"code": query_code} if query_code else {})})
    return f"{base}/progress/?{query}"


def chinese_date(value: dt.date | dt.datetime) -> str:
    """2026年11月3日 — aware datetimes are taken in the center's time zone first."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def chinese_datetime(value: dt.datetime) -> str:
    local = timezone.localtime(value)
    return f"{chinese_date(local)} {local.hour}时{local.minute:02d}分"


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


def _numbered(lines: Iterable[str]) -> list[Paragraph]:
    numerals = "一二三四五六七八九十"
    out = []
    for i, line in enumerate(lines):
        mark = numerals[i] if i < len(numerals) else str(i + 1)
        out.append(_p(f"（{mark}）{line}", "item"))
    return out


def _applied(notice: Notice) -> str:
    return f"你（单位）于{chinese_date(notice.applied_at or notice.issued_at)}提出的{notice.item_name}申请"


def _basis(notice: Notice) -> str:
    return notice.procedure_basis or PROCEDURE_BASIS[notice.kind]


def _contact_lines(notice: Notice) -> list[Paragraph]:
    out = [_p("办理进度可扫描本通知书右上角二维码，或凭办件编号在政务服务网、政务服务中心查询。")]
    phones = []
    if notice.consult_phone:
        phones.append(f"如有疑问，请拨打咨询电话{notice.consult_phone}")
    if notice.complaint_phone:
        phones.append(f"对办理过程有意见或建议的，可拨打投诉电话{notice.complaint_phone}")
    if phones:
        out.append(_p("；".join(phones) + "。"))
    return out


def _binding_lines(notice: Notice) -> list[Paragraph]:
    if not notice.binding_code:
        return []
    until = f"，{chinese_date(notice.binding_code_until)}前有效" if notice.binding_code_until else ""
    return [
        _p(
            f"网上办事大厅绑定码：{notice.binding_code}（仅限使用一次{until}）。"
            "登录网上办事大厅，在“绑定办件”中输入此码，即可在“我的办件”中查看本人的全部办件。"
            "请妥善保管，勿告知他人。"
        )
    ]


def _acceptance(notice: Notice) -> list[Flowable]:
    received = [m for m in notice.materials if m.status != MaterialStatus.PENDING]
    pending = notice.pending_materials
    out: list[Flowable] = []
    if pending:
        out.append(
            _p(
                f"{_applied(notice)}，经审查，主要申请材料齐全、符合法定形式，部分非主要材料暂缺。"
                f"根据{_basis(notice)}和容缺受理的有关规定，决定予以容缺受理。"
            )
        )
    else:
        out.append(
            _p(
                f"{_applied(notice)}，经审查，申请材料齐全、符合法定形式，"
                f"根据{_basis(notice)}的规定，决定予以受理。"
            )
        )
    if notice.promised_deadline:
        out.append(
            _p(f"本机关承诺于{chinese_date(notice.promised_deadline)}前作出决定。{REVIEW_TIME_EXCLUDED}")
        )
    else:
        out.append(_p(f"本机关将在法定期限内作出决定。{REVIEW_TIME_EXCLUDED}"))
    if pending:
        out.append(
            _p(
                "你（单位）应当按照承诺，在下表所列期限内补齐容缺材料；"
                "逾期未补齐的，本机关将按照容缺受理的有关规定终止办理。"
            )
        )
        out.append(_p("容缺材料清单：", "caption"))
        out.append(_materials_table(pending, with_due=True))
    committed = [m for m in received if m.status == MaterialStatus.COMMITTED]
    if committed:
        names = "、".join(f"《{m.name}》" for m in committed)
        out.append(
            _p(
                f"根据告知承诺制的有关规定，{names}以你（单位）的书面承诺代替。"
                "承诺不实的，本机关将依法撤销相关决定，并记入信用记录。"
            )
        )
    if received:
        out.append(_p("已收取材料清单：", "caption"))
        out.append(_materials_table(received))
    out.append(Spacer(1, 4))
    out += _contact_lines(notice)
    out += _binding_lines(notice)
    out.append(_p(COPIES_CLAUSE))
    return out


def _refusal(notice: Notice) -> list[Flowable]:
    out: list[Flowable] = [_p(f"{_applied(notice)}，经审查，存在下列情形：")]
    out += _numbered(notice.reasons)
    out.append(_p(f"根据{_basis(notice)}的规定，决定不予受理。"))
    if notice.materials:
        out.append(_p("你（单位）提交的申请材料已按下表退还：", "body"))
        out.append(_materials_table(notice.materials))
    out.append(_p(notice.remedies or DEFAULT_REMEDIES))
    out += _contact_lines(notice)
    out.append(_p(COPIES_CLAUSE))
    return out


def _supplement(notice: Notice) -> list[Flowable]:
    out: list[Flowable] = [
        _p(
            f"{_applied(notice)}，经审查，申请材料不齐全或者不符合法定形式。"
            f"根据{_basis(notice)}的规定，现将需要补正的全部材料一次性告知如下（共{len(notice.materials)}项）："
        ),
        _materials_table(notice.materials),
        Spacer(1, 6),
    ]
    due = f"于{chinese_date(notice.supplement_due)}前" if notice.supplement_due else ""
    out.append(_p(f"请你（单位）按照上述要求{due}补正全部材料后，向本窗口重新提交。"))
    out.append(
        _p(
            "本通知书所列即为需要补正的全部内容，本机关不再要求补正本通知书以外的材料。"
            "本通知书不作为受理凭证：该申请尚未受理，办理时限尚未起算，"
            "自补正材料齐全、予以受理之日起计算。"
        )
    )
    out += _contact_lines(notice)
    out += _binding_lines(notice)
    out.append(_p(COPIES_CLAUSE))
    return out


def _collection(notice: Notice) -> list[Flowable]:
    result = f"《{notice.result_name}》" if notice.result_name else "办理结果"
    method = notice.delivery_method
    if method == DeliveryMethod.MAIL:
        text = f"{result}将通过邮政寄递送达"
        if notice.delivery_address:
            text += f"你（单位）预留的地址（{notice.delivery_address}）"
        text += "，请注意查收"
        if notice.tracking_number:
            text += f"，快递单号：{notice.tracking_number}"
        return [_p(text + "。")]
    if method == DeliveryMethod.ELECTRONIC:
        return [_p(f"{result}已通过电子方式送达，你（单位）可登录政务服务网或扫描本通知书二维码查看、下载。")]
    place = notice.pickup_place or f"{notice.center_name}统一出件窗口"
    return [
        _p(
            f"请于工作时间凭本通知书及有效身份证件到{place}领取{result}；"
            "委托他人领取的，受托人须同时出示授权委托书及本人有效身份证件。"
        )
    ]


def _completion(notice: Notice) -> list[Flowable]:
    basis = notice.legal_basis or _basis(notice)
    out: list[Flowable] = [_p(f"{_applied(notice)}（办件编号：{notice.case_number}），现已办结。")]
    if notice.decision == Decision.GRANTED:
        out.append(
            _p(
                f"经审查，你（单位）的申请符合法定条件、标准，根据{basis}的规定，本机关决定准予办理。"
                + (notice.decision_text or "")
            )
        )
        out += _collection(notice)
    else:
        out.append(_p("经审查，你（单位）的申请不符合法定条件、标准，理由如下："))
        out += _numbered(notice.reasons)
        out.append(_p(f"根据{basis}的规定，本机关决定不予办理。" + (notice.decision_text or "")))
        out.append(_p(notice.remedies or DEFAULT_REMEDIES))
    out += _contact_lines(notice)
    return out


def _handover(notice: Notice) -> list[Flowable]:
    method = DeliveryMethod(notice.delivery_method)
    documents = notice.materials or (
        NoticeMaterial(
            name=notice.result_name or f"{notice.item_name}办理结果",
            form="1份",
            status=MaterialStatus.DELIVERED,
        ),
    )
    out: list[Flowable] = [
        _p(f"你（单位）申请的{notice.item_name}（办件编号：{notice.case_number}）已办结，办理结果清单如下："),
        _materials_table(documents, name_header="文书（证照）名称"),
        Spacer(1, 6),
    ]
    details = [f"送达方式：{DELIVERY_TEXT[method]}"]
    if notice.carrier:
        details.append(f"寄递企业：{notice.carrier}")
    if notice.tracking_number:
        details.append(f"快递单号：{notice.tracking_number}")
    if notice.delivery_address:
        details.append(f"送达地址：{notice.delivery_address}")
    details.append(f"送达时间：{chinese_datetime(notice.issued_at)}")
    out += [_p(line, "item") for line in details]
    if notice.decision_text:
        out.append(_p(notice.decision_text))
    out.append(Spacer(1, 10))
    signer = notice.signed_by or "＿＿＿＿＿＿＿＿"
    out.append(
        KeepTogether(
            [
                _p(
                    f"签收人（签名）：{signer}　　证件号码：{notice.signer_document or '＿＿＿＿＿＿＿＿'}",
                    "item",
                ),
                _p("签收时间：　　　　年　　月　　日　　时　　分", "item"),
                _p(f"送达人：{notice.clerk_name or '＿＿＿＿＿＿＿＿'}", "item"),
                _p(
                    "签收人对上述结果有异议的，请当场提出。本回执一式两份，一份交签收人，一份存档备查。",
                    "small",
                ),
            ]
        )
    )
    return out


def _commitment(notice: Notice) -> list[Flowable]:
    """容缺受理承诺书: the applicant's own promise, addressed to the center, signed by them.
    Printed before acceptance (no number yet, no QR) to be signed at the window, and again
    from the case with its number, QR code and how the signature was recorded."""
    out: list[Flowable] = [
        _p(
            f"本人（单位）于{chinese_date(notice.applied_at or notice.issued_at)}申请办理{notice.item_name}，"
            "下列申请材料暂不能提供，现申请容缺受理，并郑重承诺："
        ),
        _p("容缺材料及补齐期限：", "caption"),
        _materials_table(notice.materials, with_due=True),
        Spacer(1, 4),
    ]
    out += _numbered(
        [
            "已提交的申请材料真实、合法、有效，如有虚假，愿意承担相应的法律责任；",
            "在上表所列期限内向受理窗口补齐容缺材料，补齐的材料与已提交材料的内容一致；",
            "逾期未补齐，或者补齐的材料不符合要求的，同意受理机关按照容缺受理的有关规定终止办理，"
            "已作出的决定依法撤销，由此产生的一切后果由本人（单位）承担，并按规定记入信用记录。",
        ]
    )
    if notice.case_number:
        out.append(_p("办理进度可扫描本承诺书右上角二维码，或凭办件编号在政务服务网、政务服务中心查询。"))
    out.append(
        _p(
            f"本承诺书由{notice.center_name}于{chinese_date(notice.issued_at)}出具，一式两份，一份交承诺人，一份由受理机关存档。"
        )
    )
    out.append(
        KeepTogether(
            [
                Spacer(1, 10),
                _p("承诺人（签名或盖章）：＿＿＿＿＿＿＿＿＿＿＿＿", "item"),
                _p("身份证件号码：＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿", "item"),
                _p("签署日期：　　　　年　　月　　日", "item"),
                _p(f"经办人：{notice.clerk_name or '＿＿＿＿＿＿＿＿'}", "item"),
                *([_p(f"签署记录：{notice.signature_record}", "small")] if notice.signature_record else []),
            ]
        )
    )
    return out


def _proxy(notice: Notice) -> list[Flowable]:
    """代办委托书: the applicant authorises the village station's agent to apply for them."""
    party = notice.applicant
    who = f"{party.name}（{party.id_label}：{party.id_number or '—'}）"
    consent = (
        f"，代办员已于{chinese_datetime(notice.consented_at)}记录本人同意" if notice.consented_at else ""
    )
    delivery = DELIVERY_TEXT.get(DeliveryMethod(notice.delivery_method), "") if notice.delivery_method else ""
    out: list[Flowable] = [
        _p(
            f"本人{who}自愿委托{notice.proxy_station}代办员{notice.proxy_agent_name}，"
            f"代为向{notice.center_name}申请办理{notice.item_name}（申请编号{notice.application_number}）{consent}。"
        ),
        _p("委托权限如下："),
        *_numbered(
            [
                "查阅办事指南，代为填写申请表、提交申请材料及其扫描件；",
                "代为接收乡镇便民服务中心审核意见、政务服务中心预审意见及一次性告知，并代为补正材料；",
                "代为领取办理结果" + (f"（送达方式：{delivery}）" if delivery else "") + "。",
            ]
        ),
        _p(
            "本人保证所提供的申请材料真实、合法、有效，并对其真实性负责。"
            "代办员不得收取任何费用，不得将本人的身份信息及材料用于本次申请以外的用途。"
            "本人可随时撤回委托，撤回前代办员已完成的行为有效。"
        ),
    ]
    out.append(_p("办理进度可扫描右上角二维码查询。本委托书一式两份，委托人与代办点各执一份。"))
    return out


_BODIES = {
    NoticeKind.ACCEPTANCE: _acceptance,
    NoticeKind.REFUSAL: _refusal,
    NoticeKind.SUPPLEMENT: _supplement,
    NoticeKind.COMPLETION: _completion,
    NoticeKind.HANDOVER: _handover,
    NoticeKind.COMMITMENT: _commitment,
    NoticeKind.PROXY: _proxy,
}


def _notice_flowables(notice: Notice, seq: int) -> list[Flowable]:
    out: list[Flowable] = [_NoticeStart(seq, notice.case_number, notice.query_code)]
    out.append(_p(notice.center_name, "center"))
    out.append(Spacer(1, 4))
    out.append(_p(notice.title, "title"))
    if notice.kind == NoticeKind.SUPPLEMENT:
        out.append(_p(SUBTITLE_SUPPLEMENT, "subtitle"))
    out.append(_p(notice.notice_number, "number"))
    out.append(HRFlowable(width="100%", thickness=1.2, color=SEAL_RED, spaceBefore=2, spaceAfter=8))
    out.append(_info_table(notice))
    if notice.legal_basis and notice.kind != NoticeKind.HANDOVER:
        out.append(_p(f"设定依据：{notice.legal_basis}", "small"))
    if notice.kind == NoticeKind.COMMITMENT:  # the applicant writes to the center and signs
        out.append(_p(f"{notice.center_name}：", "addressee"))
        out += _commitment(notice)
        out += [_p(line) for line in notice.extra]
        return out
    out.append(_p(f"{notice.applicant.name}：", "addressee"))
    out += _BODIES[notice.kind](notice)
    out += [_p(line) for line in notice.extra]
    # The seal never stands alone on a page (GB/T 9704 7.3.5): it keeps the last paragraph with it.
    # (A body's closing KeepTogether is flattened into it: nested KeepTogethers jump pages early.)
    signature: list[Flowable] = []
    if isinstance(out[-1], KeepTogether):
        signature += out.pop()._content
    elif isinstance(out[-1], Paragraph):
        signature.append(out.pop())
    signature.append(Spacer(1, 12))
    if notice.kind == NoticeKind.PROXY:
        signature += [
            _p("委托人（签字并捺印）：＿＿＿＿＿＿＿＿＿＿", "item"),
            _p("代办员（签字）：＿＿＿＿＿＿＿＿＿＿", "item"),
            Spacer(1, 6),
            _p(f"{notice.proxy_station}（代办点）", "seal"),
            _p("（盖章）", "seal"),
            _p(chinese_date(notice.issued_at), "seal"),
        ]
        out.append(KeepTogether(signature))
        return out
    if notice.clerk_name and notice.kind != NoticeKind.HANDOVER:
        signature.append(_p(f"经办人：{notice.clerk_name}", "small"))
    signature += [
        Spacer(1, 6),
        _p(notice.department_name or notice.center_name, "seal"),
        _p("（盖章）", "seal"),
        _p(chinese_date(notice.issued_at), "seal"),
    ]
    out.append(KeepTogether(signature))
    return out


def render_notices(notices: Iterable[Notice]) -> bytes:
    """Several notices in one PDF (a bundle's notices, a batch print); each starts a new page."""
    notices = list(notices)
    if not notices:
        raise ValueError("nothing to render")
    buffer = io.BytesIO()
    first = notices[0]
    fonts = notice_fonts()  # raises NoticeFontError before any work when the font is unusable
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        # The canvas starts every page with this font selected: ReportLab's default, Helvetica,
        # would put a font in the PDF that it does not embed.
        initialFontName=fonts.name,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=f"{first.title} {first.case_number}" if len(notices) == 1 else f"通知书 {first.case_number} 等",
        author=first.center_name,
        subject=first.item_name,
        creator="OneWindow",
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="notice", frames=[frame], onPageEnd=_draw_qr)])
    story: list[Flowable] = []
    for seq, notice in enumerate(notices):
        if seq:
            story.append(PageBreak())
        story += _notice_flowables(notice, seq)
    doc.build(story, canvasmaker=_NoticeCanvas)
    return buffer.getvalue()


def render_notice(notice: Notice) -> bytes:
    """One notice as a PDF (A4, Chinese, QR code of the progress page on its first page)."""
    return render_notices([notice])


def render_binding_slip(
    *, center_name: str, applicant_name: str, code: str, until: dt.date, issued_at: dt.datetime
) -> bytes:
    """The slip a window prints with an applicant's portal binding code (绑定码告知单): A4 with
    the code large, the applicant's name, and how to use it."""
    fonts = notice_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        initialFontName=fonts.name,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title="网上办事大厅绑定码告知单",
        author=center_name,
        creator="OneWindow",
    )
    story: list[Flowable] = [
        _p(center_name, "center"),
        Spacer(1, 8),
        _p("网上办事大厅绑定码告知单", "title"),
        Spacer(1, 12),
        _p(f"{applicant_name}：", "addressee"),
        _p("你（单位）的网上办事大厅绑定码为：", "body"),
        Spacer(1, 6),
        _p(code, "title"),
        Spacer(1, 6),
        _p(f"此码仅可使用一次，{chinese_date(until)}前有效。", "body"),
        _p(
            "请用本人手机号码注册并登录网上办事大厅，在“我的账号”中选择“绑定办件”并输入此码。"
            "绑定后，你（单位）在各窗口和网上办理的全部办件均可在“我的办件”中查看进度、期限和通知书。",
            "body",
        ),
        _p("持有此码者即可查看你（单位）的办件，请妥善保管，勿告知他人；如遗失，请到窗口重新领取。", "body"),
        Spacer(1, 18),
        _p(center_name, "seal"),
        _p(chinese_date(issued_at), "seal"),
    ]
    doc.build(story)
    return buffer.getvalue()
