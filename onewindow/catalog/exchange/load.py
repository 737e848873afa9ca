"""Load a catalog document into a center: check everything, then write it all or nothing.

`catalog_import` reads the document with the schemas (`schema.py`), checks the references
(departments, sectors, item codes, lists, bundles) and the rules of every guide (the
`check_guide` that `version_validate` applies), and writes nothing if anything is wrong;
the `CatalogImportError` it raises carries a report naming every bad JSON path (or, when
the data came from Excel, the sheet, row and column). A good document is written with
bulk inserts in one transaction: an item whose guide equals its published version is
left alone; a changed guide becomes a new published version and the old one is retired.
Items of the center that the document does not mention are left untouched.

`guide_rows` / `write_guide_rows` are the write step of a guide that the services share.
Services re-export `catalog_import`; this module imports no service module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from onewindow.catalog.errors import CatalogImportError, FieldError, ImportProblem, ImportReport, Location
from onewindow.catalog.exchange.excel import xlsx_to_data
from onewindow.catalog.exchange.json import json_to_data
from onewindow.catalog.exchange.limits import check_file_size, max_rows
from onewindow.catalog.exchange.schema import (
    FORMAT,
    VERSION_FIELDS,
    BundleIn,
    CatalogDocument,
    DepartmentIn,
    ItemIn,
    ListIn,
)
from onewindow.catalog.guide import check_guide, version_to_guide
from onewindow.catalog.models import (
    Bundle,
    BundleItem,
    CatalogList,
    FormField,
    MainItem,
    MaterialRequirement,
    Procedure,
    ServiceItem,
    ServiceItemVersion,
    SituationQuestion,
    Stage,
    StageTask,
)
from onewindow.catalog.pinyin import pinyin_of
from onewindow.catalog.search import search_keys_refresh
from onewindow.catalog.selectors import GUIDE_PREFETCH
from onewindow.core import clock
from onewindow.core.errors import FIELD_REQUIRED, NOT_AN_OBJECT, input_message
from onewindow.core.inputs import input_check
from onewindow.org.errors import OrgError
from onewindow.org.models import Department, Sector, ServiceCenter
from onewindow.org.services import department_create

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # settings.AUTH_USER_MODEL

Progress = Callable[[str, int, int], None]
"""progress(phase, done, total): phase is "validate" or "write"."""


@dataclass
class GuideRows:
    """The rows one guide becomes, not yet saved (see `write_guide_rows`)."""

    version: ServiceItemVersion
    materials: list[MaterialRequirement] = field(default_factory=list)
    form_fields: list[FormField] = field(default_factory=list)
    questions: list[SituationQuestion] = field(default_factory=list)
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
    rows.questions = [
        SituationQuestion(version=version, order=n, **q) for n, q in enumerate(guide.get("questions") or [])
    ]
    rows.procedure = Procedure(version=version, name="")
    for n, stage in enumerate(guide["stages"], start=1):
        s = Stage(procedure=rows.procedure, order=n, name=stage["name"])
        tasks = [
            StageTask(stage=s, **{**t, "department": departments[t["department"]]}) for t in stage["tasks"]
        ]
        rows.stages.append((s, tasks))
    return rows


def write_guide_rows(all_rows: list[GuideRows]) -> None:
    """Bulk-insert the children of already saved versions: 6 INSERT batches for any number."""
    MaterialRequirement.objects.bulk_create([m for r in all_rows for m in r.materials], batch_size=1000)
    FormField.objects.bulk_create([f for r in all_rows for f in r.form_fields], batch_size=1000)
    SituationQuestion.objects.bulk_create([q for r in all_rows for q in r.questions], batch_size=1000)
    Procedure.objects.bulk_create([r.procedure for r in all_rows if r.procedure], batch_size=1000)
    Stage.objects.bulk_create([s for r in all_rows for s, _t in r.stages], batch_size=1000)
    StageTask.objects.bulk_create(
        [t for r in all_rows for _s, tasks in r.stages for t in tasks], batch_size=1000
    )


def actor_user(actor: Any) -> User | None:
    """Services take a user or a Staff member as the actor; versions record the user."""
    if actor is None:
        return None
    if isinstance(actor, AbstractBaseUser):
        return cast("User", actor)
    return getattr(actor, "user", None)


class _Collector:
    """Adds problems to the report, located in the workbook when the data came from one."""

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

    def all(self, errors: list[FieldError], prefix: str = "") -> None:
        for e in errors:
            path = f"{prefix}.{e['field']}" if prefix and e["field"] else prefix or e["field"]
            self(path, e["message"], e["code"])


@dataclass
class _Entry:
    index: int
    item: ItemIn
    guide: dict[str, Any]


def _ci(code: str) -> str:
    """Codes are ASCII letters, digits and '-': the same code whatever its case."""
    return code.lower()


def _code_of(raw: Any) -> str:
    """The code an entry claims, even when the entry cannot be read (for references)."""
    code = raw.get("code") if isinstance(raw, dict) else None
    return str(code).strip() if isinstance(code, str | int) else ""


def _read_item(
    i: int, raw: Any, add: _Collector, departments: Container[str], sectors: Mapping[str, Sector]
) -> _Entry | None:
    path = f"items[{i}]"
    item, errors = input_check(ItemIn, raw, path=path)
    add.all(errors)
    if item is None:
        return None
    if item.department not in departments:
        add(
            f"{path}.department",
            _("“%(field)s” “%(value)s” is not a department of this center or of the file.")
            % {"field": ItemIn.field_label("department"), "value": item.department},
            "UNKNOWN_DEPARTMENT",
        )
    if item.sector and item.sector not in sectors:
        add(
            f"{path}.sector",
            _("“%(field)s” “%(value)s” is not a sector of this center.")
            % {"field": ItemIn.field_label("sector"), "value": item.sector},
            "UNKNOWN_SECTOR",
        )
    for given, missing in (("main_item_code", "main_item_name"), ("main_item_name", "main_item_code")):
        if getattr(item, given) and not getattr(item, missing):
            add(
                f"{path}.{missing}",
                input_message(FIELD_REQUIRED, label=ItemIn.field_label(missing)),
                FIELD_REQUIRED,
            )
    guide = item.version.model_dump()
    add.all(
        check_guide(guide, department_ok=departments.__contains__, for_publishing=True), f"{path}.version"
    )
    return _Entry(i, item, guide)


def _too_many(add: _Collector, document: CatalogDocument) -> bool:
    """A list of the document longer than the row bound (`TOO_MANY_ROWS`)."""
    limit, found = max_rows(), False
    for key in ("departments", "items", "lists", "bundles"):
        count = len(getattr(document, key))
        if count > limit:
            add(
                key,
                _("“%(field)s” has %(count)d entries; a catalog file holds at most %(max)d.")
                % {"field": CatalogDocument.field_label(key), "count": count, "max": limit},
                "TOO_MANY_ROWS",
            )
            found = True
    return found


def _read_departments(
    document: CatalogDocument, add: _Collector, existing: Mapping[str, Department]
) -> list[DepartmentIn]:
    """The departments of the file that the center lacks (to be created); a department the
    center has is left as it is."""
    seen: dict[str, int] = {}
    missing: list[DepartmentIn] = []
    for j, raw in enumerate(document.departments):
        department, errors = input_check(DepartmentIn, raw, path=f"departments[{j}]")
        add.all(errors)
        if department is None:
            continue
        if department.code in seen:
            add(
                f"departments[{j}].code",
                _("Department code %(code)s appears twice (first as department %(first)d).")
                % {"code": department.code, "first": seen[department.code] + 1},
                "DUPLICATE_CODE",
            )
            continue
        seen[department.code] = j
        if department.code not in existing:
            missing.append(department)
    return missing


def _check_main_items(entries: list[_Entry], add: _Collector) -> None:
    """Items naming one main item (by code, whatever its case) name it alike."""
    first: dict[str, _Entry] = {}
    for e in entries:
        code = e.item.main_item_code
        if not code or not e.item.main_item_name:
            continue
        seen = first.setdefault(_ci(code), e)
        if seen is not e and seen.item.main_item_name != e.item.main_item_name:
            add(
                f"items[{e.index}].main_item_name",
                _("Main item %(code)s is named “%(first)s” by item %(row)d and “%(other)s” here.")
                % {
                    "code": code,
                    "first": seen.item.main_item_name,
                    "row": seen.index + 1,
                    "other": e.item.main_item_name,
                },
                "MAIN_ITEM_MISMATCH",
            )


def _taken_elsewhere(model: type[ServiceItem] | type[Bundle], codes: list[str]) -> dict[str, int]:
    """code (lower case) → center id, for the rows of `model` with one of `codes` in any case."""
    return dict(
        model._default_manager.annotate(code_ci=Lower("code"))
        .filter(code_ci__in=[_ci(c) for c in codes])
        .values_list("code_ci", "center_id")
    )


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
    nothing when any row is wrong: every value is read and every rule checked before the
    first write. `dry_run=True` validates and counts, then rolls back. `locations` maps
    JSON paths to Excel cells (given by `xlsx_to_data`). Departments the file lists that
    the center lacks are created (`org.services.department_create`), main items too.
    """
    report = ImportReport(dry_run=dry_run)
    add = _Collector(report, locations)
    if not isinstance(data, dict):
        add("", _("The catalog must be a JSON object."), NOT_AN_OBJECT)
        raise CatalogImportError(report)
    document, errors = input_check(CatalogDocument, data)
    add.all(errors)
    if document is not None and document.format != FORMAT:
        add(
            "format",
            _("Unknown format “%(value)s”; expected %(format)s.")
            % {"value": document.format, "format": FORMAT},
            "UNKNOWN_FORMAT",
        )
    if document is not None and document.center not in ("", center.code):
        add(
            "center",
            _("This catalog is for center %(value)s, not %(center)s.")
            % {"value": document.center, "center": center.code},
            "WRONG_CENTER",
        )
    if document is None or _too_many(add, document) or report.problems:
        raise CatalogImportError(report)

    departments = {d.code: d for d in Department.objects.filter(center=center)}
    new_departments = _read_departments(document, add, departments)
    known_departments = set(departments) | {d.code for d in new_departments}
    sectors = {s.code: s for s in Sector.objects.filter(center=center)}
    total = len(document.items)
    entries: list[_Entry] = []
    first_row: dict[str, int] = {}
    for i, raw in enumerate(document.items):
        entry = _read_item(i, raw, add, known_departments, sectors)
        if entry is not None:
            code = _ci(entry.item.code)
            if code in first_row:
                add(
                    f"items[{i}].code",
                    _("Item code %(code)s appears twice (first as item %(first)d).")
                    % {"code": entry.item.code, "first": first_row[code] + 1},
                    "DUPLICATE_CODE",
                )
            else:
                first_row[code] = i
                entries.append(entry)
        if progress and (i + 1) % 100 == 0:
            progress("validate", i + 1, total)
    if progress:
        progress("validate", total, total)
    _check_main_items(entries, add)

    known = _taken_elsewhere(ServiceItem, [e.item.code for e in entries])
    for e in entries:
        if known.get(_ci(e.item.code), center.pk) != center.pk:
            add(
                f"items[{e.index}].code",
                _("Item code %(code)s already belongs to another center.") % {"code": e.item.code},
                "ITEM_CODE_TAKEN",
            )
    # Codes of unreadable items count as present: their own problems are already reported.
    center_codes = {_ci(c) for c in ServiceItem.objects.filter(center=center).values_list("code", flat=True)}
    center_codes |= {_ci(_code_of(raw)) for raw in document.items}

    def check_item_refs(path: str, item_codes: list[str]) -> None:
        seen: set[str] = set()
        for n, code in enumerate(item_codes):
            if _ci(code) not in center_codes:
                add(f"{path}.items[{n}]", _("Unknown item code %(code)s.") % {"code": code}, "UNKNOWN_ITEM")
            if _ci(code) in seen:
                add(
                    f"{path}.items[{n}]",
                    _("Item code %(code)s is listed twice.") % {"code": code},
                    "DUPLICATE_CODE",
                )
            seen.add(_ci(code))

    lists: list[ListIn] = []
    for j, raw in enumerate(document.lists):
        catalog_list, errors = input_check(ListIn, raw, path=f"lists[{j}]")
        add.all(errors)
        if catalog_list is None:
            continue
        if any(x.name == catalog_list.name for x in lists):
            add(
                f"lists[{j}].name",
                _("The list “%(name)s” appears twice.") % {"name": catalog_list.name},
                "DUPLICATE_CODE",
            )
        check_item_refs(f"lists[{j}]", catalog_list.items)
        lists.append(catalog_list)

    bundles: dict[int, BundleIn] = {}
    bundle_codes: set[str] = set()
    for j, raw in enumerate(document.bundles):
        bundle, errors = input_check(BundleIn, raw, path=f"bundles[{j}]")
        add.all(errors)
        if bundle is None:
            continue
        if _ci(bundle.code) in bundle_codes:
            add(
                f"bundles[{j}].code",
                _("Bundle code %(code)s appears twice.") % {"code": bundle.code},
                "DUPLICATE_CODE",
            )
        bundle_codes.add(_ci(bundle.code))
        check_item_refs(f"bundles[{j}]", bundle.items)
        bundles[j] = bundle
    taken = _taken_elsewhere(Bundle, [b.code for b in bundles.values()])
    for j, b in bundles.items():
        if taken.get(_ci(b.code), center.pk) != center.pk:
            add(
                f"bundles[{j}].code",
                _("Bundle code %(code)s already belongs to another center.") % {"code": b.code},
                "BUNDLE_CODE_TAKEN",
            )
    if report.problems:
        raise CatalogImportError(report)

    departments.update(_create_departments(center, new_departments, report))
    main_items = _write_main_items(center, entries, report)
    _write(center, entries, departments, sectors, main_items, actor_user(actor), report, progress)
    _write_lists(center, lists, report)
    _write_bundles(center, list(bundles.values()), report)
    if dry_run:
        transaction.set_rollback(True)
    return report


