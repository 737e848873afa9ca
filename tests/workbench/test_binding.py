"""The window's portal binding page: the binding shown (number masked), a lost or leaked code
voided and a new one issued, an account unbound; each behind a plain confirmation page (no pop-up),
POST with CSRF, recorded with the clerk's reason."""

import pytest
from django.test import Client
from django.urls import reverse

from onewindow.cases.selectors import account_cases
from onewindow.org.accounts import account_bind, account_create, binding_code_current, binding_code_text
from onewindow.org.errors import OrgError
from onewindow.org.models import Applicant, BindingChange, BindingCode, PortalAccount, Role
from onewindow.workbench.intake import applicant_token
from tests.factories.cases import accepted_case
from tests.factories.org import ServiceCenterFactory, StaffFactory
from tests.workbench.helpers import sign_in, text

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
URL = "/workbench/binding/"


def bound_account(world, mobile="13800138000"):
    account = account_create(mobile=mobile, password="qiuju-daguansi-1992")
    account_bind(account=account, code=binding_code_current(applicant=world.applicant).code, address="t")
    account.refresh_from_db()
    return account


def post(client, data, **extra):
    return client.post(URL, data, **ZH, **extra)


def test_the_page_shows_the_bound_account_masked_and_offers_both_changes(
    client, world, django_assert_max_num_queries
):
    case = accepted_case(world)
    bound_account(world)
    sign_in(client, world.pickup)
    with django_assert_max_num_queries(8):
        response = post(client, {"case": case.number})
    assert response.status_code == 200
    page = text(response)
    assert "138****8000" in page and "13800138000" not in response.content.decode()
    assert "作废并重新生成" in page and "解除绑定" in page
    assert "data-wb-confirm" not in response.content.decode()  # no pop-up dialogs
    assert world.applicant.name not in page  # the name masked, as on the case page


def test_void_and_reissue_from_a_case_asks_in_plain_words_then_voids_and_offers_the_new_slip(client, world):
    case = accepted_case(world)
    old = binding_code_current(applicant=world.applicant)
    sign_in(client, world.pickup)
    confirm = post(
        client, {"case": case.number, "action": "reissue", "step": "confirm", "reason": "告知单丢了"}
    )
    assert confirm.status_code == 200
    page = text(confirm)
    assert "确认" in page and "告知单丢了" in page and "立即失效" in page
    old.refresh_from_db()
    assert old.revoked_at is None and not BindingChange.objects.exists()  # nothing yet
    sent = {"case": case.number, "action": "reissue", "step": "do", "reason": "告知单丢了"}
    done = post(client, {**sent, "expect": confirm.context["expect"]})
    assert done.status_code == 200
    assert "旧绑定码已作废" in text(done)
    again = post(client, {**sent, "expect": confirm.context["expect"]})  # the browser sends it twice
    assert again.status_code == 409 and "没有作任何更改" in text(again)
    assert BindingChange.objects.count() == 1
    old.refresh_from_db()
    assert old.revoked_at is not None
    new = binding_code_current(applicant=world.applicant)
    assert new.pk != old.pk
    change = BindingChange.objects.get()
    assert (change.kind, change.actor_id, change.reason) == ("reissue", world.pickup.user_id, "告知单丢了")
    slip = client.post(reverse("workbench:case_binding_slip", args=[case.number]))
    assert slip.status_code == 200 and slip["Content-Type"] == "application/pdf"
    assert BindingCode.objects.filter(revoked_at=None).get().pk == new.pk  # the slip prints the new code
    with pytest.raises(OrgError) as exc:
        account_bind(
            account=account_create(mobile="13900139000", password="qiuju-daguansi-1992"),
            code=binding_code_text(old.code),
            address="t",
        )
    assert exc.value.code == "BIND_CODE_WRONG"


