"""Admin for the org domain, in Chinese through translations.

Personal data is shown masked in lists and never as cipher text in forms. Applicants are
found by an exact ID number through the blind index, since the column itself is encrypted.
Writes go through the services (staff_create, staff_set_roles, staff_set_backup,
applicant_create); the forms run the same normalisation and checks first, so a refusal
shows as a form error naming the field."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from onewindow.core.fields import personal_digest
from onewindow.org.errors import OrgError
from onewindow.org.models import Applicant, Department, Region, Role, Sector, ServiceCenter, Staff, Window
from onewindow.org.services import (
    applicant_clean,
    applicant_create,
    applicant_update,
    clean_mobile,
    staff_create,
    staff_set_backup,
    staff_set_roles,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """The division tree: each row shows its path up the tree and links to its children
    (the changelist filtered by `parent`), so a clerk walks province → village."""

    list_display = ["code", "name", "level", "path", "children_link"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent__parent__parent"]
    autocomplete_fields = ["parent"]
    ordering = ["code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_children=Count("children"))

    @admin.display(description=_("path"))
    def path(self, obj: Region) -> str:
        names, node = [], obj.parent
        for _level in range(3):  # as deep as list_select_related reaches
            if node is None:
                break
            names.append(node.name)
            node = node.parent if "parent" in node._state.fields_cache else None
        return " / ".join(reversed(names))

    @admin.display(description=_("sub-regions"), ordering="_children")
    def children_link(self, obj: Region) -> str:
        if not obj._children:
            return "0"
        url = reverse("admin:org_region_changelist") + f"?parent__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj._children)


@admin.register(ServiceCenter)
class ServiceCenterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "tier", "region", "parent", "is_active"]
    list_filter = ["tier", "is_active", ("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "region__name"]
    list_select_related = ["region", "parent"]
    autocomplete_fields = ["region", "parent"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "center", "phone", "is_active"]
    list_filter = ["is_active", ("center", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["center"]
    autocomplete_fields = ["center"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "center", "order", "window_count"]
    list_filter = [("center", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name"]
    list_select_related = ["center"]
    autocomplete_fields = ["center"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_window_count=Count("windows", distinct=True))

    @admin.display(description=_("window count"), ordering="_window_count")
    def window_count(self, obj: Sector) -> int:
        return obj._window_count


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "kind", "center", "department", "sector_names", "is_active"]
    list_filter = ["kind", "is_active", ("center", admin.RelatedOnlyFieldListFilter), "sectors"]
    search_fields = ["number", "name", "department__name"]
    list_select_related = ["center", "department"]
    filter_horizontal = ["sectors"]
    autocomplete_fields = ["center", "department"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sectors")

    @admin.display(description=_("sectors served"))
    def sector_names(self, obj: Window) -> str:
        return "、".join(s.name for s in obj.sectors.all())


class RoleListFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(user__groups__name=self.value())
        return queryset


def _org_error_to_form(form: forms.Form, exc: OrgError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, ValidationError(exc.message, code=exc.code))


class StaffForm(forms.ModelForm):
    """Change form. Roles and the backup are written by the services in `save_model`."""

    roles = forms.MultipleChoiceField(
        label=_("roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Staff
        fields = [
            "center",
            "department",
            "window",
            "name",
            "employee_number",
            "phone",
            "backup",
            "is_active",
        ]
        widgets = {"phone": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "roles" in self.fields:
            self.fields["roles"].initial = sorted(self.instance.roles)

    def clean_phone(self):
        try:
            return clean_mobile(self.cleaned_data.get("phone") or "")
        except OrgError as exc:
            raise ValidationError(exc.message, code=exc.code) from exc

    def clean(self):
        data = super().clean()
        center = data.get("center")
        for field in ("department", "window", "backup"):
            value = data.get(field)
            if center is not None and value is not None and value.center_id != center.pk:
                self.add_error(field, _("It must belong to the same center."))
        backup = data.get("backup")
        if backup is not None and self.instance.pk:
            if backup.pk == self.instance.pk:
                self.add_error("backup", _("A staff member cannot be their own backup."))
            elif backup.backup_id == self.instance.pk:
                self.add_error("backup", _("The backup already has this staff member as their backup."))
        return data


class StaffAddForm(StaffForm):
    """Add form: creates the user account with the staff row, through `staff_create`."""

    username = forms.CharField(label=_("user name"), max_length=150)
    password = forms.CharField(
        label=_("initial password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to create the account without a usable password."),
    )

    class Meta(StaffForm.Meta):
        fields = ["center", "department", "window", "name", "employee_number", "phone", "is_active"]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username=username).exists():
            raise ValidationError(
                _("The user name %(value)s is already taken.") % {"value": username}, code="USERNAME_TAKEN"
            )
        return username

    def clean_password(self):
        password = self.cleaned_data.get("password") or ""
        if password:
            validate_password(password)
        return password


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    form = StaffForm
    list_display = [
        "name",
        "username",
        "center",
        "department",
        "window",
        "role_names",
        "phone_masked",
        "backup",
        "is_active",
    ]
    list_filter = [
        "is_active",
        RoleListFilter,
        ("center", admin.RelatedOnlyFieldListFilter),
        ("department", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["name", "user__username", "employee_number"]
    list_select_related = ["user", "center", "department", "window", "backup"]
    autocomplete_fields = ["center", "department", "window", "backup"]
    add_form = StaffAddForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": [
                            "username",
                            "password",
                            "name",
                            "roles",
                            "center",
                            "department",
                            "window",
                            "employee_number",
                            "phone",
                        ]
                    },
                )
            ]
        return [
            (
                None,
                {"fields": ["name", "roles", "center", "department", "window", "employee_number", "phone"]},
            ),
            (_("AB post and status"), {"fields": ["backup", "is_active"]}),
        ]

    def save_model(self, request, obj, form, change):
        """Writes go through the services: `staff_create` on add; on change the plain fields
        are saved and roles and backup go through `staff_set_roles` / `staff_set_backup`."""
        data = form.cleaned_data
        if not change:
            created = staff_create(
                center=data["center"],
                username=data["username"],
                name=data["name"],
                roles=data["roles"],
                department=data.get("department"),
                window=data.get("window"),
                password=data.get("password") or None,
                phone=data.get("phone") or "",
                employee_number=data.get("employee_number") or "",
            )
            if not data.get("is_active", True):
                Staff.objects.filter(pk=created.pk).update(is_active=False)
            obj.pk, obj.user = created.pk, created.user
            return
        backup = data.get("backup")
        obj.backup_id = Staff.objects.values_list("backup_id", flat=True).get(pk=obj.pk)
        obj.save()
        staff_set_roles(staff=obj, roles=data["roles"])
        if backup != obj.backup:
            staff_set_backup(staff=obj, backup=backup)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("user__groups")

    @admin.display(description=_("user name"), ordering="user__username")
    def username(self, obj: Staff) -> str:
        return obj.user.username

    @admin.display(description=_("roles"))
    def role_names(self, obj: Staff) -> str:
        labels = dict(Role.choices)
        return "、".join(str(labels.get(r, r)) for r in sorted(obj.roles))

    @admin.display(description=_("mobile phone"))
    def phone_masked(self, obj: Staff) -> str:
        return obj.masked_phone


class ApplicantForm(forms.ModelForm):
    """Shows the decrypted values (never tokens) and validates them like the service does."""

    class Meta:
        model = Applicant
        fields = [
            "kind",
            "name",
            "id_number",
            "uscc",
            "legal_representative",
            "phone",
            "email",
            "address",
            "user",
        ]
        widgets = {
            "id_number": forms.TextInput(),
            "phone": forms.TextInput(),
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
                phone=data.get("phone") or "",
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
class ApplicantAdmin(admin.ModelAdmin):
    form = ApplicantForm
    list_display = ["name", "kind", "id_masked", "uscc", "phone_masked", "created_at"]
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
            "phone": data.get("phone") or "",
            "email": data.get("email") or "",
            "address": data.get("address") or "",
            "legal_representative": data.get("legal_representative") or "",
            "user": data.get("user"),
        }
        if change:
            applicant_update(applicant=obj, **fields)
            return
        created = applicant_create(**fields)
        obj.pk, obj.created_at = created.pk, created.created_at

    def get_search_results(self, request, queryset, search_term):
        """Name/USCC search as usual, plus an exact ID number through the digest column."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = "".join((search_term or "").split()).upper()
        if len(term) == 18:
            results = results | queryset.filter(id_number_digest=personal_digest(term))
        return results, may_have_duplicates

    @admin.display(description=_("resident ID number"))
    def id_masked(self, obj: Applicant) -> str:
        return obj.masked_id_number

    @admin.display(description=_("mobile phone"))
    def phone_masked(self, obj: Applicant) -> str:
        return obj.masked_phone
