"""PDF notices: what the applicant reads on the paper the window hands over.

Each test renders a real PDF, reads it back with pypdf and checks the printed text.
The embedded TrueType subsets carry ToUnicode maps, so pypdf extracts the Chinese; line
wrapping inserts newlines anywhere, hence `_text()` drops all whitespace before asserting.
"""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import segno
from pypdf import PdfReader

from onewindow.cases.documents.notice import (
    DEFAULT_REMEDIES,
    MaterialStatus,
    Notice,
    NoticeKind,
    NoticeMaterial,
    NoticeParty,
    qr_url,
    remedies_text,
)
from onewindow.cases.documents.render import render_notice, render_notices

SHANGHAI = ZoneInfo("Asia/Shanghai")
ID_NUMBER = "110105198001010012"
PHONE = "13812345678"
CASE_NUMBER = "XTX-20261123-0007"


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pages(pdf: bytes) -> list[str]:
    return [_squash(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _text(pdf: bytes) -> str:
    return "".join(_pages(pdf))


def _notice(kind: str, **overrides) -> Notice:
    values = {
        "kind": kind,
        "case_number": CASE_NUMBER,
        "application_number": "SQ-20261123-0003",
        "center_name": "某某县政务服务中心",
        "department_name": "某某县市场监督管理局",
        "item_name": "食品经营许可",
        "applicant": NoticeParty(name="王小明", id_number=ID_NUMBER, mobile=PHONE),
        "issued_at": dt.datetime(2026, 11, 23, 10, 30, tzinfo=SHANGHAI),
        "applied_at": dt.datetime(2026, 11, 20, 9, 15, tzinfo=SHANGHAI),
        "clerk_name": "李晓华",
        "legal_basis": "《中华人民共和国食品安全法》第三十五条",
        "consult_phone": "0537-3211234",
        "complaint_phone": "12345",
    }
    values.update(overrides)
    return Notice(**values)


def _completion(**overrides) -> Notice:
    values = {
        "decision": "granted",
        "decision_text": "核发《食品经营许可证》（许可证编号：JY13708820000123）。",
        "result_name": "食品经营许可证",
        "delivery_method": "pickup",
        "pickup_place": "某某县政务服务中心一楼统一出件窗口",
    }
    values.update(overrides)
    return _notice(NoticeKind.COMPLETION, **values)


def _every_kind() -> list[Notice]:
    return [
        _notice(NoticeKind.ACCEPTANCE, promised_deadline=dt.date(2026, 12, 4)),
        _notice(NoticeKind.REFUSAL, reasons=["申请事项依法不需要取得行政许可"]),
        _notice(
            NoticeKind.SUPPLEMENT,
            materials=[NoticeMaterial("食品安全管理制度文本", "原件1份", MaterialStatus.MISSING)],
        ),
        _completion(),
        _notice(NoticeKind.HANDOVER, delivery_method="pickup", result_name="食品经营许可证"),
        _notice(
            NoticeKind.COMMITMENT,
            materials=[NoticeMaterial("场地租赁合同", status="pending", due_date=dt.date(2026, 12, 4))],
        ),
        _notice(
            NoticeKind.PROXY,
            proxy_agent_name="赵代办",
            proxy_station="东村便民服务站",
            delivery_method="pickup",
            application_number="SQ20261123000008",
        ),
    ]


def test_qr_url_is_the_public_progress_page_with_the_number_and_the_query_code(settings):
    settings.PUBLIC_BASE_URL = "https://zwfw.example.gov.cn"
    assert qr_url(CASE_NUMBER, "K7M2P9QX") == (
        f"https://zwfw.example.gov.cn/progress/?number={CASE_NUMBER}&code=K7M2P9QX"
    )
    assert qr_url(CASE_NUMBER) == f"https://zwfw.example.gov.cn/progress/?number={CASE_NUMBER}"


def test_the_query_code_is_printed_under_the_qr_code(settings):
    pdf = render_notice(
        _notice(NoticeKind.REFUSAL, reasons=["申请事项依法不需要取得行政许可"], query_code="K7M2P9QX")
    )
    assert "查询码 K7M2P9QX" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_qr_image_on_the_notice_is_the_code_of_the_progress_url(settings):
    """No QR decoder here: compare the embedded pixels with the code segno makes for the URL."""
    settings.PUBLIC_BASE_URL = "https://zwfw.example.gov.cn"
    pdf = render_notice(_notice(NoticeKind.REFUSAL, reasons=["申请事项依法不需要取得行政许可"]))
    image = PdfReader(io.BytesIO(pdf)).pages[0].images[0].image.convert("L")
    modules = list(segno.make(qr_url(CASE_NUMBER), error="m", micro=False).matrix_iter(scale=1, border=4))
    scale = image.size[0] // len(modules)

    assert image.size == (len(modules) * scale, len(modules) * scale)
    printed = [
        [
            image.getpixel((col * scale + scale // 2, row * scale + scale // 2)) < 128
            for col in range(len(modules))
        ]
        for row in range(len(modules))
    ]
    assert printed == [[bool(dark) for dark in row] for row in modules]
    other = list(segno.make(qr_url("XTX-20261123-0008"), error="m", micro=False).matrix_iter(border=4))
    assert printed != [[bool(dark) for dark in row] for row in other]


@pytest.mark.parametrize(
    ("notice", "title", "number_line"),
    list(
        zip(
            _every_kind(),
            [
                "受理通知书",
                "不予受理通知书",
                "一次性告知书",
                "办结通知书",
                "出件回执",
                "容缺受理承诺书",
                "代办委托书",
            ],
            ["受字第", "不受字第", "补字第", "结字第", "送字第", "诺字第", "代字第"],
            strict=True,
        )
    ),
    ids=[kind.value for kind in NoticeKind],
)
def test_every_notice_shows_title_number_applicant_seal_and_qr(notice, title, number_line):
    pdf = render_notice(notice)
    reader = PdfReader(io.BytesIO(pdf))
    first = _squash(reader.pages[0].extract_text())
    text = _text(pdf)

    assert pdf.startswith(b"%PDF-")
    assert title in first
    assert f"〔2026〕{number_line}{CASE_NUMBER}号" in first
    assert "某某县政务服务中心" in first
    if notice.kind == NoticeKind.COMMITMENT:  # the applicant writes to the center, and signs
        assert "某某县政务服务中心：" in text
        assert "承诺人（签名或盖章）" in text
    else:
        assert "王小明：" in text
        assert "（盖章）" in text
    assert "110105********0012" in text
    assert ID_NUMBER not in text
    assert "138****5678" in text
    assert PHONE not in text
    assert "2026年11月23日" in text
    images = [
        xobject.get_object()
        for xobject in reader.pages[0]["/Resources"]["/XObject"].values()
        if xobject.get_object()["/Subtype"] == "/Image"
    ]
    assert len(images) == 1


def test_acceptance_promises_the_deadline_in_chinese_date_format():
    notice = _notice(
        NoticeKind.ACCEPTANCE,
        promised_deadline=dt.date(2026, 12, 4),
        materials=[
            NoticeMaterial("营业执照", "复印件1份"),
            NoticeMaterial("经营场所使用证明", "原件1份", note="租赁合同"),
        ],
    )

    text = _text(render_notice(notice))

    assert "你（单位）于2026年11月20日提出的食品经营许可申请" in text
    assert "申请材料齐全、符合法定形式" in text
    assert "《中华人民共和国行政许可法》第三十二条第一款第（五）项" in text
    assert "决定予以受理" in text
    assert "本机关承诺于2026年12月4日前作出决定" in text
    assert "2026年12月04日" not in text
    assert "已收取材料清单" in text
    assert "营业执照" in text
    assert "经营场所使用证明" in text
    assert "容缺" not in text


def test_acceptance_with_pending_materials_lists_each_with_its_due_date():
    notice = _notice(
        NoticeKind.ACCEPTANCE,
        promised_deadline=dt.date(2026, 12, 4),
        materials=[
            NoticeMaterial("营业执照", "复印件1份"),
            NoticeMaterial("从业人员健康证明", "复印件1份", "pending", due_date=dt.date(2026, 11, 30)),
        ],
    )

    text = _text(render_notice(notice))

    assert "容缺受理通知书" in text
    assert "决定予以容缺受理" in text
    assert "容缺材料清单" in text
    assert "从业人员健康证明" in text
    assert "2026年11月30日" in text


def test_acceptance_rejects_inconsistent_materials():
    with pytest.raises(ValueError, match="due date"):
        _notice(NoticeKind.ACCEPTANCE, materials=[NoticeMaterial("健康证明", status="pending")])
    with pytest.raises(ValueError, match="cannot accept"):
        _notice(NoticeKind.ACCEPTANCE, materials=[NoticeMaterial("健康证明", status="missing")])


def test_refusal_states_every_reason_and_the_remedies():
    reasons = [
        "申请事项依法不属于本机关职权范围，请向某某市生态环境局提出申请",
        "申请人不具备法律、法规规定的申请主体资格",
    ]
    notice = _notice(NoticeKind.REFUSAL, reasons=reasons)

    text = _text(render_notice(notice))

    assert "不予受理通知书" in text
    assert "（一）" + reasons[0] in text
    assert "（二）" + reasons[1] in text
    assert "决定不予受理" in text
    assert _squash(DEFAULT_REMEDIES) in text
    assert "六十日内依法申请行政复议" in text
    assert "六个月内依法向人民法院提起行政诉讼" in text


def test_refusal_prints_a_named_review_body_and_court():
    remedies = remedies_text(review_body="某某县人民政府", court="某某县人民法院")
    notice = _notice(NoticeKind.REFUSAL, reasons=["申请事项依法不需要取得行政许可"], remedies=remedies)

    text = _text(render_notice(notice))

    assert "六十日内向某某县人民政府申请行政复议" in text
    assert "六个月内依法向某某县人民法院提起行政诉讼" in text


def test_refusal_without_reasons_is_never_printed():
    with pytest.raises(ValueError, match="reasons"):
        _notice(NoticeKind.REFUSAL, reasons=["  "])


def test_supplement_lists_every_missing_material_at_once_and_says_the_clock_has_not_started():
    materials = [
        NoticeMaterial("食品安全管理制度文本", "原件1份", "missing"),
        NoticeMaterial("主要设备设施布局图", "原件1份", "rejected", note="须标明操作流程"),
        NoticeMaterial("法定代表人授权委托书", "原件1份", "missing", note="须加盖公章"),
    ]
    notice = _notice(NoticeKind.SUPPLEMENT, materials=materials, supplement_due=dt.date(2026, 11, 28))

    text = _text(render_notice(notice))

    assert "一次性告知书" in text
    assert "（补正材料通知书）" in text
    assert "一次性告知如下（共3项）" in text
    for material in materials:
        assert material.name in text
    assert "须标明操作流程" in text
    assert "不符合要求" in text
    assert "于2026年11月28日前补正全部材料" in text
    assert "本机关不再要求补正本通知书以外的材料" in text
    assert "本通知书不作为受理凭证" in text
    assert "办理时限尚未起算" in text


def test_supplement_without_materials_is_never_printed():
    with pytest.raises(ValueError, match="every material"):
        _notice(NoticeKind.SUPPLEMENT, materials=[])


def test_supplement_refuses_a_material_that_was_received():
    with pytest.raises(ValueError, match="not one to supplement"):
        _notice(
            NoticeKind.SUPPLEMENT,
            materials=[
                NoticeMaterial("营业执照", "复印件1份", "received"),
                NoticeMaterial("健康证明", status="missing"),
            ],
        )


def test_long_materials_list_flows_onto_later_pages_with_page_numbers():
    materials = [
        NoticeMaterial(f"第{i:02d}号补正证明材料", "原件1份", "missing", note="须加盖公章")
        for i in range(1, 41)
    ]
    pdf = render_notice(_notice(NoticeKind.SUPPLEMENT, materials=materials))
    pages = _pages(pdf)
    text = "".join(pages)

    assert len(pages) >= 2
    for material in materials:
        assert material.name in text
    assert "第01号补正证明材料" in pages[0]
    assert "第40号补正证明材料" not in pages[0]
    assert f"第1页共{len(pages)}页" in pages[0]
    assert f"第{len(pages)}页共{len(pages)}页" in pages[-1]
    # the table header repeats on the continuation page
    assert "材料名称" in pages[1]


def test_seal_never_stands_alone_on_a_page():
    # Growing lists move the end of the notice across every position of a page.
    for count in range(1, 41):
        materials = [NoticeMaterial(f"第{i:02d}号补正证明材料", "原件1份", "missing") for i in range(count)]
        pages = _pages(render_notice(_notice(NoticeKind.SUPPLEMENT, materials=materials)))

        sealed = [page for page in pages if "（盖章）" in page]
        assert len(sealed) == 1
        assert "本通知书一式两份" in sealed[0], count


def test_single_page_notice_has_no_page_numbers():
    pages = _pages(render_notice(_notice(NoticeKind.REFUSAL, reasons=["申请事项依法不需要取得行政许可"])))

    assert len(pages) == 1
    assert "第1页共1页" not in pages[0]


def test_completion_granted_states_the_decision_and_how_to_collect():
    text = _text(render_notice(_completion()))

    assert "办结通知书" in text
    assert "现已办结" in text
    assert "决定准予办理" in text
    assert "许可证编号：JY13708820000123" in text
    assert "到某某县政务服务中心一楼统一出件窗口领取《食品经营许可证》" in text
    assert "行政复议" not in text


def test_completion_by_mail_gives_the_tracking_number_and_a_masked_address():
    notice = _completion(
        delivery_method="mail",
        tracking_number="1151234567890",
        delivery_address="山东省济宁市某某县人民路88号3单元",
    )

    text = _text(render_notice(notice))

    assert "邮政寄递" in text
    assert "快递单号：1151234567890" in text
    assert "山东省济宁市****" in text
    assert "人民路88号" not in text


def test_completion_denied_states_reasons_and_remedies():
    notice = _completion(decision="denied", decision_text="", reasons=["现场核查经营场所与申报材料不符"])

    text = _text(render_notice(notice))

    assert "（一）现场核查经营场所与申报材料不符" in text
    assert "决定不予办理" in text
    assert "六十日内依法申请行政复议" in text
    assert "领取" not in text


def test_completion_needs_a_decision_and_a_denial_needs_reasons():
    with pytest.raises(ValueError, match="decision"):
        _completion(decision="")
    with pytest.raises(ValueError, match="reasons"):
        _completion(decision="denied")


def test_handover_at_the_window_has_signature_lines():
    notice = _notice(NoticeKind.HANDOVER, delivery_method="pickup", result_name="食品经营许可证")

    text = _text(render_notice(notice))

    assert "出件回执" in text
    assert "文书（证照）名称" in text
    assert "食品经营许可证" in text
    assert "送达方式：窗口领取" in text
    assert "签收人（签名）：" in text
    assert "签收时间：年月日时分" in text
    assert "送达人：李晓华" in text
    assert "送达时间：2026年11月23日10时30分" in text


def test_handover_by_mail_is_a_delivery_receipt_with_tracking_number_and_signer():
    notice = _notice(
        NoticeKind.HANDOVER,
        delivery_method="mail",
        tracking_number="1151234567890",
        signed_by="王小明",
        materials=[
            NoticeMaterial("食品经营许可证（正本）", "1份", "delivered"),
            NoticeMaterial("食品经营许可证（副本）", "1份", "delivered"),
        ],
    )

    text = _text(render_notice(notice))

    assert "送达回执" in text
    assert "出件回执" not in text
    assert "快递单号：1151234567890" in text
    assert "签收人（签名）：王小明" in text
    assert "食品经营许可证（正本）" in text
    assert "食品经营许可证（副本）" in text


def test_issue_date_is_the_center_local_date():
    # 17:00 UTC on the 22nd is already the 23rd in Shanghai.
    notice = _notice(
        NoticeKind.REFUSAL,
        reasons=["申请事项依法不需要取得行政许可"],
        issued_at=dt.datetime(2026, 11, 22, 17, 0, tzinfo=dt.UTC),
    )

    text = _text(render_notice(notice))

    assert "（盖章）2026年11月23日" in text
    assert "2026年11月22日" not in text


def test_naive_issue_time_is_rejected():
    with pytest.raises(ValueError, match="aware"):
        _notice(NoticeKind.ACCEPTANCE, issued_at=dt.datetime(2026, 11, 23, 10, 30))


def test_party_never_keeps_the_full_id_or_phone():
    party = NoticeParty(name="某某餐饮管理有限公司", id_number="91370882MA3C12345X", organisation=True)

    assert party.id_number == "913708********345X"
    assert party.id_label == "统一社会信用代码"
    assert NoticeParty(name="王小明", id_number="110105********0012").id_number == "110105********0012"


def test_markup_characters_in_user_text_are_printed_literally():
    notice = _notice(
        NoticeKind.REFUSAL,
        applicant=NoticeParty(name="A&B<餐饮>有限公司", id_number="91370882MA3C12345X", organisation=True),
        reasons=["<b>营业执照</b>与申请人名称不一致 & 无法核验"],
    )

    text = _text(render_notice(notice))

    assert "A&B<餐饮>有限公司：" in text
    assert "<b>营业执照</b>与申请人名称不一致&无法核验" in text


def test_no_line_starts_with_closing_chinese_punctuation():
    # Prefixes of every length move the marks across every wrap position of the line.
    # (Two closing marks in a row, like "》，", are beyond ReportLab's one-character hanging.)
    reasons = ["甲" * k + "申请人名称，与营业执照；不一致：经核查《食品经营许可证》已注销" for k in range(40)]
    pdf = render_notice(_notice(NoticeKind.REFUSAL, reasons=reasons))

    lines = [
        line.strip() for page in PdfReader(io.BytesIO(pdf)).pages for line in page.extract_text().splitlines()
    ]

    assert _text(pdf).count("已注销") == 40
    assert [line for line in lines if line[:1] in set("，；：。、》）")] == []


def test_render_notices_puts_each_notice_on_its_own_pages_with_its_own_qr():
    notices = _every_kind()

    pdf = render_notices(notices)
    reader = PdfReader(io.BytesIO(pdf))
    pages = [_squash(page.extract_text()) for page in reader.pages]

    assert len(pages) == len(notices)
    for page, title in zip(
        pages,
        [
            "受理通知书",
            "不予受理通知书",
            "一次性告知书",
            "办结通知书",
            "出件回执",
            "容缺受理承诺书",
            "代办委托书",
        ],
        strict=True,
    ):
        assert title in page
        assert "第1页共" not in page
    for page in reader.pages:
        xobjects = page["/Resources"]["/XObject"].values()
        assert any(x.get_object()["/Subtype"] == "/Image" for x in xobjects)


def test_render_notices_numbers_pages_per_notice():
    long_supplement = _notice(
        NoticeKind.SUPPLEMENT,
        materials=[NoticeMaterial(f"第{i:02d}号补正证明材料", "原件1份", "missing") for i in range(1, 41)],
    )
    refusal = _notice(NoticeKind.REFUSAL, reasons=["申请事项依法不需要取得行政许可"])

    pages = _pages(render_notices([long_supplement, refusal]))

    total = len(pages) - 1
    assert total >= 2
    assert f"第{total}页共{total}页" in pages[total - 1]
    assert "不予受理通知书" in pages[-1]
    assert "页共" not in pages[-1]


def test_render_notices_needs_at_least_one_notice():
    with pytest.raises(ValueError, match="nothing"):
        render_notices([])


def test_the_commitment_letter_lists_materials_due_dates_consequences_and_a_signature_line():
    notice = _notice(
        NoticeKind.COMMITMENT,
        materials=[NoticeMaterial("场地租赁合同", status="pending", due_date=dt.date(2026, 12, 4))],
        signature_record="李四于2026年11月23日记录：经办人确认申请人已当场签署。",
    )
    text = _text(render_notice(notice))
    assert "容缺受理承诺书" in text
    assert "场地租赁合同" in text and "2026年12月4日" in text
    assert "终止办理" in text and "信用记录" in text  # the consequences of being late
    assert "承诺人（签名或盖章）" in text and "签署日期" in text
    assert "经办人确认申请人已当场签署" in text


def test_a_commitment_letter_printed_before_acceptance_has_no_number_and_no_qr():
    notice = _notice(
        NoticeKind.COMMITMENT,
        case_number="",
        materials=[NoticeMaterial("场地租赁合同", status="pending", due_date=dt.date(2026, 12, 4))],
    )
    pdf = render_notice(notice)
    reader = PdfReader(io.BytesIO(pdf))
    assert "受理后编号" in _text(pdf)
    assert "/XObject" not in reader.pages[0]["/Resources"]


@pytest.mark.parametrize(
    "materials",
    [
        [],
        [NoticeMaterial("场地租赁合同", status="pending")],
        [NoticeMaterial("场地租赁合同", status="received")],
    ],
    ids=["none", "no-due-date", "not-tolerated"],
)
def test_a_commitment_letter_needs_tolerated_materials_with_due_dates(materials):
    with pytest.raises(ValueError):
        _notice(NoticeKind.COMMITMENT, materials=materials)


def test_no_other_notice_goes_without_a_case_number():
    with pytest.raises(ValueError, match="case number"):
        _notice(NoticeKind.REFUSAL, case_number="", reasons=["申请事项依法不需要取得行政许可"])
