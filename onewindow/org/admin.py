"""Admin for the org domain, in Chinese through translations.

Every write goes through `onewindow.org.services` (see `onewindow.core.serviceadmin`): a
refusal shows the service's message on the field and stores nothing. A row's center is
fixed once it exists. Org rows are never deleted here: cases, events and staff point at
them, so they are deactivated instead. Staff absences (A/B posts) are added on the staff
page or in their own list, and ended or cancelled by actions, all through the services,
which check the user is the person themself or a center admin of their center.

Personal data is shown masked in lists and never as cipher text in forms. Applicants are
found by an exact ID number through the blind index, since the column itself is encrypted."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote, unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from onewindow.core import clock
from onewindow.core.fields import personal_digests
from onewindow.core.models import Job, PersonalDataAccess
from onewindow.core.personaladmin import PersonalDataAdminMixin, PersonalInputsFormMixin
from onewindow.core.serviceadmin import ServiceAdminMixin, ServiceInlineMixin, adopt
from onewindow.org.access import actor_scope, may_issue_password, roles_refused
from onewindow.org.adminscope import ScopedAdminMixin, ScopedInlineMixin, ScopedRelatedFilter
from onewindow.org.errors import MESSAGES, OrgError, role_refusal
from onewindow.org.models import (
    Applicant,
    Department,
    Region,
    Role,
    Sector,
    ServiceCenter,
    Staff,
    StaffAbsence,
    Window,
)
from onewindow.org.services import (
    applicant_clean,
    applicant_create,
    applicant_update,
    center_create,
    center_update,
    clean_mobile,
    department_create,
    department_update,
    region_create,
    region_update,
    sector_create,
    sector_update,
    staff_absence_cancel,
    staff_absence_create,
    staff_absence_end,
    staff_create,
    staff_password_issue,
    staff_set_backup,
    staff_set_roles,
    staff_update,
    window_create,
    window_update,
)


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


@admin.register(Region)
class RegionAdmin(OrgAdmin):
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

    def has_change_permission(self, request, obj=None):
        """Below the region of one's own center only: the region itself (and the tree
        above it) is someone else's to edit."""
        allowed = super().has_change_permission(request, obj)
        scope = actor_scope(request.user)
        return allowed and (obj is None or scope.is_superuser or obj.pk != scope.region_id)

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

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {
            "code": data["code"],
            "name": data["name"],
            "level": data["level"],
            "parent": data["parent"],
        }
        adopt(obj, region_update(region=obj, **fields) if change else region_create(**fields))


