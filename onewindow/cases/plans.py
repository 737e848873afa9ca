"""The in-process plan of a published item version (`version_plan`): its limits, materials,
form and procedure, read once per process and version, because a published version never
changes and the engine needs it on every route and task transition.

And the one place where the plans of several items applied for together (a bundle, or items
chosen at the window) are merged: the unified form (`merged_fields`), the 情形 questions
(`merged_questions`) and the answers that count (`answers_chosen`), the materials
(`merged_materials`) and the delivery methods (`merged_delivery_methods`). The engine at
`application_create` and intake, the window's screen, the village agent's and the citizen's
online form all call these, so none of them can show a material as 容缺 or 告知承诺 that
the engine then refuses (docs/cases.md, "Several items at once")."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db.models.signals import post_delete, post_save

from onewindow.catalog.models import (
    DeliveryMethod,
    MaterialRequirement,
    Procedure,
    ServiceItemVersion,
    SituationQuestion,
    Stage,
    StageTask,
)
from onewindow.catalog.selectors import Question, material_applies, question_of
from onewindow.core.personal import field_is_personal


@dataclass(frozen=True)
class TaskPlan:
    stage_task_id: int
    name: str
    action: str
    department_id: int
    role: str
    limit_days: int


@dataclass(frozen=True)
class StagePlan:
    order: int
    name: str
    tasks: tuple[TaskPlan, ...]


@dataclass(frozen=True)
class MaterialPlan:
    requirement_id: int
    code: str
    name: str
    required: bool
    tolerable: bool
    tolerance_days: int
    # The 情形 it applies under ((question, (choices…)), …); empty: always.
    applies_when: tuple[tuple[str, tuple[str, ...]], ...] = ()
    commitment_allowed: bool = False


@dataclass(frozen=True)
class FieldPlan:
    key: str
    label: str
    kind: str
    required: bool
    choices: tuple[str, ...]
    personal: bool = False  # the answer is personal data: stored encrypted (cases.form.form_columns)


@dataclass(frozen=True)
class VersionPlan:
    id: int
    item_id: int
    item_name: str
    center_id: int
    department_id: int
    case_kind: str
    limit_unit: str
    promised_limit_days: int
    legal_limit_days: int
    delivery_methods: tuple[str, ...]
    materials: tuple[MaterialPlan, ...]
    stages: tuple[StagePlan, ...]  # only stages with at least one task, in order
    form_fields: tuple[FieldPlan, ...] = ()
    questions: tuple[Question, ...] = ()

    def materials_for(self, answers: Mapping[str, str]) -> tuple[MaterialPlan, ...]:
        """The materials that apply under these (checked) 情形 answers: the catalog's rule."""
        return tuple(m for m in self.materials if material_applies(dict(m.applies_when), answers))

    def stage(self, order: int) -> StagePlan | None:
        for s in self.stages:
            if s.order == order:
                return s
        return None

    def next_stage(self, order: int) -> StagePlan | None:
        for s in self.stages:
            if s.order > order:
                return s
        return None


# ------------------------------------------------------------------ several items at once


@dataclass(frozen=True)
class MergedMaterial:
    """One material code as the items applied for together ask it (`merged_materials`)."""

    code: str
    name: str  # the first item's
    required: bool  # some item requires it
    tolerable: bool  # 容缺: required, and every item requiring it tolerates it
    tolerance_days: int  # the shortest of those items' tolerance days (0 when not tolerable)
    commitment_allowed: bool  # 告知承诺: every item asking for it allows it


def merged_fields(plans: Iterable[VersionPlan]) -> list[FieldPlan]:
    """The unified form (一表申请): every key once, in the items' order, with the first item's
    label, kind and choices; required if any item requires it, personal (stored encrypted)
    if any item marks it so. The rule `core.inputs.form_schema` applies too."""
    out: dict[str, FieldPlan] = {}
    for plan in plans:
        for f in plan.form_fields:
            first = out.setdefault(f.key, f)
            if (f.required and not first.required) or (f.personal and not first.personal):
                out[f.key] = replace(
                    first, required=first.required or f.required, personal=first.personal or f.personal
                )
    return list(out.values())


def merged_questions(plans: Iterable[VersionPlan]) -> list[Question]:
    """The 情形 questions of the items, each code asked once, in the items' order, with the
    first item's text and choices (as the unified form does for its fields)."""
    out: dict[str, Question] = {}
    for plan in plans:
        for q in plan.questions:
            out.setdefault(q.code, q)
    return list(out.values())


def answers_chosen(questions: Sequence[Question], given: Mapping[str, Any] | None) -> dict[str, str]:
    """The answers among `given` (question code → choice code) that name one of their
    question's choices, in the questions' order. An unanswered question, an answer naming no
    choice of it (or not text), and an answer to a question not asked are left out: a screen
    shows such a question as unanswered, the engine (`check_answers`) refuses it."""
    given = given if isinstance(given, Mapping) else {}
    out: dict[str, str] = {}
    for q in questions:
        value = given.get(q.code)
        value = value.strip() if isinstance(value, str) else ""
        if value in {code for code, _label in q.choices}:
            out[q.code] = value
    return out