def _create_departments(
    center: ServiceCenter, new: list[DepartmentIn], report: ImportReport
) -> dict[str, Department]:
    """The departments the center lacked, created through the org service (one row each:
    a center has tens of departments, not thousands)."""
    created = {}
    for d in new:
        try:
            created[d.code] = department_create(center=center, code=d.code, name=d.name)
        except OrgError as exc:  # e.g. created meanwhile by someone else: refuse, as a check would
            problem = ImportProblem(message=exc.message, code=exc.code, path="departments")
            raise CatalogImportError(ImportReport(problems=[problem])) from exc
        report.departments_created.append(d.code)
    return created


def _write_main_items(
    center: ServiceCenter, entries: list[_Entry], report: ImportReport
) -> dict[str, MainItem]:
    """The main items the entries name (lower-case code → row): created when new; the name
    and the spelling of the code follow the file. Locks the center's main items (by pk)
    before `_write` locks its items: the import's order is main items → items → versions."""
    wanted: dict[str, tuple[str, str]] = {}
    for e in entries:
        if e.item.main_item_code:
            wanted.setdefault(_ci(e.item.main_item_code), (e.item.main_item_code, e.item.main_item_name))
    if not wanted:
        return {}
    current = {
        _ci(m.code): m for m in MainItem.objects.select_for_update().filter(center=center).order_by("pk")
    }
    new, changed = [], []
    for key, (code, name) in wanted.items():
        main = current.get(key)
        if main is None:
            current[key] = main = MainItem(center=center, code=code, name=name)
            new.append(main)
        elif (main.code, main.name) != (code, name):
            main.code, main.name = code, name
            changed.append(main)
    MainItem.objects.bulk_create(new, batch_size=1000)
    if changed:
        MainItem.objects.bulk_update(changed, ["code", "name"], batch_size=500)
    report.main_items_created = len(new)
    return {key: current[key] for key in wanted}


