"""The guide of an item version as plain data, and the rules a publishable guide obeys.

One canonical dict shape (the `version` object of docs/catalog.md, `GuideIn` of
`onewindow.catalog.exchange.schema`) is shared by the import, the export, `item_create`,
`version_validate` and the idempotence check: two guides are the same exactly when their
canonical dicts are equal.

`guide_check` reads what an operator typed (codes or Chinese labels, 是/否, numbers read
from Excel as floats) with `GuideIn` into the canonical dict, then applies the business
rules of `check_guide`, the one function `version_validate` (on stored rows), the
services and the import call. Both return `FieldError`s whose `field` is a path relative
to the guide (`materials[2].tolerable`), so a caller can prefix it with a JSON path or
map it to an Excel cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext as _

from onewindow.catalog import situations
from onewindow.catalog.errors import FieldError, field_error, verbose
from onewindow.catalog.exchange.schema import (
    FORM_FIELD_FIELDS,
    MATERIAL_FIELDS,
    QUESTION_FIELDS,
    TASK_FIELDS,
    VERSION_FIELDS,
    GuideIn,
)
from onewindow.catalog.models import (
    CaseKind,
    DeliveryMethod,
    FormField,
    LimitUnit,
    MaterialRequirement,
    ServiceItemVersion,
    StageTask,
    field_key_validator,
)
from onewindow.core.inputs import allowed_values, input_check

__all__ = [
    "FORM_FIELD_FIELDS",
    "MATERIAL_FIELDS",
    "QUESTION_FIELDS",
    "TASK_FIELDS",
    "VERSION_FIELDS",
    "check_guide",
    "guide_check",
    "version_to_guide",
]


def _context(path: str, guide: dict[str, Any]) -> str:
    """A Chinese-readable name for the row a path points into, e.g. 申请材料第2项（身份证明）."""
    m = re.match(r"^(materials|form_fields|stages|questions)\[(\d+)\](?:\.tasks\[(\d+)\])?", path)
    if not m:
        return ""
    kind, index, task_index = m.group(1), int(m.group(2)), m.group(3)
    rows = guide.get(kind) or []
    row = rows[index] if index < len(rows) else {}
    if kind == "materials":
        return _("Material %(n)d (%(name)s)") % {"n": index + 1, "name": row.get("name", "")}
    if kind == "questions":
        return _("Situation question %(n)d (%(name)s)") % {"n": index + 1, "name": row.get("text", "")}
    if kind == "form_fields":
        return _("Form field %(n)d (%(name)s)") % {"n": index + 1, "name": row.get("label", "")}
    if task_index is not None:
        tasks = row.get("tasks") or []
        t = int(task_index)
        task = tasks[t] if t < len(tasks) else {}
        return _("Stage %(stage)d, task %(n)d (%(name)s)") % {
            "stage": index + 1,
            "n": t + 1,
            "name": task.get("name", ""),
        }
    return _("Stage %(n)d (%(name)s)") % {"n": index + 1, "name": row.get("name", "")}


def with_context(errors: Iterable[FieldError], guide: dict[str, Any]) -> list[FieldError]:
    out = []
    for e in errors:
        ctx = _context(e["field"], guide)
        message = (
            _("%(context)s: %(message)s") % {"context": ctx, "message": e["message"]} if ctx else e["message"]
        )
        out.append(field_error(e["field"], message, e["code"]))
    return out


def check_guide(
    guide: dict[str, Any],
    *,
    department_ok: Callable[[str], bool] = lambda code: True,
    for_publishing: bool = True,
) -> list[FieldError]:
    """The rules of a guide. `for_publishing=False` keeps only what a draft must already obey
    (the database constraints and the center of each department)."""
    errors: list[FieldError] = []
    v = ServiceItemVersion

    def add(path: str, message: str, code: str) -> None:
        errors.append(field_error(path, message, code))

    legal, promised = guide.get("legal_limit_days") or 0, guide.get("promised_limit_days") or 0
    immediate = guide.get("case_kind") == CaseKind.IMMEDIATE
    for name in ("legal_limit_days", "promised_limit_days"):
        if (guide.get(name) or 0) > 365:
            add(name, _("“%(field)s” is at most 365 days.") % {"field": verbose(v, name)}, "LIMIT_TOO_LONG")
    if promised > legal:
        add(
            "promised_limit_days",
            _("“%(promised)s” (%(p)d days) must not exceed “%(legal)s” (%(l)d days).")
            % {
                "promised": verbose(v, "promised_limit_days"),
                "legal": verbose(v, "legal_limit_days"),
                "p": promised,
                "l": legal,
            },
            "PROMISED_EXCEEDS_LEGAL",
        )
    if immediate and (legal or promised):
        add(
            "legal_limit_days" if legal else "promised_limit_days",
            _("An immediate case is done on the spot: “%(legal)s” and “%(promised)s” must both be 0.")
            % {"legal": verbose(v, "legal_limit_days"), "promised": verbose(v, "promised_limit_days")},
            "IMMEDIATE_HAS_DAYS",
        )
    if (guide.get("max_visits") or 0) > 1:
        add(
            "max_visits", _("“%(field)s” is 0 or 1.") % {"field": verbose(v, "max_visits")}, "TOO_MANY_VISITS"
        )
    if not guide.get("is_free", True) and not guide.get("fee"):
        add(
            "fee",
            _("An item that charges a fee needs “%(field)s”.") % {"field": verbose(v, "fee")},
            "FEE_REQUIRED",
        )

    seen: dict[str, int] = {}
    for i, m in enumerate(guide.get("materials") or []):
        path = f"materials[{i}]"
        code = m.get("code") or ""
        if code and not field_key_validator.regex.match(code):
            add(
                f"{path}.code",
                _(
                    "“%(field)s” “%(value)s” must be lower-case letters, digits and '_', starting with a letter."
                )
                % {"field": verbose(MaterialRequirement, "code"), "value": code},
                "INVALID_CODE",
            )
        if code and code in seen:
            add(
                f"{path}.code",
                _("“%(field)s” “%(value)s” appears twice in this item (first as material %(first)d).")
                % {"field": verbose(MaterialRequirement, "code"), "value": code, "first": seen[code] + 1},
                "DUPLICATE_CODE",
            )
        seen.setdefault(code, i)
        if m.get("tolerable") and not m.get("required", True):
            add(
                f"{path}.tolerable",
                _("Only a required material can be “%(tolerable)s”.")
                % {"tolerable": verbose(MaterialRequirement, "tolerable")},
                "TOLERABLE_NOT_REQUIRED",
            )
        if m.get("source") == MaterialRequirement.Source.LICENCE and not m.get("licence_type"):
            add(
                f"{path}.licence_type",
                _("A material taken from an e-licence must name its “%(field)s”.")
                % {"field": verbose(MaterialRequirement, "licence_type")},
                "LICENCE_TYPE_REQUIRED",
            )
        if (m.get("copies") or 0) < 1:
            add(
                f"{path}.copies",
                _("“%(field)s” is at least 1.") % {"field": verbose(MaterialRequirement, "copies")},
                "INVALID_NUMBER",
            )
        if (m.get("tolerance_days") or 0) > 60:
            add(
                f"{path}.tolerance_days",
                _("“%(field)s” is at most 60.") % {"field": verbose(MaterialRequirement, "tolerance_days")},
                "INVALID_NUMBER",
            )

    for fault in situations.check_questions(
        [situations.question_of(q) for q in guide.get("questions") or []],
        [
            (f"materials[{i}]", m.get("applies_when") or {})
            for i, m in enumerate(guide.get("materials") or [])
        ],
    ):
        add(fault.field, fault.message, fault.code)
    for i, m in enumerate(guide.get("materials") or []):
        if m.get("commitment_allowed") and m.get("source") == MaterialRequirement.Source.LICENCE:
            add(
                f"materials[{i}].commitment_allowed",
                _("A material taken from an e-licence is looked up, not replaced by a commitment."),
                "COMMITMENT_NOT_APPLICABLE",
            )

    keys: dict[str, int] = {}
    for i, f in enumerate(guide.get("form_fields") or []):
        path = f"form_fields[{i}]"
        key = f.get("key") or ""
        if key and not field_key_validator.regex.match(key):
            add(
                f"{path}.key",
                _(
                    "“%(field)s” “%(value)s” must be lower-case letters, digits and '_', starting with a letter."
                )
                % {"field": verbose(FormField, "key"), "value": key},
                "INVALID_CODE",
            )
        if key and key in keys:
            add(
                f"{path}.key",
                _("“%(field)s” “%(value)s” appears twice in this item (first as form field %(first)d).")
                % {"field": verbose(FormField, "key"), "value": key, "first": keys[key] + 1},
                "DUPLICATE_CODE",
            )
        keys.setdefault(key, i)
        if f.get("kind") == FormField.Kind.CHOICE and not f.get("choices"):
            add(
                f"{path}.choices",
                _("A choice field needs its “%(field)s”.") % {"field": verbose(FormField, "choices")},
                "CHOICES_REQUIRED",
            )

    total = 0
    stage_names: dict[str, int] = {}
    for s, stage in enumerate(guide.get("stages") or []):
        tasks = stage.get("tasks") or []
        if not tasks and for_publishing:
            add(f"stages[{s}]", _("A stage needs at least one task."), "STAGE_WITHOUT_TASKS")
        stage_name = stage.get("name") or ""
        if stage_name and stage_name in stage_names:
            add(
                f"stages[{s}].name",
                _("The stage “%(name)s” appears twice in this procedure (first as stage %(first)d).")
                % {"name": stage_name, "first": stage_names[stage_name] + 1},
                "DUPLICATE_ROW",
            )
        stage_names.setdefault(stage_name, s)
        task_keys: dict[tuple[str, str], int] = {}
        for t, task in enumerate(tasks):
            path = f"stages[{s}].tasks[{t}]"
            dept = task.get("department") or ""
            task_key = (task.get("name") or "", dept)
            if task_key[0] and task_key in task_keys:
                add(
                    f"{path}.name",
                    _(
                        "The task “%(name)s” of department %(dept)s appears twice in this stage (first as task %(first)d)."
                    )
                    % {"name": task_key[0], "dept": dept, "first": task_keys[task_key] + 1},
                    "DUPLICATE_ROW",
                )
            task_keys.setdefault(task_key, t)
            if dept and not department_ok(dept):
                add(
                    f"{path}.department",
                    _("“%(field)s” “%(value)s” is not a department of this center.")
                    % {"field": verbose(StageTask, "department"), "value": dept},
                    "DEPARTMENT_NOT_IN_CENTER",
                )
            if (task.get("limit_days") or 0) > 365:
                add(
                    f"{path}.limit_days",
                    _("“%(field)s” is at most 365 days.") % {"field": verbose(StageTask, "limit_days")},
                    "LIMIT_TOO_LONG",
                )
            if for_publishing and immediate and (task.get("limit_days") or 0) > 1:
                add(
                    f"{path}.limit_days",
                    _("An immediate case has no multi-day stages: “%(field)s” is at most 1.")
                    % {"field": verbose(StageTask, "limit_days")},
                    "IMMEDIATE_MULTI_DAY_STAGE",
                )
        total += max((task.get("limit_days") or 0 for task in tasks), default=0)

    if for_publishing:
        if not guide.get("materials"):
            add("materials", _("An item needs at least one material."), "MATERIALS_REQUIRED")
        methods = guide.get("delivery_methods") or []
        if not methods:
            add(
                "delivery_methods",
                _("Choose at least one of the “%(field)s”.") % {"field": verbose(v, "delivery_methods")},
                "DELIVERY_REQUIRED",
            )
        elif any(m not in DeliveryMethod.values for m in methods):
            add(
                "delivery_methods",
                _("“%(field)s” accepts only: %(allowed)s.")
                % {
                    "field": verbose(v, "delivery_methods"),
                    "allowed": allowed_values(DeliveryMethod),
                },
                "INVALID_CHOICE",
            )
        if not immediate and promised < 1:
            add(
                "promised_limit_days",
                _("Only an immediate case may have a “%(field)s” of 0 days.")
                % {"field": verbose(v, "promised_limit_days")},
                "LIMIT_REQUIRED",
            )
        if not immediate and guide.get("limit_unit") == LimitUnit.WORKING_DAYS and total > promised:
            add(
                "stages",
                _(
                    "The stages take up to %(total)d working days (the longest task of each stage, added up), "
                    "more than the “%(field)s” of %(promised)d days."
                )
                % {"total": total, "field": verbose(v, "promised_limit_days"), "promised": promised},
                "STAGES_EXCEED_PROMISED",
            )
    return with_context(errors, guide)


def version_to_guide(version: ServiceItemVersion) -> dict[str, Any]:
    """The canonical guide of a version. Uses prefetched rows when the caller prefetched
    materials, form_fields and procedure__stages__tasks__department (see selectors)."""
    guide: dict[str, Any] = {name: getattr(version, name) for name in VERSION_FIELDS}
    guide["delivery_methods"] = list(version.delivery_methods or [])
    guide["materials"] = [
        {
            name: (
                {k: list(v) for k, v in (m.applies_when or {}).items()}
                if name == "applies_when"
                else getattr(m, name)
            )
            for name in MATERIAL_FIELDS
        }
        for m in version.materials.all()
    ]
    guide["questions"] = [
        {
            name: ([dict(c) for c in q.choices or []] if name == "choices" else getattr(q, name))
            for name in QUESTION_FIELDS
        }
        for q in version.questions.all()
    ]
    guide["form_fields"] = [
        {
            name: (list(f.choices or []) if name == "choices" else getattr(f, name))
            for name in FORM_FIELD_FIELDS
        }
        for f in version.form_fields.all()
    ]
    stages = []
    try:
        procedure = version.procedure
    except ServiceItemVersion.procedure.RelatedObjectDoesNotExist:
        procedure = None
    if procedure is not None:
        for stage in procedure.stages.all():
            tasks = []
            for task in stage.tasks.all():
                row = {name: getattr(task, name) for name in TASK_FIELDS if name != "department"}
                row["department"] = task.department.code
                tasks.append({name: row[name] for name in TASK_FIELDS})
            stages.append({"name": stage.name, "tasks": tasks})
    guide["stages"] = stages
    return guide


def guide_check(
    raw: Any,
    *,
    department_ok: Callable[[str], bool] = lambda code: True,
    for_publishing: bool = True,
) -> tuple[dict[str, Any], list[FieldError]]:
    """Read a guide as an operator gave it and apply the rules: the canonical dict and its
    problems. A guide that cannot be read gets only its reading problems (the rules would
    judge values that are not there) and an empty dict."""
    guide, errors = input_check(GuideIn, raw)
    if guide is None:
        return {}, errors
    canonical = guide.model_dump()
    return canonical, check_guide(canonical, department_ok=department_ok, for_publishing=for_publishing)
