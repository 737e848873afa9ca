"""The org tree: regions, service centers, departments, sectors and windows.

One create and one update per row of the tree. A row's center is fixed once it exists
(departments, sectors, windows, staff): moving it would leave staff, windows, items and
cases pointing across centers. Uniqueness is checked for a clear message and guarded by
the unique constraints under concurrency.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from onewindow.org.actions.checks import _choice, _code, _locked, _save_unique, _text
from onewindow.org.errors import org_error
from onewindow.org.models import (
    Department,
    Region,
    Sector,
    ServiceCenter,
    Window,
    region_code_validator,
    short_code_validator,
)


def _region_fill(region: Region, *, code: str, name: str, level: int, parent: Region | None) -> None:
    region.code = _code(code, "code", region_code_validator)
    region.name = _text(name, "name", Region, required=True)
    region.level = _choice(level, "level", Region.Level)
    if parent is not None and parent.level >= region.level:
        raise org_error("REGION_PARENT_LEVEL", "parent")
    region.parent = parent
    taken = Region.objects.filter(code=region.code)
    if region.pk:
        taken = taken.exclude(pk=region.pk)
    if taken.exists():
        raise org_error("CODE_TAKEN", "code", value=region.code)


@transaction.atomic
def region_create(*, code: str, name: str, level: int, parent: Region | None = None) -> Region:
    """A node of the division tree. Its parent is at a higher level (a lower number), which
    also keeps the tree free of cycles."""
    region = Region()
    _region_fill(region, code=code, name=name, level=level, parent=parent)
    _save_unique(region, field="code", code="CODE_TAKEN", value=region.code)
    return region


@transaction.atomic
def region_update(*, region: Region, code: str, name: str, level: int, parent: Region | None) -> Region:
    """Correct a node; its sub-regions must stay below it. Locks the row."""
    locked = _locked(region)
    _region_fill(locked, code=code, name=name, level=level, parent=parent)
    if locked.children.filter(level__lte=locked.level).exists():
        raise org_error("REGION_CHILD_LEVEL", "level")
    _save_unique(locked, field="code", code="CODE_TAKEN", value=locked.code)
    return locked


def _center_fill(center: ServiceCenter, **fields: Any) -> None:
    center.code = _code(fields["code"], "code", short_code_validator)
    center.name = _text(fields["name"], "name", ServiceCenter, required=True)
    center.tier = _choice(fields["tier"], "tier", ServiceCenter.Tier)
    center.region = fields["region"]
    for name in ("address", "phone", "opening_hours"):
        setattr(center, name, _text(fields[name], name, ServiceCenter))
    center.is_active = bool(fields["is_active"])
    parent = fields["parent"]
    if parent is not None and center.pk:
        # Walk up from the new parent: reaching this center would make a cycle.
        node_id, seen = parent.pk, set()
        while node_id is not None and node_id not in seen:
            if node_id == center.pk:
                raise org_error("CENTER_PARENT_CYCLE", "parent")
            seen.add(node_id)
            node_id = ServiceCenter.objects.filter(pk=node_id).values_list("parent_id", flat=True).first()
    center.parent = parent
    taken = ServiceCenter.objects.filter(code=center.code)
    if center.pk:
        taken = taken.exclude(pk=center.pk)
    if taken.exists():
        raise org_error("CODE_TAKEN", "code", value=center.code)


@transaction.atomic
def center_create(
    *,
    code: str,
    name: str,
    tier: str,
    region: Region,
    parent: ServiceCenter | None = None,
    address: str = "",
    phone: str = "",
    opening_hours: str = "",
    is_active: bool = True,
) -> ServiceCenter:
    """A hall of the four-level network."""
    center = ServiceCenter()
    _center_fill(
        center,
        code=code,
        name=name,
        tier=tier,
        region=region,
        parent=parent,
        address=address,
        phone=phone,
        opening_hours=opening_hours,
        is_active=is_active,
    )
    _save_unique(center, field="code", code="CODE_TAKEN", value=center.code)
    center.path = f"{_parent_path(parent)}{center.pk}/"
    ServiceCenter.objects.filter(pk=center.pk).update(path=center.path)
    return center


def _parent_path(parent: ServiceCenter | None) -> str:
    """The tree path a child of `parent` starts with, read from the locked parent row (so a
    concurrent move of the parent cannot leave the child under its old path)."""
    if parent is None:
        return "/"
    path = ServiceCenter.objects.select_for_update().values_list("path", flat=True).get(pk=parent.pk)
    if not path:  # a tree loaded without the services: repair it first
        center_paths_rebuild()
        path = ServiceCenter.objects.values_list("path", flat=True).get(pk=parent.pk)
    return path


@transaction.atomic
def center_paths_rebuild() -> int:
    """Recompute every center's tree path from the parent links; return how many changed.

    For rows created without `center_create` (the demo's bulk load, a restore) and as the
    repair of last resort. Centers are few (thousands in a province): one read, one bulk
    update. A parent chain that loops (impossible through the services) is cut where it
    loops, so every path stays finite."""
    rows = list(ServiceCenter.objects.select_for_update().values_list("pk", "parent_id", "path"))
    parents = {pk: parent_id for pk, parent_id, _path in rows}
    paths: dict[int, str] = {}

    def path_of(pk: int) -> str:
        chain: list[int] = []
        node: int | None = pk
        while node is not None and node not in paths and node not in chain:
            chain.append(node)
            node = parents.get(node)
        prefix = paths[node] if node is not None and node in paths else "/"
        for member in reversed(chain):
            prefix = paths[member] = f"{prefix}{member}/"
        return paths[pk]

    changed = [ServiceCenter(pk=pk, path=path_of(pk)) for pk, _parent, old in rows if path_of(pk) != old]
    ServiceCenter.objects.bulk_update(changed, ["path"], batch_size=500)
    return len(changed)


@transaction.atomic
def center_update(
    *,
    center: ServiceCenter,
    code: str,
    name: str,
    tier: str,
    region: Region,
    parent: ServiceCenter | None,
    address: str,
    phone: str,
    opening_hours: str,
    is_active: bool,
) -> ServiceCenter:
    """Correct a center; its upper center may not be itself or one of the centers below it.
    Moving it moves the centers below it too (their tree paths follow). Locks the row, then
    the new upper center's."""
    locked = _locked(center)
    old_path = locked.path
    _center_fill(
        locked,
        code=code,
        name=name,
        tier=tier,
        region=region,
        parent=parent,
        address=address,
        phone=phone,
        opening_hours=opening_hours,
        is_active=is_active,
    )
    _save_unique(locked, field="code", code="CODE_TAKEN", value=locked.code)
    new_path = f"{_parent_path(locked.parent)}{locked.pk}/"
    if not old_path:
        center_paths_rebuild()
    elif new_path != old_path:
        # One UPDATE for the center and everything below it: swap the path's prefix.
        ServiceCenter.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=models.CharField())
        )
    locked.path = new_path
    return locked


