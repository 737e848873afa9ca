"""Everything that writes to the catalog: one function per business action.

Versions are immutable once published: every service that edits a version first checks it
is a draft and raises `CatalogError("VERSION_FROZEN")` otherwise. Publishing and drafting
lock the item row first (lock order: item → version), so two clerks publishing the same
item queue instead of leaving two published versions (the partial unique constraint
`one_published_per_item` is the last guard).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from onewindow.catalog.errors import CatalogError, FieldError, field_error, verbose
from onewindow.catalog.exchange.load import actor_user, catalog_import, guide_rows, write_guide_rows
from onewindow.catalog.exchange.schema import ITEM_CODE_RE, BundleIn, ItemHead, ListIn
from onewindow.catalog.guide import VERSION_FIELDS, check_guide, guide_check, version_to_guide
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
    item_code_validator,
)
from onewindow.catalog.pinyin import pinyin_of
from onewindow.catalog.search import search_keys_refresh
from onewindow.catalog.selectors import version_guide
from onewindow.core import clock
from onewindow.core.inputs import input_check
from onewindow.org.models import Department, Sector, ServiceCenter

__all__ = [
    "bundle_create",
    "bundle_set_items",
    "bundle_update",
    "catalog_import",
    "catalog_list_create",
    "catalog_list_set_items",
    "catalog_list_update",
    "item_create",
    "item_update",
    "version_draft_create",
    "version_guide_set",
    "version_publish",
    "version_update",
    "version_validate",
]


def _assert_draft(version: ServiceItemVersion) -> None:
    if version.status != ServiceItemVersion.Status.DRAFT:
        raise CatalogError(
            "VERSION_FROZEN",
            _(
                "Version %(number)d of “%(item)s” is %(status)s and can no longer be changed; create a new draft."
            )
            % {"number": version.number, "item": version.item.name, "status": version.get_status_display()},
        )


def _departments(center: ServiceCenter) -> dict[str, Department]:
    return {d.code: d for d in Department.objects.filter(center=center)}


def version_validate(version: ServiceItemVersion) -> list[FieldError]:
    """Every reason this version cannot be published (empty when it can)."""
    version = version_guide(version)
    guide = version_to_guide(version)
    errors = check_guide(guide, for_publishing=True)
    center_id = version.item.center_id
    try:
        procedure = version.procedure
    except ServiceItemVersion.procedure.RelatedObjectDoesNotExist:
        procedure = None
    if procedure is not None:
        for s, stage in enumerate(procedure.stages.all()):
            for t, task in enumerate(stage.tasks.all()):
                if task.department.center_id != center_id:
                    errors.append(
                        field_error(
                            f"stages[{s}].tasks[{t}].department",
                            _(
                                "Stage %(stage)d, task %(n)d (%(name)s): “%(field)s” %(dept)s is not in this item's center."
                            )
                            % {
                                "stage": s + 1,
                                "n": t + 1,
                                "name": task.name,
                                "field": verbose(StageTask, "department"),
                                "dept": task.department.name,
                            },
                            "DEPARTMENT_NOT_IN_CENTER",
                        )
                    )
    return errors


@transaction.atomic
def version_publish(*, version: ServiceItemVersion, actor: Any) -> ServiceItemVersion:
    """Freeze a draft and retire the previously published version.

    Locks the item row, then the version row; validates under the lock so nothing can change
    the draft between the check and the freeze.
    """
    item = ServiceItem.objects.select_for_update().get(pk=version.item_id)
    locked = ServiceItemVersion.objects.select_for_update().select_related("item").get(pk=version.pk)
    _assert_draft(locked)
    errors = version_validate(locked)
    if errors:
        raise CatalogError(
            "VERSION_INVALID",
            _("Version %(number)d of “%(item)s” cannot be published: %(reasons)s")
            % {
                "number": locked.number,
                "item": locked.item.name,
                "reasons": "；".join(e["message"] for e in errors),
            },
            errors,
        )
    ServiceItemVersion.objects.filter(
        item_id=locked.item_id, status=ServiceItemVersion.Status.PUBLISHED
    ).update(status=ServiceItemVersion.Status.RETIRED)
    locked.status = ServiceItemVersion.Status.PUBLISHED
    locked.published_at = clock.now()
    locked.published_by = actor_user(actor)
    locked.save(update_fields=["status", "published_at", "published_by"])
    pinyin = pinyin_of(item.name)  # the intake and portal searches find what is published
    if any(getattr(item, k) != v for k, v in pinyin.items()):
        ServiceItem.objects.filter(pk=item.pk).update(**pinyin)
    search_keys_refresh(item_ids=[item.pk])
    version.status, version.published_at, version.published_by = (
        locked.status,
        locked.published_at,
        locked.published_by,
    )
    return locked


@transaction.atomic
def version_draft_create(*, item: ServiceItem, actor: Any = None) -> ServiceItemVersion:
    """Return the item's draft, creating it as a copy of the published version (or, when none
    is published, of the newest version) with materials, form fields and procedure."""
    ServiceItem.objects.select_for_update().get(pk=item.pk)
    existing = ServiceItemVersion.objects.filter(item=item, status=ServiceItemVersion.Status.DRAFT).first()
    if existing is not None:
        return existing
    source = (
        ServiceItemVersion.objects.filter(item=item, status=ServiceItemVersion.Status.PUBLISHED).first()
        or ServiceItemVersion.objects.filter(item=item).order_by("-number").first()
    )
    if source is None:
        raise CatalogError(
            "NO_VERSION",
            _("“%(item)s” has no version to copy; create it with its guide.") % {"item": item.name},
        )
    source = version_guide(source)
    number = (ServiceItemVersion.objects.filter(item=item).aggregate(n=Max("number"))["n"] or 0) + 1
    draft = ServiceItemVersion(item=item, number=number, status=ServiceItemVersion.Status.DRAFT)
    for name in VERSION_FIELDS:
        setattr(draft, name, getattr(source, name))
    draft.delivery_methods = list(source.delivery_methods or [])
    draft.save()
    MaterialRequirement.objects.bulk_create(
        [
            MaterialRequirement(
                version=draft,
                **{
                    f.name: getattr(m, f.name)
                    for f in MaterialRequirement._meta.concrete_fields
                    if f.name not in ("id", "version")
                },
            )
            for m in source.materials.all()
        ]
    )
    FormField.objects.bulk_create(
        [
            FormField(
                version=draft,
                **{
                    f.name: getattr(x, f.name)
                    for f in FormField._meta.concrete_fields
                    if f.name not in ("id", "version")
                },
            )
            for x in source.form_fields.all()
        ]
    )
    SituationQuestion.objects.bulk_create(
        [
            SituationQuestion(version=draft, order=q.order, code=q.code, text=q.text, choices=list(q.choices))
            for q in source.questions.all()
        ]
    )
    try:
        old_procedure = source.procedure
    except ServiceItemVersion.procedure.RelatedObjectDoesNotExist:
        old_procedure = None
    procedure = Procedure.objects.create(version=draft, name=old_procedure.name if old_procedure else "")
    if old_procedure is not None:
        old_stages = list(old_procedure.stages.all())
        new_stages = Stage.objects.bulk_create(
            [Stage(procedure=procedure, order=s.order, name=s.name) for s in old_stages]
        )
        StageTask.objects.bulk_create(
            [
                StageTask(
                    stage=new,
                    name=t.name,
                    action=t.action,
                    department_id=t.department_id,
                    role=t.role,
                    limit_days=t.limit_days,
                )
                for old, new in zip(old_stages, new_stages, strict=True)
                for t in old.tasks.all()
            ]
        )
    return draft


def _raise_if(errors: list[FieldError], code: str, message: str) -> None:
    if errors:
        raise CatalogError(code, f"{message}{'；'.join(e['message'] for e in errors)}", errors)


@transaction.atomic
def version_guide_set(*, version: ServiceItemVersion, guide: dict[str, Any]) -> ServiceItemVersion:
    """Replace a draft's whole guide (fields, materials, form fields, stages) from a guide dict."""
    ServiceItem.objects.select_for_update().get(pk=version.item_id)
    version = ServiceItemVersion.objects.select_for_update().select_related("item").get(pk=version.pk)
    _assert_draft(version)
    departments = _departments(version.item.center)
    canonical, errors = guide_check(guide, department_ok=departments.__contains__, for_publishing=False)
    _raise_if(errors, "GUIDE_INVALID", _("The guide has problems: "))
    for name in VERSION_FIELDS:
        setattr(version, name, canonical[name])
    version.save()
    version.materials.all().delete()
    version.form_fields.all().delete()
    version.questions.all().delete()
    Procedure.objects.filter(version=version).delete()
    write_guide_rows([guide_rows(version, canonical, departments)])
    return version


