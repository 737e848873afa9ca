"""Accessibility of the public pages in both display modes (标准版 / 适老版), in a real browser.

axe-core (vendored, tests/e2e/axe.py) finds no serious or critical violation on any page of
PAGES, in either mode, on the counter screen, on a phone and at 200 % zoom (the signed-in
pages too, the citizen signing in through the portal's real sign-in page); no page needs a
horizontal scroll there; the keyboard alone reaches every control with a visible focus; the
elderly-friendly mode has no text under 18 px and no target under 44 px.

A new portal page joins every check by one line in PAGES.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache

from onewindow.catalog.services import catalog_import
from onewindow.core.display import COOKIE, ELDER, STANDARD
from onewindow.org.accounts import (
    account_bind,
    account_create,
    account_declare_applicant,
    binding_code_current,
)
from tests.e2e.axe import assert_no_axe_violations, axe_violations, describe
from tests.e2e.conftest import COUNTER_SCREEN, sign_in
from tests.factories.cases import World, accepted_case, make_world
from tests.factories.catalog import catalog_document
from tests.factories.org import DepartmentFactory, SectorFactory, ServiceCenterFactory, with_id_check_digit
from tests.portal.conftest import FIELDS, MATERIALS

CITIZEN_PASSWORD = "qiuju-daguansi-1992"

pytestmark = pytest.mark.django_db(transaction=True)


def _case_address(page: Any = None) -> str:
    case = accepted_case(make_world())
    return f"/progress/?number={case.number}&code={case.query_code}"


def _services_with_life_events(page: Any) -> str:
    """A search over a catalog imported as a center publishes it: sectors, categories, a list and
    a bundle (一件事, the life-event buttons)."""
    cache.clear()  # the browse buttons are cached a minute
    center = ServiceCenterFactory(code="XTX", name="新泰市政务服务中心")
    DepartmentFactory(center=center, code="SCJG", name="市场监督管理局")
    SectorFactory(center=center, code="SSFW", name="商事服务")
    catalog_import(center=center, data=catalog_document())
    return "/services/?q=事项"


def _citizen(page: Any, *, declared: bool = True, world: World | None = None) -> None:
    """A citizen with an account (acting for `world`'s applicant, bound with its code, or for a
    declared person), signed in through the portal's real sign-in page."""
    account = account_create(mobile="13800138000", password=CITIZEN_PASSWORD)
    if world is not None:
        code = binding_code_current(applicant=world.applicant).code
        account_bind(account=account, code=code, address="accessibility")
    elif declared:
        account_declare_applicant(
            account=account, name="秋菊", id_number=with_id_check_digit("11010519491231002")
        )
    page.goto("/account/login/")
    page.fill("#f-username", "138 0013 8000")
    page.fill("#f-password", CITIZEN_PASSWORD)
    page.press("#f-password", "Enter")
    page.wait_for_selector("[data-testid=nav-my]")


def signed_in(path: Callable[[], str], **citizen: Any) -> Callable[[Any], str]:
    """A page of a signed-in citizen: `path()` builds what it shows, then the citizen signs in."""

    def address(page: Any) -> str:
        built = path()
        _citizen(page, **citizen)
        return built

    return address


def _apply_form() -> str:
    world = make_world(form_fields=FIELDS, materials=MATERIALS)
    return f"/apply/{world.item.code}/"


def _own_case(page: Any) -> str:
    world = make_world()
    case = accepted_case(world)
    _citizen(page, world=world)
    return f"/my/cases/{case.number}/"


def _own_cases(page: Any) -> str:
    world = make_world()
    accepted_case(world)
    _citizen(page, world=world)
    return "/my/cases/"


@dataclass(frozen=True)
class Page:
    name: str
    # Builds what the page needs in the database (and signs in on the browser page it is given
    # when the page is an account's), returns its address.
    address: Callable[[Any], str]


