"""Admin pages that write through the services and show a service's refusal on the form.

The admin never saves a domain row itself: `save_model`, `delete_model` and each inline row
call a service. A service refuses with its app's error (`OrgError`, `CatalogError`…), which
names the field at fault. Django's admin has no place for an error raised while saving, so
`ServiceAdminMixin` catches it and asks for the page again with the refusal attached to the
form (or to the inline row) that caused it: the clerk sees the service's own Chinese message
on the field, and nothing is stored, because Django runs the whole save in one transaction
and the refusal rolled it back. A rule therefore lives once, in the service; a form's own
checks are only there to show several problems at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
    _InlineAdmin = InlineModelAdmin[Any, Any]
else:  # the admin classes are not generic at run time
    _ModelAdmin = admin.ModelAdmin
    _InlineAdmin = InlineModelAdmin

_REFUSAL = "_onewindow_refusal"
# What a refused request carries into its retry: the prefix of the inline row at fault
# (None for the main form) and the refusals.
_Pending = tuple[str | None, list["Refusal"]]


@dataclass(frozen=True)
class Refusal:
    """One reason a service refused: the input it concerns ("" for the whole form)."""

    field: str
    message: str
    code: str = ""


class _RowRefused(Exception):
    """A service refused one inline row; `prefix` is that row's form prefix."""

    def __init__(self, prefix: str) -> None:
        super().__init__(prefix)
        self.prefix = prefix


def adopt(obj: models.Model, saved: models.Model) -> models.Model:
    """Make the admin's instance the row the service stored (pk and every column), so the
    admin's message, log entry and redirect name the stored row."""
    for f in obj._meta.concrete_fields:
        setattr(obj, f.attname, getattr(saved, f.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db
    return obj


def _attach(form: forms.BaseForm, refusals: list[Refusal]) -> None:
    for refusal in refusals:
        field = refusal.field if refusal.field in form.fields else None
        form.add_error(field, ValidationError(refusal.message, code=refusal.code or None))


def _with_refusals(
    form_class: type[forms.BaseForm], refusals: list[Refusal], prefix: str | None = None
) -> type[forms.BaseForm]:
    """`form_class`, failing validation with `refusals` (only the form with `prefix`, when given)."""

    class Refused(form_class):  # type: ignore[valid-type,misc]
        def clean(self) -> dict[str, Any] | None:
            data: dict[str, Any] | None = super().clean()
            if prefix is None or self.prefix == prefix:
                _attach(self, refusals)
            return data

    Refused.__name__ = form_class.__name__
    return Refused


def _pending(request: HttpRequest) -> _Pending | None:
    pending: _Pending | None = getattr(request, _REFUSAL, None)
    return pending


class ServiceAdminMixin(_ModelAdmin):
    """For a `ModelAdmin` whose `save_model` / `delete_model` call services.

    `refused_by` lists the exception classes that mean "the service refused" (anything else
    is a bug and propagates). Many-to-many fields are not written by the form: `save_model`
    hands them to the service. Inline rows are written by their inline's `save_row` /
    `delete_row` (see `ServiceInlineMixin`). The bulk "delete selected" action is off unless
    `bulk_delete` is set, because one refusal in the middle of it could not be shown."""

    refused_by: tuple[type[Exception], ...] = ()
    bulk_delete = False

    def refusals(self, exc: Exception) -> list[Refusal]:
        """The refusal(s) an error carries: a list of field errors, or one field and message."""
        errors = getattr(exc, "errors", None)
        if errors:
            return [Refusal(self.refusal_field(e["field"]), e["message"], e.get("code", "")) for e in errors]
        return [
            Refusal(
                self.refusal_field(getattr(exc, "field", "")),
                getattr(exc, "message", str(exc)),
                getattr(exc, "code", ""),
            )
        ]

    def refusal_field(self, field: str) -> str:
        """The form field a service's field name maps to (override when they differ)."""
        return field

    # -- the change form: one retry with the refusal on the form

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "POST" and _pending(request) is None:
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            except _RowRefused as exc:
                cause = exc.__cause__
                if not isinstance(cause, Exception):  # _row always chains the refusal
                    raise
                setattr(request, _REFUSAL, (exc.prefix, self.refusals(cause)))
            except self.refused_by as exc:
                setattr(request, _REFUSAL, (None, self.refusals(exc)))
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Any]]:
        form = super().get_form(request, obj, change=change, **kwargs)
        pending = _pending(request)
        if pending is None or pending[0] is not None:
            return form
        refused: type[forms.ModelForm[Any]] = _with_refusals(form, pending[1])  # type: ignore[assignment]
        return refused

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: Any) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: Any) -> None:
        """Each changed, new or deleted row through its inline's service calls."""
        inline = getattr(formset, "service_inline", None)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        rows = [r for r in formset.forms if r.has_changed() or formset._should_delete_form(r)]
        if not rows:
            return
        if inline is None:
            raise ImproperlyConfigured(f"{type(formset).__name__} would write rows without a service")
        for row in formset.initial_forms:
            if formset.can_delete and formset._should_delete_form(row):
                self._row(row, inline.delete_row, request, row.instance)
                formset.deleted_objects.append(row.instance)
            elif row.has_changed():
                saved = self._row(row, inline.save_row, request, form.instance, row, True)
                formset.changed_objects.append((saved, row.changed_data))
        for row in formset.extra_forms:
            if row.has_changed() and not (formset.can_delete and formset._should_delete_form(row)):
                formset.new_objects.append(
                    self._row(row, inline.save_row, request, form.instance, row, False)
                )

    def _row(self, row: forms.BaseForm, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except self.refused_by as exc:
            raise _RowRefused(row.prefix or "") from exc

    # -- deleting

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except self.refused_by as exc:
            for refusal in self.refusals(exc):
                messages.error(request, refusal.message)
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
            )

    def get_actions(self, request: HttpRequest) -> dict[str, tuple[Callable[..., str], str, str] | None]:
        actions = super().get_actions(request)
        if not self.bulk_delete:
            actions.pop("delete_selected", None)
        return actions


class ServiceInlineMixin(_InlineAdmin):
    """For an inline whose rows are written by services: define `save_row(request, parent,
    form, change)` (return the stored row) and, if rows can be deleted, `delete_row(request,
    obj)`. The parent admin must use `ServiceAdminMixin`."""

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset_class = super().get_formset(request, obj, **kwargs)
        pending = _pending(request)
        inline = self
        prefix, refusals = pending if pending is not None else (None, [])
        if prefix is None:
            return type(formset_class.__name__, (formset_class,), {"service_inline": inline})
        target: str = prefix

        class Refused(formset_class):  # type: ignore[valid-type,misc]
            service_inline = inline
            form = _with_refusals(formset_class.form, refusals, target)

            def clean(self) -> None:
                super().clean()
                mine = target.rsplit("-", 1)[0] == self.prefix
                if mine and not any(f.prefix == target for f in self.forms):
                    raise ValidationError([r.message for r in refusals])

        Refused.__name__ = formset_class.__name__
        return Refused

    def save_row(self, request: HttpRequest, parent: models.Model, form: Any, change: bool) -> models.Model:
        raise NotImplementedError

    def delete_row(self, request: HttpRequest, obj: models.Model) -> None:
        raise NotImplementedError


class ViewOnlyMixin:
    """Rows written only by their own module (codes, messages, audit rows): listed and shown,
    never added, changed or deleted in the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