def merged_materials(plans: Iterable[VersionPlan], answers: Mapping[str, str]) -> list[MergedMaterial]:
    """The materials the items ask under these 情形 answers (`VersionPlan.materials_for`: a
    material under a condition applies once the answers it names are given and pick it),
    each code once, in the order the items ask them. See `MergedMaterial` for the rule of
    each flag: what the engine refuses at `application_create` and accepts at intake."""
    rows: dict[str, dict[str, Any]] = {}
    for plan in plans:
        for m in plan.materials_for(answers):
            row = rows.setdefault(
                m.code,
                {"name": m.name, "required": False, "tolerable": True, "days": None, "commitment": True},
            )
            row["commitment"] = row["commitment"] and m.commitment_allowed
            if m.required:
                row["required"] = True
                row["tolerable"] = row["tolerable"] and m.tolerable
                if m.tolerable:
                    days = m.tolerance_days
                    row["days"] = days if row["days"] is None else min(row["days"], days)
    out = []
    for code, row in rows.items():
        tolerable = row["required"] and row["tolerable"]
        out.append(
            MergedMaterial(
                code=code,
                name=row["name"],
                required=row["required"],
                tolerable=tolerable,
                tolerance_days=row["days"] if tolerable else 0,
                commitment_allowed=row["commitment"],
            )
        )
    return out


def merged_delivery_methods(plans: Iterable[VersionPlan]) -> list[tuple[str, str]]:
    """The delivery methods every item offers, (value, label) in `DeliveryMethod`'s order; an
    item listing none offers every one (`rules.check_delivery` refuses the others, naming
    the item)."""
    offered = set(DeliveryMethod.values)
    for plan in plans:
        if plan.delivery_methods:
            offered &= set(plan.delivery_methods)
    return [(str(value), str(label)) for value, label in DeliveryMethod.choices if value in offered]


_plans: dict[int, VersionPlan] = {}
_plans_lock = threading.Lock()


def version_plan(version_id: int) -> VersionPlan:
    """The plan of a version; memoised per process once the version is frozen (published or retired)."""
    plan = _plans.get(version_id)
    if plan is not None:
        return plan
    version = ServiceItemVersion.objects.select_related("item").get(pk=version_id)
    materials = tuple(
        MaterialPlan(
            m.pk,
            m.code,
            m.name,
            m.required,
            m.tolerable,
            m.tolerance_days,
            tuple((q, tuple(c)) for q, c in (m.applies_when or {}).items()),
            m.commitment_allowed,
        )
        for m in version.materials.order_by("order", "id")
    )
    questions = tuple(question_of(q) for q in version.questions.order_by("order", "id"))
    form_fields = tuple(
        FieldPlan(
            f.key, f.label, f.kind, f.required, tuple(str(c) for c in f.choices or ()), field_is_personal(f)
        )
        for f in version.form_fields.order_by("order", "id")
    )
    stages: list[StagePlan] = []
    procedure = getattr(version, "procedure", None)  # reverse one-to-one: None when there is none
    if procedure is not None:
        for stage in procedure.stages.prefetch_related("tasks").order_by("order"):
            tasks = tuple(
                TaskPlan(t.pk, t.name, t.action, t.department_id, t.role, t.limit_days)
                for t in sorted(stage.tasks.all(), key=lambda t: t.pk)
            )
            if tasks:
                stages.append(StagePlan(stage.order, stage.name, tasks))
    plan = VersionPlan(
        id=version.pk,
        item_id=version.item_id,
        item_name=version.item.name,
        center_id=version.item.center_id,
        department_id=version.item.department_id,
        case_kind=version.case_kind,
        limit_unit=version.limit_unit,
        promised_limit_days=version.promised_limit_days,
        legal_limit_days=version.legal_limit_days,
        delivery_methods=tuple(version.delivery_methods or ()),
        materials=materials,
        stages=tuple(stages),
        form_fields=form_fields,
        questions=questions,
    )
    if version.is_frozen:
        with _plans_lock:
            _plans[version_id] = plan
    return plan


def version_plan_cache_clear() -> None:
    """Forget every memoised plan (tests that reuse ids after a rollback; catalog reloads)."""
    with _plans_lock:
        _plans.clear()


def _forget_plans(sender: Any, **kwargs: Any) -> None:
    version_plan_cache_clear()


# Cache invalidation, not business logic: a published version never changes, but ids come
# back after a rolled-back transaction (SQLite reuses the largest rowid), so any catalog row
# a plan is made of being saved or deleted in this process empties the memo. Rare in
# production (publishing), constant in tests, where it keeps plans from leaking between them.
for _model in (ServiceItemVersion, MaterialRequirement, SituationQuestion, Procedure, Stage, StageTask):
    post_save.connect(_forget_plans, sender=_model, dispatch_uid=f"cases.forget_plans.{_model.__name__}")
    post_delete.connect(
        _forget_plans, sender=_model, dispatch_uid=f"cases.forget_plans.del.{_model.__name__}"
    )