def _write(
    center: ServiceCenter,
    entries: list[_Entry],
    departments: Mapping[str, Department],
    sectors: Mapping[str, Sector],
    main_items: Mapping[str, MainItem],
    user: User | None,
    report: ImportReport,
    progress: Progress | None,
) -> None:
    now = clock.now()
    if progress:
        progress("write", 0, len(entries))
    codes = [_ci(e.item.code) for e in entries]
    # Lock the existing items (ordered by pk: the same order every writer uses).
    existing = {
        _ci(i.code): i
        for i in ServiceItem.objects.select_for_update()
        .annotate(code_ci=Lower("code"))
        .filter(center=center, code_ci__in=codes)
        .order_by("pk")
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
        sector = sectors.get(e.item.sector) if e.item.sector else None
        main = main_items.get(_ci(e.item.main_item_code)) if e.item.main_item_code else None
        attrs = {
            "code": e.item.code,
            "name": e.item.name,
            **pinyin_of(e.item.name),
            "main_item_id": main.pk if main else None,
            "category": e.item.category,
            "department_id": departments[e.item.department].pk,
            "sector_id": sector.pk if sector else None,
            "is_active": e.item.is_active,
        }
        item = existing.get(_ci(e.item.code))
        if item is None:
            item = ServiceItem(center=center, **attrs)
            new_items.append(item)
            to_publish.append((item, e, 1))
            continue
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
            changed_items,
            [
                "code",
                "name",
                "pinyin_initials",
                "pinyin_full",
                "main_item",
                "category",
                "department",
                "sector",
                "is_active",
            ],
            batch_size=500,
        )
    retire = [published[item.pk].pk for item, _e, _n in to_publish if item.pk in published]
    if retire:
        ServiceItemVersion.objects.filter(pk__in=retire).update(status=ServiceItemVersion.Status.RETIRED)
    versions = [
        ServiceItemVersion(
            item=item,
            number=number,
            status=ServiceItemVersion.Status.PUBLISHED,
            published_at=now,
            published_by=user,
            **{name: e.guide[name] for name in VERSION_FIELDS},
        )
        for item, e, number in to_publish
    ]
    ServiceItemVersion.objects.bulk_create(versions, batch_size=1000)
    write_guide_rows(
        [
            guide_rows(version, e.guide, departments)
            for version, (_item, e, _n) in zip(versions, to_publish, strict=True)
        ]
    )
    # The portal's search keys of every item written (new, changed or newly published).
    search_keys_refresh(
        item_ids=[
            *(i.pk for i in new_items),
            *(i.pk for i in changed_items),
            *(i.pk for i, _e, _n in to_publish),
        ]
    )
    report.items_created = len(new_items)
    report.versions_published = len(versions)
    report.items_updated += sum(1 for i, _e, _n in to_publish if i in changed_items)
    if progress:
        progress("write", len(entries), len(entries))


