"""Sending several accepted cases to the back office at once (批量送后台办理).

The window's list of accepted cases not yet routed lets a clerk tick several and route them in
one request. The engine's rule stays: each case is routed in its own transaction with its own
`route` event (`case_route`), so one case's refusal never rolls back another's routing, and
no case is ever half routed.

The whole request is checked before anything is written: an empty, malformed, oversized or
duplicated list, a case that does not exist or belongs to another center (or is outside the
actor's scope), and a case that is not accepted although the form saw it as it is now, are
refused with nothing changed. A case that changed since the list was drawn (its event count
moved past the `seq` the form carried: someone routed or voided it meanwhile) is skipped and
named, and the others are routed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from onewindow.cases.actions.checks import case_lock_unchanged, check_case
from onewindow.cases.actions.tasks import case_route
from onewindow.cases.errors import CaseError, case_error
from onewindow.cases.models import Case, CaseState
from onewindow.org.access import scope_cases
from onewindow.org.models import Staff

ROUTE_BATCH_MAX = 100  # the list's page: more in one request is not a clerk ticking boxes


@dataclass
class RouteBatch:
    """What one batch did: the numbers routed, and those skipped with the reason (in the
    order the cases were ticked)."""

    routed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def cases_route(*, picks: Sequence[tuple[int, int]], actor: Staff) -> RouteBatch:
    """Route each picked case (id, event count the form saw) in its own transaction.

    Not atomic as a whole, on purpose: each case is one transaction plus one event. Refuses
    the whole batch (CaseError, nothing written) on hostile input; see the module docstring.
    Locks: each case row in turn, one transaction at a time (never two case locks held)."""
    if not picks:
        raise case_error("ROUTE_NONE")
    if len(picks) > ROUTE_BATCH_MAX:
        raise case_error("ROUTE_TOO_MANY", max=ROUTE_BATCH_MAX)
    ids = [pk for pk, _seq in picks]
    if len(set(ids)) != len(ids):
        raise case_error("ROUTE_DUPLICATE")
    found = {
        c.pk: c
        for c in scope_cases(Case.objects.filter(pk__in=ids, center_id=actor.center_id), actor).only(
            "pk", "number", "state", "event_count", "center_id", "department_id", "application_id"
        )
    }
    if len(found) != len(ids):
        raise case_error("ROUTE_NOT_YOURS")
    labels = dict(CaseState.choices)
    for pk, seq in picks:
        case = found[pk]
        if case.event_count != seq:
            continue  # changed since the list was drawn: skipped below, named
        if case.state != CaseState.ACCEPTED:
            raise case_error(
                "ROUTE_NOT_ACCEPTED", number=case.number, state=labels.get(case.state, case.state)
            )
        check_case(case, "route", actor)  # the role, before anything is written
    batch = RouteBatch()
    changed = str(case_error("CASE_CHANGED").message)
    for pk, seq in picks:
        case = found[pk]
        if case.event_count != seq:
            batch.skipped.append((case.number, changed))
            continue
        try:
            with transaction.atomic():
                case_route(case=case_lock_unchanged(case=case, event_count=seq), actor=actor)
        except CaseError as exc:  # changed between the check and its turn
            batch.skipped.append((case.number, exc.message))
        else:
            batch.routed.append(case.number)
    return batch
