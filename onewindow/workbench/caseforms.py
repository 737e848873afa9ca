"""The forms of the back office's actions: what a page accepts before it asks the engine.

Each form bounds its input (lengths, numbers, dates) and names the field at fault in Chinese;
what the engine decides (who may, in which state, the deadlines) stays in the engine. Every
form carries the case's `seq` (its event count when the form was drawn): a form drawn before
someone else acted, or sent twice, is refused by `services.case_lock_unchanged`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from onewindow.cases.models import CaseTask, Decision, Suspension

TEXT_MAX = 2000
NOTE_MAX = 500


# Error messages that name the field (the label is put in when the form is made, in the
# reader's language); Django's own parameters (%(limit_value)d …) are kept for validation.
MESSAGES = {
    "required": _("Fill in “%(label)s”."),
    "invalid": _("“%(label)s” is not valid."),
    "max_length": _("“%(label)s” is at most %(limit_value)d characters (it has %(show_value)d)."),
    "min_value": _("“%(label)s” must be at least %(limit_value)s."),
    "max_value": _("“%(label)s” must be at most %(limit_value)s."),
    "invalid_choice": _("Choose “%(label)s” from the list."),
}
DATE_INVALID = _("“%(label)s” is not a date (YYYY-MM-DD).")
NUMBER_INVALID = _("“%(label)s” must be a whole number.")


def _text(label: Any, *, required: bool = True, max_length: int = TEXT_MAX) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": max_length}),
    )


def _days(label: Any, *, initial: int | None = None, max_value: int = 365) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=1, max_value=max_value, initial=initial)


def named(template: Any, label: Any) -> str:
    return str(template).replace("%(label)s", str(label))


class ActionForm(forms.Form):
    """Every action's form: the event count of the case when the form was drawn."""

    seq = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = field.label or ""
            messages = {code: named(text, label) for code, text in MESSAGES.items()}
            if isinstance(field, forms.DateField):
                messages["invalid"] = named(DATE_INVALID, label)
            elif isinstance(field, forms.IntegerField):
                messages["invalid"] = named(NUMBER_INVALID, label)
            field.error_messages.update(messages)
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control form-control-sm")


class OpinionForm(ActionForm):
    opinion = _text(_("Opinion"))


class TaskForm(ActionForm):
    task = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=CaseTask.Outcome.choices,
        initial=CaseTask.Outcome.APPROVE,
        widget=forms.RadioSelect,
    )
    opinion = _text(_("Opinion"))


class ClaimForm(ActionForm):
    task = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SendBackForm(ActionForm):
    to_stage = forms.TypedChoiceField(label=_("Back to stage"), coerce=int, choices=())
    opinion = _text(_("Opinion"))

    def __init__(self, *args: Any, stages: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = stages  # type: ignore[attr-defined]


class InspectionForm(ActionForm):
    department = forms.TypedChoiceField(label=_("Department that inspects"), coerce=int, choices=())
    limit_days = _days(_("Working days for the inspection"), initial=3, max_value=60)
    opinion = _text(_("What to inspect"))

    def __init__(self, *args: Any, departments: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = departments  # type: ignore[attr-defined]


class ReportUpForm(ActionForm):
    department = forms.TypedChoiceField(label=_("Department of the upper center"), coerce=int, choices=())
    limit_days = _days(_("Working days for the upper center"), initial=5, max_value=60)
    opinion = _text(_("Why the case goes up"))

    def __init__(self, *args: Any, departments: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = departments  # type: ignore[attr-defined]


class SuspendForm(ActionForm):
    reason = forms.ChoiceField(
        label=_("Special procedure"),
        choices=[("", "—"), *Suspension.Reason.choices],
    )
    expected_end = forms.DateField(
        label=_("Expected end"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = _text(_("Note"), required=False, max_length=NOTE_MAX)


class ResumeForm(ActionForm):
    note = _text(_("Note"), required=False, max_length=NOTE_MAX)


class ExtensionForm(ActionForm):
    days = _days(_("Days of extension"))
    reason = _text(_("Reason for the extension"))


class RefuseExtensionForm(ActionForm):
    reason = _text(_("Why the extension is refused"))


class DecideForm(ActionForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=Decision.choices,
        widget=forms.RadioSelect,
    )
    opinion = _text(_("Opinion"), required=False)
    reasons = _text(_("Reasons for the denial"), required=False)
    legal_basis = _text(_("Legal basis of the denial"), required=False, max_length=NOTE_MAX)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("reasons", "legal_basis"):
            self.fields[name].help_text = _("required to deny")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == Decision.DENIED:
            for name in ("reasons", "legal_basis"):
                if not (cleaned.get(name) or "").strip():
                    self.add_error(name, named(MESSAGES["required"], self.fields[name].label))
        return cleaned


class RouteForm(ActionForm):
    """Send an accepted case to the back office: nothing to fill in but the case's seq."""


class CompleteForm(ActionForm):
    opinion = _text(_("Opinion"), required=False)


class RevealForm(forms.Form):
    """Why a member of staff needs to see a personal value in full (the access log keeps it)."""

    subject = forms.ChoiceField(choices=[("application", "application"), ("applicant", "applicant")])
    what = forms.CharField(max_length=80)
    why = forms.CharField(label=_("Why you need to see it"), max_length=500)
