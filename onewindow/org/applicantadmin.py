"""The admin of applicants: personal data masked in lists, found by an exact ID number through
the blind index."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from onewindow.core.fields import personal_digests
from onewindow.core.personaladmin import PersonalDataAdminMixin, PersonalInputsFormMixin
from onewindow.core.serviceadmin import adopt
from onewindow.org.adminbase import OrgAdmin
from onewindow.org.errors import OrgError
from onewindow.org.models import Applicant
from onewindow.org.services import applicant_clean, applicant_create, applicant_update


def _org_error_to_form(form: forms.Form, exc: OrgError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, ValidationError(exc.message, code=exc.code))


class ApplicantForm(PersonalInputsFormMixin, forms.ModelForm):
    """Validates like the service does. On a stored applicant the ID number, phone and
    address are write-only: shown masked with a "show" link (which asks for a reason and
    is logged), kept when left empty, replaced when typed in. Never a token."""

    personal_inputs = ("id_number", "mobile", "address")

    class Meta:
        model = Applicant
        fields = [
            "kind",
            "name",
            "id_number",
            "uscc",
            "legal_representative",
            "mobile",
            "email",
            "address",
            "user",
        ]
        widgets = {
            "id_number": forms.TextInput(),
            "mobile": forms.TextInput(),
            "address": forms.TextInput(attrs={"size": 60}),
        }

    def clean(self):
        """Run the service's own checks so a refusal shows on the field it concerns."""
        data = super().clean()
        if self.errors:
            return data
        try:
            cleaned = applicant_clean(
                kind=data.get("kind") or "",
                name=data.get("name") or "",
                id_number=data.get("id_number") or "",
                uscc=data.get("uscc") or "",
                mobile=data.get("mobile") or "",
                email=data.get("email") or "",
                address=data.get("address") or "",
                legal_representative=data.get("legal_representative") or "",
                exclude=self.instance if self.instance.pk else None,
            )
        except OrgError as exc:
            _org_error_to_form(self, exc)
            return data
        data.update({k: v for k, v in cleaned.items() if k in self.fields})
        return data


@admin.register(Applicant)
class ApplicantAdmin(PersonalDataAdminMixin, OrgAdmin):
    """Applicants with an application in the user's centers. Personal data masked; the
    "show" link asks for a reason and writes the access log (`personal_data_reveal`)."""

    form = ApplicantForm
    personal_inputs = ("id_number", "mobile", "address")
    list_display = ["name", "kind", "id_masked", "uscc", "mobile_masked", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "uscc"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["user"]
    search_help_text = _("Search by name, unified social credit code, or an exact resident ID number.")

    def save_model(self, request, obj, form, change):
        """Register through `applicant_create`, correct through `applicant_update`."""
        data = form.cleaned_data
        fields = {
            "kind": data["kind"],
            "name": data["name"],
            "id_number": data.get("id_number") or "",
            "uscc": data.get("uscc") or "",
            "mobile": data.get("mobile") or "",
            "email": data.get("email") or "",
            "address": data.get("address") or "",
            "legal_representative": data.get("legal_representative") or "",
            "user": data.get("user"),
        }
        adopt(obj, applicant_update(applicant=obj, **fields) if change else applicant_create(**fields))

    def get_search_results(self, request, queryset, search_term):
        """Name/USCC search as usual, plus an exact ID number through the digest column."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = "".join((search_term or "").split()).upper()
        if len(term) == 18:
            results = results | queryset.filter(id_number_digest__in=personal_digests(term))
        return results, may_have_duplicates

    @admin.display(description=_("resident ID number"))
    def id_masked(self, obj: Applicant) -> str:
        return obj.masked_id_number

    @admin.display(description=_("mobile phone"))
    def mobile_masked(self, obj: Applicant) -> str:
        return obj.masked_mobile
