"""The window voids a lost binding code and issues a new one, then unbinds an account, in a real
browser: from the case page, reason, the confirmation page (no pop-up), the new slip; the old code
binds nothing; axe finds nothing on the page."""

from __future__ import annotations

import pytest

from onewindow.org.accounts import account_bind, account_create, binding_code_current
from onewindow.org.errors import OrgError
from onewindow.org.models import Applicant, BindingChange, PortalAccount
from tests.e2e.axe import axe_violations, describe
from tests.e2e.conftest import opened, sign_in
from tests.factories.cases import accepted_case, make_world
from tests.factories.org import ApplicantFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bound_case(db):
    world = make_world()
    world.applicant = ApplicantFactory(name="秋菊", mobile="13800138000")
    case = accepted_case(world)
    world.pickup.user.set_password("onewindow-test")
    world.pickup.user.save()
    account = account_create(mobile="13900139000", password="qiuju-daguansi-1992")
    old = binding_code_current(applicant=world.applicant)
    return world, case, account, old


def test_void_a_leaked_code_then_unbind_the_account_from_the_case_page(page, bound_case, shot):
    world, case, account, old = bound_case
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, world.pickup.user.username)
    page.goto(f"/workbench/cases/{case.number}/")
    assert "未绑定网上账号" in page.inner_text("[data-testid=binding-account]")
    page.click("[data-testid=binding-manage]")
    opened(page, "[data-testid=binding-page]")  # axe reads the whole page
    assert axe_violations(page) == [], describe(axe_violations(page))
    page.click("[data-testid=binding-reissue]")  # no reason yet: named on its field
    assert "请写明原因" in page.inner_text("[data-testid=error-reason]")
    page.fill("#reissue-reason", "告知单照片发到了群里")
    page.press("#reissue-reason", "Enter")
    opened(page, "[data-testid=binding-confirm]")
    assert "立即失效" in page.inner_text("[data-testid=binding-confirm]")
    assert axe_violations(page) == [], describe(axe_violations(page))
    shot("binding-confirm")
    page.click("[data-testid=binding-confirm-yes]")
    page.wait_for_selector("[data-testid=binding-done]")
    assert "旧绑定码已作废" in page.inner_text("[data-testid=binding-done]")
    shot("binding-reissued")
    with page.expect_popup() as popup:
        page.click("[data-testid=binding-slip]")
    assert popup.value is not None
    with pytest.raises(OrgError) as exc:
        account_bind(account=account, code=old.code, address="e2e")
    assert exc.value.code == "BIND_CODE_WRONG"
    account_bind(account=account, code=binding_code_current(applicant=world.applicant).code, address="e2e")

    page.goto(f"/workbench/cases/{case.number}/")
    assert "139****9000" in page.inner_text("[data-testid=binding-account]")
    page.click("[data-testid=binding-manage]")
    page.fill("#unbind-reason", "手机丢失")
    page.click("[data-testid=binding-unbind]")
    page.wait_for_selector("[data-testid=binding-confirm]")
    page.click("[data-testid=binding-confirm-yes]")
    page.wait_for_selector("[data-testid=binding-done]")
    assert Applicant.objects.get(pk=world.applicant.pk).user_id is None
    assert PortalAccount.objects.get(pk=account.pk).verified_at is None
    assert list(BindingChange.objects.order_by("pk").values_list("kind", flat=True)) == ["reissue", "unbind"]
    assert dialogs == []  # not one pop-up on the way