def _write_lists(center: ServiceCenter, lists: list[ListIn], report: ImportReport) -> None:
    """Replace the membership of the lists named; a list already as given is left alone."""
    if not lists:
        return
    items_by_code = {
        _ci(c): pk for c, pk in ServiceItem.objects.filter(center=center).values_list("code", "pk")
    }
    current = {
        cl.name: cl for cl in CatalogList.objects.filter(center=center, name__in=[x.name for x in lists])
    }
    Through = CatalogList.items.through
    members: dict[int, set[int]] = {}
    for cl_id, item_id in Through.objects.filter(
        cataloglist_id__in=[cl.pk for cl in current.values()]
    ).values_list("cataloglist_id", "serviceitem_id"):
        members.setdefault(cl_id, set()).add(item_id)
    through_rows = []
    for x in lists:
        wanted = {items_by_code[_ci(c)] for c in x.items}
        cl = current.get(x.name)
        if cl is None:
            cl = CatalogList.objects.create(
                center=center, name=x.name, kind=x.kind, published_on=x.published_on
            )
        elif cl.kind == x.kind and cl.published_on == x.published_on and members.get(cl.pk, set()) == wanted:
            continue
        else:
            cl.kind, cl.published_on = x.kind, x.published_on
            cl.save(update_fields=["kind", "published_on"])
            Through.objects.filter(cataloglist_id=cl.pk).delete()
        through_rows += [Through(cataloglist_id=cl.pk, serviceitem_id=pk) for pk in wanted]
        report.lists_written += 1
    Through.objects.bulk_create(through_rows, batch_size=1000)


