"""The guide of an item version as plain data, and the rules a publishable guide obeys.

One canonical dict shape (the `version` object of docs/catalog.md) is shared by the import,
the export, `item_create`, `version_validate` and the idempotence check: two guides are the
same exactly when their canonical dicts are equal.

`normalize_guide` turns what an operator typed (codes or Chinese labels, 是/否, numbers
read from Excel as floats) into the canonical dict and lists what it cannot understand;
`check_guide` applies the business rules. Both return `FieldError`s whose `field` is a
path relative to the guide (`materials[2].tolerable`), so a caller can prefix it with a
JSON path or map it to an Excel cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from onewindow.catalog.errors import FieldError, field_error
from onewindow.catalog.models import (
    ApplicantKinds,
    CaseKind,
    DeliveryMethod,
    FormField,
    LimitUnit,
    MaterialRequirement,
    ServiceItemVersion,
    Stage,
    StageTask,
    field_key_validator,
)
from onewindow.org.models import Role

# Scalar fields of a version, in the order of the JSON contract, with their defaults
# (None: required, no default).
VERSION_FIELDS: dict[str, Any] = {
    "case_kind": None,
    "applicant_kinds": ApplicantKinds.BOTH,
    "legal_basis": None,
    "conditions": None,
    "limit_unit": LimitUnit.WORKING_DAYS,
    "legal_limit_days": None,
    "promised_limit_days": None,
    "is_free": True,
    "fee": "",
    "fee_basis": "",
    "where_to_apply": "",
    "office_hours": "",
    "consult_phone": "",
    "complaint_phone": "",
    "online_available": False,
    "max_visits": 1,
    "delivery_methods": [],
    "result_name": "",
    "result_licence_type": "",
    "notes": "",
}
MATERIAL_FIELDS: dict[str, Any] = {
    "code": None,
    "name": None,
    "form": MaterialRequirement.Form.ORIGINAL,
    "copies": 1,
    "medium": MaterialRequirement.Medium.EITHER,
    "required": True,
    "tolerable": False,
    "tolerance_days": 5,
    "source": MaterialRequirement.Source.APPLICANT,
    "licence_type": "",
    "notes": "",
}
FORM_FIELD_FIELDS: dict[str, Any] = {
    "key": None,
    "label": None,
    "kind": FormField.Kind.TEXT,
    "required": True,
    "choices": [],
}
TASK_FIELDS: dict[str, Any] = {
    "name": None,
    "action": StageTask.Action.REVIEW,
    "department": None,
    "role": Role.APPROVER,
    "limit_days": 1,
}

CHOICES: dict[str, type[models.TextChoices]] = {
    "case_kind": CaseKind,
    "applicant_kinds": ApplicantKinds,
    "limit_unit": LimitUnit,
    "form": MaterialRequirement.Form,
    "medium": MaterialRequirement.Medium,
    "source": MaterialRequirement.Source,
    "kind": FormField.Kind,
    "action": StageTask.Action,
    "role": Role,
}
BOOLEANS = {"is_free", "online_available", "required", "tolerable", "is_active"}
INTEGERS = {
    "legal_limit_days",
    "promised_limit_days",
    "max_visits",
    "copies",
    "tolerance_days",
    "limit_days",
}
TRUE_WORDS = {"true", "yes", "y", "1", "是", "对", "√", "✓", "需要", "必需", "必填"}
FALSE_WORDS = {"false", "no", "n", "0", "否", "不", "×", "✗", "不需要", "非必需", "选填"}
LIST_SPLIT = re.compile(r"\s*[,，、;；|\n]\s*")

MODEL_OF = {
    "": ServiceItemVersion,
    "materials": MaterialRequirement,
    "form_fields": FormField,
    "stages": Stage,
    "tasks": StageTask,
}


def verbose(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a key that is not a model field (e.g. "stages")
        return name


def choice_labels(choices: type[models.TextChoices]) -> dict[str, str]:
    """Every accepted spelling (code, Chinese label, English label; case-insensitive) → code."""
    table: dict[str, str] = {}
    for value, label in choices.choices:
        table[str(value).lower()] = value
        for lang in ("en", "zh-hans"):
            with translation.override(lang):
                table[str(label).strip().lower()] = value
    return table


def choice_label_zh(choices: type[models.TextChoices], value: str) -> str:
    with translation.override("zh-hans"):
        return str(dict(choices.choices).get(value, value))


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def coerce_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def coerce_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = coerce_text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def coerce_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = coerce_text(value)
    if re.fullmatch(r"[+]?\d+(\.0+)?", text):
        return int(float(text))
    return None


def split_list(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [coerce_text(v) for v in value if not _is_blank(v)]
    text = coerce_text(value)
    return [part for part in LIST_SPLIT.split(text) if part] if text else []


class _Normalizer:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []
        self._tables = {name: choice_labels(choices) for name, choices in CHOICES.items()}
        self._delivery = choice_labels(DeliveryMethod)

    def error(self, path: str, message: str, code: str) -> None:
        self.errors.append(field_error(path, message, code))

    def record(self, raw: Any, spec: dict[str, Any], model: type[models.Model], path: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if not isinstance(raw, dict):
            self.error(path, _("Expected an object with named fields."), "NOT_AN_OBJECT")
            return dict(spec)
        for name, default in spec.items():
            at = f"{path}.{name}" if path else name
            label = verbose(model, name)
            value = raw.get(name)
            if _is_blank(value) or (isinstance(value, list) and not value):
                if default is None:
                    self.error(at, _("“%(field)s” is required.") % {"field": label}, "REQUIRED")
                    out[name] = [] if name == "delivery_methods" else ""
                else:
                    out[name] = list(default) if isinstance(default, list) else default
                continue
            if name in BOOLEANS:
                parsed = coerce_bool(value)
                if parsed is None:
                    self.error(
                        at,
                        _("“%(field)s” must be yes or no (是/否), not “%(value)s”.")
                        % {"field": label, "value": value},
                        "INVALID_BOOLEAN",
                    )
                out[name] = bool(parsed)
            elif name in INTEGERS:
                parsed_int = coerce_int(value)
                if parsed_int is None:
                    self.error(
                        at,
                        _("“%(field)s” must be a whole number of zero or more, not “%(value)s”.")
                        % {"field": label, "value": value},
                        "INVALID_NUMBER",
                    )
                    parsed_int = 0
                out[name] = parsed_int
            elif name in CHOICES:
                code = self._tables[name].get(coerce_text(value).lower())
                if code is None:
                    allowed = "、".join(
                        f"{choice_label_zh(CHOICES[name], v)}（{v}）" for v in CHOICES[name].values
                    )
                    self.error(
                        at,
                        _("“%(field)s” does not accept “%(value)s”; allowed: %(allowed)s.")
                        % {"field": label, "value": value, "allowed": allowed},
                        "INVALID_CHOICE",
                    )
                    code = ""
                out[name] = code
            elif name == "delivery_methods":
                methods = []
                for part in split_list(value):
                    code = self._delivery.get(part.lower())
                    if code is None:
                        allowed = "、".join(
                            f"{choice_label_zh(DeliveryMethod, v)}（{v}）" for v in DeliveryMethod.values
                        )
                        self.error(
                            at,
                            _("“%(field)s” does not accept “%(value)s”; allowed: %(allowed)s.")
                            % {"field": label, "value": part, "allowed": allowed},
                            "INVALID_CHOICE",
                        )
                    elif code not in methods:
                        methods.append(code)
                out[name] = methods
            elif name == "choices":
                out[name] = split_list(value)
            else:
                text = coerce_text(value)
                field = model._meta.get_field(name)
                max_length = getattr(field, "max_length", None)
                if max_length and len(text) > max_length:
                    self.error(
                        at,
                        _("“%(field)s” is at most %(max)d characters; this one has %(length)d.")
                        % {"field": label, "max": max_length, "length": len(text)},
                        "TOO_LONG",
                    )
                out[name] = text
        return out

    def rows(self, raw: Any, path: str) -> list[Any]:
        if _is_blank(raw):
            return []
        if not isinstance(raw, list):
            self.error(path, _("Expected a list."), "NOT_A_LIST")
            return []
        return raw


def normalize_guide(raw: Any) -> tuple[dict[str, Any], list[FieldError]]:
    """Coerce an operator's guide into the canonical dict; list what could not be read."""
    n = _Normalizer()
    guide = n.record(raw, VERSION_FIELDS, ServiceItemVersion, "")
    raw = raw if isinstance(raw, dict) else {}
    guide["materials"] = [
        n.record(m, MATERIAL_FIELDS, MaterialRequirement, f"materials[{i}]")
        for i, m in enumerate(n.rows(raw.get("materials"), "materials"))
    ]
    guide["form_fields"] = [
        n.record(f, FORM_FIELD_FIELDS, FormField, f"form_fields[{i}]")
        for i, f in enumerate(n.rows(raw.get("form_fields"), "form_fields"))
    ]
    stages = []
    for s, stage in enumerate(n.rows(raw.get("stages"), "stages")):
        spath = f"stages[{s}]"
        stage_name = n.record(stage, {"name": None}, Stage, spath)["name"]
        tasks = [
            n.record(t, TASK_FIELDS, StageTask, f"{spath}.tasks[{t_i}]")
            for t_i, t in enumerate(n.rows(stage.get("tasks") if isinstance(stage, dict) else None, spath))
        ]
        stages.append({"name": stage_name, "tasks": tasks})
    guide["stages"] = stages
    return guide, n.errors


