"""Case actions outside a transaction: decided without a lock, written in one checked batch.

Outside `transaction.atomic` (a request, a batch job) a case action decides on the case
instance it is given and writes in one batch whose case UPDATE matches only if the chain
head is still the one it decided on; anything else (a stale instance, a refusal, a task
taken meanwhile) runs the action again the classic way. These tests run outside a test
transaction (`transaction=True`) so that the optimistic path is the one taken.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onewindow.cases import selectors, services
from onewindow.cases.chain import chain_verify
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Application, Case, CaseEvent, CaseTask
from onewindow.core.models import Counter
from onewindow.org.models import Role
from tests.factories.cases import accepted_case, in_progress_case, make_world, open_tasks, submit
from tests.factories.org import DepartmentFactory

pytestmark = pytest.mark.django_db(transaction=True)

CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def _data_statements(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].upper().startswith(CONTROL)]


def _copy(case: Case) -> Case:
    """A second instance of the same row, as another request would hold."""
    return Case.objects.get(pk=case.pk)


def _joint_world():
    world = make_world()
    other = DepartmentFactory(center=world.center)
    world.extra["other"] = other
    world.extra["other_approver"] = world.staff(Role.APPROVER, department=other)
    from tests.factories.cases import item_with_procedure

    item, _version = item_with_procedure(
        center=world.center, department=world.department, stages=[[world.department, other]]
    )
    return world, item


def _run_lifecycle(world, item) -> Case:
    """Submit → accept → route → joint stage (claim + complete each) → decide → complete → deliver."""
    application = submit(world, items=[item])
    case = services.application_intake(application=application, clerk=world.clerk).cases[0]
    case = services.case_route(case=case, actor=world.clerk)
    for task in selectors.case_open_tasks(case=case):
        task.case = case
        actor = world.approver if task.department_id == world.department.pk else world.extra["other_approver"]
        task = services.task_claim(task=task, actor=actor)
        task = services.task_complete(task=task, actor=actor, opinion="同意")
        case = task.case
    case = services.case_decide(case=case, actor=world.approver2, decision="granted", opinion="准予")
    case = services.case_complete(case=case, actor=world.approver2)
    return services.case_deliver(case=case, actor=world.pickup, method="pickup", signed_by="王建国")


def _history(case: Case) -> list[tuple]:
    return list(
        CaseEvent.objects.filter(case_id=case.pk)
        .order_by("seq")
        .values_list("seq", "action", "from_state", "to_state", "opinion")
    )


@pytest.fixture
def classic(monkeypatch):
    """Switch the optimistic path off: every action locks first, as inside a transaction."""
    monkeypatch.setattr(services, "OPTIMISTIC", False)


def test_a_whole_life_outside_a_transaction_matches_the_classic_path(monkeypatch):
    world, item = _joint_world()
    fast = _run_lifecycle(world, item)
    monkeypatch.setattr(services, "OPTIMISTIC", False)
    slow = _run_lifecycle(world, item)

    assert fast.state == slow.state == "delivered"
    assert [row[1:] for row in _history(fast)] == [row[1:] for row in _history(slow)]
    for case in (fast, slow):
        stored = Case.objects.get(pk=case.pk)
        assert stored.event_count == 10 and stored.last_event_hash == case.last_event_hash
        assert chain_verify(stored) == []
        assert not CaseTask.objects.filter(case=stored).exclude(state="done").exists()


def test_each_transition_is_one_write_batch_without_a_lock_or_a_read():
    world, item = _joint_world()
    case = services.case_route(case=accepted_case_of(world, item), actor=world.clerk)
    (task, _other) = selectors.case_open_tasks(case=case)
    services.staff_roles(world.approver)
    with CaptureQueriesContext(connection) as ctx:
        services.task_claim(task=task, actor=world.approver)
    sql = _data_statements(ctx)
    assert not [s for s in sql if s.upper().startswith("SELECT") and "FOR UPDATE" in s.upper()]
    if connection.vendor == "postgresql":
        # One statement: case UPDATE (checked head), task UPDATE, event INSERT.
        assert len(sql) == 1 and sql[0].startswith("WITH ")
        assert not [q for q in ctx.captured_queries if q["sql"].upper().startswith(("BEGIN", "COMMIT"))]
    else:
        assert [s.split()[0] for s in sql] == ["UPDATE", "UPDATE", "INSERT"]
        assert "last_event_hash" in sql[0]


def accepted_case_of(world, item) -> Case:
    application = submit(world, items=[item])
    return services.application_intake(application=application, clerk=world.clerk).cases[0]


def test_a_stale_instance_gets_the_authoritative_refusal_and_is_left_as_it_was():
    world = make_world()
    case = accepted_case(world)
    stale = _copy(case)
    services.case_route(case=case, actor=world.clerk)
    events = CaseEvent.objects.filter(case_id=case.pk).count()

    with pytest.raises(CaseError) as refused:
        services.case_route(case=stale, actor=world.clerk)  # the stale copy still says "accepted"

    assert refused.value.code == "TRANSITION_NOT_ALLOWED"
    assert stale.state == "accepted" and stale.event_count == events - 1  # untouched
    assert CaseEvent.objects.filter(case_id=case.pk).count() == events
    assert CaseTask.objects.filter(case_id=case.pk).count() == 1  # no second set of tasks


def test_a_stale_instance_that_would_be_refused_succeeds_when_the_case_allows_it():
    world = make_world()
    case = in_progress_case(world)
    stale = _copy(case)  # open_tasks = 1: deciding on this copy alone would be refused
    (task,) = open_tasks(case)
    services.task_complete(task=task, actor=world.approver, opinion="同意")

    decided = services.case_decide(case=stale, actor=world.approver2, decision="granted")

    assert decided.state == "decided"
    assert Case.objects.get(pk=case.pk).state == "decided"
    assert CaseEvent.objects.filter(case_id=case.pk, action="decide").count() == 1
    assert chain_verify(Case.objects.get(pk=case.pk)) == []


def test_a_task_taken_meanwhile_is_refused_with_who_has_it():
    world = make_world()
    case = in_progress_case(world)
    (mine,) = selectors.case_open_tasks(case=case)
    (theirs,) = selectors.case_open_tasks(case=_copy(case))
    services.task_claim(task=theirs, actor=world.approver2)

    with pytest.raises(CaseError) as refused:
        services.task_claim(task=mine, actor=world.approver)

    assert refused.value.code == "TASK_CLAIMED_BY_OTHER"
    assert world.approver2.name in refused.value.message
    assert CaseTask.objects.get(pk=mine.pk).assignee_id == world.approver2.pk
    assert CaseEvent.objects.filter(case_id=case.pk, action="task_claim").count() == 1


def test_a_refusal_writes_nothing_and_changes_no_instance():
    world = make_world()
    case = in_progress_case(world)
    before = dict(Case.objects.filter(pk=case.pk).values()[0])
    state = case.__dict__.copy()

    with pytest.raises(CaseError) as refused:
        services.case_decide(case=case, actor=world.approver2, decision="granted")  # tasks still open

    assert refused.value.code == "TASKS_OPEN"
    assert dict(Case.objects.filter(pk=case.pk).values()[0]) == before
    assert {k: v for k, v in case.__dict__.items() if k != "_state"} == {
        k: v for k, v in state.items() if k != "_state"
    }


def test_an_immediate_item_is_accepted_decided_and_completed_in_one_batch():
    world = make_world(case_kind="immediate")
    application = submit(world)
    services.staff_roles(world.clerk)
    with CaptureQueriesContext(connection) as ctx:
        result = services.application_intake(application=application, clerk=world.clerk)
    (case,) = result.completed
    stored = Case.objects.get(pk=case.pk)
    assert stored.state == "completed" and stored.event_count == 4
    assert [e.action for e in CaseEvent.objects.filter(case=stored).order_by("seq")] == [
        "submit",
        "accept",
        "decide",
        "complete",
    ]
    assert chain_verify(stored) == []
    writes = [s for s in _data_statements(ctx) if not s.upper().startswith("SELECT")]
    if connection.vendor == "postgresql":
        assert len(writes) == 1  # one case UPDATE (the three events' end state) and one INSERT


def test_the_classic_path_gives_the_same_refusals(classic):
    world = make_world()
    case = accepted_case(world)
    stale = _copy(case)
    services.case_route(case=case, actor=world.clerk)
    with pytest.raises(CaseError) as refused:
        services.case_route(case=stale, actor=world.clerk)
    assert refused.value.code == "TRANSITION_NOT_ALLOWED"


def test_intake_after_a_supplement_round_uses_what_is_stored_not_what_was_created():
    world = make_world(
        materials=[{"code": "id_card", "name": "身份证明"}, {"code": "licence", "name": "营业执照"}]
    )
    application = submit(world, materials=["id_card"])  # the licence is missing
    first = services.application_intake(application=application, clerk=world.clerk)
    assert first.supplement_requested and [m["code"] for m in first.missing] == ["licence"]

    services.application_supplement(application=application, materials=["licence"], clerk=world.clerk)
    second = services.application_intake(application=application, clerk=world.clerk)

    (case,) = second.accepted
    stored = Case.objects.get(pk=case.pk)
    assert stored.state == "accepted" and stored.accepted_by_id == world.clerk.pk
    assert [e.action for e in CaseEvent.objects.filter(case=stored).order_by("seq")] == [
        "submit",
        "request_supplement",
        "supplement",
        "accept",
    ]
    assert chain_verify(stored) == []


def test_applications_created_outside_a_transaction_are_numbered_and_linked_like_the_classic_ones():
    world, item = _joint_world()
    first = submit(world, items=[item, world.item])  # the day's first use creates the counters
    second = submit(world, items=[item, world.item])
    services.staff_roles(world.clerk)
    with CaptureQueriesContext(connection) as ctx:
        third = services.application_create(
            center=world.center,
            applicant=world.applicant,
            items=[item, world.item],
            materials=["id_card"],
            actor=world.clerk,
        )

    numbers = [c.number for a in (first, second, third) for c in a.cases.order_by("pk")]
    assert [int(n[-6:]) for n in numbers] == list(range(1, 7))
    assert [int(a.number[-6:]) for a in (first, second, third)] == [1, 2, 3]
    for case in third.cases.all():
        assert case.materials.count() == 1 and case.materials.get().material.application_id == third.pk
        assert chain_verify(case) == [] and case.event_count == 1
    sql = [q["sql"] for q in ctx.captured_queries]
    if connection.vendor == "postgresql":
        # the published versions, then BEGIN, counters + ids, all INSERTs, COMMIT
        assert [s.split()[0] for s in sql] == ["SELECT", "BEGIN", "WITH", "WITH", "COMMIT"]


def test_a_failure_after_the_numbers_are_taken_gives_them_back(monkeypatch):
    world = make_world()
    submit(world)  # counters exist: the next create takes the optimistic path
    counters = list(Counter.objects.order_by("name").values_list("name", "value"))
    applications = Application.objects.count()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_new_event", broken)
    with pytest.raises(RuntimeError):
        submit(world)

    assert list(Counter.objects.order_by("name").values_list("name", "value")) == counters
    assert Application.objects.count() == applications
    monkeypatch.undo()
    assert int(submit(world).number[-6:]) == 2
