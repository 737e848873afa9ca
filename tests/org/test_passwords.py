"""Temporary passwords an administrator issues, and the password a member of staff chooses."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from onewindow.org.errors import OrgError
from onewindow.org.models import Role, Staff, StaffPasswordIssue
from onewindow.org.services import (
    TEMPORARY_PASSWORD_LENGTH,
    staff_create,
    staff_password_change,
    staff_password_issue,
)
from tests.factories.access import county_network

pytestmark = pytest.mark.django_db
PASSWORD = "onewindow-test"


@pytest.fixture
def net():
    return county_network(applications=0)


def fresh(staff: Staff) -> Staff:
    return Staff.objects.select_related("user", "center").get(pk=staff.pk)


# ------------------------------------------------------------------ issuing


def test_a_county_admin_issues_a_temporary_password_to_a_village_clerk(net):
    clerk = net.village.clerk
    password = staff_password_issue(staff=clerk, actor=net.county.admin)
    assert len(password) == TEMPORARY_PASSWORD_LENGTH
    clerk = fresh(clerk)
    assert clerk.user.check_password(password)
    assert not clerk.user.check_password(PASSWORD)  # the old one stops working
    assert clerk.password_change_required
    issue = StaffPasswordIssue.objects.get(staff=clerk)
    assert issue.issued_by == net.county.admin.user
    assert issue.issued_by_name == net.county.admin.name
    assert password not in str(issue.__dict__)  # never stored readable


def test_each_temporary_password_is_new(net):
    first = staff_password_issue(staff=net.township.clerk, actor=net.township.admin)
    second = staff_password_issue(staff=net.township.clerk, actor=net.township.admin)
    assert first != second
    assert StaffPasswordIssue.objects.filter(staff=net.township.clerk).count() == 2


def test_a_village_admin_cannot_reset_a_county_clerk(net):
    with pytest.raises(OrgError) as refused:
        staff_password_issue(staff=net.county.clerk, actor=net.village.admin)
    assert refused.value.code == "PASSWORD_ISSUE_NOT_ALLOWED"
    assert net.county.clerk.name in refused.value.message
    clerk = fresh(net.county.clerk)
    assert clerk.user.check_password(PASSWORD) and not clerk.password_change_required
    assert not StaffPasswordIssue.objects.exists()


def test_nobody_resets_a_neighbouring_township(net):
    with pytest.raises(OrgError):
        staff_password_issue(staff=net.other_township.clerk, actor=net.township.admin)


def test_a_center_admin_is_reset_only_from_a_center_above(net):
    fellow = staff_create(
        center=net.township.center, username="t01_admin2", name="同级管理员", roles=[Role.CENTER_ADMIN]
    )
    with pytest.raises(OrgError):
        staff_password_issue(staff=fellow, actor=net.township.admin)
    assert staff_password_issue(staff=fellow, actor=net.county.admin)


def test_no_one_issues_a_temporary_password_to_themself(net):
    with pytest.raises(OrgError):
        staff_password_issue(staff=net.county.admin, actor=net.county.admin)
    with pytest.raises(OrgError):
        staff_password_issue(staff=net.county.admin, actor=net.county.admin.user)


def test_other_roles_and_nobody_at_all_may_not_issue(net):
    for actor in (net.county.supervisor, net.county.clerk, None):
        with pytest.raises(OrgError):
            staff_password_issue(staff=net.village.clerk, actor=actor)


def test_a_superusers_staff_account_is_reset_by_a_superuser_only(net):
    user = net.township.clerk.user
    user.is_superuser = True
    user.save()
    with pytest.raises(OrgError):
        staff_password_issue(staff=fresh(net.township.clerk), actor=net.county.admin)
    root = get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)
    assert staff_password_issue(staff=fresh(net.township.clerk), actor=root)
    assert StaffPasswordIssue.objects.get().issued_by_name == "root"


def test_a_temporary_password_lifts_a_sign_in_lockout(net, client, settings):
    settings.AXES_ENABLED = True
    username = net.township.clerk.user.username
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/workbench/login/", {"username": username, "password": "wrong"})
    locked = client.post("/workbench/login/", {"username": username, "password": PASSWORD})
    assert locked.status_code == 429
    password = staff_password_issue(staff=net.township.clerk, actor=net.township.admin)
    response = client.post("/workbench/login/", {"username": username, "password": password})
    assert response.status_code == 302


# ------------------------------------------------------------------ choosing one's own


def test_choosing_a_new_password_clears_the_flag(net):
    temporary = staff_password_issue(staff=net.township.clerk, actor=net.township.admin)
    staff = staff_password_change(
        staff=net.township.clerk, old_password=temporary, new_password="窗口受理-2026-春"
    )
    assert staff.user.check_password("窗口受理-2026-春")
    assert not fresh(staff).password_change_required


@pytest.mark.parametrize(
    ("old", "new", "code", "field"),
    [
        ("wrong", "a-good-new-password-1", "PASSWORD_WRONG", "old_password"),
        ("", "a-good-new-password-1", "PASSWORD_WRONG", "old_password"),
        ("x" * 5000, "a-good-new-password-1", "PASSWORD_WRONG", "old_password"),
        (PASSWORD, "", "PASSWORD_REQUIRED", "new_password"),
        (PASSWORD, PASSWORD, "PASSWORD_UNCHANGED", "new_password"),
        (PASSWORD, "short1", "PASSWORD_INVALID", "new_password"),
        (PASSWORD, "password123", "PASSWORD_INVALID", "new_password"),
        (PASSWORD, "y" * 5000, "PASSWORD_TOO_LONG", "new_password"),
    ],
)
def test_a_new_password_is_refused_with_the_field_named(net, old, new, code, field):
    with pytest.raises(OrgError) as refused:
        staff_password_change(staff=net.township.clerk, old_password=old, new_password=new)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert fresh(net.township.clerk).user.check_password(PASSWORD)  # nothing changed


def test_a_password_like_the_user_name_is_refused_with_the_validators_words(net):
    username = net.township.clerk.user.username
    with pytest.raises(OrgError) as refused:
        staff_password_change(staff=net.township.clerk, old_password=PASSWORD, new_password=username + "1")
    assert refused.value.code == "PASSWORD_INVALID"
    assert "相似" in refused.value.message  # Django's own validator message, in Chinese


# ------------------------------------------------------------------ in the admin


def changelist() -> str:
    return reverse("admin:org_staff_changelist")


def test_the_admin_asks_then_shows_each_password_once(client, net):
    client.force_login(net.township.admin.user)
    targets = [net.township.clerk, net.village.clerk]
    data = {"action": "issue_temporary_password", "_selected_action": [s.pk for s in targets]}
    confirm = client.post(changelist(), data)
    assert confirm.status_code == 200
    assert net.village.clerk.name in confirm.content.decode()
    assert not StaffPasswordIssue.objects.exists()  # nothing issued before the confirmation
    done = client.post(changelist(), {**data, "post": "yes"})
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    page = done.content.decode()
    for staff in targets:
        staff = fresh(staff)
        assert staff.password_change_required
        marker = f'data-testid="password-{staff.user.username}">'
        password = page.split(marker, 1)[1].split("<", 1)[0]
        assert staff.user.check_password(password)
    assert StaffPasswordIssue.objects.filter(issued_by=net.township.admin.user).count() == 2


def test_staff_outside_the_admins_centers_are_not_reached_by_the_action(client, net):
    client.force_login(net.village.admin.user)
    data = {
        "action": "issue_temporary_password",
        "_selected_action": [net.county.clerk.pk, net.other_township.clerk.pk],
        "post": "yes",
    }
    client.post(changelist(), data)
    assert not StaffPasswordIssue.objects.exists()
    assert fresh(net.county.clerk).user.check_password(PASSWORD)


def test_the_staff_page_issues_one_and_refuses_a_fellow_admin(client, net):
    client.force_login(net.township.admin.user)
    url = reverse("admin:org_staff_temporary_password", args=[net.village.clerk.pk])
    change = client.get(reverse("admin:org_staff_change", args=[net.village.clerk.pk]))
    assert url in change.content.decode()
    assert client.get(url).status_code == 200
    assert not StaffPasswordIssue.objects.exists()
    assert client.post(url).status_code == 200
    assert fresh(net.village.clerk).password_change_required
    fellow = staff_create(
        center=net.township.center, username="t01_admin2", name="同级管理员", roles=["center_admin"]
    )
    refused = client.post(reverse("admin:org_staff_temporary_password", args=[fellow.pk]))
    assert "PASSWORD_ISSUE_NOT_ALLOWED" not in refused.content.decode()
    assert "同级管理员" in refused.content.decode() and not fresh(fellow).password_change_required


@pytest.mark.parametrize("object_id", ["county", "999999", "abc", "1%00", "１２"])
def test_the_staff_page_of_another_center_or_none_is_404(client, net, object_id):
    client.force_login(net.village.admin.user)
    pk = net.county.clerk.pk if object_id == "county" else object_id
    response = client.post(f"/admin/org/staff/{pk}/temporary-password/")
    assert response.status_code in {404, 400}
    assert not StaffPasswordIssue.objects.exists()


# ------------------------------------------------------------------ at the same moment


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_admins_issuing_at_once_run_one_after_the_other():
    from tests.threads import race

    network = county_network(applications=0)
    clerk = network.village.clerk
    results = race(
        [
            lambda: staff_password_issue(staff=clerk, actor=network.township.admin),
            lambda: staff_password_issue(staff=clerk, actor=network.county.admin),
        ]
    )
    assert all(isinstance(r, str) for r in results), results
    user = fresh(clerk).user
    assert [user.check_password(p) for p in results].count(True) == 1  # the later one holds
    assert StaffPasswordIssue.objects.filter(staff=clerk).count() == 2
