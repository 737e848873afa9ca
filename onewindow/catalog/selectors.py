"""Everything that reads the catalog for pages, the API, intake and reports.

Each selector does its own select_related/prefetch_related so a page costs a fixed number
of queries whatever the number of rows (the tests pin those numbers).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from onewindow.catalog import situations
from onewindow.catalog.models import (
    Bundle,
    BundleItem,
    CatalogList,
    MaterialRequirement,
    ServiceItem,
    ServiceItemVersion,
    StageTask,
)
from onewindow.catalog.search import Hit, item_search_ranked, visible_items
from onewindow.org.models import ServiceCenter

GUIDE_PREFETCH = (
    "materials",
    "form_fields",
    "questions",
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
    materials, form fields, 情形 questions, procedure, stages and tasks with their departments
    (6 queries)."""
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


# --------------------------------------------------------------------------- 情形引导


def version_questions(version: ServiceItemVersion) -> list[situations.Question]:
    """The 情形 questions of a version, in order (prefetched rows when the caller loaded them)."""
    return [situations.question_of(q) for q in version.questions.all()]


def materials_for(
    *, version: ServiceItemVersion, answers: Mapping[str, Any] | None
) -> list[MaterialRequirement]:
    """The materials of a version that apply under these 情形 answers, in the guide's order.

    The one rule the guide, the online form and the window's checklist share (the engine
    applies the same `catalog.situations.applies` to its cached plans). Answers are checked
    first: a question unanswered or answered with no choice of it raises `SituationError`
    (`SITUATION_ANSWER_REQUIRED` / `SITUATION_ANSWER_INVALID`, field `situation.<code>`)."""
    clean = situations.answers_check(version_questions(version), answers)
    return [m for m in version.materials.all() if situations.applies(m.applies_when, clean)]


# The rules of `catalog.situations` as the engine and the pages call them.
Question = situations.Question
SituationError = situations.SituationError
question_of = situations.question_of


def situation_answers_check(
    questions: Sequence[situations.Question], answers: Mapping[str, Any] | None
) -> dict[str, str]:
    """Answers to exactly these questions, each one of its choices (`SituationError` otherwise)."""
    return situations.answers_check(questions, answers)


def material_applies(applies_when: Mapping[str, Any] | None, answers: Mapping[str, str]) -> bool:
    return situations.applies(applies_when, answers)


def situation_questions_merge(groups: Iterable[Sequence[situations.Question]]) -> list[situations.Question]:
    """The questions of several items, each code asked once (a bundle)."""
    return situations.merge_questions(groups)


# --------------------------------------------------------------------------- the portal
#
# What the citizen portal reads: only items it shows (`catalog.search.visible_items`: active,
# of an active center, with a published version), only their published versions, only lists
# that are published (a date on or before today).


def _portal_filter(filters: dict[str, Any]) -> Q:
    """A Q on ServiceItem from the portal's browse filters (ids, or the category's code)."""
    q = Q()
    for name, lookup in (
        ("center", "center_id"),
        ("sector", "sector_id"),
        ("main_item", "main_item_id"),
        ("catalog_list", "catalog_lists__id"),
        ("bundle", "bundle_items__bundle_id"),
    ):
        if filters.get(name):
            q &= Q(**{lookup: filters[name]})
    if filters.get("category"):
        q &= Q(category=filters["category"])
    return q


def item_search_public(*, q: str, filters: dict[str, Any] | None = None) -> list[Hit]:
    """The portal's search: what a citizen typed, ranked (see `catalog.search`)."""
    return item_search_ranked(q=q, filters=_portal_filter(filters or {}))


def item_browse_public(*, filters: dict[str, Any] | None = None) -> QuerySet[ServiceItem]:
    """The items the portal shows under the browse filters, by code, ready to paginate."""
    return (
        visible_items()
        .filter(_portal_filter(filters or {}))
        .select_related("center", "department", "sector", "main_item")
        .order_by("code")  # one list or bundle at a time: its join adds no duplicate row
    )