def _in_center_code(
    obj: Department | Sector, field: str, value: str, validator: Callable[[str], None], code: str
) -> str:
    """`value` checked with `validator` and unique among the rows of obj's center."""
    value = _code(value, field, validator)
    taken = type(obj)._default_manager.filter(center_id=obj.center_id, **{field: value})
    if obj.pk:
        taken = taken.exclude(pk=obj.pk)
    if taken.exists():
        raise org_error(code, field, value=value)
    return value


def _department_fill(department: Department, **fields: Any) -> None:
    department.code = _in_center_code(department, "code", fields["code"], short_code_validator, "CODE_TAKEN")
    department.name = _text(fields["name"], "name", Department, required=True)
    department.short_name = _text(fields["short_name"], "short_name", Department)
    department.phone = _text(fields["phone"], "phone", Department)
    department.is_active = bool(fields["is_active"])


@transaction.atomic
def department_create(
    *,
    center: ServiceCenter,
    code: str,
    name: str,
    short_name: str = "",
    phone: str = "",
    is_active: bool = True,
) -> Department:
    """A department resident in `center`; its code is unique in the center."""
    department = Department(center=center)
    _department_fill(
        department, code=code, name=name, short_name=short_name, phone=phone, is_active=is_active
    )
    _save_unique(department, field="code", code="CODE_TAKEN", value=department.code)
    return department


