import pytest

from onewindow.org.errors import OrgError
from onewindow.org.models import Role
from onewindow.org.selectors import staff_list
from onewindow.org.services import staff_create, staff_set_backup
from tests.factories.org import DepartmentFactory, ServiceCenterFactory, StaffFactory, WindowFactory

pytestmark = pytest.mark.django_db


def test_staff_create_makes_user_in_role_groups():
    center = ServiceCenterFactory()
    dept = DepartmentFactory(center=center)
    staff = staff_create(
        center=center,
        username="zhangsan",
        name="张三",
        roles=[Role.APPROVER, Role.CHIEF_REPRESENTATIVE],
        department=dept,
        password="s3cret-pass",
        mobile="138 0013 8000",
    )
    staff.refresh_from_db()
    assert staff.roles == {"approver", "chief_representative"}
    assert staff.department == dept
    assert staff.mobile == "13800138000"
    assert staff.user.check_password("s3cret-pass")
    assert not staff.user.is_staff


@pytest.mark.parametrize("role", [Role.CENTER_ADMIN, Role.SUPERVISOR])
def test_admins_and_supervisors_may_use_the_admin_site(role):
    staff = staff_create(center=ServiceCenterFactory(), username=f"u_{role}", name="李四", roles=[role])
    assert staff.user.is_staff
    assert not staff.user.has_usable_password()


def test_staff_create_refuses_department_of_another_center():
    with pytest.raises(OrgError) as exc:
        staff_create(
            center=ServiceCenterFactory(),
            username="x1",
            name="王五",
            roles=[Role.APPROVER],
            department=DepartmentFactory(),
        )
    assert exc.value.code == "DEPARTMENT_NOT_IN_CENTER"
    assert exc.value.field == "department"


def test_staff_create_refuses_window_of_another_center():
    with pytest.raises(OrgError) as exc:
        staff_create(
            center=ServiceCenterFactory(),
            username="x2",
            name="王五",
            roles=[Role.INTAKE_CLERK],
            window=WindowFactory(),
        )
    assert exc.value.code == "WINDOW_NOT_IN_CENTER"


@pytest.mark.parametrize(("roles", "code"), [([], "ROLE_REQUIRED"), (["janitor"], "UNKNOWN_ROLE")])
def test_staff_create_refuses_bad_roles(roles, code):
    with pytest.raises(OrgError) as exc:
        staff_create(center=ServiceCenterFactory(), username="x3", name="赵六", roles=roles)
    assert exc.value.code == code
    assert exc.value.field == "roles"


def test_staff_create_refuses_taken_username_and_leaves_nothing_behind():
    center = ServiceCenterFactory()
    staff_create(center=center, username="dup", name="甲", roles=[Role.APPROVER])
    with pytest.raises(OrgError) as exc:
        staff_create(center=center, username="dup", name="乙", roles=[Role.APPROVER])
    assert exc.value.code == "USERNAME_TAKEN"
    assert staff_list(center=center).count() == 1


def test_staff_create_refuses_bad_mobile_with_chinese_message():
    with pytest.raises(OrgError) as exc:
        staff_create(
            center=ServiceCenterFactory(), username="x4", name="丙", roles=[Role.APPROVER], mobile="12345"
        )
    assert exc.value.code == "INVALID_MOBILE"
    assert "手机" in exc.value.message


def test_set_backup_same_center():
    a = StaffFactory()
    b = StaffFactory(center=a.center)
    staff_set_backup(staff=a, backup=b)
    a.refresh_from_db()
    assert a.backup == b
    staff_set_backup(staff=a, backup=None)
    a.refresh_from_db()
    assert a.backup is None


def test_set_backup_refuses_self_other_center_and_two_cycles():
    a = StaffFactory()
    b = StaffFactory(center=a.center)
    with pytest.raises(OrgError) as exc:
        staff_set_backup(staff=a, backup=a)
    assert exc.value.code == "BACKUP_SELF"
    with pytest.raises(OrgError) as exc:
        staff_set_backup(staff=a, backup=StaffFactory())
    assert exc.value.code == "BACKUP_OTHER_CENTER"
    staff_set_backup(staff=a, backup=b)
    with pytest.raises(OrgError) as exc:
        staff_set_backup(staff=b, backup=a)
    assert exc.value.code == "BACKUP_CYCLE"
    b.refresh_from_db()
    assert b.backup is None


def test_staff_list_filters_by_role_without_n_plus_one(django_assert_num_queries):
    center = ServiceCenterFactory()
    for i in range(5):
        staff_create(center=center, username=f"clerk{i}", name=f"受理员{i}", roles=[Role.INTAKE_CLERK])
    staff_create(center=center, username="boss", name="主任", roles=[Role.CENTER_ADMIN])
    with django_assert_num_queries(2):
        clerks = list(staff_list(center=center, role=Role.INTAKE_CLERK))
        assert all(s.roles == {"intake_clerk"} for s in clerks)
    assert len(clerks) == 5


def test_set_roles_replaces_role_groups_and_follows_is_staff():
    from django.contrib.auth.models import Group

    from onewindow.org.services import staff_set_roles

    staff = staff_create(center=ServiceCenterFactory(), username="r1", name="丁", roles=[Role.SUPERVISOR])
    other, _ = Group.objects.get_or_create(name="newsletter")
    staff.user.groups.add(other)
    assert staff.user.is_staff
    staff_set_roles(staff=staff, roles=[Role.APPROVER, Role.PICKUP_CLERK])
    staff.user.refresh_from_db()
    assert staff.roles == {"approver", "pickup_clerk"}
    assert set(staff.user.groups.values_list("name", flat=True)) == {"approver", "pickup_clerk", "newsletter"}
    assert not staff.user.is_staff
    with pytest.raises(OrgError) as exc:
        staff_set_roles(staff=staff, roles=[])
    assert exc.value.code == "ROLE_REQUIRED"
