"""The access rules (onewindow.org.access): the center tree, the scopes, role grants."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.cases.models import Application, Case, CaseEvent
from onewindow.catalog.models import ServiceItem
from onewindow.org import access
from onewindow.org.errors import OrgError
from onewindow.org.models import Applicant, Region, Role, ServiceCenter, Staff
from onewindow.org.services import center_paths_rebuild, center_update, staff_create, staff_set_roles
from tests.factories.access import county_network
from tests.factories.org import ApplicantFactory, ServiceCenterFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def net():
    return county_network()


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def superuser():
    return get_user_model().objects.create_superuser("root", "root@example.com", "onewindow-test")


# ------------------------------------------------------------------ the tree


def test_a_center_sees_itself_and_every_center_below_it(net):
    assert codes(access.centers_visible(net.county.admin)) == {"AHX", "AHX-T01", "AHX-T01-V01", "AHX-T02"}
    assert codes(access.centers_visible(net.township.admin)) == {"AHX-T01", "AHX-T01-V01"}
    assert codes(access.centers_visible(net.village.admin)) == {"AHX-T01-V01"}
    assert codes(access.centers_visible(net.other_township.supervisor)) == {"AHX-T02"}


def test_the_path_is_the_ids_from_the_top(net):
    county, town, village = net.county.center, net.township.center, net.village.center
    village.refresh_from_db()
    assert village.path == f"/{county.pk}/{town.pk}/{village.pk}/"


def test_a_superuser_sees_everything_and_others_nothing(net):
    assert access.centers_visible(superuser()).count() == 4
    assert not access.centers_visible(UserFactory()).exists()  # no staff row
    assert not access.centers_visible(None).exists()
    inactive = net.county.supervisor
    inactive.is_active = False
    assert not access.centers_visible(inactive).exists()


def test_a_user_and_their_staff_row_have_the_same_scope(net):
    user = get_user_model().objects.get(username="ahx_t01_center_admin")
    assert codes(access.centers_visible(user)) == {"AHX-T01", "AHX-T01-V01"}


def test_moving_a_center_moves_the_centers_below_it(net):
    town = net.township.center
    center_update(
        center=town,
        code=town.code,
        name=town.name,
        tier=town.tier,
        region=town.region,
        parent=net.other_township.center,
        address="",
        phone="",
        opening_hours="",
        is_active=True,
    )
    fresh = Staff.objects.select_related("center").get(pk=net.other_township.admin.pk)
    assert codes(access.centers_visible(fresh)) == {"AHX-T02", "AHX-T01", "AHX-T01-V01"}
    village = ServiceCenter.objects.get(pk=net.village.center.pk)
    assert village.path.startswith(ServiceCenter.objects.get(pk=net.other_township.center.pk).path)


def test_paths_are_rebuilt_for_centers_made_without_the_services(net):
    ServiceCenter.objects.update(path="")
    assert center_paths_rebuild() == 4
    assert center_paths_rebuild() == 0
    fresh = Staff.objects.select_related("center").get(pk=net.township.admin.pk)
    assert codes(access.centers_visible(fresh)) == {"AHX-T01", "AHX-T01-V01"}


def test_a_center_without_a_path_sees_only_itself():
    center = ServiceCenterFactory()
    below = ServiceCenterFactory(parent=center)
    ServiceCenter.objects.update(path="")
    staff = StaffFactory(center=ServiceCenter.objects.get(pk=center.pk), roles=[Role.CENTER_ADMIN])
    assert list(access.centers_visible(staff)) == [center]
    assert below not in access.centers_visible(staff)


def test_regions_below_the_centers_region(net):
    assert set(access.regions_visible(net.county.admin).values_list("name", flat=True)) == {
        "安和县",
        "李庄镇",
        "东村",
        "王集镇",
    }
    assert set(access.regions_visible(net.township.admin).values_list("name", flat=True)) == {
        "李庄镇",
        "东村",
    }
    assert list(access.regions_visible(net.village.admin).values_list("name", flat=True)) == ["东村"]
    assert access.regions_visible(superuser()).count() == Region.objects.count()


# ------------------------------------------------------------------ the scopes


def test_cases_applications_and_applicants_of_the_visible_centers(net):
    village_admin = net.village.admin
    assert set(access.scope_cases(Case.objects.all(), village_admin)) == set(
        Case.objects.filter(center=net.village.center)
    )
    assert set(access.scope_applications(Application.objects.all(), village_admin)) == set(
        net.village.applications
    )
    assert set(access.scope_applicants(Applicant.objects.all(), village_admin)) == {
        a.applicant for a in net.village.applications
    }
    county_sees = access.scope_cases(Case.objects.all(), net.county.supervisor)
    assert county_sees.count() == Case.objects.count() == 4
    ApplicantFactory()  # nobody applied for them yet
    assert access.scope_applicants(Applicant.objects.all(), net.county.admin).count() == 4


def test_a_case_reported_to_a_center_is_seen_there(net):
    case = Case.objects.get(center=net.village.center)
    Case.objects.filter(pk=case.pk).update(reported_to=net.other_township.center)
    assert case in access.scope_cases(Case.objects.all(), net.other_township.clerk)


def test_department_staff_see_their_departments_cases_only(net):
    approver = StaffFactory(center=net.county.center, department=net.county.department, roles=[Role.APPROVER])
    assert list(access.scope_cases(Case.objects.all(), approver)) == list(
        Case.objects.filter(department=net.county.department)
    )
    assert list(access.scope_applicants(Applicant.objects.all(), approver)) == [
        net.county.applications[0].applicant
    ]


def test_the_township_above_a_village_station_reaches_only_its_agents_applications(net):
    """`scope_proxy_checked`: the hall's proxy applications filed by agents of the stations
    below the actor's center, for center-wide roles strictly above the station — not the
    station's own staff, not department staff, not another township, not window applications."""
    agent = StaffFactory(center=net.village.center, roles=[Role.PROXY_AGENT])
    elsewhere = StaffFactory(
        center=ServiceCenterFactory(tier=ServiceCenter.Tier.VILLAGE, parent=net.other_township.center),
        roles=[Role.PROXY_AGENT],
    )
    mine, theirs = net.county.applications[0], net.village.applications[0]
    Application.objects.filter(pk=mine.pk).update(channel="proxy", proxy_agent=agent)
    Application.objects.filter(pk=theirs.pk).update(channel="proxy", proxy_agent=elsewhere)
    everything = Application.objects.all()
    assert list(access.scope_proxy_checked(everything, net.township.clerk)) == [mine]
    assert list(access.scope_proxy_checked(everything, net.township.admin)) == [mine]
    assert list(access.scope_proxy_checked(everything, net.other_township.clerk)) == [theirs]
    assert not access.scope_proxy_checked(everything, net.village.clerk).exists()  # the station itself
    assert not access.scope_proxy_checked(everything, agent).exists()  # agents: proxy_applications
    approver = StaffFactory(
        center=net.township.center, department=net.township.department, roles=[Role.APPROVER]
    )
    assert not access.scope_proxy_checked(everything, approver).exists()
    assert not access.scope_proxy_checked(everything, UserFactory()).exists()
    assert not access.scope_proxy_checked(everything, None).exists()
    Application.objects.filter(pk=mine.pk).update(channel="window")  # not filed by an agent
    assert not access.scope_proxy_checked(everything, net.township.clerk).exists()
    # the township's case scope is unchanged: the hall's case stays out of it
    assert not access.scope_cases(Case.objects.filter(application=mine), net.township.clerk).exists()


