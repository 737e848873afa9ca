"""Edits of a draft's parts row by row: materials, form fields, the procedure's stages and
their tasks (what the admin's inline rows write).

A part is checked the way its whole guide is: the edit is applied to the draft's current
guide, which is read and checked as a draft by `guide.guide_check` (the import's schemas
and rules), and only that row's problems are reported, with field names relative to the
row (`tolerable`, `department`), so the admin shows them on the row's fields. A row's own
number (`order`) is read with the input layer's whole-number rule. Only a draft is edited
(VERSION_FROZEN otherwise); every function locks the item, then the version, as the other
catalog services do.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from onewindow.catalog.errors import CatalogError, FieldError, field_error, verbose
from onewindow.catalog.exchange.schema import Count, StageIn
from onewindow.catalog.guide import (
    FORM_FIELD_FIELDS,
    MATERIAL_FIELDS,
    QUESTION_FIELDS,
    TASK_FIELDS,
    guide_check,
    version_to_guide,
)
from onewindow.catalog.models import (
    FormField,
    MaterialRequirement,
    Procedure,
    ServiceItem,
    ServiceItemVersion,
    SituationQuestion,
    Stage,
    StageTask,
)
from onewindow.catalog.selectors import version_guide
from onewindow.catalog.services import _assert_draft, _departments, _raise_if
from onewindow.core.inputs import Schema, Text, input_check
from onewindow.org.models import Department

__all__ = [
    "form_field_create",
    "form_field_delete",
    "form_field_update",
    "material_create",
    "material_delete",
    "material_update",
    "procedure_update",
    "stage_create",
    "stage_delete",
    "stage_task_create",
    "stage_task_delete",
    "stage_task_update",
    "stage_update",
]


class _Ordered(Schema):
    """A row's number among its siblings."""

    order: Count

    @classmethod
    def field_label(cls, name: str) -> str:
        return verbose(Stage, name)


class _StageRow(StageIn):
    """A stage's name as the guide reads it, and its number in the procedure."""

    order: Count


class _ProcedureRow(Schema):
    name: Annotated[str, Text(max_length=100)] = ""

    @classmethod
    def field_label(cls, name: str) -> str:
        return verbose(Procedure, name)


def _draft(version_id: int) -> ServiceItemVersion:
    """The draft, locked (item, then version); VERSION_FROZEN when it is not a draft."""
    item_id = ServiceItemVersion.objects.values_list("item_id", flat=True).get(pk=version_id)
    ServiceItem.objects.select_for_update().get(pk=item_id)
    version = ServiceItemVersion.objects.select_for_update().select_related("item__center").get(pk=version_id)
    _assert_draft(version)
    return version


def _row_problems(
    guide: dict[str, Any], path: str, departments: dict[str, Department]
) -> tuple[dict[str, Any], list[FieldError]]:
    """Read and check `guide` as a draft; the canonical guide and the problems of the row at
    `path` (e.g. `materials[2]`), their fields relative to it."""
    canonical, errors = guide_check(guide, department_ok=departments.__contains__, for_publishing=False)
    prefix = f"{path}."
    mine = [
        field_error(e["field"][len(prefix) :], e["message"], e["code"])
        for e in errors
        if e["field"].startswith(prefix)
    ]
    if not canonical and not mine:  # another row of the stored guide cannot be read
        raise CatalogError("GUIDE_INVALID", _("The guide has problems: "), errors)
    return canonical, mine


