"""What a notice is and says: its kinds, the official wording (Chinese by regulation, see the
package docstring), and the data the engine hands over, checked on construction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onewindow.cases.models import Decision
from onewindow.catalog.models import DeliveryMethod
from onewindow.core.fields import mask_address, mask_id_number, mask_phone


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
    # The how-manieth notice of its kind the case had: a second one-time notice (the supplemented
    # materials were refused again) is its own paper with its own number (…之2).
    ordinal: int = 1
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
        if self.ordinal < 1:
            raise ValueError("a notice's ordinal starts at 1")
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
        """〔2026〕受字第 <case number> 号: unique because the case number is, readable at the window;
        the case's second notice of a kind (a second one-time notice) is 〔2026〕补字第 <number>之2 号."""
        year = timezone.localtime(self.issued_at).year
        number = self.case_number or NUMBER_AFTER_ACCEPTANCE
        if self.ordinal > 1:
            number = f"{number}之{self.ordinal}"
        return f"〔{year}〕{NUMBER_WORDS[self.kind]}字第 {number} 号"

    @property
    def filename(self) -> str:
        suffix = f"-{self.ordinal}" if self.ordinal > 1 else ""
        return f"{self.case_number or 'draft'}-{NoticeKind(self.kind).value}{suffix}.pdf"


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