@admin.register(ServiceCenter)
class ServiceCenterAdmin(OrgAdmin):
    list_display = ["code", "name", "tier", "region", "parent", "is_active"]
    list_filter = ["tier", "is_active", ("region", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "region__name"]
    list_select_related = ["region", "parent"]
    autocomplete_fields = ["region", "parent"]

    # What a center admin may not change on their own center (the top of what they see):
    # its place in the tree is decided above it.
    PLACE_FIELDS = ["code", "tier", "region", "parent"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        scope = actor_scope(request.user)
        if obj is not None and not scope.is_superuser and obj.pk == scope.center_id:
            fields += self.PLACE_FIELDS
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and not actor_scope(request.user).is_superuser and "parent" in form.base_fields:
            form.base_fields["parent"].required = True  # a new center goes below one's own
        return form

    def save_model(self, request, obj, form, change):
        names = ["code", "name", "tier", "region", "parent", "address", "phone", "opening_hours", "is_active"]
        fields = {name: form.cleaned_data.get(name, getattr(obj, name)) for name in names}
        adopt(obj, center_update(center=obj, **fields) if change else center_create(**fields))


@admin.register(Department)
class DepartmentAdmin(InCenterAdmin):
    list_display = ["code", "name", "short_name", "center", "phone", "is_active"]
    list_filter = ["is_active", ("center", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["center"]
    autocomplete_fields = ["center"]

    def save_model(self, request, obj, form, change):
        fields = {n: form.cleaned_data[n] for n in ["code", "name", "short_name", "phone", "is_active"]}
        if change:
            adopt(obj, department_update(department=obj, **fields))
        else:
            adopt(obj, department_create(center=form.cleaned_data["center"], **fields))


@admin.register(Sector)
class SectorAdmin(InCenterAdmin):
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

    def save_model(self, request, obj, form, change):
        fields = {n: form.cleaned_data[n] for n in ["code", "name", "order"]}
        if change:
            adopt(obj, sector_update(sector=obj, **fields))
        else:
            adopt(obj, sector_create(center=form.cleaned_data["center"], **fields))


@admin.register(Window)
class WindowAdmin(InCenterAdmin):
    list_display = ["number", "name", "kind", "center", "department", "sector_names", "is_active"]
    list_filter = [
        "kind",
        "is_active",
        ("center", admin.RelatedOnlyFieldListFilter),
        ("sectors", ScopedRelatedFilter),
    ]
    search_fields = ["number", "name", "department__name"]
    list_select_related = ["center", "department"]
    filter_horizontal = ["sectors"]
    autocomplete_fields = ["center", "department"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sectors")

    @admin.display(description=_("sectors served"))
    def sector_names(self, obj: Window) -> str:
        return "、".join(s.name for s in obj.sectors.all())

    def save_model(self, request, obj, form, change):
        """The sectors go to the service with the rest (it checks they are the center's)."""
        names = ["number", "name", "kind", "department", "sectors", "is_active"]
        fields = {n: form.cleaned_data[n] for n in names}
        if change:
            adopt(obj, window_update(window=obj, **fields))
        else:
            adopt(obj, window_create(center=form.cleaned_data["center"], **fields))


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


def _local(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


class AbsenceStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("current", _("absent now")), ("coming", _("coming")), ("over", _("over"))]

    def queryset(self, request, queryset):
        now = clock.now()
        if self.value() == "current":
            return queryset.filter(starts_at__lte=now, ends_at__gt=now)
        if self.value() == "coming":
            return queryset.filter(starts_at__gt=now)
        if self.value() == "over":
            return queryset.filter(ends_at__lte=now)
        return queryset


@admin.register(StaffAbsence)
class StaffAbsenceAdmin(OrgAdmin):
    """Absences of every A post: added here or on the staff page, never edited; "end now"
    shortens a current one, "cancel" removes a coming one (through the services)."""

    list_display = [
        "staff",
        "center",
        "starts_at",
        "ends_at",
        "status",
        "reason",
        "set_by",
        "ended_by",
        "created_at",
    ]
    list_filter = [
        AbsenceStatusFilter,
        ("staff__center", admin.RelatedOnlyFieldListFilter),
        ("staff__department", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["staff__name", "staff__user__username", "reason"]
    list_select_related = ["staff__center", "set_by", "ended_by"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["staff"]
    actions = ["end_now", "cancel"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["staff", "starts_at", "ends_at", "reason"]
        return ["staff", "starts_at", "ends_at", "reason", "set_by", "created_at", "ended_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        """Only a coming absence is removed (cancelled); one that started is ended."""
        allowed = ScopedAdminMixin.has_delete_permission(self, request, obj)
        return allowed and (obj is None or obj.starts_at > clock.now())

    def has_end_permission(self, request):
        return self.has_add_permission(request)

    @admin.display(description=_("center"), ordering="staff__center")
    def center(self, obj: StaffAbsence):
        return obj.staff.center

    @admin.display(description=_("status"))
    def status(self, obj: StaffAbsence) -> str:
        now = clock.now()
        if obj.starts_at > now:
            return _("coming")
        return _("absent now") if obj.ends_at > now else _("over")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        absence = staff_absence_create(
            staff=data["staff"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            reason=data["reason"],
            actor=_actor(request),
        )
        adopt(obj, absence)

    def delete_model(self, request, obj):
        staff_absence_cancel(absence=obj, actor=_actor(request))

    def _each(self, request, queryset, service, done_message) -> None:
        done = 0
        for absence in queryset.select_related("staff"):
            try:
                service(absence=absence, actor=_actor(request))
                done += 1
            except OrgError as exc:
                messages.error(request, f"{absence}：{exc.message}")
        if done:
            messages.success(request, done_message(done))

    @admin.action(description=_("End the selected absences now"), permissions=["end"])
    def end_now(self, request, queryset):
        self._each(
            request,
            queryset,
            staff_absence_end,
            lambda n: ngettext("%(count)d absence ended.", "%(count)d absences ended.", n) % {"count": n},
        )

    @admin.action(description=_("Cancel the selected coming absences"), permissions=["end"])
    def cancel(self, request, queryset):
        self._each(
            request,
            queryset,
            staff_absence_cancel,
            lambda n: (
                ngettext("%(count)d absence cancelled.", "%(count)d absences cancelled.", n) % {"count": n}
            ),
        )


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


class ViewOnlyAdminMixin:
    """Rows written only by their own module: listed and shown, never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ViewOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The access log (访问日志): every view of personal data in the clear. Read-only; a
    center's supervisors see the views of the staff of their centers."""

    list_display = ["at", "actor_name", "what_label", "subject_label", "subject_type", "why"]
    list_filter = [("subject_type", admin.RelatedOnlyFieldListFilter), "what"]
    search_fields = ["actor_name", "actor__username", "why"]
    date_hierarchy = "at"
    list_select_related = ["subject_type"]
    fields = [
        "at",
        "actor",
        "actor_name",
        "subject_type",
        "subject_id",
        "subject_label",
        "what",
        "what_label",
        "why",
    ]


# Where a job's own page is, by kind (the page shows its progress and whole report).
JOB_PAGES = {
    Job.Kind.BATCH_INTAKE: "workbench:batch_job",
    Job.Kind.CATALOG_IMPORT: "admin:catalog_import_job",
}


@admin.register(Job)
class JobAdmin(ViewOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Background jobs (后台任务): batch intakes and catalog imports, their state and report.
    Read-only (only `core.jobs` writes them); scoped like their pages (`access.scope_jobs`)."""

    list_display = ["created_at", "kind", "center", "created_by", "state", "progress", "finished_at", "page"]
    list_filter = ["kind", "state"]
    search_fields = ["original_name", "created_by__username"]
    date_hierarchy = "created_at"
    list_select_related = ["center", "created_by"]
    fields = [
        "uuid",
        "kind",
        "center",
        "created_by",
        "state",
        "original_name",
        "size",
        "params",
        "total",
        "done",
        "attempt",
        "report",
        "error",
        "task_id",
        "created_at",
        "started_at",
        "finished_at",
    ]

    @admin.display(description=_("progress"))
    def progress(self, obj: Job) -> str:
        return f"{obj.done}/{obj.total}" if obj.total else ""

    @admin.display(description=_("page"))
    def page(self, obj: Job) -> str:
        return format_html('<a href="{}">{}</a>', reverse(JOB_PAGES[obj.kind], args=[obj.uuid]), _("open"))


from onewindow.org import accountadmin  # noqa: E402, F401  (portal accounts and codes)
