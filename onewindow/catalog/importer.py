"""Catalog import (all-or-nothing, idempotent) and export, on the JSON shape of docs/catalog.md.

`catalog_import` validates the whole document first and writes nothing if anything is
wrong; the `CatalogImportError` it raises carries a report naming every bad JSON path (or,
when the data came from Excel, the sheet, row and column). A good document is written
with bulk inserts in one transaction: an item whose guide equals its published version is
left alone; a changed guide becomes a new published version and the old one is retired.
Items of the center that the document does not mention are left untouched.

Services re-export `catalog_import`; this module imports no other service module.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from onewindow.catalog.errors import CatalogImportError, ImportProblem, ImportReport
from onewindow.catalog.guide import (
    VERSION_FIELDS,
    check_guide,
    choice_labels,
    coerce_bool,
    coerce_text,
    normalize_guide,
    verbose,
    version_to_guide,
)
from onewindow.catalog.models import (
    Bundle,
    BundleItem,
    CatalogList,
    Category,
    FormField,
    MaterialRequirement,
    Procedure,
    ServiceItem,
    ServiceItemVersion,
    Stage,
    StageTask,
    item_code_validator,
)
from onewindow.catalog.selectors import GUIDE_PREFETCH
from onewindow.core import clock
from onewindow.org.models import Department, Sector, ServiceCenter

FORMAT = "onewindow-catalog/1"
Progress = Callable[[str, int, int], None]
"""progress(phase, done, total): phase is "validate" or "write"."""


@dataclass(frozen=True)
class Location:
    sheet: str
    row: int | None = None
    column: str = ""


@dataclass
class GuideRows:
    """The rows one guide becomes, not yet saved (see `write_guide_rows`)."""

    version: ServiceItemVersion
    materials: list[MaterialRequirement] = field(default_factory=list)
    form_fields: list[FormField] = field(default_factory=list)
    procedure: Procedure | None = None
    stages: list[tuple[Stage, list[StageTask]]] = field(default_factory=list)


def guide_rows(
    version: ServiceItemVersion, guide: dict[str, Any], departments: Mapping[str, Department]
) -> GuideRows:
    rows = GuideRows(version=version)
    rows.materials = [
        MaterialRequirement(version=version, order=n, **m) for n, m in enumerate(guide["materials"])
    ]
    rows.form_fields = [FormField(version=version, order=n, **f) for n, f in enumerate(guide["form_fields"])]
    rows.procedure = Procedure(version=version, name="")
    for n, stage in enumerate(guide["stages"], start=1):
        s = Stage(procedure=rows.procedure, order=n, name=stage["name"])
        tasks = [
            StageTask(stage=s, **{**t, "department": departments[t["department"]]}) for t in stage["tasks"]
        ]
        rows.stages.append((s, tasks))
    return rows


def write_guide_rows(all_rows: list[GuideRows]) -> None:
    """Bulk-insert the children of already saved versions: 5 INSERT batches for any number."""
    MaterialRequirement.objects.bulk_create([m for r in all_rows for m in r.materials], batch_size=1000)
    FormField.objects.bulk_create([f for r in all_rows for f in r.form_fields], batch_size=1000)
    Procedure.objects.bulk_create([r.procedure for r in all_rows if r.procedure], batch_size=1000)
    Stage.objects.bulk_create([s for r in all_rows for s, _t in r.stages], batch_size=1000)
    StageTask.objects.bulk_create(
        [t for r in all_rows for _s, tasks in r.stages for t in tasks], batch_size=1000
    )


def _user(actor: Any) -> AbstractBaseUser | None:
    if actor is None or isinstance(actor, AbstractBaseUser):
        return actor
    return getattr(actor, "user", None)


def _date(value: Any) -> dt.date | None | str:
    """A date, None for blank, or the unreadable text itself."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = coerce_text(value)
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return text
    return text


