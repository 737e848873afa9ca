"""Notices built from a case's rows and events, rendered to PDF and read back with pypdf."""

import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from onewindow.cases import services
from onewindow.cases.documents.notice import chinese_date
from onewindow.cases.documents.render import render_notice
from onewindow.cases.errors import CaseError
from onewindow.cases.notices import application_supplement_notice, case_notice
from tests.factories.cases import (
    accepted_case,
    completed_case,
    item_with_procedure,
    make_world,
    ready_case,
    submit,
)

pytestmark = pytest.mark.django_db

SIGNED = services.CommitmentIn(confirmed=True)  # the applicant signed the 容缺 commitment


def pdf_text(notice) -> str:
    pdf = render_notice(notice)
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def test_acceptance_notice_lists_received_materials_and_the_deadline(world, django_assert_max_num_queries):
    case = accepted_case(world)
    with django_assert_max_num_queries(10):  # 3, and the first print issues the binding code
        notice = case_notice(case=case, kind="acceptance")
    with django_assert_max_num_queries(4):  # a reprint reads the valid code
        again = case_notice(case=case, kind="acceptance")
    assert notice.binding_code and again.binding_code == notice.binding_code
    text = pdf_text(notice)
    assert f"绑定码：{notice.binding_code}" in text
    assert "受理通知书" in text and case.number in text and world.item.name in text
    assert "身份证明" in text and world.applicant.name in text
    assert chinese_date(timezone.localdate(case.deadline)) in text
    assert notice.clerk_name == world.clerk.name


def test_acceptance_with_pending_lists_the_tolerated_material_and_its_due_date():
    world = make_world(
        materials=[
            {"code": "id_card", "name": "身份证明"},
            {"code": "health", "name": "健康体检证明", "tolerable": True, "tolerance_days": 5},
        ]
    )
    application = submit(world, materials=["id_card"])
    case = services.application_intake(
        application=application, actor=world.clerk, commitment=SIGNED
    ).accepted_with_pending[0]
    notice = case_notice(case=case, kind="acceptance")
    text = pdf_text(notice)
    assert "容缺受理通知书" in text and "健康体检证明" in text and case.number in text
    assert chinese_date(case.pending_materials_due) in text


def test_refusal_notice_prints_the_reasons_and_basis_of_the_refuse_event(world):
    application = submit(world)
    case = services.case_refuse(
        case=application.cases.get(),
        actor=world.clerk,
        reasons="申请人不具备执业资格",
        legal_basis="《护士条例》第七条",
    )
    text = pdf_text(case_notice(case=case, kind="refusal"))
    assert "不予受理通知书" in text and "申请人不具备执业资格" in text and "《护士条例》第七条" in text
    assert case.number in text and world.item.name in text


def test_supplement_notice_lists_every_missing_material_across_the_application(
    world, django_assert_max_num_queries
):
    second, _v = item_with_procedure(
        center=world.center,
        department=world.department,
        materials=[
            {"code": "id_card", "name": "身份证明"},
            {"code": "licence", "name": "营业执照副本"},
            {"code": "lease", "name": "房屋租赁合同"},
        ],
    )
    application = submit(world, items=[world.item, second], materials=["id_card"])
    result = services.application_intake(application=application, actor=world.clerk, commitment=SIGNED)
    assert result.supplement_requested
    with django_assert_max_num_queries(11):  # 4, and the first print issues the binding code
        notice = application_supplement_notice(application=application)
    assert notice.binding_code and notice.binding_code in pdf_text(notice)
    text = pdf_text(notice)
    assert "一次性告知书" in text and "营业执照副本" in text and "房屋租赁合同" in text
    assert "共2项" in text
    assert "身份证明" not in text.split("共2项")[1]  # handed in: not asked again
    assert result.cases[0].number in text and world.item.name in text and second.name in text
    assert case_notice(case=result.cases[1], kind="supplement").materials == notice.materials


def test_supplement_notice_of_a_complete_application_is_refused(world):
    application = submit(world)
    with pytest.raises(CaseError) as exc:
        application_supplement_notice(application=application)
    assert exc.value.code == "NOTHING_TO_SUPPLEMENT"


def test_completion_notice_says_granted_and_names_the_result(world):
    world.version.result_name = "护士执业证书"
    world.version.save()
    case = completed_case(world)
    text = pdf_text(case_notice(case=case, kind="completion"))
    assert "办结通知书" in text and "准予" in text and "《护士执业证书》" in text and case.number in text


def test_completion_notice_of_a_denial_prints_its_reasons(world):
    case = services.case_decide(
        case=ready_case(world),
        actor=world.approver2,
        decision="denied",
        reasons="体检结论不合格",
        legal_basis="《护士条例》第七条第（四）项",
    )
    case = services.case_complete(case=case, actor=world.approver2)
    text = pdf_text(case_notice(case=case, kind="completion"))
    assert "体检结论不合格" in text and "不予办理" in text and "《护士条例》第七条第（四）项" in text


def test_handover_receipt_by_mail_prints_the_tracking_number(world):
    case = completed_case(world)
    case = services.case_deliver(case=case, actor=world.pickup, method="mail", tracking_number="SF1234567890")
    text = pdf_text(case_notice(case=case, kind="handover"))
    assert "送达回执" in text and "SF1234567890" in text and "邮政寄递" in text and case.number in text


def test_handover_receipt_at_the_window_prints_who_signed(world):
    case = services.case_deliver(
        case=completed_case(world), actor=world.pickup, method="pickup", signed_by="张三"
    )
    text = pdf_text(case_notice(case=case, kind="handover"))
    assert "出件回执" in text and "张三" in text


def test_a_notice_the_case_has_not_reached_is_refused(world):
    case = accepted_case(world)
    for kind in ("refusal", "completion", "handover"):
        with pytest.raises(CaseError) as exc:
            case_notice(case=case, kind=kind)
        assert exc.value.code == "NOTICE_NOT_AVAILABLE"
    with pytest.raises(ValueError):
        case_notice(case=case, kind="nonsense")