def browse_facets() -> dict[str, Any]:
    """What the portal can be browsed by, each with the number of items it shows: sectors,
    categories, published lists, active bundles and main items (5 queries)."""
    from onewindow.catalog.models import Category, MainItem
    from onewindow.org.models import Sector

    shown = visible_items().values("pk")
    # One grouped read of the shown items gives the counts by sector, category and main item.
    counts: dict[str, dict[Any, int]] = {"sector_id": {}, "category": {}, "main_item_id": {}}
    for sector_id, category, main_item_id, n in (
        visible_items().values_list("sector_id", "category", "main_item_id").annotate(n=Count("pk"))
    ):
        for name, value in (("sector_id", sector_id), ("category", category), ("main_item_id", main_item_id)):
            if value is not None:
                counts[name][value] = counts[name].get(value, 0) + n
    sectors = list(
        Sector.objects.filter(pk__in=list(counts["sector_id"])).order_by("center_id", "code")[:200]
    )
    for sector in sectors:
        sector.n = counts["sector_id"][sector.pk]  # type: ignore[attr-defined]
    categories = counts["category"]
    main_items = list(
        MainItem.objects.filter(pk__in=list(counts["main_item_id"])).order_by("center_id", "code")[:200]
    )
    for main in main_items:
        main.n = counts["main_item_id"][main.pk]  # type: ignore[attr-defined]
    bundles = (
        Bundle.objects.filter(is_active=True, center__is_active=True)
        .annotate(n=Count("bundle_items", filter=Q(bundle_items__item__in=shown), distinct=True))
        .filter(n__gt=0)
        .order_by("code")[:200]
    )
    return {
        "sectors": sectors,
        "categories": [
            (value, label, categories[value]) for value, label in Category.choices if value in categories
        ],
        "lists": catalog_list_public_list(),
        "bundles": list(bundles),
        "main_items": main_items,
    }


def catalog_list_public_list() -> list[CatalogList]:
    """The published lists (清单) of active centers, each with `n`, the number of its items
    the portal shows. One query."""
    from onewindow.core import clock

    shown = visible_items().values("pk")
    return list(
        CatalogList.objects.filter(
            published_on__isnull=False, published_on__lte=clock.today(), center__is_active=True
        )
        .select_related("center")
        .annotate(n=Count("items", filter=Q(items__in=shown), distinct=True))
        .order_by("center__code", "kind", "name")
    )


def catalog_list_public_get(*, pk: int) -> CatalogList | None:
    """A published list, or None (a list not yet published, or of an inactive center)."""
    from onewindow.core import clock

    return (
        CatalogList.objects.filter(
            pk=pk, published_on__isnull=False, published_on__lte=clock.today(), center__is_active=True
        )
        .select_related("center")
        .first()
    )


def item_guide_public(*, code: str) -> ServiceItemVersion | None:
    """The published version of the item the portal shows under this code (any case), with
    everything the guide page reads loaded, or None. The version carries `windows`: the
    center's active windows that serve the item's sector or department. 7 queries."""
    from onewindow.org.models import Window

    item = visible_items().filter(code__iexact=str(code)[:64]).first()
    if item is None:
        return None
    version = (
        ServiceItemVersion.objects.filter(item=item, status=ServiceItemVersion.Status.PUBLISHED)
        .select_related("item__center", "item__department", "item__sector", "item__main_item", "procedure")
        .prefetch_related(*GUIDE_PREFETCH)
        .first()
    )
    if version is None:
        return None
    serving = Q(department_id=item.department_id)
    if item.sector_id:
        serving |= Q(sectors__id=item.sector_id)
    version.windows = list(  # type: ignore[attr-defined]
        Window.objects.filter(serving, center_id=item.center_id, is_active=True).distinct().order_by("number")
    )
    return version


def item_situations_public(*, code: str) -> ServiceItemVersion | None:
    """The published version of an item the portal shows (any case of its code), with only what
    the guide's 情形 partial draws: its item, materials and questions, or None. 3 queries (the
    whole guide, `item_guide_public`, reads the procedure, the form and the windows too)."""
    return (
        ServiceItemVersion.objects.filter(
            item__in=visible_items().filter(code__iexact=str(code)[:64]),
            status=ServiceItemVersion.Status.PUBLISHED,
        )
        .select_related("item")
        .prefetch_related("materials", "questions")
        .first()
    )


MATERIAL_FILE_KINDS = ("template", "sample")


def material_file_public(*, item_code: str, material_code: str, kind: str) -> Any:
    """The template or sample file of a material of the published version of an item the
    portal shows, or None (no such item, material or file; a draft's or retired version's
    file is never reachable this way)."""
    if kind not in MATERIAL_FILE_KINDS:
        return None
    material = (
        MaterialRequirement.objects.filter(
            version__status=ServiceItemVersion.Status.PUBLISHED,
            version__item__in=visible_items().filter(code__iexact=str(item_code)[:64]),
            code=str(material_code)[:40],
        )
        .only("pk", kind)
        .first()
    )
    if material is None:
        return None
    field = getattr(material, kind)
    return field if field else None
