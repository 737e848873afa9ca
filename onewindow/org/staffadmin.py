"""The admin of staff: accounts with their roles, B posts, absences on the staff page, and the
temporary password an administrator issues."""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote, unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from onewindow.core import clock
from onewindow.core.personaladmin import PersonalDataAdminMixin, PersonalInputsFormMixin
from onewindow.core.serviceadmin import ServiceInlineMixin, adopt
from onewindow.org.access import may_issue_password, roles_refused
from onewindow.org.adminbase import OrgAdmin, _actor, _local
from onewindow.org.adminscope import ScopedInlineMixin
from onewindow.org.errors import MESSAGES, OrgError, role_refusal
from onewindow.org.models import Role, Staff, StaffAbsence
from onewindow.org.services import (
    clean_mobile,
    staff_absence_create,
    staff_create,
    staff_password_issue,
    staff_set_backup,
    staff_set_roles,
    staff_update,
)


class RoleListFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(user__groups__name=self.value())
        return queryset


class StaffForm(PersonalInputsFormMixin, forms.ModelForm):
    """Change form. Roles and the backup are written by the services in `save_model`; the
    checks here repeat the services' rules only to show every problem at once. `actor` (the
    signed-in user, set by the admin) is who grants the roles (`access.roles_refused`). The
    phone is write-only: shown masked, kept when left empty."""

    actor = None
    personal_inputs = ("mobile",)

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
            "mobile",
            "backup",
            "is_active",
        ]
        widgets = {"mobile": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "roles" in self.fields:
            self.fields["roles"].initial = sorted(self.instance.roles)

    def clean_mobile(self):
        try:
            return clean_mobile(self.cleaned_data.get("mobile") or "")
        except OrgError as exc:
            raise ValidationError(exc.message, code=exc.code) from exc

    def clean(self):
        data = super().clean()
        center = data.get("center") or (self.instance.center if self.instance.pk else None)
        codes = {
            "department": "DEPARTMENT_NOT_IN_CENTER",
            "window": "WINDOW_NOT_IN_CENTER",
            "backup": "BACKUP_OTHER_CENTER",
        }
        for field, code in codes.items():
            value = data.get(field)
            if center is not None and value is not None and value.center_id != center.pk:
                self.add_error(field, ValidationError(MESSAGES[code], code=code))
        roles = data.get("roles")
        if self.actor is not None and center is not None and roles is not None:
            before = self.instance.roles if self.instance.pk else set()
            refused = roles_refused(self.actor, center=center, before=before, after=roles)
            if refused:
                error = role_refusal(refused, center)
                self.add_error("roles", ValidationError(error.message, code=error.code))
        backup = data.get("backup")
        if backup is not None and self.instance.pk:
            if backup.pk == self.instance.pk:
                self.add_error("backup", ValidationError(MESSAGES["BACKUP_SELF"], code="BACKUP_SELF"))
            elif backup.backup_id == self.instance.pk:
                self.add_error("backup", ValidationError(MESSAGES["BACKUP_CYCLE"], code="BACKUP_CYCLE"))
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
        fields = ["center", "department", "window", "name", "employee_number", "mobile"]

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


class StaffAbsenceInline(ServiceInlineMixin, ScopedInlineMixin, admin.TabularInline):
    """Mark the person absent from the staff page; the periods already set are listed above
    (and in their own list, where they are ended or cancelled)."""

    model = StaffAbsence
    fk_name = "staff"
    fields = ["starts_at", "ends_at", "reason"]
    extra = 0
    can_delete = False
    verbose_name = _("new absence")
    verbose_name_plural = _("mark absent (AB post)")

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None):
        return False

    def save_row(self, request, parent, form, change):
        data = form.cleaned_data
        return staff_absence_create(
            staff=parent,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            reason=data["reason"],
            actor=_actor(request),
        )