def _unknown(fields: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise CatalogError(
            "UNKNOWN_FIELD", _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )


def _order(value: Any, errors: list[FieldError]) -> int | None:
    head, problems = input_check(_Ordered, {"order": value})
    errors += problems
    return head.order if head is not None else None


_FLAT_PARTS: dict[type[Model], tuple[str, tuple[str, ...], str]] = {
    MaterialRequirement: ("materials", MATERIAL_FIELDS, "code"),
    FormField: ("form_fields", FORM_FIELD_FIELDS, "key"),
    SituationQuestion: ("questions", QUESTION_FIELDS, "code"),
}
_Part = TypeVar("_Part", MaterialRequirement, FormField, SituationQuestion)


def _flat_part_write(model: type[_Part], version_id: int, row: _Part | None, fields: dict[str, Any]) -> _Part:
    """Create (`row` None) or change a material or form field of a draft."""
    key, code_field = _FLAT_PARTS[model][0], _FLAT_PARTS[model][2]
    spec: tuple[str, ...] = _FLAT_PARTS[model][1]
    _unknown(fields, {*spec, "order"})
    version = _draft(version_id)
    loaded = version_guide(version)
    existing = list(getattr(loaded, key).all())
    guide = version_to_guide(loaded)
    given = {k: v for k, v in fields.items() if k in spec}
    index = len(existing)
    if row is not None:
        index = [r.pk for r in existing].index(row.pk)
        guide[key][index] = {**guide[key][index], **given}
    else:
        guide[key].append(given)
    canonical, errors = _row_problems(guide, f"{key}[{index}]", _departments(version.item.center))
    order = _order(fields["order"], errors) if "order" in fields else None
    if not errors:
        values = canonical[key][index]
        others = {r[code_field] for n, r in enumerate(canonical[key]) if n != index}
        if values[code_field] in others:
            errors.append(
                field_error(
                    code_field,
                    _("“%(field)s” “%(value)s” appears twice in this item.")
                    % {"field": verbose(model, code_field), "value": values[code_field]},
                    "DUPLICATE_CODE",
                )
            )
    _raise_if(errors, "GUIDE_INVALID", _("The guide has problems: "))
    target = model(version=version) if row is None else model._default_manager.get(pk=row.pk)
    for name in spec:
        setattr(target, name, values[name])
    if order is not None:
        target.order = order
    elif row is None:
        target.order = index
    target.save()
    return target


def _delete_part(row: Model, version_id: int) -> None:
    _draft(version_id)
    type(row)._default_manager.filter(pk=row.pk).delete()


@transaction.atomic
def material_create(*, version: ServiceItemVersion, **fields: Any) -> MaterialRequirement:
    """Add a material to a draft (fields as in the guide's `materials`, plus `order`)."""
    return _flat_part_write(MaterialRequirement, version.pk, None, fields)


@transaction.atomic
def material_update(*, material: MaterialRequirement, **fields: Any) -> MaterialRequirement:
    """Change some fields of a draft's material."""
    return _flat_part_write(MaterialRequirement, material.version_id, material, fields)


@transaction.atomic
def material_delete(*, material: MaterialRequirement) -> None:
    _delete_part(material, material.version_id)


@transaction.atomic
def form_field_create(*, version: ServiceItemVersion, **fields: Any) -> FormField:
    """Add a form field to a draft (fields as in the guide's `form_fields`, plus `order`)."""
    return _flat_part_write(FormField, version.pk, None, fields)


@transaction.atomic
def form_field_update(*, form_field: FormField, **fields: Any) -> FormField:
    """Change some fields of a draft's form field."""
    return _flat_part_write(FormField, form_field.version_id, form_field, fields)


@transaction.atomic
def form_field_delete(*, form_field: FormField) -> None:
    _delete_part(form_field, form_field.version_id)


@transaction.atomic
def situation_question_create(*, version: ServiceItemVersion, **fields: Any) -> SituationQuestion:
    """Add a 情形 question to a draft (`code`, `text`, `choices` as in the guide's
    `questions`, plus `order`); the rules of `catalog.situations` apply to the whole guide."""
    return _flat_part_write(SituationQuestion, version.pk, None, fields)


@transaction.atomic
def situation_question_update(*, question: SituationQuestion, **fields: Any) -> SituationQuestion:
    return _flat_part_write(SituationQuestion, question.version_id, question, fields)


@transaction.atomic
def situation_question_delete(*, question: SituationQuestion) -> None:
    """Remove a draft's question; materials still naming it keep the draft from publishing."""
    _delete_part(question, question.version_id)


@transaction.atomic
def procedure_update(*, procedure: Procedure, name: str) -> Procedure:
    """Rename a draft's procedure (its stages: `stage_create` and the rest)."""
    _draft(procedure.version_id)
    head, errors = input_check(_ProcedureRow, {"name": name})
    _raise_if(errors, "GUIDE_INVALID", _("The guide has problems: "))
    assert head is not None  # errors would have been raised
    Procedure.objects.filter(pk=procedure.pk).update(name=head.name)
    procedure.name = head.name
    return procedure


def _stage_write(procedure: Procedure, stage: Stage | None, *, name: str, order: Any) -> Stage:
    _draft(procedure.version_id)
    head, errors = input_check(_StageRow, {"name": name, "order": order})
    if head is not None:
        taken = Stage.objects.filter(procedure_id=procedure.pk, order=head.order)
        if stage is not None:
            taken = taken.exclude(pk=stage.pk)
        if taken.exists():
            errors.append(
                field_error(
                    "order",
                    _("Another stage of this procedure is number %(order)d.") % {"order": head.order},
                    "STAGE_ORDER_TAKEN",
                )
            )
    _raise_if(errors, "GUIDE_INVALID", _("The guide has problems: "))
    assert head is not None  # errors would have been raised
    target = Stage(procedure=procedure) if stage is None else Stage.objects.get(pk=stage.pk)
    target.name, target.order = head.name, head.order
    target.save()
    return target


@transaction.atomic
def stage_create(*, procedure: Procedure, name: str, order: int) -> Stage:
    """Add a stage to a draft's procedure; `order` is unique in the procedure."""
    return _stage_write(procedure, None, name=name, order=order)


@transaction.atomic
def stage_update(*, stage: Stage, name: str, order: int) -> Stage:
    return _stage_write(stage.procedure, stage, name=name, order=order)


@transaction.atomic
def stage_delete(*, stage: Stage) -> None:
    """Remove a draft's stage with its tasks."""
    _delete_part(stage, stage.procedure.version_id)


def _task_write(stage: Stage, task: StageTask | None, fields: dict[str, Any]) -> StageTask:
    _unknown(fields, set(TASK_FIELDS))
    version = _draft(stage.procedure.version_id)
    departments = _departments(version.item.center)
    given = dict(fields)
    department = given.get("department")
    if isinstance(department, Department):
        if department.center_id != version.item.center_id:
            # Its code might name another department of this center: refuse it as it is.
            raise CatalogError(
                "GUIDE_INVALID",
                errors=[
                    field_error(
                        "department",
                        _("“%(field)s” %(dept)s is not in this center.")
                        % {"field": verbose(StageTask, "department"), "dept": department.name},
                        "DEPARTMENT_NOT_IN_CENTER",
                    )
                ],
            )
        given["department"] = department.code
    loaded = version_guide(version)
    stages = list(loaded.procedure.stages.all())
    s = [x.pk for x in stages].index(stage.pk)
    tasks = list(stages[s].tasks.all())
    guide = version_to_guide(loaded)
    rows = guide["stages"][s]["tasks"]
    t = len(tasks)
    if task is not None:
        t = [x.pk for x in tasks].index(task.pk)
        rows[t] = {**rows[t], **given}
    else:
        rows.append(given)
    canonical, errors = _row_problems(guide, f"stages[{s}].tasks[{t}]", departments)
    _raise_if(errors, "GUIDE_INVALID", _("The guide has problems: "))
    values = canonical["stages"][s]["tasks"][t]
    target = StageTask(stage=stage) if task is None else StageTask.objects.get(pk=task.pk)
    for name in TASK_FIELDS:
        setattr(target, name, departments[values[name]] if name == "department" else values[name])
    target.save()
    return target


@transaction.atomic
def stage_task_create(*, stage: Stage, **fields: Any) -> StageTask:
    """Add a task to a draft's stage (fields as in the guide's `tasks`; `department` a
    department of the item's center, as an instance or its code)."""
    return _task_write(stage, None, fields)


@transaction.atomic
def stage_task_update(*, task: StageTask, **fields: Any) -> StageTask:
    return _task_write(task.stage, task, fields)


@transaction.atomic
def stage_task_delete(*, task: StageTask) -> None:
    _delete_part(task, task.stage.procedure.version_id)


MATERIAL_FILE_MAX_BYTES = 10 * 1024 * 1024
MATERIAL_FILE_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".ofd", ".jpg", ".jpeg", ".png")


