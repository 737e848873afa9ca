import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from onewindow.core import clock
from onewindow.org.models import (
    Applicant,
    Department,
    Region,
    Role,
    ServiceCenter,
    Staff,
    StaffAbsence,
)
from onewindow.org.services import applicant_create, staff_absence_create, staff_create, staff_set_backup
from tests.factories.org import (
    DepartmentFactory,
    RegionFactory,
    SectorFactory,
    ServiceCenterFactory,
    WindowFactory,
    with_id_check_digit,
)

pytestmark = pytest.mark.django_db

MODELS = ["region", "servicecenter", "department", "sector", "window", "staff", "staffabsence", "applicant"]
NO_ABSENCES = {
    "absences-TOTAL_FORMS": "0",
    "absences-INITIAL_FORMS": "0",
    "absences-MIN_NUM_FORMS": "0",
    "absences-MAX_NUM_FORMS": "1000",
}


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "onewindow-test")
    client.force_login(user)
    return client


def populate(n: int) -> None:
    center = ServiceCenterFactory(region=RegionFactory(parent=RegionFactory(level=2)))
    sectors = [SectorFactory(center=center) for _ in range(3)]
    staff = []
    for i in range(n):
        dept = DepartmentFactory(center=center)
        window = WindowFactory(center=center)
        window.sectors.set(sectors[: 1 + i % 3])
        staff.append(
            staff_create(
                center=center,
                username=f"s{n}_{i}",
                name=f"员工{i}",
                roles=[Role.APPROVER, Role.INTAKE_CLERK],
                department=dept,
                window=window,
                mobile="13800138000",
            )
        )
        applicant_create(
            kind="person",
            name=f"申请人{i}",
            id_number=with_id_check_digit(f"3716211990010{n}{i:03d}"),
            mobile="13900000000",
        )
    for a, b in zip(staff, staff[1:], strict=False):
        staff_set_backup(staff=a, backup=b)
    for i, s in enumerate(staff):
        start = clock.now() + dt.timedelta(days=i - 1)
        staff_absence_create(
            staff=s, starts_at=start, ends_at=start + dt.timedelta(days=2), reason="年休假", actor=s
        )


@pytest.mark.parametrize("model", MODELS)
def test_changelist_loads_with_bounded_queries(admin_client, model, django_assert_max_num_queries):
    populate(3)
    url = reverse(f"admin:org_{model}_changelist")
    with django_assert_max_num_queries(14) as small:
        assert admin_client.get(url).status_code == 200
    populate(9)
    with django_assert_max_num_queries(14) as large:
        response = admin_client.get(url)
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize("model", MODELS)
def test_add_form_and_search_load(admin_client, model):
    populate(2)
    assert admin_client.get(reverse(f"admin:org_{model}_add")).status_code == 200
    assert admin_client.get(reverse(f"admin:org_{model}_changelist"), {"q": "1"}).status_code == 200


def test_staff_list_masks_phone_and_filters_by_role(admin_client):
    populate(2)
    staff_create(
        center=ServiceCenterFactory(),
        username="boss",
        name="主任甲",
        roles=[Role.CENTER_ADMIN],
        mobile="13712345678",
    )
    url = reverse("admin:org_staff_changelist")
    page = admin_client.get(url).content.decode()
    assert "137****5678" in page
    assert "13712345678" not in page
    filtered = admin_client.get(url, {"role": Role.CENTER_ADMIN}).content.decode()
    assert "主任甲" in filtered
    assert "员工0" not in filtered


def test_applicant_found_by_exact_id_number_and_shown_masked(admin_client):
    id_number = with_id_check_digit("37162119850312004")
    applicant_create(kind="person", name="王小明", id_number=id_number, mobile="13912345678")
    applicant_create(kind="person", name="李小红", id_number=with_id_check_digit("37162119900101002"))
    url = reverse("admin:org_applicant_changelist")
    page = admin_client.get(url, {"q": id_number.lower()}).content.decode()
    start = page.index("<tbody>", page.index('id="result_list"'))
    # links carry the search term back (preserved filters); the cells must not show it
    page = re.sub(r'href="[^"]*"', "", page[start : page.index("</table>", start)])
    assert "王小明" in page
    assert "李小红" not in page
    assert id_number not in page
    assert "371621********" in page
    assert "139****5678" in page