def _codes(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [c for c in re.split(r"\s*[,，、;；\n]\s*", value.strip()) if c]
    if isinstance(value, list):
        return [coerce_text(c) for c in value if coerce_text(c)]
    return [coerce_text(value)]


def _too_long(model: type, field_name: str, value: str) -> str:
    limit = model._meta.get_field(field_name).max_length
    return _("“%(field)s” is at most %(max)d characters; this one has %(length)d.") % {
        "field": verbose(model, field_name),
        "max": limit,
        "length": len(value),
    }


class _Collector:
    def __init__(self, report: ImportReport, locations: Mapping[str, Location] | None) -> None:
        self.report = report
        self.locations = locations or {}

    def __call__(self, path: str, message: str, code: str) -> None:
        problem = ImportProblem(message=str(message), code=code, path=path)
        probe = path
        while probe:
            loc = self.locations.get(probe)
            if loc is not None:
                problem.sheet, problem.row, problem.column = loc.sheet, loc.row, loc.column
                break
            shorter = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", probe)
            if shorter == probe:
                break
            probe = shorter
        self.report.problems.append(problem)


@dataclass
class _Entry:
    index: int
    code: str
    name: str
    category: str
    department: str
    sector: str
    is_active: bool
    guide: dict[str, Any]


def _read_item(
    i: int,
    raw: Any,
    add: _Collector,
    departments: Mapping[str, Department],
    sectors: Mapping[str, Sector],
    categories: Mapping[str, str],
) -> _Entry | None:
    path = f"items[{i}]"
    if not isinstance(raw, dict):
        add(path, _("Each item must be an object."), "NOT_AN_OBJECT")
        return None
    code = coerce_text(raw.get("code"))
    label = verbose(ServiceItem, "code")
    if not code:
        add(f"{path}.code", _("“%(field)s” is required.") % {"field": label}, "REQUIRED")
    elif not item_code_validator.regex.match(code):
        add(f"{path}.code", f"“{label}” {code}：{item_code_validator.message}", "INVALID_CODE")
    name = coerce_text(raw.get("name"))
    if not name:
        add(
            f"{path}.name",
            _("“%(field)s” is required.") % {"field": verbose(ServiceItem, "name")},
            "REQUIRED",
        )
    elif len(name) > 200:
        add(
            f"{path}.name",
            _("“%(field)s” is at most %(max)d characters; this one has %(length)d.")
            % {"field": verbose(ServiceItem, "name"), "max": 200, "length": len(name)},
            "TOO_LONG",
        )
    category = categories.get(coerce_text(raw.get("category")).lower(), "")
    if not category:
        add(
            f"{path}.category",
            _("“%(field)s” does not accept “%(value)s”.")
            % {"field": verbose(ServiceItem, "category"), "value": coerce_text(raw.get("category"))},
            "INVALID_CHOICE",
        )
    department = coerce_text(raw.get("department"))
    if department not in departments:
        add(
            f"{path}.department",
            _("“%(field)s” “%(value)s” is not a department of this center.")
            % {"field": verbose(ServiceItem, "department"), "value": department},
            "UNKNOWN_DEPARTMENT",
        )
    sector = coerce_text(raw.get("sector"))
    if sector and sector not in sectors:
        add(
            f"{path}.sector",
            _("“%(field)s” “%(value)s” is not a sector of this center.")
            % {"field": verbose(ServiceItem, "sector"), "value": sector},
            "UNKNOWN_SECTOR",
        )
    is_active = True
    if raw.get("is_active") not in (None, ""):
        parsed = coerce_bool(raw.get("is_active"))
        if parsed is None:
            add(
                f"{path}.is_active",
                _("“%(field)s” must be yes or no (是/否), not “%(value)s”.")
                % {"field": verbose(ServiceItem, "is_active"), "value": raw.get("is_active")},
                "INVALID_BOOLEAN",
            )
        is_active = bool(parsed)
    guide, errors = normalize_guide(raw.get("version"))
    errors += check_guide(guide, department_ok=departments.__contains__, for_publishing=True)
    for e in errors:
        message = e["message"]
        add(f"{path}.version.{e['field']}" if e["field"] else f"{path}.version", message, e["code"])
    return _Entry(i, code, name, category, department, sector, is_active, guide)


@transaction.atomic
def catalog_import(
    *,
    center: ServiceCenter,
    data: dict[str, Any],
    actor: Any = None,
    progress: Progress | None = None,
    dry_run: bool = False,
    locations: Mapping[str, Location] | None = None,
) -> ImportReport:
    """Import a catalog document into `center`, all or nothing.

    Raises `CatalogImportError` (its `report.problems` lists every problem) and writes
    nothing when any row is wrong. `dry_run=True` validates and counts, then rolls back.
    `locations` maps JSON paths to Excel cells (given by `xlsx_to_data`).
    """
    report = ImportReport(dry_run=dry_run)
    add = _Collector(report, locations)
    if not isinstance(data, dict):
        add("", _("The catalog must be a JSON object."), "NOT_AN_OBJECT")
        raise CatalogImportError(report)
    if data.get("format") not in (None, "", FORMAT):
        add(
            "format",
            _("Unknown format “%(value)s”; expected %(format)s.")
            % {"value": data.get("format"), "format": FORMAT},
            "UNKNOWN_FORMAT",
        )
    if data.get("center") not in (None, "", center.code):
        add(
            "center",
            _("This catalog is for center %(value)s, not %(center)s.")
            % {"value": data.get("center"), "center": center.code},
            "WRONG_CENTER",
        )
    raw_items = data.get("items") or []
    raw_lists = data.get("lists") or []
    raw_bundles = data.get("bundles") or []
    for key, value in (("items", raw_items), ("lists", raw_lists), ("bundles", raw_bundles)):
        if not isinstance(value, list):
            add(key, _("Expected a list."), "NOT_A_LIST")
    if report.problems:
        raise CatalogImportError(report)

    departments = {d.code: d for d in Department.objects.filter(center=center)}
    sectors = {s.code: s for s in Sector.objects.filter(center=center)}
    categories = choice_labels(Category)
    total = len(raw_items)
    entries: list[_Entry] = []
    first_row: dict[str, int] = {}
    for i, raw in enumerate(raw_items):
        entry = _read_item(i, raw, add, departments, sectors, categories)
        if entry is not None:
            if entry.code in first_row:
                add(
                    f"items[{i}].code",
                    _("Item code %(code)s appears twice (first as item %(first)d).")
                    % {"code": entry.code, "first": first_row[entry.code] + 1},
                    "DUPLICATE_CODE",
                )
            else:
                first_row[entry.code] = i
                entries.append(entry)
        if progress and (i + 1) % 100 == 0:
            progress("validate", i + 1, total)
    if progress:
        progress("validate", total, total)

    codes = [e.code for e in entries if e.code]
    known = dict(ServiceItem.objects.filter(code__in=codes).values_list("code", "center_id"))
    for e in entries:
        if known.get(e.code, center.pk) != center.pk:
            add(
                f"items[{e.index}].code",
                _("Item code %(code)s already belongs to another center.") % {"code": e.code},
                "ITEM_CODE_TAKEN",
            )
    center_codes = set(ServiceItem.objects.filter(center=center).values_list("code", flat=True)) | set(codes)

    def check_item_refs(path: str, item_codes: list[str]) -> None:
        seen: set[str] = set()
        for n, code in enumerate(item_codes):
            if code not in center_codes:
                add(f"{path}.items[{n}]", _("Unknown item code %(code)s.") % {"code": code}, "UNKNOWN_ITEM")
            if code in seen:
                add(
                    f"{path}.items[{n}]",
                    _("Item code %(code)s is listed twice.") % {"code": code},
                    "DUPLICATE_CODE",
                )
            seen.add(code)

    list_kinds = choice_labels(CatalogList.Kind)
    lists: list[dict[str, Any]] = []
    list_names: set[str] = set()
    for j, raw in enumerate(raw_lists):
        path = f"lists[{j}]"
        if not isinstance(raw, dict):
            add(path, _("Each list must be an object."), "NOT_AN_OBJECT")
            continue
        name = coerce_text(raw.get("name"))
        kind = list_kinds.get(coerce_text(raw.get("kind")).lower(), "")
        if not name:
            add(
                f"{path}.name",
                _("“%(field)s” is required.") % {"field": verbose(CatalogList, "name")},
                "REQUIRED",
            )
        elif len(name) > 200:
            add(f"{path}.name", _too_long(CatalogList, "name", name), "TOO_LONG")
        elif name in list_names:
            add(f"{path}.name", _("The list “%(name)s” appears twice.") % {"name": name}, "DUPLICATE_CODE")
        list_names.add(name)
        if not kind:
            add(
                f"{path}.kind",
                _("“%(field)s” does not accept “%(value)s”.")
                % {"field": verbose(CatalogList, "kind"), "value": coerce_text(raw.get("kind"))},
                "INVALID_CHOICE",
            )
        published_on = _date(raw.get("published_on"))
        if isinstance(published_on, str):
            add(
                f"{path}.published_on",
                _("“%(field)s” must be a date like 2026-01-01, not “%(value)s”.")
                % {"field": verbose(CatalogList, "published_on"), "value": published_on},
                "INVALID_DATE",
            )
            published_on = None
        item_codes = _codes(raw.get("items"))
        check_item_refs(path, item_codes)
        lists.append({"name": name, "kind": kind, "published_on": published_on, "items": item_codes})

    bundles: list[dict[str, Any]] = []
    bundle_codes: set[str] = set()
    for j, raw in enumerate(raw_bundles):
        path = f"bundles[{j}]"
        if not isinstance(raw, dict):
            add(path, _("Each bundle must be an object."), "NOT_AN_OBJECT")
            continue
        code = coerce_text(raw.get("code"))
        name = coerce_text(raw.get("name"))
        if not item_code_validator.regex.match(code):
            add(
                f"{path}.code",
                f"“{verbose(Bundle, 'code')}” {code}：{item_code_validator.message}",
                "INVALID_CODE",
            )
        elif code in bundle_codes:
            add(f"{path}.code", _("Bundle code %(code)s appears twice.") % {"code": code}, "DUPLICATE_CODE")
        bundle_codes.add(code)
        if not name:
            add(
                f"{path}.name", _("“%(field)s” is required.") % {"field": verbose(Bundle, "name")}, "REQUIRED"
            )
        elif len(name) > 200:
            add(f"{path}.name", _too_long(Bundle, "name", name), "TOO_LONG")
        is_active = True if raw.get("is_active") in (None, "") else coerce_bool(raw.get("is_active"))
        if is_active is None:
            add(
                f"{path}.is_active",
                _("“%(field)s” must be yes or no (是/否), not “%(value)s”.")
                % {"field": verbose(Bundle, "is_active"), "value": raw.get("is_active")},
                "INVALID_BOOLEAN",
            )
        item_codes = _codes(raw.get("items"))
        check_item_refs(path, item_codes)
        bundles.append(
            {
                "code": code,
                "name": name,
                "description": coerce_text(raw.get("description")),
                "is_active": bool(is_active),
                "items": item_codes,
            }
        )
    taken = dict(Bundle.objects.filter(code__in=bundle_codes).values_list("code", "center_id"))
    for j, b in enumerate(bundles):
        if taken.get(b["code"], center.pk) != center.pk:
            add(
                f"bundles[{j}].code",
                _("Bundle code %(code)s already belongs to another center.") % {"code": b["code"]},
                "BUNDLE_CODE_TAKEN",
            )
    if report.problems:
        raise CatalogImportError(report)

    _write(center, entries, lists, bundles, departments, sectors, _user(actor), report, progress)
    if dry_run:
        transaction.set_rollback(True)
    return report


def _write(
    center: ServiceCenter,
    entries: list[_Entry],
    lists: list[dict[str, Any]],
    bundles: list[dict[str, Any]],
    departments: Mapping[str, Department],
    sectors: Mapping[str, Sector],
    user: AbstractBaseUser | None,
    report: ImportReport,
    progress: Progress | None,
) -> None:
    now = clock.now()
    codes = [e.code for e in entries]
    # Lock the existing items (ordered by pk: the same order every writer uses).
    existing = {
        i.code: i
        for i in ServiceItem.objects.select_for_update().filter(center=center, code__in=codes).order_by("pk")
    }
    published = {
        v.item_id: v
        for v in ServiceItemVersion.objects.filter(
            item__in=list(existing.values()), status=ServiceItemVersion.Status.PUBLISHED
        )
        .select_related("procedure")
        .prefetch_related(*GUIDE_PREFETCH)
    }
    numbers = dict(
        ServiceItemVersion.objects.filter(item__in=list(existing.values()))
        .values("item_id")
        .annotate(n=Max("number"))
        .values_list("item_id", "n")
    )
    new_items: list[ServiceItem] = []
    changed_items: list[ServiceItem] = []
    to_publish: list[tuple[ServiceItem, _Entry, int]] = []
    for e in entries:
        dept = departments[e.department]
        sector = sectors.get(e.sector) if e.sector else None
        item = existing.get(e.code)
        if item is None:
            item = ServiceItem(
                center=center,
                code=e.code,
                name=e.name,
                category=e.category,
                department=dept,
                sector=sector,
                is_active=e.is_active,
            )
            new_items.append(item)
            to_publish.append((item, e, 1))
            continue
        attrs = {
            "name": e.name,
            "category": e.category,
            "department_id": dept.pk,
            "sector_id": sector.pk if sector else None,
            "is_active": e.is_active,
        }
        item_changed = any(getattr(item, k) != v for k, v in attrs.items())
        if item_changed:
            for k, v in attrs.items():
                setattr(item, k, v)
            changed_items.append(item)
        current = published.get(item.pk)
        if current is None or version_to_guide(current) != e.guide:
            to_publish.append((item, e, numbers.get(item.pk, 0) + 1))
        elif item_changed:
            report.items_updated += 1
        else:
            report.items_unchanged += 1

    ServiceItem.objects.bulk_create(new_items, batch_size=1000)
    if changed_items:
        ServiceItem.objects.bulk_update(
            changed_items, ["name", "category", "department", "sector", "is_active"], batch_size=500
        )
    retire = [published[item.pk].pk for item, _e, _n in to_publish if item.pk in published]
    if retire:
        ServiceItemVersion.objects.filter(pk__in=retire).update(status=ServiceItemVersion.Status.RETIRED)
    versions = []
    all_rows = []
    for item, e, number in to_publish:
        version = ServiceItemVersion(
            item=item,
            number=number,
            status=ServiceItemVersion.Status.PUBLISHED,
            published_at=now,
            published_by=user,
            **{name: e.guide[name] for name in VERSION_FIELDS},
        )
        versions.append(version)
    ServiceItemVersion.objects.bulk_create(versions, batch_size=1000)
    for version, (_item, e, _n) in zip(versions, to_publish, strict=True):
        all_rows.append(guide_rows(version, e.guide, departments))
    write_guide_rows(all_rows)
    report.items_created = len(new_items)
    report.versions_published = len(versions)
    report.items_updated += sum(1 for i, _e, _n in to_publish if i in changed_items)
    if progress:
        progress("write", len(entries), len(entries))

    items_by_code = {i.code: i for i in ServiceItem.objects.filter(center=center).only("pk", "code")}
    if lists:
        current_lists = {
            cl.name: cl
            for cl in CatalogList.objects.filter(center=center, name__in=[x["name"] for x in lists])
        }
        members: dict[int, set[int]] = {}
        for cl_id, item_id in CatalogList.items.through.objects.filter(
            cataloglist_id__in=[cl.pk for cl in current_lists.values()]
        ).values_list("cataloglist_id", "serviceitem_id"):
            members.setdefault(cl_id, set()).add(item_id)
        through_rows = []
        for x in lists:
            wanted = {items_by_code[c].pk for c in x["items"]}
            cl = current_lists.get(x["name"])
            if cl is None:
                cl = CatalogList.objects.create(
                    center=center, name=x["name"], kind=x["kind"], published_on=x["published_on"]
                )
            elif (
                cl.kind == x["kind"]
                and cl.published_on == x["published_on"]
                and members.get(cl.pk, set()) == wanted
            ):
                continue
            else:
                cl.kind, cl.published_on = x["kind"], x["published_on"]
                cl.save(update_fields=["kind", "published_on"])
                CatalogList.items.through.objects.filter(cataloglist_id=cl.pk).delete()
            through_rows += [
                CatalogList.items.through(cataloglist_id=cl.pk, serviceitem_id=pk) for pk in wanted
            ]
            report.lists_written += 1
        CatalogList.items.through.objects.bulk_create(through_rows, batch_size=1000)

    if bundles:
        current_bundles = {
            b.code: b for b in Bundle.objects.filter(center=center, code__in=[b["code"] for b in bundles])
        }
        links: dict[int, list[int]] = {}
        for bundle_id, item_id in (
            BundleItem.objects.filter(bundle__in=list(current_bundles.values()))
            .order_by("bundle_id", "order", "id")
            .values_list("bundle_id", "item_id")
        ):
            links.setdefault(bundle_id, []).append(item_id)
        link_rows = []
        for x in bundles:
            wanted_ids = [items_by_code[c].pk for c in x["items"]]
            b = current_bundles.get(x["code"])
            attrs = {"name": x["name"], "description": x["description"], "is_active": x["is_active"]}
            if b is None:
                b = Bundle.objects.create(center=center, code=x["code"], **attrs)
            elif all(getattr(b, k) == v for k, v in attrs.items()) and links.get(b.pk, []) == wanted_ids:
                continue
            else:
                for k, v in attrs.items():
                    setattr(b, k, v)
                b.save(update_fields=list(attrs))
                BundleItem.objects.filter(bundle=b).delete()
            link_rows += [BundleItem(bundle=b, item_id=pk, order=n) for n, pk in enumerate(wanted_ids)]
            report.bundles_written += 1
        BundleItem.objects.bulk_create(link_rows, batch_size=1000)


def catalog_to_data(center: ServiceCenter) -> dict[str, Any]:
    """The center's published catalog in the JSON shape of docs/catalog.md.

    Items without a published version (only a draft) are left out: the document describes
    what applicants can apply for, and importing it back publishes every item in it.
    """
    versions = (
        ServiceItemVersion.objects.filter(item__center=center, status=ServiceItemVersion.Status.PUBLISHED)
        .select_related("item__department", "item__sector", "procedure")
        .prefetch_related(*GUIDE_PREFETCH)
        .order_by("item__code")
    )
    items = []
    for v in versions:
        item = v.item
        items.append(
            {
                "code": item.code,
                "name": item.name,
                "category": item.category,
                "department": item.department.code,
                "sector": item.sector.code if item.sector else "",
                "is_active": item.is_active,
                "version": version_to_guide(v),
            }
        )
    lists = [
        {
            "kind": cl.kind,
            "name": cl.name,
            "published_on": cl.published_on.isoformat() if cl.published_on else "",
            "items": sorted(i.code for i in cl.items.all()),
        }
        for cl in CatalogList.objects.filter(center=center).prefetch_related("items").order_by("name")
    ]
    bundles = [
        {
            "code": b.code,
            "name": b.name,
            "description": b.description,
            "is_active": b.is_active,
            "items": [link.item.code for link in b.bundle_items.all()],
        }
        for b in Bundle.objects.filter(center=center)
        .prefetch_related(
            "bundle_items__item",
        )
        .order_by("code")
    ]
    return {"format": FORMAT, "center": center.code, "items": items, "lists": lists, "bundles": bundles}
