"""Every portal account URL as every visitor, for every owner's case (tests/portal/access_matrix.py)."""

import pytest
from django.urls import get_resolver, reverse

from onewindow.cases import services
from onewindow.org.accounts import (
    account_bind,
    account_create,
    account_declare_applicant,
    binding_code_current,
)
from tests.factories.cases import accepted_case, make_world
from tests.factories.org import StaffFactory, with_id_check_digit
from tests.portal.access_matrix import (
    ANONYMOUS,
    BOUND,
    COVERED_ELSEWHERE,
    ONLINE_CASE,
    OTHER,
    OTHER_CASE,
    OWNER,
    ROUTES,
    STAFF,
    UNBOUND,
    WINDOW_CASE,
    expected,
)

PASSWORD = "qiuju-daguansi-1992"


def portal_names() -> set[str]:
    namespace = get_resolver().namespace_dict["portal"][1]
    return {name for name in namespace.reverse_dict if isinstance(name, str)}


def test_every_portal_url_has_its_line_in_the_matrix():
    assert portal_names() == {route.name for route in ROUTES} | set(COVERED_ELSEWHERE)


def bound_account(mobile, applicant):
    account = account_create(mobile=mobile, password=PASSWORD)
    account_bind(account=account, code=binding_code_current(applicant=applicant).code, address="matrix")
    return account


@pytest.fixture
def people(db):
    world = make_world()
    other_world = make_world()
    window_case = accepted_case(world)  # at the window, for the bound account's applicant
    other_case = accepted_case(other_world)
    bound = bound_account("13800138001", world.applicant)
    other = bound_account("13800138002", other_world.applicant)
    unbound = account_create(mobile="13800138003", password=PASSWORD)
    declared = account_declare_applicant(
        account=unbound, name="秋菊", id_number=with_id_check_digit("11010519491231002")
    )
    application = services.application_create(
        center=world.center,
        applicant=declared,
        items=[world.item],
        channel="portal",
        materials=sorted(m.code for m in world.version.materials.all()),
        actor=declared,
    )
    online_case = services.application_intake(application=application, actor=world.clerk).cases[0]
    staff = StaffFactory(center=world.center, roles=["intake_clerk"])
    staff.user.set_password(PASSWORD)
    staff.user.save()
    visitors = {
        ANONYMOUS: None,
        STAFF: staff.user,
        UNBOUND: unbound.user,
        BOUND: bound.user,
        OTHER: other.user,
    }
    cases = {WINDOW_CASE: window_case, ONLINE_CASE: online_case, OTHER_CASE: other_case}
    return visitors, cases


def call(client, route, case):
    url = reverse(f"portal:{route.name}", kwargs=route.kwargs(case) if route.kwargs else None)
    return client.post(url) if route.method == "POST" else client.get(url)


@pytest.mark.django_db
def test_nobody_sees_another_ones_case_or_notice(client, people):
    visitors, cases = people
    failures = []
    for visitor, user in visitors.items():
        for route in ROUTES:
            if route.name == "logout":
                continue  # it would end the session the loop runs in
            client.logout()
            if user is not None:
                client.force_login(user)  # the sign-in pages have their own tests
            objects = cases.items() if route.kwargs is not None else [(None, None)]
            for what, case in objects:
                response = call(client, route, case)
                want = expected(route, visitor, OWNER.get(what) if what else None)
                if response.status_code not in want:
                    failures.append(f"{route.name}: {visitor} → {what}: {response.status_code} (want {want})")
    assert not failures, "\n".join(failures)
