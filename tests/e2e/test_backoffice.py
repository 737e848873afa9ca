"""The back office in a real browser: signed in through the real page, every step a click or a key.

Screenshots (docs/screenshots with ONEWINDOW_SCREENSHOTS_DIR) illustrate docs/guide-approver.md
and docs/guide-chief-representative.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from onewindow.cases import services
from onewindow.cases.models import Case
from onewindow.cases.plans import version_plan_cache_clear
from onewindow.core import clock
from onewindow.org.models import Role, ServiceCenter
from tests.e2e.conftest import action, agree, opened, sign_in, switch_to, top
from tests.factories.cases import item_with_procedure
from tests.factories.org import ApplicantFactory, DepartmentFactory, ServiceCenterFactory, StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)
TZ = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 11, 23, 9, 30, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _fresh_plans():
    version_plan_cache_clear()
    yield
    version_plan_cache_clear()


@dataclass
class Hall:
    center: ServiceCenter
    clerk: object
    market: object  # 市场监督管理局
    fire: object  # 消防救援大队
    approver: object
    approver2: object
    fire_approver: object
    chief: object


def hall() -> Hall:
    center = ServiceCenterFactory(name="安和县政务服务中心")
    market = DepartmentFactory(center=center, name="安和县市场监督管理局")
    fire = DepartmentFactory(center=center, name="安和县消防救援大队")
    return Hall(
        center=center,
        clerk=StaffFactory(center=center, roles=[Role.INTAKE_CLERK], name="张三"),
        market=market,
        fire=fire,
        approver=StaffFactory(center=center, department=market, roles=[Role.APPROVER], name="王审批"),
        approver2=StaffFactory(center=center, department=market, roles=[Role.APPROVER], name="赵审核"),
        fire_approver=StaffFactory(center=center, department=fire, roles=[Role.APPROVER], name="陈消防"),
        chief=StaffFactory(
            center=center, department=market, roles=[Role.CHIEF_REPRESENTATIVE], name="刘首席"
        ),
    )


def routed_case(h: Hall, *, joint: bool) -> Case:
    item, _version = item_with_procedure(
        center=h.center,
        department=h.market,
        stages=[[h.market, h.fire]] if joint else [[h.market]],
        name="公众聚集场所投入使用、营业前消防安全检查" if joint else "食品经营许可（新办）",
        promised=5,
        legal=20,
    )
    applicant = ApplicantFactory(name="李四")
    application = services.application_create(
        center=h.center,
        applicant=applicant,
        items=[item],
        channel="window",
        materials=["id_card"],
        actor=h.clerk,
    )
    case = services.application_intake(application=application, actor=h.clerk).cases[0]
    return services.case_route(case=case, actor=h.clerk)


def test_two_departments_approve_in_a_joint_stage_and_the_case_is_decided(page, shot):
    with clock.frozen(MONDAY):
        h = hall()
        case = routed_case(h, joint=True)
        sign_in(page, h.fire_approver.user.username)
        page.click("[data-testid=nav] >> text=部门待办")
        opened(page, "[data-testid=inbox-row]")  # the claim below is htmx's
        top(page)
        shot("inbox")
        page.click("[data-testid=claim]")
        page.wait_for_selector("[data-testid=inbox-row] >> text=陈消防")
        page.click(f"text={case.number}")
        opened(page, "[data-testid=panel]")  # its forms are htmx's
        top(page)
        shot("case-page")
        agree(page, "消防设施符合要求，同意。")
        page.wait_for_selector("text=审批意见已记录")
        assert "陈消防在“审查任务" in page.inner_text("[data-testid=trail]")

        switch_to(page, h.approver.user.username)
        page.goto(f"/workbench/cases/{case.number}/")
        assert "还有1项任务未办结" in page.inner_text("[data-testid=action-decide]")
        agree(page, "经营场所、人员符合条件，同意。")
        page.wait_for_selector("text=审批意见已记录")
        decide = action(page, "decide")
        decide.locator("input[value=granted]").check()
        decide.locator("textarea[name=opinion]").fill("符合许可条件，准予许可。")
        top(page)
        shot("case-decide")
        decide.locator("[data-testid=submit-decide]").click()
        page.wait_for_selector("text=决定已记录")
        assert "已决定" in page.inner_text("[data-testid=case-state]")
        assert "王审批作出准予许可决定" in page.inner_text("[data-testid=trail]")
        complete = action(page, "complete")
        complete.locator("[data-testid=submit-complete]").click()
        page.wait_for_selector("[data-testid=notice-completion]")
        assert "已办结" in page.inner_text("[data-testid=case-state]")
        top(page)
        shot("case-completed")


def test_a_denial_needs_reasons_and_legal_basis_named_in_chinese(page, shot):
    with clock.frozen(MONDAY):
        h = hall()
        case = routed_case(h, joint=False)
        sign_in(page, h.approver.user.username)
        page.goto(f"/workbench/cases/{case.number}/")
        panel = page.locator("[data-testid=action-task_complete]")
        panel.locator("input[value=reject]").check()
        panel.locator("textarea[name=opinion]").fill("经营场所与申报不符。")
        panel.locator("[data-testid=submit-task_complete]").click()
        page.wait_for_selector("text=审批意见已记录")
        decide = action(page, "decide")
        decide.locator("input[value=denied]").check()
        decide.locator("[data-testid=submit-decide]").click()
        page.wait_for_selector("text=请填写“不予许可的理由”")
        assert "请填写“不予许可的法律依据”" in page.inner_text("[data-testid=action-decide]")
        top(page)
        shot("case-decide-errors")
        decide = page.locator("[data-testid=action-decide]")
        decide.locator("textarea[name=reasons]").fill("经营场所与申报材料不符，现场核查不通过。")
        decide.locator("textarea[name=legal_basis]").fill("《中华人民共和国行政许可法》第三十八条第二款")
        decide.locator("[data-testid=submit-decide]").click()
        page.wait_for_selector("text=决定已记录")
        assert "不予许可" in page.inner_text("[data-testid=case-state]")


def test_a_suspension_and_an_extension_move_the_deadline_on_screen(page, shot):
    with clock.frozen(MONDAY):
        h = hall()
        case = routed_case(h, joint=False)
        sign_in(page, h.approver.user.username)
        page.goto(f"/workbench/cases/{case.number}/")
        assert page.inner_text("[data-testid=promised-deadline]").startswith("2026-11-30")
        suspend = action(page, "suspend")
        suspend.locator("select[name=reason]").select_option("expert_review")
        suspend.locator("input[name=expected_end]").fill("2026-11-25")
        suspend.locator("textarea[name=note]").fill("组织专家评审")
        suspend.locator("[data-testid=submit-suspend]").click()
        page.wait_for_selector("text=办件已进入特别程序")
        assert "暂停" in page.inner_text("[data-testid=promised-deadline]")
        top(page)
        shot("case-suspended")
    with clock.frozen(MONDAY + dt.timedelta(days=2)):  # Wednesday: two working days later
        page.reload()
        resume = action(page, "resume")
        resume.locator("[data-testid=submit-resume]").click()
        page.wait_for_selector("text=时限已顺延")
        assert page.inner_text("[data-testid=promised-deadline]").startswith("2026-12-02")
        assert page.inner_text("[data-testid=legal-deadline]").startswith("2026-12-23")
        ask = action(page, "extension_request")
        ask.locator("input[name=days]").fill("3")
        ask.locator("textarea[name=reason]").fill("需补充检测报告")
        ask.locator("[data-testid=submit-extension_request]").click()
        page.wait_for_selector("text=延期申请已提交首席代表")
        assert "已有延期申请等待首席代表审批" in page.inner_text("[data-testid=panel]")

        switch_to(page, h.chief.user.username)
        page.click("[data-testid=nav] >> text=延期审批")
        opened(page, "[data-testid=extension-row]")
        assert "需补充检测报告" in page.inner_text("[data-testid=extensions]")
        top(page)
        shot("extensions")
        page.click("[data-testid=approve-extension]")
        page.wait_for_selector("[data-testid=extensions-empty]")
        page.goto(f"/workbench/cases/{case.number}/")
        assert page.inner_text("[data-testid=promised-deadline]").startswith("2026-12-07")
        assert page.inner_text("[data-testid=legal-deadline]").startswith("2026-12-23")  # the legal one stays
        assert "刘首席批准延期3天" in page.inner_text("[data-testid=trail]")
        top(page)
        shot("case-extended")


def test_a_clerk_returns_an_online_application_at_pre_review(page, shot):
    with clock.frozen(MONDAY):
        h = hall()
        item, _version = item_with_procedure(center=h.center, department=h.market, name="个体工商户设立登记")
        applicant = ApplicantFactory(name="孙五")
        application = services.application_create(
            center=h.center,
            applicant=applicant,
            items=[item],
            channel="portal",
            materials=["id_card"],
            actor=applicant,
            state="prereview",
        )
        sign_in(page, h.clerk.user.username)
        page.click("[data-testid=nav] >> text=网上预审")
        page.wait_for_selector("[data-testid=prereview-row]")
        top(page)
        shot("prereview-queue")
        page.click(f"text={application.number}")
        opened(page, "[data-testid=prereview-return]")  # the page's confirm is a script's
        asked: list[str] = []
        page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        page.click("[data-testid=prereview-return]")
        opened(page, "[data-testid=field-error]")  # asked again on the page drawn anew
        assert "请填写“退回理由（申请人可见）”" in page.inner_text("[data-testid=field-error]")
        page.fill("textarea[name=reasons]", "身份证照片不清晰，请重新上传正反面照片。")
        top(page)
        shot("prereview-return")
        page.click("[data-testid=prereview-return]")
        page.wait_for_selector("text=已退回申请人")
        assert asked == ["确定将申请退回申请人？"] * 2, asked  # asked before each try, the refused one too
        assert application.cases.get().state == "returned"
