"""The case page: what it shows, who may open it, and every action of its panel through the
real forms (validation, hostile input, stale forms, double submits)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from onewindow.cases import services
from onewindow.cases.models import Case, CaseEvent, CaseTask
from onewindow.core import clock
from onewindow.core.models import PersonalDataAccess
from onewindow.org.models import Role
from tests.factories.cases import (
    accepted_case,
    decided_case,
    in_progress_case,
    item_with_procedure,
    make_world,
    open_tasks,
    submit,
)
from tests.factories.org import DepartmentFactory, ServiceCenterFactory, StaffFactory
from tests.workbench.helpers import sign_in, text

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 11, 23, 10, tzinfo=TZ)


def url(case: Case, action: str = "") -> str:
    return f"/workbench/cases/{case.number}/" + (f"act/{action}/" if action else "")


def post(client, case: Case, action: str, **data):
    case.refresh_from_db()
    return client.post(url(case, action), {"seq": case.event_count, **data})


def events(case: Case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).order_by("seq").values_list("action", flat=True))


# ----------------------------------------------------------------------------- the page


def test_the_page_shows_both_deadlines_the_trail_in_sentences_and_masked_data(client, world):
    with clock.frozen(MONDAY):
        case = in_progress_case(world)
        sign_in(client, world.approver)
        page = text(client.get(url(case)))
    assert case.number in page and world.item.name in page
    assert "2026-11-30" in page and "承诺时限" in page  # promised deadline (5 working days)
    assert "法定时限" in page and "2026-12-21" in page
    assert "剩 5 个工作日" in page
    assert "受理" in page and "传送至后台办理" in page  # the trail as sentences
    assert world.applicant.id_number not in page  # masked
    assert world.applicant.mobile not in page


def test_a_materials_status_is_kept_on_one_line(client, world):
    """已收取 in a narrow column broke as 已收 / 取 at the counter's 1366 px: the status never wraps."""
    case = in_progress_case(world)
    sign_in(client, world.approver)
    body = client.get(url(case)).content.decode()
    statuses = body.count('<span class="text-nowrap" data-testid="material-status">')
    assert statuses == case.materials.count() > 0
    assert '<span class="text-nowrap" data-testid="material-status">已收取</span>' in body


def test_the_page_costs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    case = in_progress_case(world)
    sign_in(client, world.approver)
    client.get(url(case))  # plans memoised
    with django_assert_max_num_queries(16):
        assert client.get(url(case)).status_code == 200
    for _ in range(5):
        services.case_record(case=case, actor=world.approver, action="opinion", opinion="意见")
    with django_assert_max_num_queries(16):
        assert client.get(url(case)).status_code == 200


def test_staff_of_another_department_or_center_get_404(client, world):
    case = in_progress_case(world)
    other_department = StaffFactory(
        center=world.center, department=DepartmentFactory(center=world.center), roles=[Role.APPROVER]
    )
    elsewhere = ServiceCenterFactory()
    other_center = StaffFactory(
        center=elsewhere, department=DepartmentFactory(center=elsewhere), roles=[Role.CHIEF_REPRESENTATIVE]
    )
    task = open_tasks(case)[0]
    for staff in (other_department, other_center):
        sign_in(client, staff)
        assert client.get(url(case)).status_code == 404
        assert post(client, case, "opinion", opinion="x").status_code == 404
        assert client.post(f"/workbench/tasks/{task.pk}/claim/").status_code == 404
    assert client.get("/workbench/cases/NO-SUCH-1/").status_code == 404


def test_revealing_a_personal_value_needs_a_reason_and_writes_the_access_log(client, world):
    case = in_progress_case(world)
    sign_in(client, world.approver)
    reveal = f"/workbench/cases/{case.number}/reveal/"
    refused = client.post(reveal, {"subject": "applicant", "what": "id_number", "why": ""})
    assert refused.status_code == 400 and not PersonalDataAccess.objects.exists()
    assert world.applicant.id_number not in refused.content.decode()
    shown = client.post(reveal, {"subject": "applicant", "what": "id_number", "why": "核对申请人身份"})
    assert shown.status_code == 200 and world.applicant.id_number in shown.content.decode()
    log = PersonalDataAccess.objects.get()
    assert log.why == "核对申请人身份"
    unknown = client.post(reveal, {"subject": "applicant", "what": "password", "why": "核对"})
    assert unknown.status_code == 400 and PersonalDataAccess.objects.count() == 1


