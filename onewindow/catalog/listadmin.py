"""The admin of catalog lists and bundles (一件事)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from onewindow.catalog.adminbase import CatalogAdmin
from onewindow.catalog.models import Bundle, BundleItem, CatalogList
from onewindow.catalog.services import (
    bundle_create,
    bundle_set_items,
    bundle_update,
    catalog_list_create,
    catalog_list_set_items,
    catalog_list_update,
)
from onewindow.core.serviceadmin import adopt
from onewindow.org.adminscope import ScopedAdminMixin, ScopedInlineMixin, ScopedRelatedFilter


@admin.register(CatalogList)
class CatalogListAdmin(CatalogAdmin):
    list_display = ("name", "kind", "center", "published_on")
    list_filter = ("kind", ("center", ScopedRelatedFilter))
    search_fields = ("name",)
    list_select_related = ("center",)
    filter_horizontal = ("items",)

    def fixed_after_create(self) -> tuple[str, ...]:
        return ("center",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: CatalogList, form: Any, change: bool) -> None:
        """The items go to the service with the rest (it checks they are the center's)."""
        data = form.cleaned_data
        fields = {"kind": data["kind"], "name": data["name"], "published_on": data["published_on"]}
        if change:
            catalog_list = catalog_list_update(catalog_list=obj, **fields)
            catalog_list_set_items(catalog_list=catalog_list, items=data["items"])
        else:
            catalog_list = catalog_list_create(center=data["center"], **fields, items=data["items"])
        adopt(obj, catalog_list)


class BundleItemInline(ScopedInlineMixin, admin.TabularInline):
    """The bundle's items in their order; written as a whole by `bundle_set_items`."""

    model = BundleItem
    extra = 0
    raw_id_fields = ("item",)


@admin.register(Bundle)
class BundleAdmin(CatalogAdmin):
    list_display = ("code", "name", "center", "is_active")
    list_filter = ("is_active", ("center", ScopedRelatedFilter))
    search_fields = ("code", "name")
    list_select_related = ("center",)
    inlines = [BundleItemInline]

    def fixed_after_create(self) -> tuple[str, ...]:
        return ("center", "code")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Bundle, form: Any, change: bool) -> None:
        data = form.cleaned_data
        fields = {"name": data["name"], "description": data["description"], "is_active": data["is_active"]}
        if change:
            adopt(obj, bundle_update(bundle=obj, **fields))
            return
        bundle = bundle_create(
            center=data["center"], code=data["code"], name=data["name"], description=data["description"]
        )
        if not data["is_active"]:
            bundle = bundle_update(bundle=bundle, **fields)
        adopt(obj, bundle)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """The kept and added rows, by their order, become the bundle's items in one
        `bundle_set_items` (which checks they are items of the bundle's center)."""
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if not formset.has_changed():
            return
        kept = [
            (row.cleaned_data.get("order") or 0, n, row.cleaned_data["item"])
            for n, row in enumerate(formset.forms)
            if row.cleaned_data.get("item") is not None and not formset._should_delete_form(row)
        ]
        bundle_set_items(bundle=form.instance, items=[item for _order, _n, item in sorted(kept)])


@admin.register(BundleItem)
class BundleItemAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """A view across bundles; a bundle's items are edited on the bundle's page."""

    list_display = ("bundle", "item", "order")
    list_filter = (("bundle__center", ScopedRelatedFilter),)
    search_fields = ("bundle__code", "bundle__name", "item__code", "item__name")
    list_select_related = ("bundle", "item")
    raw_id_fields = ("bundle", "item")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