def test_unbind_from_the_intake_screen_ends_my_cases_for_the_account(client, world):
    case = accepted_case(world)
    account = bound_account(world)
    portal = Client()
    portal.force_login(account.user)
    assert case.number in portal.get(reverse("portal:my_cases")).content.decode()
    sign_in(client, world.clerk)
    token = applicant_token(world.applicant)
    confirm = post(client, {"applicant": token, "action": "unbind", "step": "confirm", "reason": "手机丢了"})
    assert "138****8000" in text(confirm) and confirm.status_code == 200
    done = post(
        client,
        {
            "applicant": token,
            "action": "unbind",
            "step": "do",
            "reason": "手机丢了",
            "expect": confirm.context["expect"],
        },
    )
    assert done.status_code == 200 and "已解除" in text(done)
    account.refresh_from_db()
    assert account.verified_at is None and Applicant.objects.get(pk=world.applicant.pk).user_id is None
    assert not account_cases(account=account).exists()
    assert case.number not in portal.get(reverse("portal:my_cases")).content.decode()
    assert portal.get(reverse("portal:my_case", args=[case.number])).status_code == 404
    assert BindingChange.objects.get().kind == "unbind"


def test_going_back_from_the_confirmation_changes_nothing(client, world):
    case = accepted_case(world)
    bound_account(world)
    sign_in(client, world.pickup)
    back = post(client, {"case": case.number})  # the "No, go back" button posts the carry only
    assert back.status_code == 200 and not BindingChange.objects.exists()
    assert PortalAccount.objects.get().verified_at is not None


@pytest.mark.parametrize(
    "reason",
    ["", "   ", "丢" * 201, "x" * 100_000],  # a NUL: tests/workbench/test_hostile_inputs.py
)
def test_a_missing_or_oversized_reason_is_named_on_its_field_and_nothing_changes(client, world, reason):
    case = accepted_case(world)
    old = binding_code_current(applicant=world.applicant)
    sign_in(client, world.pickup)
    for step in ("confirm", "do"):
        response = post(client, {"case": case.number, "action": "reissue", "step": step, "reason": reason})
        assert response.status_code == 400
        assert "原因" in text(response) or "为什么" in text(response) or "最多" in text(response)
    old.refresh_from_db()
    assert old.revoked_at is None and not BindingChange.objects.exists()


def test_unbinding_with_no_account_bound_says_so(client, world):
    case = accepted_case(world)
    sign_in(client, world.pickup)
    page = post(client, {"case": case.number})
    assert "未绑定" in text(page) and 'data-testid="form-unbind"' not in page.content.decode()
    response = post(
        client, {"case": case.number, "action": "unbind", "step": "do", "reason": "x", "expect": "account:"}
    )
    assert response.status_code == 400 and "没有绑定" in text(response)


@pytest.mark.parametrize("expect", ["", "code:", "code:999999", "account:1", "x" * 10_000])
def test_a_confirmation_that_does_not_match_the_current_code_changes_nothing(client, world, expect):
    case = accepted_case(world)
    old = binding_code_current(applicant=world.applicant)
    sign_in(client, world.pickup)
    response = post(
        client, {"case": case.number, "action": "reissue", "step": "do", "reason": "x", "expect": expect}
    )
    assert response.status_code == 409
    old.refresh_from_db()
    assert old.revoked_at is None and not BindingChange.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"applicant": "forged"},
        {"applicant": "x" * 100_000},
        {"applicant": "1:abc:def"},
    ],
)
def test_without_a_signed_applicant_or_a_case_the_page_is_a_400(client, world, data):
    sign_in(client, world.clerk)
    assert post(client, data).status_code == 400


@pytest.mark.parametrize("number", ["NOPE", "", "' OR 1=1 --", "号" * 500])
def test_an_unknown_case_is_a_404(client, world, number):
    sign_in(client, world.pickup)
    response = post(client, {"case": number or " "})
    assert response.status_code in (400, 404)


def test_a_case_of_another_center_is_a_404_and_changes_nothing(client, world):
    case = accepted_case(world)
    stranger = StaffFactory(center=ServiceCenterFactory(), roles=[Role.PICKUP_CLERK])
    sign_in(client, stranger)
    response = post(client, {"case": case.number, "action": "reissue", "step": "do", "reason": "x"})
    assert response.status_code == 404 and not BindingChange.objects.exists()