def test_the_panel_shows_what_this_person_may_do(client, world):
    case = in_progress_case(world)
    sign_in(client, world.clerk)
    clerk = text(client.get(url(case)))
    assert "同意 / 不同意" not in clerk and "作出决定" not in clerk  # not the clerk's
    sign_in(client, world.approver)
    page = client.get(url(case)).content.decode()
    assert 'data-testid="action-task_complete"' in page
    assert 'data-testid="action-decide"' in page and "还有1项任务未办结" in page  # disabled, with why
    assert 'data-testid="action-extend"' not in page  # the chief representative's
    sign_in(client, world.chief)
    assert 'data-testid="action-extend"' in client.get(url(case)).content.decode()


# ----------------------------------------------------------------------------- the actions


def test_the_window_sends_an_accepted_case_to_the_back_office_once(client, world):
    case = accepted_case(world)
    sign_in(client, world.approver)  # not the approver's step: no button
    assert 'data-testid="action-route"' not in client.get(url(case)).content.decode()
    assert post(client, case, "route").status_code == 400
    sign_in(client, world.clerk)
    page = client.get(url(case)).content.decode()
    assert 'data-testid="action-route"' in page and "送后台办理" in page
    seen = Case.objects.get(pk=case.pk).event_count
    done = client.post(url(case, "route"), {"seq": seen})
    assert done.status_code == 302
    page = client.get(url(case)).content.decode()
    assert "办件已送后台办理" in page and "传送至后台办理" in page  # the message, the trail
    assert 'data-testid="action-route"' not in page
    again = client.post(url(case, "route"), {"seq": seen})  # a double click
    assert again.status_code == 400 and events(case).count("route") == 1
    hostile = client.post(url(case, "route"), {"seq": "-1<script>"})
    assert hostile.status_code == 400 and events(case).count("route") == 1
    case.refresh_from_db()
    assert case.state == "in_progress" and case.open_tasks == 1
    sign_in(client, world.approver)
    assert 'data-testid="action-task_complete"' in client.get(url(case)).content.decode()


def test_an_opinion_is_required_bounded_and_kept_as_typed(client, world):
    case = in_progress_case(world)
    sign_in(client, world.approver)
    empty = post(client, case, "opinion", opinion="   ")
    assert empty.status_code == 400 and "请填写“意见”" in text(empty)
    huge = post(client, case, "opinion", opinion="很" * 2001)
    assert huge.status_code == 400 and "“意见”最多2000个字" in text(huge)
    assert "很" * 2001 in huge.content.decode()  # the form keeps what was typed
    assert "opinion" not in events(case)
    done = post(client, case, "opinion", opinion="材料齐全 ✓ 𠀀")
    assert done.status_code == 302
    assert events(case)[-1] == "opinion"
    assert "材料齐全 ✓ 𠀀" in text(client.get(url(case)))


def test_a_stale_form_is_refused_and_a_double_submit_records_once(client, world):
    case = in_progress_case(world)
    seen = case.event_count
    sign_in(client, world.approver)
    first = client.post(url(case, "opinion"), {"seq": seen, "opinion": "第一次"})
    assert first.status_code == 302
    again = client.post(url(case, "opinion"), {"seq": seen, "opinion": "第一次"})
    assert again.status_code == 400
    assert "有人在您打开后处理了此办件" in text(again)
    assert events(case).count("opinion") == 1
    missing_seq = client.post(url(case, "opinion"), {"opinion": "无序号"})
    assert missing_seq.status_code == 400 and events(case).count("opinion") == 1