@transaction.atomic
def department_update(
    *, department: Department, code: str, name: str, short_name: str, phone: str, is_active: bool
) -> Department:
    """Correct a department (not its center). Locks the row."""
    locked = _locked(department)
    _department_fill(locked, code=code, name=name, short_name=short_name, phone=phone, is_active=is_active)
    _save_unique(locked, field="code", code="CODE_TAKEN", value=locked.code)
    return locked


def _sector_fill(sector: Sector, *, code: str, name: str, order: int) -> None:
    sector.code = _in_center_code(sector, "code", code, short_code_validator, "CODE_TAKEN")
    sector.name = _text(name, "name", Sector, required=True)
    if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order <= 32767:
        raise org_error("INVALID_CHOICE", "order", value=order)
    sector.order = order


@transaction.atomic
def sector_create(*, center: ServiceCenter, code: str, name: str, order: int = 0) -> Sector:
    """A back-office service sector of `center`; its code is unique in the center."""
    sector = Sector(center=center)
    _sector_fill(sector, code=code, name=name, order=order)
    _save_unique(sector, field="code", code="CODE_TAKEN", value=sector.code)
    return sector


@transaction.atomic
def sector_update(*, sector: Sector, code: str, name: str, order: int) -> Sector:
    """Correct a sector (not its center). Locks the row."""
    locked = _locked(sector)
    _sector_fill(locked, code=code, name=name, order=order)
    _save_unique(locked, field="code", code="CODE_TAKEN", value=locked.code)
    return locked


def _window_fill(window: Window, *, sectors: Iterable[Sector], **fields: Any) -> list[Sector]:
    window.number = _text(fields["number"], "number", Window, required=True)
    taken = Window.objects.filter(center_id=window.center_id, number=window.number)
    if window.pk:
        taken = taken.exclude(pk=window.pk)
    if taken.exists():
        raise org_error("NUMBER_TAKEN", "number", value=window.number)
    window.name = _text(fields["name"], "name", Window)
    window.kind = _choice(fields["kind"], "kind", Window.Kind)
    department = fields["department"]
    if department is not None and department.center_id != window.center_id:
        raise org_error("DEPARTMENT_NOT_IN_CENTER", "department")
    window.department = department
    window.is_active = bool(fields["is_active"])
    sectors = list(sectors)
    for sector in sectors:
        if sector.center_id != window.center_id:
            raise org_error("SECTOR_NOT_IN_CENTER", "sectors", value=sector.name)
    return sectors


@transaction.atomic
def window_create(
    *,
    center: ServiceCenter,
    number: str,
    kind: str,
    name: str = "",
    department: Department | None = None,
    sectors: Iterable[Sector] = (),
    is_active: bool = True,
) -> Window:
    """A counter of `center`, serving sectors of the same center; a dedicated window's
    department is the center's own."""
    window = Window(center=center)
    sectors = _window_fill(
        window,
        sectors=sectors,
        number=number,
        kind=kind,
        name=name,
        department=department,
        is_active=is_active,
    )
    _save_unique(window, field="number", code="NUMBER_TAKEN", value=window.number)
    window.sectors.set(sectors)
    return window


@transaction.atomic
def window_update(
    *,
    window: Window,
    number: str,
    kind: str,
    name: str,
    department: Department | None,
    sectors: Iterable[Sector],
    is_active: bool,
) -> Window:
    """Correct a window (not its center) and replace the sectors it serves. Locks the row."""
    locked = _locked(window)
    sectors = _window_fill(
        locked,
        sectors=sectors,
        number=number,
        kind=kind,
        name=name,
        department=department,
        is_active=is_active,
    )
    _save_unique(locked, field="number", code="NUMBER_TAKEN", value=locked.number)
    locked.sectors.set(sectors)
    return locked
