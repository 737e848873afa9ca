"""Admin pages scoped by the access rules (`onewindow.org.access`).

`ScopedAdminMixin` narrows a ModelAdmin to the rows the signed-in user may see, in one SQL
filter on every list, search, count, autocomplete and change page: its `get_queryset` is
`access.scope_queryset`, a row outside the scope is a 404 exactly like a row that does not
exist (never Django's redirect, which would tell the two apart), the object permissions
are false for a row outside it, and every foreign key and many-to-many choice (selects,
raw-id inputs, autocompletes) is limited to visible rows, so a form cannot point at another
center's department. `ScopedRelatedFilter` lists only visible centers, departments, items
in the side filters. The org, catalog and cases admins all use them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from onewindow.org.access import scope_queryset, scoped_model

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
    _InlineAdmin = InlineModelAdmin[Any, Any]
    _BaseAdmin = admin.options.BaseModelAdmin[Any]
else:  # the admin classes are not generic at run time
    _ModelAdmin = admin.ModelAdmin
    _InlineAdmin = InlineModelAdmin
    _BaseAdmin = admin.options.BaseModelAdmin

_IN_SCOPE = "_onewindow_in_scope"


def limit_choices(request: HttpRequest, db_field: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """`kwargs` for a relation's form field with its queryset narrowed to visible rows."""
    related = db_field.remote_field.model
    if scoped_model(related):
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = related._default_manager.all()
        kwargs["queryset"] = scope_queryset(queryset, request.user)
    return kwargs


class ScopedFieldsMixin(_BaseAdmin):
    """Foreign-key and many-to-many choices limited to the rows the user may see."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "queryset" not in kwargs:
            queryset = self.get_field_queryset(None, db_field, request)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **limit_choices(request, db_field, kwargs))

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "queryset" not in kwargs:
            queryset = self.get_field_queryset(None, db_field, request)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **limit_choices(request, db_field, kwargs))


class ScopedAdminMixin(ScopedFieldsMixin, _ModelAdmin):
    """A ModelAdmin that shows and changes only what the access rules let the user see."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return scope_queryset(super().get_queryset(request), request.user)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Out of scope or not there at all: the same answer, so neither can be told apart.
            raise Http404(_("No such record, or it is not in your centers."))
        obj.__dict__[_IN_SCOPE] = True  # read through the scoped get_queryset
        return obj

    def in_scope(self, request: HttpRequest, obj: models.Model) -> bool:
        """Whether `obj` is one of the rows the user may see (one query, then kept on it)."""
        known: bool | None = obj.__dict__.get(_IN_SCOPE)
        if known is None:
            known = self.get_queryset(request).filter(pk=obj.pk).exists()
            obj.__dict__[_IN_SCOPE] = known
        return known

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.in_scope(request, obj))


class ScopedInlineMixin(ScopedFieldsMixin, _InlineAdmin):
    """An inline whose relation choices are limited to visible rows (its rows belong to the
    parent, which its admin already scoped)."""


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A side filter on a relation that offers only the related rows the user may see (the
    plain filter lists every center and department of the province)."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        related = field.remote_field.model
        ordering = self.field_admin_ordering(field, request, model_admin)
        queryset = scope_queryset(related._default_manager.all(), request.user)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(str(row.pk), str(row)) for row in queryset]