@transaction.atomic
def version_update(*, version: ServiceItemVersion, **changes: Any) -> ServiceItemVersion:
    """Change scalar guide fields of a draft (legal basis, limits, fees…)."""
    unknown = set(changes) - set(VERSION_FIELDS)
    if unknown:
        raise CatalogError(
            "UNKNOWN_FIELD", _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    version = ServiceItemVersion.objects.select_for_update().select_related("item").get(pk=version.pk)
    _assert_draft(version)
    guide = version_to_guide(version_guide(version))
    guide.update(changes)
    canonical, errors = guide_check(guide, for_publishing=False)
    _raise_if(errors, "GUIDE_INVALID", _("The guide has problems: "))
    for name in changes:
        setattr(version, name, canonical[name])
    version.save(update_fields=list(changes))
    return version


def _check_item_units(
    errors: list[FieldError], *, center: ServiceCenter, department: Department, sector: Sector | None
) -> None:
    """The responsible department and the sector are the item's center's own."""
    if department.center_id != center.pk:
        errors.append(
            field_error(
                "department",
                _("“%(field)s” %(dept)s is not in this center.")
                % {"field": verbose(ServiceItem, "department"), "dept": department.name},
                "DEPARTMENT_NOT_IN_CENTER",
            )
        )
    if sector is not None and sector.center_id != center.pk:
        errors.append(
            field_error(
                "sector",
                _("“%(field)s” %(sector)s is not in this center.")
                % {"field": verbose(ServiceItem, "sector"), "sector": sector.name},
                "SECTOR_NOT_IN_CENTER",
            )
        )


@transaction.atomic
def item_create(
    *,
    center: ServiceCenter,
    code: str,
    name: str,
    category: str,
    department: Department,
    sector: Sector | None = None,
    main_item: MainItem | None = None,
    guide: dict[str, Any],
    actor: Any = None,
) -> ServiceItem:
    """Create an item (a sub-item of `main_item`, of the same center, when given) and its
    first version (a draft, number 1) from a guide in the JSON shape.

    The code, name and category are read as the import reads them (`ItemHead`), the guide
    with `guide_check`. The code is refused when any item has it in any case
    (`ITEM_CODE_TAKEN`; the case-insensitive unique constraint is the last guard)."""
    head, errors = input_check(ItemHead, {"code": code, "name": name, "category": category})
    if head is not None and ServiceItem.objects.filter(code__iexact=head.code).exists():
        errors.append(_code_taken(ServiceItem, head.code, "ITEM_CODE_TAKEN"))
    _check_item_units(errors, center=center, department=department, sector=sector)
    if main_item is not None and main_item.center_id != center.pk:
        errors.append(
            field_error(
                "main_item",
                _("“%(field)s” %(main)s is not in this center.")
                % {"field": verbose(ServiceItem, "main_item"), "main": main_item.name},
                "MAIN_ITEM_NOT_IN_CENTER",
            )
        )
    departments = _departments(center)
    canonical, guide_errors = guide_check(guide, department_ok=departments.__contains__, for_publishing=False)
    errors += [field_error(f"guide.{e['field']}", e["message"], e["code"]) for e in guide_errors]
    _raise_if(errors, "ITEM_INVALID", _("The item cannot be created: "))
    assert head is not None  # errors would have been raised
    item = ServiceItem(
        center=center,
        code=head.code,
        name=head.name,
        **pinyin_of(head.name),
        main_item=main_item,
        category=head.category,
        department=department,
        sector=sector,
    )
    _create_unique(item, "ITEM_CODE_TAKEN")
    version = ServiceItemVersion(item=item, number=1, status=ServiceItemVersion.Status.DRAFT)
    for field_name in VERSION_FIELDS:
        setattr(version, field_name, canonical[field_name])
    version.save()
    write_guide_rows([guide_rows(version, canonical, departments)])
    return item


def _code_taken(model: type[ServiceItem] | type[Bundle], code: str, error_code: str) -> FieldError:
    return field_error(
        "code",
        _("“%(field)s” %(code)s is already used (codes that differ only in case are the same code).")
        % {"field": verbose(model, "code"), "code": code},
        error_code,
    )


def _create_unique(row: ServiceItem | Bundle, error_code: str) -> None:
    """Insert `row`; the case-insensitive unique constraint refusing it (a twin created
    meanwhile) becomes `error_code` on the code."""
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError as exc:
        error = _code_taken(type(row), row.code, error_code)
        raise CatalogError(error_code, error["message"], [error]) from exc


def _same_center(center: ServiceCenter, items: Iterable[ServiceItem]) -> list[ServiceItem]:
    items = list(items)
    foreign = [i for i in items if i.center_id != center.pk]
    if foreign:
        raise CatalogError(
            "ITEM_NOT_IN_CENTER",
            _("These items belong to another center: %(items)s")
            % {"items": "、".join(str(i) for i in foreign)},
        )
    return items


@transaction.atomic
def bundle_create(
    *, center: ServiceCenter, code: str, name: str, description: str = "", items: Iterable[ServiceItem] = ()
) -> Bundle:
    """A 一件事 bundle: several items of the center applied for with one unified form."""
    if not ITEM_CODE_RE.match(code or ""):
        raise CatalogError("INVALID_CODE", str(item_code_validator.message))
    if Bundle.objects.filter(code__iexact=code).exists():
        error = _code_taken(Bundle, code, "BUNDLE_CODE_TAKEN")
        raise CatalogError(error["code"], error["message"], [error])
    bundle = Bundle(center=center, code=code, name=name, description=description)
    _create_unique(bundle, "BUNDLE_CODE_TAKEN")
    return bundle_set_items(bundle=bundle, items=items)


@transaction.atomic
def bundle_set_items(*, bundle: Bundle, items: Iterable[ServiceItem]) -> Bundle:
    """Replace the bundle's items; their order is the order given."""
    items = _same_center(bundle.center, items)
    BundleItem.objects.filter(bundle=bundle).delete()
    BundleItem.objects.bulk_create([BundleItem(bundle=bundle, item=i, order=n) for n, i in enumerate(items)])
    return bundle


@transaction.atomic
def catalog_list_create(
    *,
    center: ServiceCenter,
    kind: str,
    name: str,
    published_on: dt.date | None = None,
    items: Iterable[ServiceItem] = (),
) -> CatalogList:
    if CatalogList.objects.filter(center=center, name=name).exists():
        raise CatalogError(
            "LIST_NAME_TAKEN",
            _("A list named “%(name)s” already exists in this center.") % {"name": name},
        )
    if kind not in CatalogList.Kind.values:
        raise CatalogError("INVALID_CHOICE", _("Unknown list kind “%(kind)s”.") % {"kind": kind})
    catalog_list = CatalogList.objects.create(center=center, kind=kind, name=name, published_on=published_on)
    return catalog_list_set_items(catalog_list=catalog_list, items=items)


@transaction.atomic
def catalog_list_set_items(*, catalog_list: CatalogList, items: Iterable[ServiceItem]) -> CatalogList:
    catalog_list.items.set(_same_center(catalog_list.center, items))
    return catalog_list


# --------------------------------------------------------------------------- admin edits
#
# What the admin edits field by field: an item's identity, a list's or bundle's own fields,
# read with the import's schemas. A draft's parts (materials, form fields, stages, tasks)
# are edited through `onewindow.catalog.drafts`.


@transaction.atomic
def item_update(
    *,
    item: ServiceItem,
    name: str,
    category: str,
    department: Department,
    sector: Sector | None = None,
    is_active: bool = True,
) -> ServiceItem:
    """Correct an item's identity: not its code or center, and not its guide (that is on
    its versions). Name and category are read as `item_create` reads them (`ItemHead`)."""
    locked = ServiceItem.objects.select_for_update().select_related("center").get(pk=item.pk)
    head, errors = input_check(ItemHead, {"code": locked.code, "name": name, "category": category})
    _check_item_units(errors, center=locked.center, department=department, sector=sector)
    _raise_if(errors, "ITEM_INVALID", _("The item cannot be changed: "))
    assert head is not None  # errors would have been raised
    locked.name, locked.category, locked.department, locked.sector = (
        head.name,
        head.category,
        department,
        sector,
    )
    locked.is_active = bool(is_active)
    for key, value in pinyin_of(locked.name).items():
        setattr(locked, key, value)
    locked.save(
        update_fields=[
            "name",
            "pinyin_initials",
            "pinyin_full",
            "category",
            "department",
            "sector",
            "is_active",
        ]
    )
    search_keys_refresh(item_ids=[locked.pk])  # a withdrawn item leaves the portal's search
    return locked


@transaction.atomic
def catalog_list_update(
    *, catalog_list: CatalogList, kind: str, name: str, published_on: dt.date | None = None
) -> CatalogList:
    """Rename, re-kind or re-date a list (its items: `catalog_list_set_items`), read as the
    import reads a list (`ListIn`); the name stays unique in the center."""
    locked = CatalogList.objects.select_for_update().get(pk=catalog_list.pk)
    head, errors = input_check(ListIn, {"kind": kind, "name": name, "published_on": published_on})
    if head is not None:
        taken = CatalogList.objects.filter(center_id=locked.center_id, name=head.name).exclude(pk=locked.pk)
        if taken.exists():
            errors.append(
                field_error(
                    "name",
                    _("A list named “%(name)s” already exists in this center.") % {"name": head.name},
                    "LIST_NAME_TAKEN",
                )
            )
    _raise_if(errors, "LIST_INVALID", _("The list cannot be changed: "))
    assert head is not None  # errors would have been raised
    locked.kind, locked.name, locked.published_on = head.kind, head.name, head.published_on
    locked.save(update_fields=["kind", "name", "published_on"])
    return locked


@transaction.atomic
def bundle_update(*, bundle: Bundle, name: str, description: str = "", is_active: bool = True) -> Bundle:
    """Rename, describe or (de)activate a bundle (not its code; its items:
    `bundle_set_items`), read as the import reads a bundle (`BundleIn`)."""
    locked = Bundle.objects.select_for_update().get(pk=bundle.pk)
    head, errors = input_check(
        BundleIn, {"code": locked.code, "name": name, "description": description, "is_active": is_active}
    )
    _raise_if(errors, "BUNDLE_INVALID", _("The bundle cannot be changed: "))
    assert head is not None  # errors would have been raised
    locked.name, locked.description, locked.is_active = head.name, head.description, head.is_active
    locked.save(update_fields=["name", "description", "is_active"])
    return locked
