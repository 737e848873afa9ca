"""The body of each kind of notice, and the paragraphs the bodies share."""

from __future__ import annotations

from collections.abc import Iterable

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from onewindow.cases.documents.layout import _materials_table, _p
from onewindow.cases.documents.notice import (
    COPIES_CLAUSE,
    DEFAULT_REMEDIES,
    DELIVERY_TEXT,
    PROCEDURE_BASIS,
    REVIEW_TIME_EXCLUDED,
    MaterialStatus,
    Notice,
    NoticeKind,
    NoticeMaterial,
    chinese_date,
    chinese_datetime,
)
from onewindow.cases.models import Decision
from onewindow.catalog.models import DeliveryMethod


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
