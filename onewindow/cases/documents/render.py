"""The PDFs: one notice or several in one file (each starts a new page, headed and sealed), and the
portal binding slip."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from reportlab.lib.pagesizes import A4
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
)
from reportlab.platypus.flowables import HRFlowable

from onewindow.cases.documents.bodies import _BODIES, _commitment
from onewindow.cases.documents.layout import (
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    SEAL_RED,
    _draw_qr,
    _info_table,
    _NoticeCanvas,
    _NoticeStart,
    _p,
)
from onewindow.cases.documents.notice import SUBTITLE_SUPPLEMENT, Notice, NoticeKind, chinese_date
from onewindow.core.fonts import notice_fonts


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