# The pages every check below runs on. Add a line for each new portal page.
PAGES = [
    Page("home", lambda page: "/"),
    Page("progress", lambda page: "/progress/"),
    Page("progress-error", lambda page: "/progress/?number=不是编号!&code=12&id_last4=%E2%80%AE"),
    Page("progress-not-found", lambda page: "/progress/?number=AHX-20260101-000001&code=ABCDEFGH"),
    Page("progress-result", _case_address),
    Page("staff-signin", lambda page: "/workbench/login/"),
    Page("services", _services_with_life_events),
    Page("guide", lambda page: f"/services/{make_world().item.code}/"),
    Page("lists", lambda page: "/lists/"),
    Page("account-signin", lambda page: "/account/login/"),
    Page("account-signup", lambda page: "/account/signup/"),
    # Signed in, through the real sign-in page.
    Page("my", signed_in(lambda: "/my/")),
    Page("identity", signed_in(lambda: "/my/identity/", declared=False)),
    Page("apply-form", signed_in(_apply_form)),
    Page("my-cases", _own_cases),
    Page("my-case", _own_case),
    Page("bind", signed_in(lambda: "/my/bind/")),
]
MODES = [STANDARD, ELDER]
PHONE = {"width": 375, "height": 667}
# A browser at 200 % zoom lays a 1366×768 screen out as 683×384 CSS pixels: the page sees exactly
# that viewport (WCAG 1.4.4 / 1.4.10), so the zoom is the viewport, with pixels twice as dense.
ZOOM_200 = {"width": COUNTER_SCREEN["width"] // 2, "height": COUNTER_SCREEN["height"] // 2}
VIEWPORTS = {"counter": COUNTER_SCREEN, "phone": PHONE, "zoom200": ZOOM_200}

FOCUSABLE = (
    "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]),"
    " textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])"
)


def set_mode(page, live_server, mode: str) -> None:
    page.context.add_cookies([{"name": COOKIE, "value": mode, "url": live_server.url}])


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than its viewport (0: nothing to scroll sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def page_ids(p: Page) -> str:
    return p.name


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("portal_page", PAGES, ids=page_ids)
def test_axe_finds_nothing_serious_on_any_screen_and_nothing_scrolls_sideways(
    page, live_server, portal_page, mode
):
    set_mode(page, live_server, mode)
    address = portal_page.address(page)
    problems = []
    for screen, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        page.goto(address)
        assert page.locator("html").get_attribute("lang") == "zh-Hans"
        assert (page.locator("link[data-display-mode=elder]").count() == 1) == (mode == ELDER)
        found = axe_violations(page)
        if found:
            problems.append(f"{screen}:\n{describe(found)}")
        if screen != "counter":
            overflow = horizontal_overflow(page)
            if overflow > 0:
                problems.append(f"{screen}: the page is {overflow} px wider than the screen")
    assert not problems, f"{portal_page.name} ({mode}):\n" + "\n".join(problems)


def _visible_controls(page) -> list[dict]:
    """Every visible focusable element, numbered in the DOM (data-a11y-index) for the Tab walk.

    A group of radio buttons is one Tab stop, as in every browser: its checked button (or its
    first, when none is checked) stands for it, and the arrow keys move inside the group."""
    return page.evaluate(
        """selector => [...document.querySelectorAll(selector)]
            .filter(e => e.checkVisibility({visibilityProperty: true}) || e.classList.contains('visually-hidden-focusable'))
            .filter(e => { if (e.type !== 'radio' || !e.name) return true;
                const group = [...document.querySelectorAll(`input[type=radio][name="${CSS.escape(e.name)}"]`)];
                const stop = group.find(r => r.checked) || group[0]; return stop === e; })
            .map((e, i) => { e.dataset.a11yIndex = String(i);
                return {index: i, tag: e.tagName.toLowerCase(), text: (e.innerText || e.value || e.name || e.id || '').trim().slice(0, 40)}; })""",
        FOCUSABLE,
    )


FOCUS_STATE = """() => { const e = document.activeElement; if (!e || e === document.body) return null;
  const s = getComputedStyle(e); const r = e.getBoundingClientRect();
  return {index: e.dataset.a11yIndex ?? null, tag: e.tagName.toLowerCase(),
          ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none',
          shown: r.width > 0 && r.height > 0}; }"""


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("portal_page", PAGES, ids=page_ids)
def test_the_keyboard_alone_reaches_every_control_with_a_visible_focus(page, live_server, portal_page, mode):
    set_mode(page, live_server, mode)
    page.goto(portal_page.address(page))
    controls = _visible_controls(page)
    reached: list[str] = []
    # Round the page once: Tab from wherever focus starts (a field with autofocus) until an element
    # comes back; past the last control the focus leaves the page and comes in again at the top.
    # A date field keeps the focus for its year, month, day and calendar button: one element.
    for _ in range(4 * len(controls) + 5):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None:
            continue
        if reached and state["index"] == reached[-1]:
            continue
        if state["index"] in reached:
            break
        assert state["ring"] and state["shown"], (
            f"{state['tag']} #{state['index']} has focus but shows no ring"
        )
        reached.append(state["index"])
    missing = [c for c in controls if str(c["index"]) not in reached]
    assert not missing, f"{portal_page.name} ({mode}): Tab never reaches {missing}"


def test_the_skip_link_moves_the_keyboard_into_the_main_content(page):
    page.goto("/progress/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "跳到主要内容"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


@pytest.mark.parametrize("portal_page", PAGES, ids=page_ids)
def test_the_elderly_friendly_mode_has_large_text_and_large_targets(page, live_server, portal_page):
    set_mode(page, live_server, ELDER)
    page.goto(portal_page.address(page))
    small_text = page.evaluate(
        """() => { const out = []; const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) { const node = walker.currentNode; const e = node.parentElement;
            if (!node.textContent.trim() || !e.checkVisibility()) continue;
            const size = parseFloat(getComputedStyle(e).fontSize);
            if (size < 18) out.push(`${e.tagName.toLowerCase()}.${e.className}: ${size}px "${node.textContent.trim().slice(0, 30)}"`); }
          return out; }"""
    )
    assert not small_text, small_text
    # An upload field is its label, drawn as the button (the input is hidden from sight only).
    small_targets = page.evaluate(
        """selector => [...document.querySelectorAll(selector)].filter(e => e.checkVisibility())
            .filter(e => !e.matches('.visually-hidden-focusable:not(:focus)'))
            .filter(e => !e.closest('p, dd, li:not(.nav-item)') || e.matches('.btn, .nav-link, input, select, textarea, summary'))
            .map(e => e.matches('.pa-file-input') ? document.querySelector(`label.pa-file-button[for="${CSS.escape(e.id)}"]`) || e : e)
            .map(e => [e, e.getBoundingClientRect()])
            .filter(([e, r]) => r.height < 44 || r.width < 44)
            .map(([e, r]) => `${e.tagName.toLowerCase()} "${(e.innerText || e.name || '').trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`)""",
        FOCUSABLE,
    )
    assert not small_targets, small_targets


def test_a_visitor_switches_to_the_elderly_friendly_mode_from_the_keyboard_and_it_stays(page, shot):
    """Signed out, without a script of ours: the switch is a form; the cookie carries the choice."""
    page.goto("/")
    assert "适老版" in page.inner_text("[data-testid=display-switch]")
    shot("accessibility-home-standard")
    page.focus("[data-testid=display-elder]")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid=display-standard]")
    page.wait_for_load_state("load")  # the new page's style sheets, before reading its font size
    assert page.url.endswith("/")
    assert page.locator("link[data-display-mode=elder]").count() == 1
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18
    shot("accessibility-home-elder")

    page.goto("/progress/?number=不是编号")
    assert page.locator("link[data-display-mode=elder]").count() == 1  # remembered on the next page
    assert "标准版" in page.inner_text("[data-testid=display-switch]")
    shot("accessibility-progress-error-elder")
    page.goto("/workbench/login/")
    assert page.locator("link[data-display-mode=elder]").count() == 1  # and on the sign-in page
    shot("accessibility-signin-elder")

    page.click("[data-testid=display-standard]")
    page.wait_for_selector("[data-testid=display-elder]")
    assert page.url.endswith("/workbench/login/")
    assert page.locator("link[data-display-mode=elder]").count() == 0


def test_phone_screenshots_of_both_modes_read(page, live_server, shot):
    address = _case_address()
    page.set_viewport_size(PHONE)
    for mode in MODES:
        set_mode(page, live_server, mode)
        page.goto(address)
        assert horizontal_overflow(page) == 0
        shot(f"accessibility-progress-phone-{mode}")


def test_the_progress_form_ties_each_error_to_its_field(page):
    page.goto("/progress/?number=不是编号!&code=12&name=张三&id_last4=1!X")
    for field in ["number", "code", "id_last4"]:
        box = page.locator(f"#{field}")
        assert box.get_attribute("aria-invalid") == "true"
        described = (box.get_attribute("aria-describedby") or "").split()
        assert f"{field}-error" in described
        assert page.inner_text(f"#{field}-error").strip()
    assert page.locator("#id_last4").is_visible()  # the error is not hidden in a closed <details>


WORKBENCH_SCREENS = {
    "home": "/workbench/",
    "intake": "/workbench/intake/",
    "search": "/workbench/cases/",
    "routing": "/workbench/routing/",
}


@pytest.mark.parametrize("screen", list(WORKBENCH_SCREENS))
def test_the_workbench_base_layout_passes_axe_for_a_signed_in_clerk(page, screen):
    """Staff pages keep their dense layout (no display switch): run for what the shared layout
    does, and for the case search with a result row (its filters and its table)."""
    world = make_world()
    accepted_case(world)
    sign_in(page, world.clerk.user.username)
    page.goto(WORKBENCH_SCREENS[screen])
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert_no_axe_violations(page, where=f"workbench {screen}")


def test_the_pre_review_of_an_online_application_passes_axe(page):
    """Its one-time-notice button was Bootstrap's yellow outline (1.6:1 on white) and its material
    checkboxes 21 px apart (axe's target size wants 24 px): the clerk's most frequent screen after intake."""
    from onewindow.cases import services

    world = make_world(
        materials=[
            {"code": "id_card", "name": "身份证明"},
            {"code": "lease", "name": "经营场所租赁合同"},
            {"code": "plan", "name": "设备布局和操作流程"},
        ]
    )
    application = services.application_create(
        center=world.center,
        applicant=world.applicant,
        items=[world.item],
        channel="portal",
        materials=["id_card", "lease", "plan"],
        actor=world.applicant,
        state="prereview",
    )
    sign_in(page, world.clerk.user.username)
    page.goto(f"/workbench/prereview/{application.number}/")
    assert page.locator("[data-testid=prereview-supplement]").is_visible()
    assert page.locator("input[name=materials]").count() == 3
    assert_no_axe_violations(page, where="workbench pre-review")


@pytest.mark.parametrize("address", ["/", "/services/"])
def test_in_the_elderly_friendly_mode_the_search_label_sits_above_a_wide_field_on_a_phone(
    page, live_server, address
):
    """The mode shows the search box's hidden label; beside the field it left "事项名称、关" on a phone."""
    set_mode(page, live_server, ELDER)
    page.set_viewport_size(PHONE)
    page.goto(address)
    label = page.locator("form.pt-search label[for=pt-q]").bounding_box()
    field = page.locator("#pt-q").bounding_box()
    form = page.locator("form.pt-search").bounding_box()
    assert label and field and form
    assert label["y"] + label["height"] <= field["y"] + 1  # on its own line, above
    assert field["width"] >= form["width"] * 0.5  # the field keeps most of the line
    assert horizontal_overflow(page) == 0


def test_in_the_elderly_friendly_mode_what_would_pop_up_stays_in_the_page(page, live_server):
    """A dialog, a toast, a menu or a collapsed part a later page brings is laid out inline, in reading order."""
    set_mode(page, live_server, ELDER)
    page.goto("/")
    page.evaluate(
        """() => { const main = document.querySelector('main');
          for (const [cls, text] of [['modal fade', '确认提交'], ['toast', '已保存'], ['dropdown-menu', '更多'], ['collapse', '详情'], ['fixed-bottom', '操作']]) {
            const e = document.createElement('div'); e.className = cls; e.dataset.popup = cls; e.textContent = text; main.append(e); } }"""
    )
    laid_out = page.evaluate(
        """() => [...document.querySelectorAll('[data-popup]')].map(e => { const s = getComputedStyle(e);
             return [e.dataset.popup, s.position, s.display, s.opacity, e.checkVisibility()]; })"""
    )
    for name, position, display, opacity, visible in laid_out:
        assert (position, display, opacity, visible) == ("static", "block", "1", True), name
