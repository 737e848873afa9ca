"""The in-process plan of a published item version (`version_plan`): its limits, materials,
form and procedure, read once per process and version, because a published version never
changes and the engine needs it on every route and task transition."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models.signals import post_delete, post_save

from onewindow.catalog.models import (
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
