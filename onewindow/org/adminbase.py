"""What every org admin page shares: writes through the org services, no deletes, scoped to the
centers the user manages; the acting staff row; local times as the admin prints them."""

from django.contrib import admin
from django.utils import timezone

from onewindow.core.serviceadmin import ServiceAdminMixin
from onewindow.org.adminscope import ScopedAdminMixin
from onewindow.org.errors import OrgError
from onewindow.org.models import Staff


def _actor(request) -> Staff | None:
    """The signed-in user's staff row (None for an account without one, e.g. a superuser)."""
    return getattr(request.user, "staff", None)


class OrgAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Writes through the org services; no deletes (deactivate instead). Scoped by the
    access rules: a center admin sees and changes their own center and the centers below."""

    refused_by = (OrgError,)

    def has_delete_permission(self, request, obj=None):
        return False


class InCenterAdmin(OrgAdmin):
    """A row that belongs to one center: the center is chosen when it is created."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "center"] if obj is not None else fields


def _local(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
