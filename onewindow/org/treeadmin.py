"""The admin of the org tree: regions, service centers, departments, sectors and windows."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from onewindow.core.serviceadmin import adopt
from onewindow.org.access import actor_scope
from onewindow.org.adminbase import InCenterAdmin, OrgAdmin
from onewindow.org.adminscope import ScopedRelatedFilter
from onewindow.org.models import Department, Region, Sector, ServiceCenter, Window
from onewindow.org.services import (
    center_create,
    center_update,
    department_create,
    department_update,
    region_create,
    region_update,
    sector_create,
    sector_update,
    window_create,
    window_update,
)


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