def test_applicant_form_shows_masked_values_never_plain_or_tokens(admin_client):
    id_number = with_id_check_digit("37162119850312004")
    applicant = applicant_create(kind="person", name="王小明", id_number=id_number, mobile="13912345678")
    page = admin_client.get(reverse("admin:org_applicant_change", args=[applicant.pk])).content.decode()
    assert id_number not in page
    assert "13912345678" not in page
    assert "371621********0043" in page and "139****5678" in page
    assert reverse("admin:org_applicant_reveal", args=[applicant.pk, "id_number"]) in page
    assert "gAAAAA" not in page  # Fernet tokens start with this


def test_applicant_form_validates_and_sets_digest(admin_client):
    url = reverse("admin:org_applicant_add")
    bad = admin_client.post(url, {"kind": "person", "name": "赵六", "id_number": "371621198503120040"})
    assert bad.status_code == 200
    assert not Applicant.objects.exists()
    good_id = with_id_check_digit("37162119850312004")
    response = admin_client.post(url, {"kind": "person", "name": "赵六", "id_number": good_id})
    assert response.status_code == 302
    from onewindow.org.selectors import applicant_find

    assert applicant_find(id_number=good_id).name == "赵六"


def test_admin_speaks_chinese(admin_client):
    page = admin_client.get(reverse("admin:app_list", args=["org"])).content.decode()
    assert "政务服务中心" in page
    assert "窗口" in page


def test_region_changelist_walks_the_tree(admin_client):
    province = RegionFactory(code="370000000000", name="山东省", level=1)
    city = RegionFactory(code="371600000000", name="滨州市", level=2, parent=province)
    county = RegionFactory(code="371699000000", name="安和县", level=3, parent=city)
    RegionFactory(code="371699001000", name="城关街道", level=4, parent=county)
    RegionFactory(code="371699101000", name="李庄镇", level=4, parent=county)
    url = reverse("admin:org_region_changelist")
    page = admin_client.get(url, {"parent__id__exact": county.pk}).content.decode()
    start = page.index("<tbody>")
    rows = page[start : page.index("</tbody>", start)]
    assert "城关街道" in rows and "李庄镇" in rows
    assert "滨州市" in rows  # the path column: 山东省 / 滨州市 / 安和县
    assert "371600000000" not in rows
    top = admin_client.get(url, {"level__exact": 3}).content.decode()
    assert f"?parent__id__exact={county.pk}" in top


