import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from onewindow.org.models import Applicant, Role, Staff
from onewindow.org.services import applicant_create, staff_create, staff_set_backup
from tests.factories.org import (
    DepartmentFactory,
    RegionFactory,
    SectorFactory,
    ServiceCenterFactory,
    WindowFactory,
    with_id_check_digit,
)

pytestmark = pytest.mark.django_db

MODELS = ["region", "servicecenter", "department", "sector", "window", "staff", "applicant"]


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
                phone="13800138000",
            )
        )
        applicant_create(
            kind="person",
            name=f"申请人{i}",
            id_number=with_id_check_digit(f"3716211990010{n}{i:03d}"),
            phone="13900000000",
        )
    for a, b in zip(staff, staff[1:], strict=False):
        staff_set_backup(staff=a, backup=b)


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
        phone="13712345678",
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
    applicant_create(kind="person", name="王小明", id_number=id_number, phone="13912345678")
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


def test_applicant_form_shows_plain_values_never_tokens(admin_client):
    id_number = with_id_check_digit("37162119850312004")
    applicant = applicant_create(kind="person", name="王小明", id_number=id_number, phone="13912345678")
    page = admin_client.get(reverse("admin:org_applicant_change", args=[applicant.pk])).content.decode()
    assert id_number in page
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
            "phone": "+86 139 1234 5678",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    staff = Staff.objects.get(user__username="newclerk")
    assert staff.roles == {"intake_clerk", "supervisor"}
    assert staff.user.is_staff
    assert staff.user.check_password("a-long-demo-passphrase")
    assert staff.phone == "13912345678"


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
    form = {"name": "甲", "roles": [Role.APPROVER], "center": center.pk, "backup": b.pk, "is_active": "on"}
    assert admin_client.post(url, form).status_code == 302
    a.refresh_from_db()
    assert a.roles == {"approver"}
    assert not a.user.is_staff
    assert a.backup == b
    cycle = admin_client.post(
        reverse("admin:org_staff_change", args=[b.pk]),
        {"name": "乙", "roles": [Role.APPROVER], "center": center.pk, "backup": a.pk, "is_active": "on"},
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
        url, {"kind": "person", "name": "王小明", "id_number": new.lower(), "phone": "139 1234 5678"}
    )
    assert response.status_code == 302
    assert applicant_find(id_number=new) == applicant
    assert applicant_find(id_number=old) is None
    applicant.refresh_from_db()
    assert applicant.phone == "13912345678"