def test_scope_queryset_knows_every_center_bound_model(net):
    admin = net.township.admin
    assert codes(access.scope_queryset(ServiceItem.objects.all(), admin)) == {
        net.township.item.code,
        net.village.item.code,
    }
    assert set(access.scope_queryset(Staff.objects.all(), admin).values_list("center__code", flat=True)) == {
        "AHX-T01",
        "AHX-T01-V01",
    }
    events = access.scope_queryset(CaseEvent.objects.all(), admin)
    assert set(events.values_list("case__center__code", flat=True)) == {"AHX-T01", "AHX-T01-V01"}


def test_a_model_the_rules_do_not_know_is_a_superusers_only(net):
    from django.contrib.auth.models import Group

    assert not access.scope_queryset(Group.objects.all(), net.county.admin).exists()
    assert access.scope_queryset(Group.objects.all(), superuser()).exists()


def test_each_scope_is_one_query_whatever_the_rows(net, django_assert_num_queries):
    admin = Staff.objects.select_related("center", "user").get(pk=net.county.admin.pk)
    access.actor_scope(admin)  # the staff row, center and roles: read once per instance
    with django_assert_num_queries(1):
        len(access.scope_cases(Case.objects.all(), admin))
    with django_assert_num_queries(1):
        len(access.scope_applicants(Applicant.objects.all(), admin))
    with CaptureQueriesContext(connection) as ctx:
        list(access.scope_applications(Application.objects.all(), admin))
    assert len(ctx.captured_queries) == 1
    assert "path" in ctx.captured_queries[0]["sql"]  # the tree is a sub-select, not a list of ids


