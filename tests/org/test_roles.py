import pytest
from django.contrib.auth.models import Group

from onewindow.org.models import Role
from onewindow.org.services import roles_sync

pytestmark = pytest.mark.django_db


def perms(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def test_migrate_creates_every_role_group():
    assert set(Group.objects.filter(name__in=Role.values).values_list("name", flat=True)) == set(Role.values)


def test_center_admin_manages_org_catalog_and_calendar():
    roles_sync()
    admin = perms(Role.CENTER_ADMIN)
    assert {
        "org.add_staff",
        "org.change_window",
        "catalog.change_serviceitem",
        "core.add_calendarday",
    } <= admin
    assert "core.delete_counter" not in admin


def test_supervisor_views_everything_but_changes_nothing():
    roles_sync()
    supervisor = perms(Role.SUPERVISOR)
    assert {"org.view_applicant", "catalog.view_serviceitem", "core.view_calendarday"} <= supervisor
    assert not [p for p in supervisor if not p.split(".")[1].startswith("view_")]


def test_working_roles_only_view_catalog_and_org():
    roles_sync()
    for role in [
        Role.INTAKE_CLERK,
        Role.APPROVER,
        Role.CHIEF_REPRESENTATIVE,
        Role.PICKUP_CLERK,
        Role.PROXY_AGENT,
    ]:
        granted = perms(role)
        assert "catalog.view_serviceitem" in granted
        assert "org.view_window" in granted
        assert {p.split(".")[0] for p in granted} == {"org", "catalog"}
        assert all(p.split(".")[1].startswith("view_") for p in granted)


def test_roles_sync_is_idempotent_and_resets_hand_edits():
    roles_sync()
    before = perms(Role.APPROVER)
    group = Group.objects.get(name=Role.APPROVER)
    group.permissions.clear()
    roles_sync()
    roles_sync()
    assert perms(Role.APPROVER) == before
    assert Group.objects.filter(name=Role.APPROVER).count() == 1


def test_roles_sync_skips_permissions_of_models_not_installed_yet(monkeypatch):
    from onewindow.org.actions import roles

    monkeypatch.setattr(roles, "CATALOG_MODELS", (*roles.CATALOG_MODELS, "notyetamodel"))
    groups = roles_sync()
    assert set(groups) == set(Role.values)
    assert "catalog.view_notyetamodel" not in perms(Role.APPROVER)
    assert "catalog.view_serviceitem" in perms(Role.APPROVER)


def test_supervisor_sees_cases_models_once_installed():
    from django.contrib.auth.models import Permission

    roles_sync()
    cases_views = set(
        Permission.objects.filter(content_type__app_label="cases", codename__startswith="view_").values_list(
            "codename", flat=True
        )
    )
    assert cases_views, "the cases app has models"
    assert {f"cases.{c}" for c in cases_views} <= perms(Role.SUPERVISOR)
    assert not {p for p in perms(Role.INTAKE_CLERK) if p.startswith("cases.")}