def test_staff_added_in_the_admin_goes_through_staff_create(admin_client):
    center = ServiceCenterFactory()
    dept = DepartmentFactory(center=center)
    response = admin_client.post(
        reverse("admin:org_staff_add"),
        {
            "username": "newclerk",
            "password": "a-long-demo-passphrase",
            "name": "新受理员",
            "roles": [Role.INTAKE_CLERK, Role.SUPERVISOR],
            "center": center.pk,
            "department": dept.pk,
            "mobile": "+86 139 1234 5678",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    staff = Staff.objects.get(user__username="newclerk")
    assert staff.roles == {"intake_clerk", "supervisor"}
    assert staff.user.is_staff
    assert staff.user.check_password("a-long-demo-passphrase")
    assert staff.mobile == "13912345678"


def test_staff_add_form_refuses_taken_username_and_foreign_department(admin_client):
    center = ServiceCenterFactory()
    staff_create(center=center, username="taken", name="甲", roles=[Role.APPROVER])
    response = admin_client.post(
        reverse("admin:org_staff_add"),
        {
            "username": "taken",
            "name": "乙",
            "roles": [Role.APPROVER],
            "center": center.pk,
            "department": DepartmentFactory().pk,
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "username" in errors and "department" in errors
    assert Staff.objects.count() == 1


def test_staff_change_sets_roles_and_backup_through_services(admin_client):
    center = ServiceCenterFactory()
    a = staff_create(center=center, username="a_post", name="甲", roles=[Role.CENTER_ADMIN])
    b = staff_create(center=center, username="b_post", name="乙", roles=[Role.APPROVER])
    url = reverse("admin:org_staff_change", args=[a.pk])
    form = {"name": "甲", "roles": [Role.APPROVER], "backup": b.pk, "is_active": "on", **NO_ABSENCES}
    assert admin_client.post(url, form).status_code == 302
    a.refresh_from_db()
    assert a.roles == {"approver"}
    assert not a.user.is_staff
    assert a.backup == b
    cycle = admin_client.post(
        reverse("admin:org_staff_change", args=[b.pk]),
        {"name": "乙", "roles": [Role.APPROVER], "backup": a.pk, "is_active": "on", **NO_ABSENCES},
    )
    assert cycle.status_code == 200
    assert "backup" in cycle.context["adminform"].form.errors
    b.refresh_from_db()
    assert b.backup is None


def test_applicant_admin_refuses_a_duplicate_identity(admin_client):
    id_number = with_id_check_digit("37162119850312004")
    applicant_create(kind="person", name="王小明", id_number=id_number)
    response = admin_client.post(
        reverse("admin:org_applicant_add"), {"kind": "person", "name": "王小明二", "id_number": id_number}
    )
    assert response.status_code == 200
    assert "id_number" in response.context["adminform"].form.errors
    assert Applicant.objects.count() == 1


@pytest.mark.parametrize("model", MODELS)
def test_change_form_loads(admin_client, model, django_assert_max_num_queries):
    from django.apps import apps

    populate(2)
    obj = apps.get_model("org", model).objects.order_by("pk").first()
    with django_assert_max_num_queries(30):
        response = admin_client.get(reverse(f"admin:org_{model}_change", args=[obj.pk]))
    assert response.status_code == 200
    assert "gAAAAA" not in response.content.decode()


def test_applicant_change_goes_through_applicant_update(admin_client):
    from onewindow.org.selectors import applicant_find

    old = with_id_check_digit("37162119850312004")
    new = with_id_check_digit("37162119850312005")
    applicant = applicant_create(kind="person", name="王小明", id_number=old)
    url = reverse("admin:org_applicant_change", args=[applicant.pk])
    response = admin_client.post(
        url, {"kind": "person", "name": "王小明", "id_number": new.lower(), "mobile": "139 1234 5678"}
    )
    assert response.status_code == 302
    assert applicant_find(id_number=new) == applicant
    assert applicant_find(id_number=old) is None
    applicant.refresh_from_db()
    assert applicant.mobile == "13912345678"


# ------------------------------------------------------------------ writes through the services


def errors_of(response) -> dict:
    return response.context["adminform"].form.errors


def test_a_region_the_service_refuses_shows_its_message_and_is_not_stored(admin_client):
    county = RegionFactory(code="371699000000", name="安和县", level=3)
    response = admin_client.post(
        reverse("admin:org_region_add"),
        {"code": "371600000000", "name": "滨州市", "level": 2, "parent": county.pk},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert errors_of(response)["parent"] == ["上级区划的层级必须高于本区划。"]
    assert not Region.objects.filter(code="371600000000").exists()


def test_a_region_added_in_the_admin_is_stored_by_the_service(admin_client):
    city = RegionFactory(code="371600000000", name="滨州市", level=2)
    response = admin_client.post(
        reverse("admin:org_region_add"),
        {"code": "371699000000", "name": " 安和县 ", "level": 3, "parent": city.pk},
    )
    assert response.status_code == 302
    assert Region.objects.get(code="371699000000").name == "安和县"  # stripped by region_create


def test_a_center_cannot_be_put_below_its_own_sub_center(admin_client):
    hall = ServiceCenterFactory(code="AHX")
    town = ServiceCenterFactory(code="AHX-T01", parent=hall, tier=ServiceCenter.Tier.TOWNSHIP)
    response = admin_client.post(
        reverse("admin:org_servicecenter_change", args=[hall.pk]),
        {"code": "AHX", "name": hall.name, "tier": "county", "region": hall.region_id, "parent": town.pk},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert errors_of(response)["parent"] == ["中心不能是自己的上级中心，无论直接还是间接。"]
    hall.refresh_from_db()
    assert hall.parent is None


def test_a_window_may_not_serve_another_centers_sector(admin_client):
    window = WindowFactory(number="A01")
    foreign = SectorFactory(name="外中心板块")
    response = admin_client.post(
        reverse("admin:org_window_change", args=[window.pk]),
        {"number": "A01", "kind": "intake", "sectors": [foreign.pk], "is_active": "on"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert errors_of(response)["sectors"] == ["服务板块外中心板块不属于本中心。"]
    assert not window.sectors.exists()


def test_a_departments_center_is_fixed_once_created(admin_client):
    department = DepartmentFactory(code="SCJG")
    other = ServiceCenterFactory()
    response = admin_client.post(
        reverse("admin:org_department_change", args=[department.pk]),
        {"center": other.pk, "code": "SCJG", "name": "市场监督管理局", "is_active": "on"},
    )
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.name == "市场监督管理局"
    assert not Department.objects.filter(center=other).exists()


@pytest.mark.parametrize("model", ["region", "servicecenter", "department", "sector", "window", "staff"])
def test_org_rows_are_not_deleted_in_the_admin(admin_client, model):
    from django.apps import apps

    populate(1)
    obj = apps.get_model("org", model).objects.order_by("pk").first()
    response = admin_client.post(reverse(f"admin:org_{model}_delete", args=[obj.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert apps.get_model("org", model).objects.filter(pk=obj.pk).exists()


def test_staff_details_change_through_staff_update(admin_client):
    center = ServiceCenterFactory()
    staff = staff_create(center=center, username="clerk", name="甲", roles=[Role.INTAKE_CLERK])
    window = WindowFactory(center=center)
    response = admin_client.post(
        reverse("admin:org_staff_change", args=[staff.pk]),
        {"name": " 甲二 ", "roles": [Role.INTAKE_CLERK], "window": window.pk, "mobile": "139 1234 5678"}
        | NO_ABSENCES,
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert (staff.name, staff.window, staff.mobile, staff.is_active) == ("甲二", window, "13912345678", False)


# ------------------------------------------------------------------ absences (AB posts)


@pytest.fixture
def center_admin(client):
    """A center admin signed in to the admin site (the role's own permissions)."""
    center = ServiceCenterFactory()
    boss = staff_create(center=center, username="boss", name="主任", roles=[Role.CENTER_ADMIN])
    client.force_login(boss.user)
    return client, boss


def absence_row(start: dt.datetime, end: dt.datetime, reason: str = "年休假") -> dict:
    def fmt(value):
        local = timezone.localtime(value)
        return {"0": f"{local:%Y-%m-%d}", "1": f"{local:%H:%M:%S}"}

    starts, ends = fmt(start), fmt(end)
    return {
        "absences-TOTAL_FORMS": "1",
        "absences-INITIAL_FORMS": "0",
        "absences-MIN_NUM_FORMS": "0",
        "absences-MAX_NUM_FORMS": "1000",
        "absences-0-starts_at_0": starts["0"],
        "absences-0-starts_at_1": starts["1"],
        "absences-0-ends_at_0": ends["0"],
        "absences-0-ends_at_1": ends["1"],
        "absences-0-reason": reason,
    }


def staff_form(staff: Staff) -> dict:
    return {"name": staff.name, "roles": sorted(staff.roles), "is_active": "on"}


def test_a_center_admin_marks_an_a_post_absent_on_the_staff_page(center_admin):
    client, boss = center_admin
    a_post = staff_create(center=boss.center, username="a_post", name="甲", roles=[Role.APPROVER])
    start = clock.now().replace(microsecond=0) + dt.timedelta(hours=1)
    response = client.post(
        reverse("admin:org_staff_change", args=[a_post.pk]),
        staff_form(a_post) | absence_row(start, start + dt.timedelta(days=2), "外出培训"),
    )
    assert response.status_code == 302, response.context["errors"]
    absence = StaffAbsence.objects.get()
    assert (absence.staff, absence.set_by, absence.reason) == (a_post, boss, "外出培训")
    assert absence.starts_at == start
    page = client.get(reverse("admin:org_staff_change", args=[a_post.pk])).content.decode()
    assert "外出培训" in page  # listed under the AB post


def test_an_absence_the_service_refuses_shows_on_the_row_and_nothing_is_stored(center_admin):
    client, boss = center_admin
    a_post = staff_create(center=boss.center, username="a_post", name="甲", roles=[Role.APPROVER])
    start = clock.now().replace(microsecond=0) + dt.timedelta(hours=1)
    staff_absence_create(
        staff=a_post, starts_at=start, ends_at=start + dt.timedelta(days=1), reason="病假", actor=boss
    )
    response = client.post(
        reverse("admin:org_staff_change", args=[a_post.pk]),
        staff_form(a_post) | {"name": "甲（改）"} | absence_row(start, start + dt.timedelta(hours=2)),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    row = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert "已登记在" in row.errors["starts_at"][0]
    assert StaffAbsence.objects.count() == 1
    a_post.refresh_from_db()
    assert a_post.name == "甲"  # the whole save was rolled back


def test_an_account_without_a_staff_row_cannot_set_absences(admin_client):
    a_post = staff_create(center=ServiceCenterFactory(), username="a_post", name="甲", roles=[Role.APPROVER])
    start = clock.now() + dt.timedelta(hours=1)
    response = admin_client.post(
        reverse("admin:org_staffabsence_add"),
        {
            "staff": a_post.pk,
            "starts_at_0": f"{timezone.localtime(start):%Y-%m-%d}",
            "starts_at_1": f"{timezone.localtime(start):%H:%M:%S}",
            "ends_at_0": f"{timezone.localtime(start + dt.timedelta(days=1)):%Y-%m-%d}",
            "ends_at_1": "23:00:00",
            "reason": "事假",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert errors_of(response)["staff"] == ["只有本人或其所在中心的管理员可以登记其离岗。"]
    assert not StaffAbsence.objects.exists()


def test_a_center_admin_ends_and_cancels_absences_from_the_list(center_admin):
    client, boss = center_admin
    a_post = staff_create(center=boss.center, username="a_post", name="甲", roles=[Role.APPROVER])
    now = clock.now()
    current = staff_absence_create(
        staff=a_post,
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(days=1),
        reason="病假",
        actor=boss,
    )
    coming = staff_absence_create(
        staff=a_post,
        starts_at=now + dt.timedelta(days=3),
        ends_at=now + dt.timedelta(days=4),
        reason="事假",
        actor=boss,
    )
    url = reverse("admin:org_staffabsence_changelist")
    listed = client.get(url, {"status": "current"})
    assert [a.pk for a in listed.context["cl"].result_list] == [current.pk]
    client.post(url, {"action": "end_now", "_selected_action": [current.pk]})
    current.refresh_from_db()
    assert current.ended_by == boss and current.ends_at <= clock.now()
    assert (
        client.post(reverse("admin:org_staffabsence_delete", args=[current.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert (
        client.post(reverse("admin:org_staffabsence_delete", args=[coming.pk]), {"post": "yes"}).status_code
        == 302
    )
    assert list(StaffAbsence.objects.all()) == [current]


def test_absences_are_never_edited_in_the_admin(center_admin):
    client, boss = center_admin
    start = clock.now() + dt.timedelta(hours=1)
    absence = staff_absence_create(
        staff=boss, starts_at=start, ends_at=start + dt.timedelta(days=1), reason="年休假", actor=boss
    )
    url = reverse("admin:org_staffabsence_change", args=[absence.pk])
    assert 'name="_save"' not in client.get(url).content.decode()
    assert client.post(url, {"reason": "改了"}).status_code == 403
    absence.refresh_from_db()
    assert absence.reason == "年休假"


# ------------------------------------------------------------------ scoped by the access rules


@pytest.fixture
def net():
    from tests.factories.access import county_network

    network = county_network()
    for hall in network.halls:
        SectorFactory(center=hall.center, code=f"S-{hall.center.code}")
        WindowFactory(center=hall.center, number=f"W{hall.center.pk}")
    return network


def signed_in(client, staff):
    client.force_login(staff.user)
    return client


def listed(client, model, **params):
    response = client.get(reverse(f"admin:org_{model}_changelist"), params)
    assert response.status_code == 200, model
    return list(response.context["cl"].result_list)


def test_a_village_station_admin_sees_only_their_station_in_every_org_list(client, net):
    village = net.village
    signed_in(client, village.admin)
    assert {c.code for c in listed(client, "servicecenter")} == {"AHX-T01-V01"}
    for model in ("department", "sector", "window", "staff"):
        rows = listed(client, model)
        assert rows and {r.center_id for r in rows} == {village.center.pk}, model
    assert {a.pk for a in listed(client, "applicant")} == {a.applicant_id for a in village.applications}
    assert {r.name for r in listed(client, "region")} == {"东村"}
    page = client.get(reverse("admin:org_staff_changelist")).content.decode()
    assert "AHX中心" not in page  # not even in the side filters


def test_a_county_object_is_a_404_for_a_village_admin(client, net):
    signed_in(client, net.village.admin)
    county = net.county
    for model, obj in [
        ("servicecenter", county.center),
        ("department", county.department),
        ("staff", county.clerk),
        ("applicant", county.applications[0].applicant),
    ]:
        assert client.get(reverse(f"admin:org_{model}_change", args=[obj.pk])).status_code == 404, model
        assert client.post(reverse(f"admin:org_{model}_change", args=[obj.pk]), {}).status_code == 404
    # the same answer as for a row that does not exist at all
    assert client.get(reverse("admin:org_staff_change", args=[10**9])).status_code == 404


def test_a_village_admin_cannot_change_county_staffs_roles(client, net):
    signed_in(client, net.village.admin)
    clerk = net.county.clerk
    response = client.post(
        reverse("admin:org_staff_change", args=[clerk.pk]),
        {"name": clerk.name, "roles": [Role.CENTER_ADMIN], "is_active": "on", **NO_ABSENCES},
    )
    assert response.status_code == 404
    assert Staff.objects.get(pk=clerk.pk).roles == {Role.INTAKE_CLERK}


def test_a_center_admin_cannot_make_anyone_an_admin_of_their_own_center(client, net):
    village = net.village
    signed_in(client, village.admin)
    url = reverse("admin:org_staff_change", args=[village.clerk.pk])
    form = {"name": village.clerk.name, "is_active": "on", **NO_ABSENCES}
    refused = client.post(url, {**form, "roles": [Role.CENTER_ADMIN]}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 200
    assert "上级中心" in " ".join(errors_of(refused)["roles"])
    assert Staff.objects.get(pk=village.clerk.pk).roles == {Role.INTAKE_CLERK}
    assert client.post(url, {**form, "roles": [Role.PICKUP_CLERK]}).status_code == 302
    assert Staff.objects.get(pk=village.clerk.pk).roles == {Role.PICKUP_CLERK}
    # nor a new colleague, nor a staff member of another center
    added = client.post(
        reverse("admin:org_staff_add"),
        {"username": "deputy", "name": "副站长", "roles": [Role.CENTER_ADMIN], "center": village.center.pk},
    )
    assert added.status_code == 200 and not Staff.objects.filter(user__username="deputy").exists()
    foreign = client.post(
        reverse("admin:org_staff_add"),
        {"username": "spy", "name": "外人", "roles": [Role.APPROVER], "center": net.county.center.pk},
    )
    assert "center" in errors_of(foreign) and not Staff.objects.filter(user__username="spy").exists()


def test_the_county_admin_manages_the_townships_below(client, net):
    signed_in(client, net.county.admin)
    town = net.township
    response = client.post(
        reverse("admin:org_staff_change", args=[town.clerk.pk]),
        {"name": town.clerk.name, "roles": [Role.CENTER_ADMIN], "is_active": "on", **NO_ABSENCES},
    )
    assert response.status_code == 302
    assert Staff.objects.get(pk=town.clerk.pk).roles == {Role.CENTER_ADMIN}
    assert len(listed(client, "servicecenter")) == 4
    response = client.post(
        reverse("admin:org_servicecenter_change", args=[town.center.pk]),
        {
            "code": "AHX-T01",
            "name": "李庄镇便民服务中心",
            "tier": "township",
            "region": town.region.pk,
            "parent": net.county.center.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert ServiceCenter.objects.get(pk=town.center.pk).name == "李庄镇便民服务中心"
    # but not its own roles, nor its own place in the tree
    own = client.post(
        reverse("admin:org_staff_change", args=[net.county.supervisor.pk]),
        {"name": "x", "roles": [Role.CENTER_ADMIN], "is_active": "on", **NO_ABSENCES},
    )
    assert own.status_code == 200 and "roles" in errors_of(own)


def test_a_center_admin_keeps_their_own_centers_place_and_adds_centers_only_below(client, net):
    town = net.township
    signed_in(client, town.admin)
    page = client.get(reverse("admin:org_servicecenter_change", args=[town.center.pk]))
    assert set(page.context["adminform"].form.fields) >= {"name", "address"}
    assert "parent" not in page.context["adminform"].form.fields
    saved = client.post(
        reverse("admin:org_servicecenter_change", args=[town.center.pk]),
        {"name": "李庄镇中心", "address": "镇政府院内", "is_active": "on"},
    )
    assert saved.status_code == 302
    town.center.refresh_from_db()
    assert (town.center.name, town.center.parent_id) == ("李庄镇中心", net.county.center.pk)
    new = {"code": "AHX-T01-V02", "name": "西村便民服务站", "tier": "village", "region": town.region.pk}
    assert "parent" in errors_of(client.post(reverse("admin:org_servicecenter_add"), new))
    top = client.post(reverse("admin:org_servicecenter_add"), {**new, "parent": net.county.center.pk})
    assert "parent" in errors_of(top)
    assert (
        client.post(reverse("admin:org_servicecenter_add"), {**new, "parent": town.center.pk}).status_code
        == 302
    )
    fresh = Staff.objects.select_related("center").get(pk=town.admin.pk)
    from onewindow.org.access import centers_visible

    assert "AHX-T01-V02" in {c.code for c in centers_visible(fresh)}


@pytest.mark.parametrize("model", ["servicecenter", "department", "staff", "applicant", "staffabsence"])
def test_scoped_org_lists_cost_the_same_queries_for_more_rows(client, net, model):
    from tests.factories.access import apply

    village = net.village
    signed_in(client, village.admin)
    url = reverse(f"admin:org_{model}_changelist")
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    apply(village, 5)
    apply(net.county, 3)
    for n in range(4):
        DepartmentFactory(center=village.center)
        staff_create(center=village.center, username=f"more{n}", name=f"员工{n}", roles=[Role.APPROVER])
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries) <= 16
