"""Real threads on PostgreSQL: the case row lock decides who wins, the loser gets a clear CaseError."""

import pytest
from django.db import transaction

from onewindow.cases import services
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Application, Case, CaseEvent
from onewindow.org.models import Staff
from tests.factories.cases import in_progress_case, make_world, open_tasks, ready_case, submit
from tests.threads import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def fresh(staff):
    return Staff.objects.select_related("user").get(pk=staff.pk)


def test_two_approvers_completing_the_same_task_exactly_one_wins():
    world = make_world()
    case = in_progress_case(world)
    (task,) = open_tasks(case)
    before = Case.objects.get(pk=case.pk).event_count
    a, b = fresh(world.approver), fresh(world.approver2)
    results = race(
        [
            lambda: services.task_complete(task=task, actor=a, opinion="同意"),
            lambda: services.task_complete(task=task, actor=b, opinion="同意"),
        ]
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert isinstance(errors[0], CaseError) and errors[0].code == "TASK_ALREADY_DONE"
    case = Case.objects.get(pk=case.pk)
    assert case.event_count == before + 1
    assert CaseEvent.objects.filter(case=case, action="task_complete").count() == 1
    assert case.open_tasks == 0


def test_two_approvers_deciding_the_same_case_exactly_one_wins():
    world = make_world()
    case = ready_case(world)
    a, b = fresh(world.approver), fresh(world.approver2)
    results = race(
        [
            lambda: services.case_decide(case=case, actor=a, decision="granted"),
            lambda: services.case_decide(
                case=case, actor=b, decision="denied", reasons="不符合", legal_basis="某法"
            ),
        ]
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert isinstance(errors[0], CaseError) and errors[0].code == "TRANSITION_NOT_ALLOWED"
    assert CaseEvent.objects.filter(case=case, action="decide").count() == 1


def test_concurrent_applications_get_distinct_numbers():
    world = make_world()
    clerk = fresh(world.clerk)
    n = 8
    results = race([lambda: submit(world, actor_override=clerk) for _ in range(n)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Application.objects.count() == n
    assert len(set(Application.objects.values_list("number", flat=True))) == n
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert len(set(numbers)) == n
    assert numbers[-1].endswith(f"{n:06d}")


def test_concurrent_retries_with_one_idempotency_key_create_one_application():
    world = make_world()
    clerk = fresh(world.clerk)
    results = race(
        [lambda: submit(world, actor_override=clerk, idempotency_key="same-key") for _ in range(4)]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Application.objects.count() == 1
    assert len({r.pk for r in results}) == 1


def test_a_form_sent_twice_at_once_extends_once():
    """Two submits of one extension form (same event count): the case lock lets one through and
    the other finds the trail moved (CASE_CHANGED); the deadline moves once."""
    world = make_world()
    case = in_progress_case(world)
    seen = Case.objects.get(pk=case.pk).event_count
    chief_a, chief_b = fresh(world.chief), fresh(world.chief)

    def extend(actor):
        with transaction.atomic():
            services.case_lock_unchanged(case=case, event_count=seen)
            return services.case_extend(case=case, actor=actor, days=2, reason="复杂")

    results = race([lambda: extend(chief_a), lambda: extend(chief_b)])
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], CaseError) and errors[0].code == "CASE_CHANGED", results
    assert Case.objects.get(pk=case.pk).extended_days == 2


def test_two_extension_requests_at_once_one_waits():
    world = make_world()
    case = in_progress_case(world)
    a, b = fresh(world.approver), fresh(world.approver2)
    results = race(
        [
            lambda: services.case_extension_request(case=case, actor=a, days=2, reason="一"),
            lambda: services.case_extension_request(case=case, actor=b, days=3, reason="二"),
        ]
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and errors[0].code == "EXTENSION_PENDING", results
    assert CaseEvent.objects.filter(case=case, action="extension_request").count() == 1
