"""Each role's home page, and a temporary password from the admin to the first sign-in, in a real
browser. `make screenshots` saves the pictures the user guides show (docs/screenshots)."""

from __future__ import annotations

import re

import pytest

from onewindow.cases import services
from onewindow.catalog.services import item_update
from onewindow.org.models import Role, Staff
from onewindow.org.services import center_update, department_update, staff_create
from tests.e2e.conftest import SCREENSHOTS, opened, sign_in
from tests.factories.access import Hall, apply, county_network
from tests.factories.org import ApplicantFactory

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = {
    "AHX": ("安和县政务服务中心", "县市场监督管理局", "食品经营许可（新办）"),
    "AHX-T01": ("李庄镇便民服务中心", "李庄镇社会事务办公室", "城乡居民养老保险参保登记"),
    "AHX-T01-V01": ("东村便民服务站", "东村村民委员会", "居住证明开具"),
    "AHX-T02": ("王集镇便民服务中心", "王集镇社会事务办公室", "残疾人两项补贴申请"),
}


def _rename(hall: Hall) -> None:
    """Names a reader of the guides recognises, through the services."""
    center_name, department_name, item_name = NAMES[hall.center.code]
    c = hall.center
    center_update(
        center=c,
        code=c.code,
        name=center_name,
        tier=c.tier,
        region=c.region,
        parent=c.parent,
        address="",
        phone="",
        opening_hours="",
        is_active=True,
    )
    d = hall.department
    department_update(
        department=d, code=d.code, name=department_name, short_name="", phone="", is_active=True
    )
    item_update(item=hall.item, name=item_name, category=hall.item.category, department=d)


def person(hall: Hall, username: str, name: str, role: str) -> Staff:
    department = hall.department if role in {Role.APPROVER, Role.CHIEF_REPRESENTATIVE} else None
    return staff_create(
        center=hall.center,
        department=department,
        username=username,
        name=name,
        roles=[role],
        password="onewindow-test",
        mobile="13700000000",
    )


@pytest.fixture
def town():
    """The county network with named centers, a second item at the township and cases in several states."""
    network = county_network(applications=0)
    for hall in network.halls:
        _rename(hall)
    township = network.township
    staff = {
        "clerk": person(township, "zhang_sl", "张受理", Role.INTAKE_CLERK),
        "approver": person(township, "chen_sp", "陈审批", Role.APPROVER),
        "chief": person(township, "liu_sd", "刘首代", Role.CHIEF_REPRESENTATIVE),
        "pickup": person(township, "sun_cj", "孙出件", Role.PICKUP_CLERK),
        "supervisor": person(township, "li_jd", "李监督", Role.SUPERVISOR),
        "admin": person(township, "zhao_gl", "赵管理", Role.CENTER_ADMIN),
        "village_clerk": person(network.village, "wang_dc", "王东村", Role.INTAKE_CLERK),
    }
    apply(township, 4)
    apply(network.village, 3)
    apply(network.other_township, 2)
    # a few more steps, so the states differ: a task claimed, one case decided and completed
    cases = [a.cases.get() for a in township.applications]
    task = cases[0].tasks.get(state="open")
    services.task_claim(task=task, actor=staff["approver"])
    done = cases[1].tasks.get(state="open")
    services.task_complete(
        task=services.task_claim(task=done, actor=staff["approver"]), actor=staff["approver"], opinion="同意"
    )
    decided = services.case_decide(case=cases[1], actor=staff["chief"], decision="granted", opinion="准予")
    services.case_complete(case=decided, actor=staff["chief"])

    # waiting at the window, accepted but not yet routed, and an online application in pre-review
    def new_application(channel="window", state="submitted", actor=staff["clerk"], applicant=None):
        return services.application_create(
            center=township.center,
            applicant=applicant or ApplicantFactory(),
            items=[township.item],
            channel=channel,
            materials=["id_card"],
            form_data={
                "applicant_name": "王五",
                "contact_phone": "13912345678",
                "matter_description": "新办",
            },
            actor=actor,
            state=state,
        )

    new_application()
    services.application_intake(application=new_application(), actor=staff["clerk"])
    online = ApplicantFactory()
    new_application(channel="portal", state="prereview", actor=online, applicant=online)
    return network, staff


def test_each_role_lands_on_its_own_work(page, shot, town):
    network, staff = town
    sign_in(page, "li_jd")
    page.wait_for_selector("[data-testid=panel-oversight] .wb-chart svg")
    panel = page.inner_text("[data-testid=panel-oversight]")
    assert "李庄镇便民服务中心及下级中心的办件" in panel
    assert "东村村民委员会" in panel and "王集镇" not in panel
    shot("home-supervisor")
    for username, key, name in [
        ("zhang_sl", "intake", "home-intake"),
        ("chen_sp", "approver", "home-approver"),
        ("liu_sd", "chief", "home-chief-representative"),
        ("sun_cj", "pickup", "home-pickup-clerk"),
        ("zhao_gl", "oversight", "home-center-admin"),
    ]:
        page.context.clear_cookies()
        sign_in(page, username)
        page.wait_for_selector(f"[data-testid=panel-{key}]")
        if key == "oversight":
            page.wait_for_selector("[data-testid=panel-oversight] .wb-chart svg")
        shot(name)
    # Alt+1 focuses the first panel, as every workbench screen's sections
    page.keyboard.press("Alt+1")
    assert page.evaluate("document.activeElement.closest('[data-wb-section]') !== null")


def test_a_center_admin_issues_a_temporary_password_and_the_clerk_chooses_a_new_one(
    page, shot, town, browser, live_server
):
    network, staff = town
    clerk = staff["village_clerk"]
    sign_in(page, "zhao_gl")
    page.click("text=工作人员与密码")
    page.wait_for_selector("#changelist")
    page.check(f"input[name=_selected_action][value='{clerk.pk}']")
    page.select_option("select[name=action]", "issue_temporary_password")
    page.click("button[name=index]")
    opened(page, "[data-testid=issue]")
    assert clerk.name in page.inner_text("[data-testid=temporary-password]")
    shot("password-issue-confirm")
    page.click("[data-testid=issue]")
    code = page.wait_for_selector(f"[data-testid='password-{clerk.user.username}']")
    temporary = code.inner_text().strip()
    assert re.fullmatch(r"[A-Za-z0-9]{12}", temporary)
    shot("password-issued")

    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, viewport={"width": 1366, "height": 768}
    )
    other = context.new_page()
    try:
        sign_in(other, clerk.user.username, temporary)
        assert other.url.endswith("/workbench/password/")
        assert "临时密码" in other.inner_text("[data-testid=password-required]")
        other.goto("/workbench/")
        assert other.url.endswith("/workbench/password/")  # nothing else opens first
        other.fill("#id_old_password", temporary)
        other.fill("#id_new_password", "123")
        other.fill("#id_new_password_again", "123")
        other.keyboard.press("Control+Enter")
        opened(other, "[data-testid=error-new_password]")  # Ctrl+Enter again below
        assert "密码长度太短" in other.inner_text("[data-testid=error-new_password]")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        other.screenshot(path=str(SCREENSHOTS / "password-change-required.png"), full_page=True)
        other.fill("#id_old_password", temporary)
        other.fill("#id_new_password", "东村-服务站-2026")
        other.fill("#id_new_password_again", "东村-服务站-2026")
        other.keyboard.press("Control+Enter")
        other.wait_for_selector("text=新密码已保存")
        assert other.url.endswith("/workbench/")
    finally:
        context.close()
