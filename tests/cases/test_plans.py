"""The merge rules of several items applied for together (`cases.plans`): the unified form, the
情形 questions and the answers that count, the materials (required, 容缺 with the shortest
tolerance, 告知承诺) and the delivery methods. Built with two or three published items; the
engine's checks at application_create and at intake must agree with what the merged plan
says the screens show."""

from __future__ import annotations

import pytest

from onewindow.cases import services
from onewindow.cases.errors import CaseError
from onewindow.cases.models import ApplicationMaterial, CaseEvent
from onewindow.cases.plans import (
    answers_chosen,
    merged_delivery_methods,
    merged_fields,
    merged_materials,
    merged_questions,
    version_plan,
    version_plan_cache_clear,
)
from onewindow.catalog.models import ServiceItemVersion
from onewindow.catalog.situations import question_of
from onewindow.core import calendar, clock
from tests.factories.cases import SITUATION_QUESTIONS, item_with_procedure, make_world

pytestmark = pytest.mark.django_db

WHO = SITUATION_QUESTIONS[1]  # 个人还是企业？ person / org

# Item A and item B both ask for most codes, with rules that disagree:
#   shared   required and 容缺 in both: A 10 days, B 5 days
#   strict   容缺 in A, not in B
#   optional required and 容缺 in A, asked but not required in B
#   extra    asked by A only, not required
#   proof    告知承诺 allowed by A only; letter: allowed by both
#   licence  only a company's: B asks it under who=org, A not at all
A_MATERIALS = [
    {"code": "shared", "name": "共用材料", "tolerable": True, "tolerance_days": 10},
    {"code": "strict", "name": "严格材料", "tolerable": True, "tolerance_days": 3},
    {"code": "optional", "name": "可选材料", "tolerable": True, "tolerance_days": 7},
    {"code": "extra", "name": "附加材料", "required": False},
    {"code": "proof", "name": "证明", "commitment_allowed": True},
    {"code": "letter", "name": "说明", "commitment_allowed": True},
]
B_MATERIALS = [
    {"code": "licence", "name": "营业执照", "applies_when": {"who": ["org"]}, "tolerable": True},
    {"code": "shared", "name": "共用材料（乙）", "tolerable": True, "tolerance_days": 5},
    {"code": "strict", "name": "严格材料"},
    {"code": "optional", "name": "可选材料", "required": False},
    {"code": "proof", "name": "证明"},
    {"code": "letter", "name": "说明", "commitment_allowed": True},
]
ALL = ["shared", "strict", "optional", "extra", "proof", "letter", "licence"]


@pytest.fixture
def world(db):
    world = make_world(materials=A_MATERIALS, questions=[WHO])
    world.extra["b"], world.extra["b_version"] = item_with_procedure(
        center=world.center, department=world.department, materials=B_MATERIALS, questions=[WHO]
    )
    return world


def plans_of(*versions: ServiceItemVersion):
    return [version_plan(v.pk) for v in versions]


def by_code(plans, answers):
    return {m.code: m for m in merged_materials(plans, answers)}


def create(world, *, materials, answers=None, items=None):
    return services.application_create(
        center=world.center,
        applicant=world.applicant,
        items=items or [world.item, world.extra["b"]],
        materials=materials,
        actor=world.clerk,
        answers=answers or {"who": "person"},
    )


# ------------------------------------------------------------------ materials


def test_each_code_once_in_the_items_order_with_the_first_items_name(world):
    plans = plans_of(world.version, world.extra["b_version"])
    merged = merged_materials(plans, {"who": "org"})
    assert [m.code for m in merged] == ["shared", "strict", "optional", "extra", "proof", "letter", "licence"]
    assert merged[0].name == "共用材料"


def test_tolerable_only_where_every_item_requiring_it_tolerates_it_with_the_shortest_days(world):
    merged = by_code(plans_of(world.version, world.extra["b_version"]), {"who": "person"})
    assert (merged["shared"].tolerable, merged["shared"].tolerance_days) == (True, 5)
    assert (merged["strict"].required, merged["strict"].tolerable) == (True, False)
    # B asks for it without requiring it: only A's rule counts.
    assert (merged["optional"].required, merged["optional"].tolerable, merged["optional"].tolerance_days) == (
        True,
        True,
        7,
    )
    # Not required by anyone: nothing may "follow later".
    assert (merged["extra"].required, merged["extra"].tolerable, merged["extra"].tolerance_days) == (
        False,
        False,
        0,
    )


def test_a_commitment_is_allowed_only_where_every_item_asking_for_it_allows_it(world):
    merged = by_code(plans_of(world.version, world.extra["b_version"]), {"who": "person"})
    assert merged["proof"].commitment_allowed is False  # A allows it, B does not
    assert merged["letter"].commitment_allowed is True
    alone = by_code(plans_of(world.version), {"who": "person"})
    assert alone["proof"].commitment_allowed is True


def test_a_material_asked_only_under_an_answer_comes_with_that_answer_only(world):
    plans = plans_of(world.version, world.extra["b_version"])
    assert "licence" in by_code(plans, {"who": "org"})
    assert "licence" not in by_code(plans, {"who": "person"})
    assert "licence" not in by_code(plans, {})  # unanswered: not listed yet
    assert "licence" not in by_code(plans, {"who": "government"})  # naming no choice: as unanswered


# ------------------------------------------------------------------ 情形 answers


def test_only_answers_naming_a_choice_of_an_asked_question_count():
    questions = merged_questions([])  # no plan: nothing asked
    assert answers_chosen(questions, {"who": "org"}) == {}
    asked = [question_of(q) for q in SITUATION_QUESTIONS]
    given = {"apply_kind": " change ", "who": "government", "other": "x"}
    assert answers_chosen(asked, given) == {"apply_kind": "change"}
    assert answers_chosen(asked, {"apply_kind": ["new"], "who": None}) == {}
    assert answers_chosen(asked, None) == {}
    assert answers_chosen(asked, {"apply_kind": "新办" * 500, "who": "org"}) == {"who": "org"}


