"""Factories for the case engine: a small center with staff, items with procedures, and cases
driven into a given state through the services (never by writing rows directly)."""

from __future__ import annotations

from dataclasses import dataclass, field

from onewindow.cases import services
from onewindow.cases.models import Case, CaseTask
from onewindow.catalog.models import CaseKind, LimitUnit, ServiceItem, ServiceItemVersion, SituationQuestion
from onewindow.org.models import Department, Role, ServiceCenter, Staff
from tests.factories.catalog import (
    FormFieldFactory,
    MaterialRequirementFactory,
    ProcedureFactory,
    ServiceItemFactory,
    ServiceItemVersionFactory,
    StageFactory,
    StageTaskFactory,
)
from tests.factories.org import ApplicantFactory, DepartmentFactory, ServiceCenterFactory, StaffFactory


def item_with_procedure(
    *,
    center: ServiceCenter,
    department: Department,
    stages: list[list[Department]] | None = None,
    materials: list[dict] | None = None,
    case_kind: str = CaseKind.PROMISED,
    promised: int = 5,
    legal: int = 20,
    unit: str = LimitUnit.WORKING_DAYS,
    task_days: int = 2,
    form_fields: list[dict] | None = None,
    name: str | None = None,
    questions: list[dict] | None = None,
) -> tuple[ServiceItem, ServiceItemVersion]:
    """A published item version. `stages`: one list of task departments per stage (default:
    one stage with one task of `department`); `materials`: MaterialRequirement kwargs;
    `form_fields`: FormField kwargs (default: none)."""
    item = ServiceItemFactory(center=center, department=department, **({"name": name} if name else {}))
    if case_kind == CaseKind.IMMEDIATE:
        promised = legal = 0
    version = ServiceItemVersionFactory(
        item=item, case_kind=case_kind, promised_limit_days=promised, legal_limit_days=legal, limit_unit=unit
    )
    for m in materials if materials is not None else [{"code": "id_card", "name": "身份证明"}]:
        MaterialRequirementFactory(version=version, **m)
    for order, f in enumerate(form_fields or ()):
        FormFieldFactory(version=version, order=order, **f)
    for order, q in enumerate(questions or ()):
        SituationQuestion.objects.create(version=version, order=order, **q)
    if stages is None:
        stages = [] if case_kind == CaseKind.IMMEDIATE else [[department]]
    if stages:
        procedure = ProcedureFactory(version=version)
        for order, departments in enumerate(stages, start=1):
            stage = StageFactory(procedure=procedure, order=order, name=f"第{order}环节")
            for dept in departments:
                StageTaskFactory(stage=stage, department=dept, limit_days=task_days)
    return item, version


@dataclass
class World:
    """A county center with one department and the usual staff."""

    center: ServiceCenter
    department: Department
    clerk: Staff
    approver: Staff
    approver2: Staff
    chief: Staff
    pickup: Staff
    admin: Staff
    supervisor: Staff
    applicant: object
    item: ServiceItem
    version: ServiceItemVersion
    extra: dict = field(default_factory=dict)

    def staff(
        self, *roles: str, department: Department | None = None, center: ServiceCenter | None = None
    ) -> Staff:
        return StaffFactory(center=center or self.center, department=department, roles=list(roles))


def make_world(**item_kwargs) -> World:
    center = ServiceCenterFactory()
    department = DepartmentFactory(center=center)
    item, version = item_with_procedure(center=center, department=department, **item_kwargs)
    return World(
        center=center,
        department=department,
        clerk=StaffFactory(center=center, roles=[Role.INTAKE_CLERK]),
        approver=StaffFactory(center=center, department=department, roles=[Role.APPROVER]),
        approver2=StaffFactory(center=center, department=department, roles=[Role.APPROVER]),
        chief=StaffFactory(center=center, department=department, roles=[Role.CHIEF_REPRESENTATIVE]),
        pickup=StaffFactory(center=center, roles=[Role.PICKUP_CLERK]),
        admin=StaffFactory(center=center, roles=[Role.CENTER_ADMIN]),
        supervisor=StaffFactory(center=center, roles=[Role.SUPERVISOR]),
        applicant=ApplicantFactory(),
        item=item,
        version=version,
    )


def submit(world: World, *, items=None, materials=None, actor_override=None, **kwargs):
    """An application submitted at the window with every material of the items handed in."""
    items = items or [world.item]
    if materials is None:
        materials = sorted(
            {m.code for i in items for v in i.versions.filter(status="published") for m in v.materials.all()}
        )
    return services.application_create(
        center=world.center,
        applicant=world.applicant,
        items=items,
        channel="window",
        materials=materials,
        actor=actor_override or world.clerk,
        **kwargs,
    )


def online(world: World, **kwargs):
    """An application the applicant files on the portal (pass `state="prereview"` for pre-review)."""
    return services.application_create(
        center=world.center,
        applicant=world.applicant,
        items=[world.item],
        channel="portal",
        materials=["id_card"],
        actor=world.applicant,
        **kwargs,
    )


def accepted_case(world: World) -> Case:
    application = submit(world)
    result = services.application_intake(application=application, actor=world.clerk)
    return result.cases[0]


def in_progress_case(world: World) -> Case:
    return services.case_route(case=accepted_case(world), actor=world.clerk)


def open_tasks(case: Case) -> list[CaseTask]:
    return list(CaseTask.objects.filter(case=case, state__in=["open", "claimed"]).order_by("pk"))


def ready_case(world: World) -> Case:
    """In progress with every task approved (ready to decide)."""
    case = in_progress_case(world)
    while tasks := open_tasks(case):
        for task in tasks:
            actor = (
                world.approver
                if task.department_id == world.department.pk
                else world.staff(Role.APPROVER, department=task.department)
            )
            services.task_complete(task=task, actor=actor, opinion="同意")
    return Case.objects.get(pk=case.pk)


def decided_case(world: World) -> Case:
    return services.case_decide(
        case=ready_case(world), actor=world.approver2, decision="granted", opinion="准予许可"
    )


def completed_case(world: World) -> Case:
    return services.case_complete(case=decided_case(world), actor=world.approver2)


def delivered_case(world: World) -> Case:
    return services.case_deliver(
        case=completed_case(world), actor=world.pickup, method="pickup", signed_by="张三"
    )


# 情形: who applies (个人 / 企业) and whether it is a change; 营业执照 only for a company,
# 变更证明 only for a change (a commitment may replace it: 告知承诺), the ID card always.
SITUATION_QUESTIONS = [
    {
        "code": "apply_kind",
        "text": "首次申请还是变更？",
        "choices": [{"code": "new", "label": "首次申请"}, {"code": "change", "label": "变更"}],
    },
    {
        "code": "who",
        "text": "个人还是企业？",
        "choices": [{"code": "person", "label": "个人"}, {"code": "org", "label": "企业"}],
    },
]
SITUATION_MATERIALS = [
    {"code": "id_card", "name": "身份证明"},
    {"code": "business_licence", "name": "营业执照", "applies_when": {"who": ["org"]}},
    {
        "code": "change_proof",
        "name": "变更证明",
        "applies_when": {"apply_kind": ["change"]},
        "commitment_allowed": True,
    },
]


def situation_world(**item_kwargs) -> World:
    """A world whose item asks the two 情形 questions above."""
    return make_world(questions=SITUATION_QUESTIONS, materials=SITUATION_MATERIALS, **item_kwargs)
