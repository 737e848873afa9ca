"""Everything that reads the catalog for pages, the API, intake and reports.

Each selector does its own select_related/prefetch_related so a page costs a fixed number
of queries whatever the number of rows (the tests pin those numbers).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Exists, Model, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When

from onewindow.catalog.models import (
    Bundle,
    BundleItem,
    ServiceItem,
    ServiceItemVersion,
    StageTask,
)
from onewindow.org.models import ServiceCenter

GUIDE_PREFETCH = (
    "materials",
    "form_fields",
    "procedure__stages",
    Prefetch("procedure__stages__tasks", queryset=StageTask.objects.select_related("department")),
)


def item_list(*, center: ServiceCenter, filters: dict[str, Any] | None = None) -> QuerySet[ServiceItem]:
    """The center's items, ordered by code, ready to paginate.

    Filters (all optional): `q` (code or name contains), `category`, `department` and
    `sector` (a code string, an id int or the model instance), `is_active`, `catalog_list` (id), `bundle` (id). Each row
    carries `published_number` (None when nothing is published) without further queries.
    """
    filters = filters or {}
    published = ServiceItemVersion.objects.filter(
        item=OuterRef("pk"), status=ServiceItemVersion.Status.PUBLISHED
    ).values("number")[:1]
    qs = (
        ServiceItem.objects.filter(center=center)
        .select_related("center", "department", "sector")
        .annotate(published_number=Subquery(published))
        .order_by("code")
    )
    if filters.get("q"):
        q = str(filters["q"]).strip()
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if filters.get("category"):
        qs = qs.filter(category=filters["category"])
    for name in ("department", "sector"):
        value = filters.get(name)
        if isinstance(value, Model):
            qs = qs.filter(**{f"{name}_id": value.pk})
        elif isinstance(value, int) and not isinstance(value, bool):
            qs = qs.filter(**{f"{name}_id": value})
        elif value:  # a code: codes may be all digits, so a string is always a code
            qs = qs.filter(**{f"{name}__code": value})
    if filters.get("is_active") is not None:
        qs = qs.filter(is_active=bool(filters["is_active"]))
    if filters.get("catalog_list"):
        qs = qs.filter(catalog_lists__id=filters["catalog_list"])
    if filters.get("bundle"):
        qs = qs.filter(bundle_items__bundle_id=filters["bundle"])
    return qs


def item_get(*, center: ServiceCenter, code: str) -> ServiceItem | None:
    """The center's item with this code; None when there is none (also when the code is
    another center's item)."""
    return ServiceItem.objects.filter(center=center, code=code).select_related("department").first()


def item_published_version(item: ServiceItem) -> ServiceItemVersion | None:
    """The version new cases are accepted under, or None when the item has none published."""
    return ServiceItemVersion.objects.filter(item=item, status=ServiceItemVersion.Status.PUBLISHED).first()


def version_guide(version: ServiceItemVersion | int) -> ServiceItemVersion:
    """A version with everything its guide shows loaded: item, department, sector, center,
    materials, form fields, procedure, stages and tasks with their departments (5 queries)."""
    pk = version if isinstance(version, int) else version.pk
    return (
        ServiceItemVersion.objects.select_related(
            "item__center", "item__department", "item__sector", "procedure", "published_by"
        )
        .prefetch_related(*GUIDE_PREFETCH)
        .get(pk=pk)
    )


def _bundle_published_versions(bundle: Bundle, prefetch: str) -> list[tuple[ServiceItem, ServiceItemVersion]]:
    links = list(BundleItem.objects.filter(bundle=bundle).select_related("item").order_by("order", "id"))
    versions = {
        v.item_id: v
        for v in ServiceItemVersion.objects.filter(
            item_id__in=[link.item_id for link in links], status=ServiceItemVersion.Status.PUBLISHED
        ).prefetch_related(prefetch)
    }
    return [(link.item, versions[link.item_id]) for link in links if link.item_id in versions]


def bundle_unified_form(*, bundle: Bundle) -> list[dict[str, Any]]:
    """The 一表通 of a bundle: the union of its items' published form fields, each key once.

    A field is required when any item requires it; `items` lists the codes of the items that
    ask for it and `required_by` those that require it. The first item asking for a key gives
    its label and kind; choice lists are merged in order. 3 queries.
    """
    fields: dict[str, dict[str, Any]] = {}
    for item, version in _bundle_published_versions(bundle, "form_fields"):
        for f in version.form_fields.all():
            row = fields.get(f.key)
            if row is None:
                row = fields[f.key] = {
                    "key": f.key,
                    "label": f.label,
                    "kind": f.kind,
                    "required": False,
                    "choices": [],
                    "items": [],
                    "required_by": [],
                }
            row["required"] = row["required"] or f.required
            for choice in f.choices or []:
                if choice not in row["choices"]:
                    row["choices"].append(choice)
            if item.code not in row["items"]:
                row["items"].append(item.code)
            if f.required and item.code not in row["required_by"]:
                row["required_by"].append(item.code)
    return list(fields.values())