def test_a_get_and_a_post_without_csrf_change_nothing(client, world):
    case = accepted_case(world)
    sign_in(client, world.pickup)
    session = client.cookies
    client = Client(enforce_csrf_checks=True)
    client.cookies = session  # the same signed-in session, without the form's token
    assert client.get(URL, {"case": case.number}).status_code == 405
    response = client.post(URL, {"case": case.number, "action": "reissue", "step": "do", "reason": "x"})
    assert response.status_code == 403 and not BindingChange.objects.exists()


def test_roles_that_do_not_print_the_slip_are_refused(client, world):
    case = accepted_case(world)
    for staff in (world.approver, world.supervisor, world.admin):
        sign_in(client, staff)
        assert (
            post(client, {"case": case.number, "action": "reissue", "step": "do", "reason": "x"}).status_code
            == 403
        )
    assert not BindingChange.objects.exists()


def test_the_intake_panel_and_the_case_page_show_the_binding_to_the_slip_printing_clerks(client, world):
    case = accepted_case(world)
    bound_account(world)
    sign_in(client, world.clerk)
    panel = client.get(reverse("workbench:intake_applicant"), {"q": world.applicant.id_number}, **ZH)
    assert "138****8000" in text(panel) and 'data-testid="binding-manage"' in panel.content.decode()
    page = client.get(reverse("workbench:case", args=[case.number]), **ZH)
    assert "138****8000" in text(page) and 'data-testid="binding-manage"' in page.content.decode()
    sign_in(client, world.approver)
    page = client.get(reverse("workbench:case", args=[case.number]), **ZH)
    assert page.status_code in (200, 404)
    assert 'data-testid="binding-manage"' not in page.content.decode()


def test_a_clerk_of_another_center_holding_the_applicant_sees_the_binding_but_may_not_change_it(
    client, world
):
    accepted_case(world)
    bound_account(world)
    stranger = StaffFactory(center=ServiceCenterFactory(), roles=[Role.INTAKE_CLERK])
    sign_in(client, stranger)
    token = applicant_token(world.applicant)  # found by ID number at the other center's window
    page = post(client, {"applicant": token})
    assert page.status_code == 200 and 'data-testid="binding-not-allowed"' in page.content.decode()
    assert 'data-testid="form-reissue"' not in page.content.decode()
    for step in ("confirm", "do"):
        response = post(client, {"applicant": token, "action": "unbind", "step": step, "reason": "x"})
        assert (
            response.status_code == 403 and 'data-testid="binding-confirm"' not in response.content.decode()
        )
    assert not BindingChange.objects.exists() and PortalAccount.objects.get().verified_at is not None


@pytest.mark.parametrize(
    "step",
    [
        {},
        {"action": "reissue", "step": "confirm", "reason": "告知单丢了"},
        {"action": "reissue", "step": "do", "reason": "告知单丢了"},
        {"action": "unbind", "step": "do", "reason": "手机丢了"},
        {"action": "unbind", "step": "confirm", "reason": ""},
    ],
)
def test_each_step_reads_the_binding_and_the_clerks_right_once_and_shows_it_as_it_is_now(
    client, world, monkeypatch, step
):
    from onewindow.org import accounts as org_accounts
    from onewindow.workbench import binding as view

    case = accepted_case(world)
    bound_account(world)
    sign_in(client, world.pickup)
    data = {"case": case.number, **step}
    if step.get("step") == "do":
        confirm = post(client, {**data, "step": "confirm"})
        data["expect"] = confirm.context["expect"]
    calls = {"status": 0, "may": 0}

    def counted(name, real):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(view, "binding_status", counted("status", view.binding_status))
    monkeypatch.setattr(view, "may_change_binding", counted("may", view.may_change_binding))
    response = post(client, data)
    assert response.status_code in (200, 400), text(response)
    assert calls == {"status": 1, "may": 1}
    shown = response.context["binding"]
    world.applicant.refresh_from_db()
    assert shown == org_accounts.binding_status(applicant=world.applicant)  # after a change too
    if step.get("step") == "do":
        assert 'data-testid="binding-done"' in response.content.decode()