def test_two_departments_approve_in_a_joint_stage_then_the_case_is_decided(client, world):
    second = DepartmentFactory(center=world.center)
    item, _version = item_with_procedure(
        center=world.center, department=world.department, stages=[[world.department, second]]
    )
    application = submit(world, items=[item])
    case = services.application_intake(application=application, actor=world.clerk).cases[0]
    case = services.case_route(case=case, actor=world.clerk)
    other = StaffFactory(center=world.center, department=second, roles=[Role.APPROVER])
    mine, theirs = sorted(open_tasks(case), key=lambda t: t.department_id != world.department.pk)
    sign_in(client, other)
    page = client.get(url(case)).content.decode()  # a department with a task sees the case
    assert 'data-testid="action-task_complete"' in page
    assert (
        post(client, case, "task_complete", task=theirs.pk, outcome="approve", opinion="同意").status_code
        == 302
    )
    assert (
        post(client, case, "task_complete", task=mine.pk, outcome="approve", opinion="越权").status_code
        == 400
    )
    sign_in(client, world.approver)
    bad = post(client, case, "task_complete", task=mine.pk, outcome="maybe", opinion="同意")
    assert bad.status_code == 400 and "请从列表中选择“结果”" in text(bad)
    assert (
        post(client, case, "task_complete", task=mine.pk, outcome="approve", opinion="同意").status_code
        == 302
    )
    case.refresh_from_db()
    assert case.open_tasks == 0
    denied = post(client, case, "decide", decision="denied", reasons="", legal_basis="")
    assert denied.status_code == 400 and "请填写“不予许可的理由”" in text(denied)
    assert post(client, case, "decide", decision="granted", opinion="准予").status_code == 302
    case.refresh_from_db()
    assert case.state == "decided" and case.decision == "granted"
    assert post(client, case, "complete", opinion="").status_code == 302
    case.refresh_from_db()
    assert case.state == "completed"
    assert 'data-testid="notice-completion"' in client.get(url(case)).content.decode()