def _write_bundles(center: ServiceCenter, bundles: list[BundleIn], report: ImportReport) -> None:
    """Replace the items of the bundles named, in the order given; one already so is left alone."""
    if not bundles:
        return
    items_by_code = {
        _ci(c): pk for c, pk in ServiceItem.objects.filter(center=center).values_list("code", "pk")
    }
    current = {
        _ci(b.code): b
        for b in Bundle.objects.annotate(code_ci=Lower("code")).filter(
            center=center, code_ci__in=[_ci(b.code) for b in bundles]
        )
    }
    links: dict[int, list[int]] = {}
    for bundle_id, item_id in (
        BundleItem.objects.filter(bundle__in=list(current.values()))
        .order_by("bundle_id", "order", "id")
        .values_list("bundle_id", "item_id")
    ):
        links.setdefault(bundle_id, []).append(item_id)
    link_rows = []
    for x in bundles:
        wanted = [items_by_code[_ci(c)] for c in x.items]
        b = current.get(_ci(x.code))
        attrs = {"code": x.code, "name": x.name, "description": x.description, "is_active": x.is_active}
        if b is None:
            b = Bundle.objects.create(center=center, **attrs)
        elif all(getattr(b, k) == v for k, v in attrs.items()) and links.get(b.pk, []) == wanted:
            continue
        else:
            for k, v in attrs.items():
                setattr(b, k, v)
            b.save(update_fields=list(attrs))
            BundleItem.objects.filter(bundle=b).delete()
        link_rows += [BundleItem(bundle=b, item_id=pk, order=n) for n, pk in enumerate(wanted)]
        report.bundles_written += 1
    BundleItem.objects.bulk_create(link_rows, batch_size=1000)