def _context(path: str, guide: dict[str, Any]) -> str:
    """A Chinese-readable name for the row a path points into, e.g. 申请材料第2项（身份证明）."""
    m = re.match(r"^(materials|form_fields|stages)\[(\d+)\](?:\.tasks\[(\d+)\])?", path)
    if not m:
        return ""
    kind, index, task_index = m.group(1), int(m.group(2)), m.group(3)
    rows = guide.get(kind) or []
    row = rows[index] if index < len(rows) else {}
    if kind == "materials":
        return _("Material %(n)d (%(name)s)") % {"n": index + 1, "name": row.get("name", "")}
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

    seen: set[str] = set()
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
                _("“%(field)s” “%(value)s” appears twice in this item.")
                % {"field": verbose(MaterialRequirement, "code"), "value": code},
                "DUPLICATE_CODE",
            )
        seen.add(code)
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

    keys: set[str] = set()
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
                _("“%(field)s” “%(value)s” appears twice in this item.")
                % {"field": verbose(FormField, "key"), "value": key},
                "DUPLICATE_CODE",
            )
        keys.add(key)
        if f.get("kind") == FormField.Kind.CHOICE and not f.get("choices"):
            add(
                f"{path}.choices",
                _("A choice field needs its “%(field)s”.") % {"field": verbose(FormField, "choices")},
                "CHOICES_REQUIRED",
            )

    total = 0
    for s, stage in enumerate(guide.get("stages") or []):
        tasks = stage.get("tasks") or []
        if not tasks and for_publishing:
            add(f"stages[{s}]", _("A stage needs at least one task."), "STAGE_WITHOUT_TASKS")
        for t, task in enumerate(tasks):
            path = f"stages[{s}].tasks[{t}]"
            dept = task.get("department") or ""
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
                    "allowed": "、".join(
                        f"{choice_label_zh(DeliveryMethod, m)}（{m}）" for m in DeliveryMethod.values
                    ),
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
        {name: getattr(m, name) for name in MATERIAL_FIELDS} for m in version.materials.all()
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
