"""The rules applied to stored cases: the transition check for one case, and an application's
cases locked and checked together. Shared by every action module."""

from __future__ import annotations

from collections.abc import Sequence

from onewindow.cases import locks, rules
from onewindow.cases.errors import case_error
from onewindow.cases.events import Actor
from onewindow.cases.models import Application, Case
from onewindow.org.models import Applicant, Role


def application_cases(
    application: Application, states: Sequence[str], *, action: str, actor: Actor, none: str
) -> list[Case]:
    """The application's cases in `states`, locked, each checked for `action` by `actor`.

    None of them: TRANSITION_NOT_ALLOWED, naming `none` as the state.
    """
    cases = locks.lock_cases(application_id=application.pk, states=states)
    if not cases:
        raise case_error("TRANSITION_NOT_ALLOWED", action=rules.action_label(action), state=none)
    for case in cases:
        check_case(case, action, actor)
    return cases


def check_case(
    case: Case,
    action: str,
    actor: Actor,
    *,
    task_department_id: int | None = None,
    lower_center_id: int | None = None,
) -> rules.Transition:
    """`rules.check_transition` for this case (reads the applicant only when an applicant acts,
    the filing agent only when a proxy agent acts from outside the case's center)."""
    applicant_id = proxy_agent_id = None
    if isinstance(actor, Applicant):
        applicant_id = Application.objects.values_list("applicant_id", flat=True).get(pk=case.application_id)
    elif Role.PROXY_AGENT in rules.staff_roles(actor) and actor.center_id != case.center_id:
        proxy_agent_id = Application.objects.values_list("proxy_agent_id", flat=True).get(
            pk=case.application_id
        )
    return rules.check_transition(
        action=action,
        state=case.state,
        actor=actor,
        center_id=case.center_id,
        department_id=case.department_id,
        applicant_id=applicant_id,
        task_department_id=task_department_id,
        lower_center_id=lower_center_id,
        proxy_agent_id=proxy_agent_id,
    )


def case_lock_unchanged(*, case: Case, event_count: int | None) -> Case:
    """Lock the case and refuse (CASE_CHANGED) when its trail moved past `event_count`: a form
    drawn before someone else acted (or submitted twice) changes nothing.

    For pages: call inside the same `transaction.atomic` as the action, which then locks
    the already locked row again (a re-read, no wait)."""
    fresh = locks.lock_case(case)
    if event_count is not None and fresh.event_count != event_count:
        raise case_error("CASE_CHANGED")
    return fresh
