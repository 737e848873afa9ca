"""Personal data in the admin: masked everywhere, shown in the clear only through an explicit
"show" page that asks for a reason and logs the view (`core.personal.personal_data_reveal`).

`PersonalDataAdminMixin` adds the page (`<id>/reveal/<what>/`) and `personal_display`, a
masked value with its "show" link, for list columns and read-only fields. Fields the change
form edits (`personal_inputs`) are write-only: the input starts empty, its help text shows
the masked value and the link, and leaving it empty keeps the stored value
(`PersonalInputsFormMixin`). Someone who may only view the row sees the masked value and
the link instead of the field.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onewindow.core.personal import (
    REASON_MAX,
    PersonalDataError,
    mask_personal,
    personal_data_reveal,
    personal_fields,
    personal_masked,
)

if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
    _ModelForm = forms.ModelForm[Any]
else:  # the admin classes are not generic at run time
    _ModelAdmin = admin.ModelAdmin
    _ModelForm = forms.ModelForm

MASKED_PREFIX = "masked_"


def reveal_url(obj: models.Model, what: str) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_reveal", args=[quote(obj.pk), what])


def personal_display(obj: models.Model, what: str, masked: str | None = None) -> str:
    """The masked value of `what` with a "show" link to the page that asks for a reason."""
    masked = personal_masked(obj, what) if masked is None else masked
    if not masked or obj.pk is None:
        return masked
    return format_html(
        '{} <a class="personal-reveal" href="{}">{}</a>', masked, reveal_url(obj, what), _("show")
    )


class RevealForm(forms.Form):
    why = forms.CharField(
        label=gettext_lazy("Why do you need to see it?"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("Your name, the time and this reason are recorded in the access log."),
    )


class PersonalInputsFormMixin(_ModelForm):
    """For a ModelForm whose `personal_inputs` are write-only on a stored row: the input
    starts empty (the value never travels to the browser), its help text shows the masked
    value with the "show" link, and an empty input keeps the stored value."""

    personal_inputs: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            return
        for name in self.personal_inputs:
            field = self.fields.get(name)
            stored = getattr(self.instance, name, "")
            if field is None:
                continue
            self.initial[name] = ""
            field.required = False
            if stored:
                masked = mask_personal(name, stored)
                field.widget.attrs["placeholder"] = masked
                field.help_text = format_html(
                    "{} {}　{}",
                    _("Stored:"),
                    personal_display(self.instance, name, masked),
                    _("Leave empty to keep it; type a new value to replace it."),
                )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if self.instance.pk:
            for name in self.personal_inputs:
                if name in self.fields and not data.get(name) and name not in self.errors:
                    data[name] = getattr(self.instance, name, "")
        return data


class PersonalDataAdminMixin(_ModelAdmin):
    """Masked personal data with an explicit, logged "show" (see the module docstring).

    The row is found through `get_object`, so the page is as scoped as the admin itself;
    `personal_data_reveal` checks the scope once more and writes the log row."""

    personal_inputs: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.personal_inputs:
            display = partial(personal_display, what=name)
            display.short_description = self.model._meta.get_field(name).verbose_name  # type: ignore[attr-defined]
            setattr(self, f"{MASKED_PREFIX}{name}", display)

    def _view_only(self, request: HttpRequest, obj: Any) -> bool:
        return obj is not None and not self.has_change_permission(request, obj)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_fields(request, obj)
        if not self._view_only(request, obj):
            return fields
        return [f"{MASKED_PREFIX}{f}" if f in self.personal_inputs else f for f in fields]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.mask_fieldsets(request, obj, super().get_fieldsets(request, obj))

    def mask_fieldsets(self, request: HttpRequest, obj: Any, fieldsets: Any) -> Any:
        """For someone who may only view `obj`: each personal input shown masked, with its
        "show" link, instead of the field (an admin that builds its own fieldsets calls this)."""
        if not self._view_only(request, obj):
            return fieldsets
        return [
            (
                title,
                {
                    **options,
                    "fields": [
                        f"{MASKED_PREFIX}{f}" if f in self.personal_inputs else f for f in options["fields"]
                    ],
                },
            )
            for title, options in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if self._view_only(request, obj):
            fields += [f"{MASKED_PREFIX}{f}" for f in self.personal_inputs]
        return fields

    def get_urls(self) -> list[Any]:
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/reveal/<str:what>/",
                self.admin_site.admin_view(self.reveal_view),
                name=f"{opts.app_label}_{opts.model_name}_reveal",
            ),
            *super().get_urls(),
        ]

    def reveal_view(self, request: HttpRequest, object_id: str, what: str) -> HttpResponse:
        """GET asks for the reason; POST reveals (one log row) and shows the value once."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such record."))
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        fields = personal_fields(obj)
        if what not in fields:
            raise Http404(_("There is no such personal data here."))
        value: Any = None
        form = RevealForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                value = personal_data_reveal(
                    actor=request.user, subject=obj, what=what, why=form.cleaned_data["why"]
                )
            except PersonalDataError as exc:
                if exc.code == "PERSONAL_DATA_OUT_OF_SCOPE":
                    raise PermissionDenied(exc.message) from exc
                form.add_error("why" if exc.field == "why" else None, exc.message)
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("Show %(what)s") % {"what": fields[what]},
            "opts": opts,
            "original": obj,
            "what_label": fields[what],
            "masked": personal_masked(obj, what),
            "revealed": value is not None,
            "value": value,
            "form": form,
            "change_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)]),
        }
        response = TemplateResponse(request, "admin/personal_data_reveal.html", context)
        response["Cache-Control"] = "private, no-store"
        return response