@transaction.atomic
def material_files_set(
    *, material: MaterialRequirement, template: Any = None, sample: Any = None
) -> MaterialRequirement:
    """Attach the blank template and/or the filled-in sample applicants download from the
    guide, to a draft's material (a published version is frozen, its files with it). Each
    file at most 10 MiB, of an office, PDF/OFD or image type by its name."""
    version = _draft(material.version_id)
    errors: list[FieldError] = []
    for name, upload in (("template", template), ("sample", sample)):
        if upload is None:
            continue
        label = verbose(MaterialRequirement, name)
        if not str(upload.name or "").lower().endswith(MATERIAL_FILE_SUFFIXES):
            errors.append(
                field_error(
                    name,
                    _("“%(field)s” must be one of these file types: %(types)s.")
                    % {"field": label, "types": " ".join(MATERIAL_FILE_SUFFIXES)},
                    "FILE_TYPE",
                )
            )
        elif (upload.size or 0) > MATERIAL_FILE_MAX_BYTES:
            errors.append(
                field_error(
                    name, _("“%(field)s” is larger than 10 MiB.") % {"field": label}, "FILE_TOO_LARGE"
                )
            )
    _raise_if(errors, "GUIDE_INVALID", _("The guide has problems: "))
    target = MaterialRequirement.objects.get(pk=material.pk, version=version)
    changed = []
    for name, upload in (("template", template), ("sample", sample)):
        if upload is not None:
            getattr(target, name).save(upload.name, upload, save=False)
            changed.append(name)
    if changed:
        target.save(update_fields=changed)
    return target
