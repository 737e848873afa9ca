"""What every catalog admin page shares: read-only once the version is frozen, writes through
the catalog services with their refusals on the field they name, scoped to the centers managed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from onewindow.catalog.errors import CatalogError
from onewindow.catalog.models import ServiceItemVersion
from onewindow.core.serviceadmin import ServiceAdminMixin
from onewindow.org.adminscope import ScopedAdminMixin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _frozen(version: ServiceItemVersion | None) -> bool:
    return version is not None and version.is_frozen


class FrozenAwareMixin:
    """Read-only once the version the object belongs to is frozen."""

    def version_of(self, obj: Any) -> ServiceItemVersion | None:
        return obj

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and _frozen(self.version_of(obj)):
            return False
        return super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and _frozen(self.version_of(obj)):
            return False
        return super().has_delete_permission(request, obj)  # type: ignore[misc]


class FrozenAwareInline(FrozenAwareMixin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and _frozen(self.version_of(obj)):
            return False
        return super().has_add_permission(request, obj)  # type: ignore[misc]


class CatalogAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Writes through the catalog services; their `guide.` paths name the form's fields.
    Scoped by the access rules: the items of one's own center and the centers below."""

    refused_by = (CatalogError,)

    def refusal_field(self, field: str) -> str:
        return field.removeprefix("guide.")

    def fixed_after_create(self) -> tuple[str, ...]:
        """Fields chosen when the row is created and read-only afterwards."""
        return ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, *self.fixed_after_create()) if obj is not None else fields


def _fields(form: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


def _report_errors(request: HttpRequest, exc: CatalogError) -> None:
    if exc.errors:
        for error in exc.errors:
            messages.error(request, error["message"])
    else:
        messages.error(request, exc.message)
