"""The case rows that hold personal data, for `core.personal` (registered in
`CasesConfig.ready`): an application's delivery address and the personal answers of its
form (`form.<key>`, kept encrypted in `Application.form_personal`). Who may reveal them is
the access rules' (`org.access.scope_applications`)."""

from typing import Any

from onewindow.cases.models import Application
from onewindow.catalog.models import FormField
from onewindow.core.fields import mask_name
from onewindow.core.personal import personal_subject_register
from onewindow.org.access import scope_applications

FORM_PREFIX = "form."


def application_personal_fields(application: Application) -> dict[str, str]:
    """{"delivery_address": label, "form.<key>": the question's label} for the values held;
    the labels are read once per instance (one query)."""
    fields: dict[str, str] = {}
    if application.delivery_address:
        fields["delivery_address"] = str(Application._meta.get_field("delivery_address").verbose_name)
    keys = sorted((application.form_personal or {}).keys())
    if keys:
        labels: dict[str, str] | None = application.__dict__.get("_personal_labels")
        if labels is None:
            labels = dict(
                FormField.objects.filter(version__cases__application=application, key__in=keys)
                .order_by("key", "-pk")
                .values_list("key", "label")
            )
            application.__dict__["_personal_labels"] = labels
        fields.update({f"{FORM_PREFIX}{k}": labels.get(k, k) for k in keys})
    return fields


def application_personal_value(application: Application, what: str) -> Any:
    if what.startswith(FORM_PREFIX):
        return (application.form_personal or {}).get(what.removeprefix(FORM_PREFIX))
    return getattr(application, what)


def register() -> None:
    personal_subject_register(
        Application,
        fields=application_personal_fields,
        value=application_personal_value,
        scope=scope_applications,
        label=lambda a: mask_name(a.applicant.name),
    )