def bundle_materials(*, bundle: Bundle) -> list[dict[str, Any]]:
    """The materials of a bundle's items, a material several items need listed once by code.

    `required` when any item requires it, `tolerable` only when every item requiring it
    tolerates it, `copies` the largest number asked. 3 queries.
    """
    materials: dict[str, dict[str, Any]] = {}
    for item, version in _bundle_published_versions(bundle, "materials"):
        for m in version.materials.all():
            row = materials.get(m.code)
            if row is None:
                row = materials[m.code] = {
                    "code": m.code,
                    "name": m.name,
                    "form": m.form,
                    "medium": m.medium,
                    "source": m.source,
                    "licence_type": m.licence_type,
                    "copies": m.copies,
                    "required": False,
                    "tolerable": True,
                    "items": [],
                }
            row["copies"] = max(row["copies"], m.copies)
            if m.required:
                row["tolerable"] = row["tolerable"] and m.tolerable
                row["required"] = True
            if item.code not in row["items"]:
                row["items"].append(item.code)
    for row in materials.values():
        row["tolerable"] = row["tolerable"] and row["required"]
    return list(materials.values())


SEARCH_LIMIT = 10


def item_search(
    *, center: ServiceCenter, q: str, limit: int = SEARCH_LIMIT, online_only: bool = False
) -> list[ServiceItem]:
    """The center's active items with a published version matching what a clerk types: the
    start of the pinyin initials (`spjy`), the start of the code, or a part of the name.
    One query on the (center, pinyin_initials) index, at most `limit` rows: initials matches
    first, then code matches, then name matches, each by code. `online_only`: only items
    whose published version may be applied for online (the portal's and proxy agents')."""
    q = "".join(str(q or "").split())[:64]
    if not q:
        return []
    initials = q.lower()
    published = ServiceItemVersion.objects.filter(
        item=OuterRef("pk"), status=ServiceItemVersion.Status.PUBLISHED
    )
    if online_only:
        published = published.filter(online_available=True)
    match = Q(code__istartswith=q) | Q(name__icontains=q)
    if initials.isascii() and initials.isalnum():
        match |= Q(pinyin_initials__startswith=initials)
    qs = (
        ServiceItem.objects.filter(match, Exists(published), center=center, is_active=True)
        .annotate(
            rank=Case(
                When(pinyin_initials__startswith=initials, then=Value(0)),
                When(code__istartswith=q, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("rank", "code")
    )
    return list(qs[:limit])


def bundle_search(*, center: ServiceCenter, q: str, limit: int = 5) -> list[Bundle]:
    """The center's active bundles (一件事) whose code starts with or whose name holds `q`."""
    q = "".join(str(q or "").split())[:64]
    if not q:
        return []
    return list(
        Bundle.objects.filter(
            Q(code__istartswith=q) | Q(name__icontains=q), center=center, is_active=True
        ).order_by("code")[:limit]
    )


def bundle_get(*, center: ServiceCenter, pk: int) -> Bundle | None:
    """The center's active bundle with this id, or None (also for another center's)."""
    return Bundle.objects.filter(center=center, pk=pk, is_active=True).first()


def items_of_center(*, center: ServiceCenter, ids: list[int]) -> list[ServiceItem]:
    """The center's active items among `ids`, in the order given (others dropped)."""
    rows = {i.pk: i for i in ServiceItem.objects.filter(center=center, pk__in=ids, is_active=True)}
    return [rows[i] for i in ids if i in rows]


def bundle_item_ids(*, bundle: Bundle) -> list[int]:
    """The bundle's items in their order."""
    return list(
        BundleItem.objects.filter(bundle=bundle).order_by("order", "pk").values_list("item_id", flat=True)
    )


def online_item_ids(*, item_ids: list[int]) -> list[int]:
    """The items among `item_ids` whose published version may be applied for online, in the
    order given. One query."""
    online = set(
        ServiceItemVersion.objects.filter(
            item_id__in=item_ids, status=ServiceItemVersion.Status.PUBLISHED, online_available=True
        ).values_list("item_id", flat=True)
    )
    return [i for i in item_ids if i in online]


def published_version_ids(*, item_ids: list[int]) -> dict[int, int]:
    """item id → id of its published version, for the items that have one. One query."""
    return dict(
        ServiceItemVersion.objects.filter(
            item_id__in=item_ids, status=ServiceItemVersion.Status.PUBLISHED
        ).values_list("item_id", "pk")
    )