def test_a_disagreeing_department_leads_to_a_denial_with_reasons_and_basis(client, world):
    case = in_progress_case(world)
    sign_in(client, world.approver)
    task = open_tasks(case)[0]
    assert (
        post(client, case, "task_complete", task=task.pk, outcome="reject", opinion="不符合条件").status_code
        == 302
    )
    done = post(
        client,
        case,
        "decide",
        decision="denied",
        reasons="场所不符合要求",
        legal_basis="《行政许可法》第三十八条",
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.decision == "denied"
    assert "场所不符合要求" in text(client.get(url(case)))


def test_suspension_stops_the_clock_and_resuming_moves_both_deadlines(client, world):
    with clock.frozen(MONDAY):
        case = in_progress_case(world)
        before = (case.deadline, case.legal_deadline)
        sign_in(client, world.approver)
        bad = post(client, case, "suspend", reason="hearing", expected_end="2026-13-40")
        assert bad.status_code == 400 and "“预计结束日期”不是日期（YYYY-MM-DD）" in text(bad)
        past = post(client, case, "suspend", reason="hearing", expected_end="2026-11-01")
        assert past.status_code == 400 and "预计结束日期" in text(past)
        empty = post(client, case, "suspend", reason="", expected_end="2026-11-30")
        assert empty.status_code == 400
        other = post(client, case, "suspend", reason="other", expected_end="2026-11-30", note="")
        assert other.status_code == 400 and "请填写“说明”" in text(other)
        assert post(client, case, "suspend", reason="hearing", expected_end="2026-11-30").status_code == 302
        page = text(client.get(url(case)))
        assert "特别程序中" in page and "暂停" in page
    with clock.frozen(MONDAY + dt.timedelta(days=2)):
        assert post(client, case, "resume", note="听证结束").status_code == 302
    case.refresh_from_db()
    assert case.suspended_days == 2
    assert case.deadline > before[0] and case.legal_deadline > before[1]


def test_an_extension_asked_by_the_approver_is_approved_by_the_chief_representative(client, world):
    with clock.frozen(MONDAY):
        case = in_progress_case(world)
        before = case.deadline
        sign_in(client, world.approver)
        for days in ("0", "366", "三", ""):
            assert post(client, case, "extension_request", days=days, reason="需要").status_code == 400
        assert post(client, case, "extension_request", days="3", reason="需补充检测").status_code == 302
        page = client.get(url(case)).content.decode()
        assert "已有延期申请等待首席代表审批" in page  # asking again is disabled, with why
        sign_in(client, world.chief)
        listing = text(client.get("/workbench/extensions/"))
        assert case.number in listing and "需补充检测" in listing
        assert (
            post(client, case, "extend", days="3", reason="需补充检测", back="extensions").status_code == 302
        )
        case.refresh_from_db()
        assert case.extended_days == 3 and case.deadline > before
        assert case.number not in text(client.get("/workbench/extensions/"))


def test_the_chief_representative_refuses_an_extension(client, world):
    case = in_progress_case(world)
    services.case_extension_request(case=case, actor=world.approver, days=2, reason="x")
    sign_in(client, world.chief)
    assert post(client, case, "extension_refuse", reason="").status_code == 400
    assert post(client, case, "extension_refuse", reason="时限充足").status_code == 302
    assert events(case)[-1] == "extension_refuse"


def test_send_back_and_site_inspection(client, world):
    case = in_progress_case(world)
    sign_in(client, world.approver)
    task = open_tasks(case)[0]
    assert (
        post(
            client, case, "request_inspection", department=world.department.pk, limit_days="3", opinion=""
        ).status_code
        == 400
    )
    assert (
        post(
            client, case, "request_inspection", department="999999", limit_days="3", opinion="看现场"
        ).status_code
        == 400
    )
    assert (
        post(
            client,
            case,
            "request_inspection",
            department=world.department.pk,
            limit_days="3",
            opinion="看现场",
        ).status_code
        == 302
    )
    assert CaseTask.objects.filter(case=case, action="inspect", state="open").exists()
    for t in open_tasks(case):
        post(client, case, "task_complete", task=t.pk, outcome="approve", opinion="同意")
    assert post(client, case, "send_back", to_stage="7", opinion="重审").status_code == 400
    assert post(client, case, "send_back", to_stage="1", opinion="重审").status_code == 302
    assert CaseTask.objects.get(pk=task.pk).state == "open"


def test_report_up_and_back(client, db):
    county = ServiceCenterFactory()
    world = make_world()
    world.center.parent = county
    world.center.save(update_fields=["parent"])
    upper = DepartmentFactory(center=county)
    upper_staff = StaffFactory(center=county, department=upper, roles=[Role.APPROVER])
    case = in_progress_case(world)
    sign_in(client, world.chief)
    assert (
        post(
            client, case, "report_up", department=world.department.pk, limit_days="5", opinion="请上级审查"
        ).status_code
        == 400
    )
    assert (
        post(client, case, "report_up", department=upper.pk, limit_days="5", opinion="请上级审查").status_code
        == 302
    )
    task = CaseTask.objects.get(case=case, department=upper)
    sign_in(client, upper_staff)
    page = client.get(url(case)).content.decode()
    assert 'data-testid="action-report_back"' in page
    assert (
        post(client, case, "report_back", task=task.pk, outcome="approve", opinion="同意").status_code == 302
    )
    case.refresh_from_db()
    assert case.reported_to_id is None


def test_the_htmx_answer_is_the_page_body_with_the_moved_deadline(client, world):
    with clock.frozen(MONDAY):
        case = in_progress_case(world)
        sign_in(client, world.chief)
        case.refresh_from_db()
        response = client.post(
            url(case, "extend"),
            {"seq": case.event_count, "days": "2", "reason": "复杂"},
            HTTP_HX_REQUEST="true",
        )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="case-body"' in body and "<html" not in body
    assert "2026-12-02" in body  # 5 + 2 working days from Monday 23 November


def test_decided_case_shows_no_decide_again(client, world):
    case = decided_case(world)
    sign_in(client, world.approver)
    page = client.get(url(case)).content.decode()
    assert 'data-testid="action-decide"' not in page
    assert 'data-testid="action-complete"' in page
    assert post(client, case, "decide", decision="granted").status_code == 400