def catalog_import_file(
    *,
    center: ServiceCenter,
    content: bytes,
    filename: str,
    actor: Any = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import an .xlsx or .json file (by extension), all or nothing; raises CatalogImportError.

    A workbook whose structure is wrong (a sheet or column missing, a row for an unknown
    item, a cell without a value to read) is still checked as far as it reads, so the
    report lists everything at once. The size is checked first (`FILE_TOO_LARGE`); callers
    holding a file or an upload check it before reading (`limits.check_file_size`)."""
    check_file_size(len(content))
    if filename.lower().endswith(".json"):
        data = json_to_data(content)
        return catalog_import(center=center, data=data, actor=actor, progress=progress, dry_run=dry_run)
    data, parsed = xlsx_to_data(content)
    if parsed.problems:
        if data:
            try:
                catalog_import(center=center, data=data, dry_run=True, locations=parsed.locations)
            except CatalogImportError as exc:
                # One problem per cell: a cell the reader refused (a formula without a value)
                # is not also "required".
                cells = {(p.sheet, p.row, p.column) for p in parsed.problems if p.column}
                parsed.problems += [p for p in exc.report.problems if (p.sheet, p.row, p.column) not in cells]
        raise CatalogImportError(parsed)
    return catalog_import(
        center=center, data=data, actor=actor, progress=progress, dry_run=dry_run, locations=parsed.locations
    )