@admin.register(Staff)
class StaffAdmin(PersonalDataAdminMixin, OrgAdmin):
    form = StaffForm
    personal_inputs = ("mobile",)
    list_display = [
        "name",
        "username",
        "center",
        "department",
        "window",
        "role_names",
        "mobile_masked",
        "backup",
        "absent_now",
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
    inlines = [StaffAbsenceInline]
    actions = ["issue_temporary_password"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = StaffAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def get_inline_instances(self, request, obj=None):
        # Absences belong to a stored staff member.
        return super().get_inline_instances(request, obj) if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "center", "absences", "password"] if obj is not None else fields

    def get_fieldsets(self, request, obj=None):
        return self.mask_fieldsets(request, obj, self._fieldsets(obj))

    def _fieldsets(self, obj):
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
                            "mobile",
                        ]
                    },
                )
            ]
        return [
            (
                None,
                {"fields": ["name", "roles", "center", "department", "window", "employee_number", "mobile"]},
            ),
            (_("AB post and status"), {"fields": ["backup", "absences", "is_active"]}),
            (_("Password"), {"fields": ["password"]}),
        ]

    # ----------------------------------------------------------------- temporary passwords

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/temporary-password/",
                self.admin_site.admin_view(self.temporary_password_view),
                name=f"{opts.app_label}_{opts.model_name}_temporary_password",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("password"))
    def password(self, obj: Staff) -> str:
        """The last temporary password issued (who, when), whether a new one is still due, and
        the link that issues one."""
        last = obj.password_issues.order_by("-issued_at", "-pk").first()
        parts = []
        if last is not None:
            parts.append(
                format_html(
                    "<p>{}</p>",
                    _("Temporary password issued %(at)s by %(name)s.")
                    % {"at": _local(last.issued_at), "name": last.issued_by_name},
                )
            )
        if obj.password_change_required:
            parts.append(
                format_html("<p><strong>{}</strong></p>", _("Must choose a new password at sign-in."))
            )
        url = reverse("admin:org_staff_temporary_password", args=[quote(obj.pk)])
        parts.append(format_html('<a class="button" href="{}">{}</a>', url, _("Issue a temporary password")))
        return format_html_join("", "{}", ((p,) for p in parts))

    @admin.action(description=_("Issue a temporary password to the selected staff"), permissions=["change"])
    def issue_temporary_password(self, request, queryset):
        """Asks first (the page lists whom), then issues and shows each password once."""
        staff = list(queryset.select_related("user", "center").prefetch_related("user__groups"))
        if request.POST.get("post") != "yes":
            return self._temporary_password_page(request, staff, issued=None, from_list=True)
        return self._issue(request, staff, from_list=True)

    def temporary_password_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if not self.has_change_permission(request, obj):
            raise Http404(_("No such record, or it is not in your centers."))
        if request.method == "POST":
            return self._issue(request, [obj], from_list=False)
        return self._temporary_password_page(request, [obj], issued=None, from_list=False)

    def _issue(self, request, staff: list[Staff], *, from_list: bool):
        issued, refused = [], []
        for member in staff:
            try:
                password = staff_password_issue(staff=member, actor=request.user)
            except OrgError as exc:
                refused.append((member, exc.message))
                continue
            self.log_change(request, member, [{"changed": {"fields": ["password"]}}])
            issued.append((member, password))
        return self._temporary_password_page(
            request, staff, issued=issued, refused=refused, from_list=from_list
        )

    def _temporary_password_page(self, request, staff, *, issued, refused=(), from_list):
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("Issue a temporary password"),
            "opts": opts,
            "staff": [(member, may_issue_password(request.user, member)) for member in staff],
            "issued": issued,
            "refused": refused,
            "from_list": from_list,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        }
        response = TemplateResponse(request, "admin/org/staff/temporary_password.html", context)
        response["Cache-Control"] = "private, no-store"  # the passwords are shown once
        return response

    def save_model(self, request, obj, form, change):
        """`staff_create` on add; on change `staff_update` for the details, then
        `staff_set_roles` and, when it changed, `staff_set_backup`."""
        data = form.cleaned_data
        if not change:
            created = staff_create(
                center=data["center"],
                username=data["username"],
                name=data["name"],
                roles=data["roles"],
                actor=request.user,
                department=data.get("department"),
                window=data.get("window"),
                password=data.get("password") or None,
                mobile=data.get("mobile") or "",
                employee_number=data.get("employee_number") or "",
            )
            adopt(obj, created)
            obj.user = created.user
            return
        staff = staff_update(
            staff=obj,
            name=data["name"],
            department=data.get("department"),
            window=data.get("window"),
            employee_number=data.get("employee_number") or "",
            mobile=data.get("mobile") or "",
            is_active=data.get("is_active", False),
        )
        staff_set_roles(staff=staff, roles=data["roles"], actor=request.user)
        backup = data.get("backup")
        if backup != staff.backup:
            staff_set_backup(staff=staff, backup=backup)
        adopt(obj, staff)

    def get_queryset(self, request):
        now = clock.now()
        absent = StaffAbsence.objects.filter(staff=OuterRef("pk"), starts_at__lte=now, ends_at__gt=now)
        return super().get_queryset(request).prefetch_related("user__groups").annotate(_absent=Exists(absent))

    @admin.display(description=_("user name"), ordering="user__username")
    def username(self, obj: Staff) -> str:
        return obj.user.username

    @admin.display(description=_("roles"))
    def role_names(self, obj: Staff) -> str:
        labels = dict(Role.choices)
        return "、".join(str(labels.get(r, r)) for r in sorted(obj.roles))

    @admin.display(description=_("mobile phone"))
    def mobile_masked(self, obj: Staff) -> str:
        return obj.masked_mobile

    @admin.display(description=_("absent now"), boolean=True, ordering="_absent")
    def absent_now(self, obj: Staff) -> bool:
        return obj._absent

    @admin.display(description=_("absences"))
    def absences(self, obj: Staff) -> str:
        """The current and coming absences, and a link to all of them."""
        rows = StaffAbsence.objects.filter(staff=obj, ends_at__gt=clock.now()).order_by("starts_at")
        url = reverse("admin:org_staffabsence_changelist") + f"?staff__id__exact={obj.pk}"
        items = format_html_join(
            "",
            "<li>{}</li>",
            ((f"{_local(a.starts_at)} – {_local(a.ends_at)}　{a.reason}",) for a in rows),
        )
        if not items:
            items = format_html("<li>{}</li>", _("none now or coming"))
        return format_html('<ul>{}</ul><a href="{}">{}</a>', items, url, _("all absences"))