# Item C asks "who" too, with other choices (person / gov), and "apply_kind".
WHO_OF_C = {
    "code": "who",
    "text": "谁来申请？",
    "choices": [{"code": "person", "label": "个人"}, {"code": "gov", "label": "机关"}],
}


def item_c(world):
    return item_with_procedure(
        center=world.center, department=world.department, questions=[WHO_OF_C, SITUATION_QUESTIONS[0]]
    )


def test_a_question_several_items_ask_is_asked_once_with_the_first_items_choices(world):
    _c, version_c = item_c(world)
    questions = merged_questions(plans_of(world.version, version_c))
    assert [(q.code, q.text) for q in questions] == [
        ("who", "个人还是企业？"),
        ("apply_kind", "首次申请还是变更？"),
    ]
    assert [c for c, _label in questions[0].choices] == ["person", "org"]


def test_the_engine_takes_the_answers_the_merged_questions_offer_and_refuses_the_rest(world):
    c, _version = item_c(world)
    items = [world.item, c]
    # "org" is a choice of the question as shown (the first item's), though not of C's own.
    application = create(world, items=items, materials=[], answers={"who": "org", "apply_kind": "new"})
    assert application.situation_answers == {"who": "org", "apply_kind": "new"}
    with pytest.raises(CaseError) as exc:
        create(world, items=items, materials=[], answers={"who": "gov", "apply_kind": "new"})
    assert (exc.value.code, exc.value.field) == ("SITUATION_ANSWER_INVALID", "situation.who")
    with pytest.raises(CaseError) as exc:
        create(world, items=items, materials=[], answers={"who": "org", "apply_kind": " "})
    assert (exc.value.code, exc.value.field) == ("SITUATION_ANSWER_REQUIRED", "situation.apply_kind")


# ------------------------------------------------------------------ form and delivery


def test_the_unified_form_asks_each_key_once_required_or_personal_if_any_item_says_so(db):
    world = make_world(
        form_fields=[
            {"key": "name", "label": "姓名"},
            {"key": "phone", "label": "电话", "required": False},
        ]
    )
    _b, version_b = item_with_procedure(
        center=world.center,
        department=world.department,
        form_fields=[
            {"key": "phone", "label": "联系电话", "required": True, "personal": True},
            {"key": "shop", "label": "店名", "required": False},
        ],
    )
    fields = merged_fields(plans_of(world.version, version_b))
    assert [(f.key, f.label) for f in fields] == [("name", "姓名"), ("phone", "电话"), ("shop", "店名")]
    phone = fields[1]
    assert (phone.required, phone.personal) == (True, True)
    assert fields[2].required is False


def test_delivery_methods_are_those_every_item_offers_an_item_listing_none_offers_all(world):
    version_b = world.extra["b_version"]
    ServiceItemVersion.objects.filter(pk=world.version.pk).update(delivery_methods=["pickup", "mail"])
    ServiceItemVersion.objects.filter(pk=version_b.pk).update(delivery_methods=["mail", "electronic"])
    _c, version_c = item_with_procedure(center=world.center, department=world.department)
    ServiceItemVersion.objects.filter(pk=version_c.pk).update(delivery_methods=[])
    version_plan_cache_clear()  # .update() sends no signal
    assert [v for v, _label in merged_delivery_methods(plans_of(world.version, version_b, version_c))] == [
        "mail"
    ]
    assert [v for v, _label in merged_delivery_methods(plans_of(version_c))] == [
        "pickup",
        "mail",
        "electronic",
    ]


# ------------------------------------------------------------------ the engine agrees


def test_the_engine_refuses_a_commitment_only_one_item_allows_and_takes_one_both_allow(world):
    with pytest.raises(CaseError) as exc:
        create(world, materials=[{"code": "proof", "committed": True}])
    assert exc.value.code == "COMMITMENT_NOT_ALLOWED"
    application = create(world, materials=[{"code": "letter", "committed": True}])
    assert application.materials.get(code="letter").status == ApplicationMaterial.Status.COMMITTED


def test_intake_refuses_what_is_not_tolerable_merged_and_asks_once(world):
    handed = ["shared", "optional", "proof", "letter"]  # strict is missing: B does not tolerate it
    application = create(world, materials=handed)
    result = services.application_intake(application=application, actor=world.clerk)
    assert result.supplement_requested
    assert result.missing == [{"code": "strict", "name": "严格材料", "tolerable": False}]


def test_intake_accepts_the_tolerable_ones_each_due_after_the_shortest_days_on_every_case(world):
    application = create(world, materials=["strict", "proof", "letter"])  # shared, optional follow
    result = services.application_intake(
        application=application, actor=world.clerk, commitment=services.CommitmentIn(confirmed=True)
    )
    assert len(result.accepted_with_pending) == 2
    today = clock.today()
    shared_due = calendar.add_working_days(today, 5)  # B's 5 days, not A's 10
    rows = {m.code: m for m in application.materials.all()}
    assert rows["shared"].due_date == shared_due
    assert rows["optional"].due_date == calendar.add_working_days(today, 7)
    for case in result.accepted_with_pending:
        event = CaseEvent.objects.get(case=case, action="accept_with_pending")
        dues = {p["code"]: str(p["due"]) for p in event.data["pending"]}
        assert dues["shared"] == shared_due.isoformat()  # the same date on both cases
    assert {c.pending_materials_due for c in application.cases.all()} == {shared_due}