# ------------------------------------------------------------------ who may do what


def test_roles_are_granted_in_ones_own_center_and_below(net):
    village_admin, county_admin = net.village.admin, net.county.admin
    assert access.may_grant_role(village_admin, Role.APPROVER, net.village.center)
    assert not access.may_grant_role(village_admin, Role.APPROVER, net.county.center)
    assert not access.may_grant_role(village_admin, Role.APPROVER, net.township.center)
    assert access.may_grant_role(county_admin, Role.SUPERVISOR, net.village.center)
    assert not access.may_grant_role(net.county.supervisor, Role.APPROVER, net.county.center)


def test_the_center_admin_role_only_from_a_center_above(net):
    assert not access.may_grant_role(net.village.admin, Role.CENTER_ADMIN, net.village.center)
    assert not access.may_grant_role(net.township.admin, Role.CENTER_ADMIN, net.township.center)
    assert not access.may_grant_role(net.township.admin, Role.CENTER_ADMIN, net.county.center)
    assert access.may_grant_role(net.township.admin, Role.CENTER_ADMIN, net.village.center)
    assert access.may_grant_role(net.county.admin, Role.CENTER_ADMIN, net.township.center)
    assert not access.may_grant_role(net.county.admin, Role.CENTER_ADMIN, net.county.center)
    assert access.may_grant_role(superuser(), Role.CENTER_ADMIN, net.county.center)


def test_withdrawing_a_center_admin_role_is_also_for_the_center_above(net):
    peer = net.township.admin
    assert access.roles_refused(
        net.township.admin, center=peer.center, before={Role.CENTER_ADMIN}, after={Role.APPROVER}
    ) == [Role.CENTER_ADMIN]
    assert not access.roles_refused(
        net.county.admin, center=peer.center, before={Role.CENTER_ADMIN}, after={Role.APPROVER}
    )


def test_the_services_refuse_a_grant_the_actor_may_not_make(net):
    clerk = net.county.clerk
    with pytest.raises(OrgError) as exc:
        staff_set_roles(staff=clerk, roles=[Role.CENTER_ADMIN], actor=net.village.admin)
    assert exc.value.code == "CENTER_ADMIN_FROM_ABOVE" and exc.value.field == "roles"
    with pytest.raises(OrgError) as exc:
        staff_set_roles(staff=clerk, roles=[Role.APPROVER], actor=net.village.admin)
    assert exc.value.code == "ROLE_NOT_GRANTABLE"
    assert Staff.objects.get(pk=clerk.pk).roles == {Role.INTAKE_CLERK}
    with pytest.raises(OrgError):
        staff_create(
            center=net.village.center,
            username="new_boss",
            name="新主任",
            roles=[Role.CENTER_ADMIN],
            actor=net.village.admin,
        )
    made = staff_create(
        center=net.village.center,
        username="new_boss",
        name="新主任",
        roles=[Role.CENTER_ADMIN],
        actor=net.township.admin,
    )
    assert made.roles == {Role.CENTER_ADMIN}


def test_a_catalog_is_imported_only_into_a_center_one_administers(net):
    assert access.may_import_catalog(net.village.admin, net.village.center)
    assert not access.may_import_catalog(net.village.admin, net.county.center)
    assert not access.may_import_catalog(net.county.supervisor, net.county.center)
    assert access.may_import_catalog(net.county.admin, net.village.center)
    assert codes(access.centers_managed(net.township.admin)) == {"AHX-T01", "AHX-T01-V01"}
    assert not access.centers_managed(net.township.supervisor).exists()
