"""The trail as sentences: who (with their post), when, what; applicants masked."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from onewindow.cases import selectors, services
from onewindow.cases.presenters import case_trail
from onewindow.core import clock
from tests.factories.cases import in_progress_case, make_world, open_tasks

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def test_each_event_reads_as_a_chinese_sentence_with_who_and_when():
    world = make_world()
    with clock.frozen(dt.datetime(2026, 12, 1, 10, 2, tzinfo=TZ)):
        case = in_progress_case(world)
        task = open_tasks(case)[0]
        services.task_complete(task=task, actor=world.approver, opinion="同意")
        services.case_decide(
            case=case, actor=world.approver2, decision="denied", reasons="不符", legal_basis="某法"
        )
    with translation.override("zh-hans"):
        lines = case_trail(events=selectors.case_timeline(case=case))
    sentences = [line.sentence for line in lines]
    assert lines[1].when == "12月1日 10:02"
    assert sentences[1] == f"{world.center.name}{world.clerk.name}受理"
    assert sentences[2].endswith("传送至后台办理")
    assert sentences[3] == f"{world.department.name}{world.approver.name}在“{task.name}”中同意"
    assert sentences[4].endswith("作出不予许可决定：不符（依据：某法）")
    assert lines[3].opinion == "同意"


def test_an_applicant_acting_online_is_named_masked_and_an_unknown_action_still_reads():
    world = make_world()
    application = services.application_create(
        center=world.center,
        applicant=world.applicant,
        items=[world.item],
        channel="portal",
        materials=["id_card"],
        actor=world.applicant,
        state="prereview",
    )
    case = application.cases.get()
    with translation.override("zh-hans"):
        (line,) = case_trail(events=selectors.case_timeline(case=case))
    assert world.applicant.name not in line.sentence
    assert line.sentence.startswith("申请人" + world.applicant.name[0])
    assert "网上办事大厅" in line.sentence or "提交申请" in line.sentence


def test_the_trail_costs_two_queries(django_assert_max_num_queries):
    world = make_world()
    case = in_progress_case(world)
    for _ in range(5):
        services.case_record(case=case, actor=world.approver, action="opinion", opinion="意见")
    with django_assert_max_num_queries(2):
        lines = case_trail(events=selectors.case_timeline(case=case))
    assert len(lines) == 8


def test_a_tolerated_acceptance_says_the_applicant_signed_the_commitment():
    from tests.factories.cases import item_with_procedure, submit

    world = make_world()
    item, _version = item_with_procedure(
        center=world.center,
        department=world.department,
        materials=[{"code": "lease", "name": "场地租赁合同", "tolerable": True, "tolerance_days": 3}],
    )
    application = submit(world, items=[item], materials=[])
    (case,) = services.application_intake(
        application=application, actor=world.clerk, commitment=services.CommitmentIn(confirmed=True)
    ).accepted_with_pending
    with translation.override("zh-hans"):
        sentence = case_trail(events=selectors.case_timeline(case=case))[1].sentence
    assert "场地租赁合同" in sentence and "容缺受理承诺书" in sentence


@pytest.mark.parametrize(
    ("method", "extra", "says"),
    [
        ("pickup", {"signed_by": "张三"}, "办理结果已在窗口领取"),
        ("mail", {"tracking_number": "SF1234567890"}, "办理结果已邮寄送达（快递单号 SF1234567890）"),
        ("electronic", {}, "办理结果已电子送达"),
    ],
)
def test_the_citizen_reads_once_how_the_result_went_out_whatever_the_windows_name(method, extra, says):
    """The demo's pickup window is named 统一出件（邮寄送达）: a result collected there read
    "统一出件（邮寄送达）送达（窗口领取）", two methods in one line."""
    from onewindow.cases.presenters import citizen_trail
    from onewindow.org.models import Window
    from tests.factories.cases import completed_case
    from tests.factories.org import WindowFactory

    world = make_world()
    world.pickup.window = WindowFactory(
        center=world.center, kind=Window.Kind.PICKUP, name="统一出件（邮寄送达）"
    )
    world.pickup.save(update_fields=["window"])
    if method == "mail":
        world.applicant.address = "山东省新泰市青云路1号"
    case = completed_case(world)
    if method == "mail":
        case.application.delivery_address = "山东省新泰市青云路1号"
        case.application.save(update_fields=["delivery_address"])
    case = services.case_deliver(case=case, actor=world.pickup, method=method, **extra)
    with translation.override("zh-hans"):
        citizen = citizen_trail(events=selectors.case_timeline(case=case))[-1].sentence
        staff = case_trail(events=selectors.case_timeline(case=case))[-1].sentence
    assert citizen == says
    assert "邮寄" not in citizen or method == "mail"
    label = {"pickup": "窗口领取", "mail": "邮寄", "electronic": "电子"}[method]
    assert staff.endswith(f"出件，送达方式：{label}") and staff.count("（") == 1  # the window's own name only
