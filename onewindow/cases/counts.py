"""The counts of the home pages.

Each function is ONE aggregate query over the rows the actor sees (`org.access.scope_cases`,
one SQL filter), whatever the number of cases: the home pages show them to every member of
staff on every visit. "Soon" is decided by the caller (the workbench's yellow light).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q

from onewindow.cases.models import OPEN_STATES, Case, CaseState, CaseTask, Channel
from onewindow.cases.selectors import _day_start, _scoped_cases
from onewindow.catalog.models import DeliveryMethod
from onewindow.core import calendar, clock
from onewindow.org.access import scope_cases
from onewindow.org.models import Staff

# Cases not yet finished: from waiting at the window to decided, and completed but not yet
# delivered (drafts and the final states are not work anyone still owes).
UNFINISHED_STATES = (
    CaseState.SUBMITTED,
    CaseState.PREREVIEW,
    CaseState.PENDING_SUPPLEMENT,
    *OPEN_STATES,
    CaseState.COMPLETED,
)
ONLINE_CHANNELS = (Channel.PORTAL, Channel.PROXY)
TOP_ITEMS = 10


def intake_counts(*, actor: Staff, today: dt.date | None = None) -> dict[str, int]:
    """The intake clerk's day at their own center: cases accepted today (by anyone, by the clerk),
    waiting at the window (submitted), waiting for a supplement, accepted but not yet sent to
    the back office (`unrouted`, 已受理未送后台), and the online (portal and
    proxy) applications waiting for pre-review. One query.

    It reads only the rows that can count (accepted today, or in one of the waiting states,
    accepted but not routed among them), through the (center, accepted_at) and (center, state,
    deadline) indexes: an aggregate over every case of the center took 2.4 s at 363,000 cases
    (bench pages)."""
    start = _day_start(today or clock.today())
    end = start + dt.timedelta(days=1)
    today_q = Q(accepted_at__gte=start, accepted_at__lt=end)
    waiting_states = (
        CaseState.SUBMITTED,
        CaseState.PENDING_SUPPLEMENT,
        CaseState.PREREVIEW,
        CaseState.ACCEPTED,
    )
    qs = scope_cases(
        Case.objects.filter(Q(center_id=actor.center_id) & (today_q | Q(state__in=waiting_states))), actor
    )
    counts: dict[str, int] = qs.aggregate(
        accepted_today=Count("pk", filter=today_q),
        accepted_today_by_me=Count("pk", filter=today_q & Q(accepted_by_id=actor.pk)),
        waiting=Count("pk", filter=Q(state=CaseState.SUBMITTED)),
        pending_supplement=Count("pk", filter=Q(state=CaseState.PENDING_SUPPLEMENT)),
        unrouted=Count("pk", filter=Q(state=CaseState.ACCEPTED)),
        prereview=Count(
            "application_id",
            distinct=True,
            filter=Q(state=CaseState.PREREVIEW, application__channel__in=ONLINE_CHANNELS),
        ),
    )
    return counts


# An accepted case should reach the back office the day it is accepted; one that has waited
# longer than this many working days is a warning on the supervisor's page.
UNROUTED_WARNING_DAYS = 1


def unrouted_late_before(today: dt.date | None = None) -> dt.datetime:
    """The start of the latest day whose acceptances have waited more than
    `UNROUTED_WARNING_DAYS` working days by `today` (the official calendar): a case accepted
    before it and still accepted is late. Waiting counts the working days after the acceptance
    day up to today, as the routing list shows it."""
    today = today or clock.today()
    day = today - dt.timedelta(days=1)
    for _ in range(60):  # the longest official holiday is far shorter than two months
        if calendar.working_days_between(day, today) > UNROUTED_WARNING_DAYS:
            break
        day -= dt.timedelta(days=1)
    return _day_start(day + dt.timedelta(days=1))


def task_counts(*, actor: Staff, soon_before: dt.datetime) -> dict[str, int]:
    """The approver's department inbox: open (unclaimed) tasks, those claimed by the actor, and
    of all unfinished ones those due before `soon_before` and those already overdue. One query."""
    if actor.department_id is None:
        return dict.fromkeys(("open", "claimed_by_me", "claimed_by_others", "due_soon", "overdue"), 0)
    now = clock.now()
    qs = scope_cases(
        CaseTask.objects.filter(
            department_id=actor.department_id, state__in=[CaseTask.State.OPEN, CaseTask.State.CLAIMED]
        ),
        actor,
        prefix="case__",
    )
    counts: dict[str, int] = qs.aggregate(
        open=Count("pk", filter=Q(state=CaseTask.State.OPEN)),
        claimed_by_me=Count("pk", filter=Q(state=CaseTask.State.CLAIMED, assignee_id=actor.pk)),
        claimed_by_others=Count("pk", filter=Q(state=CaseTask.State.CLAIMED) & ~Q(assignee_id=actor.pk)),
        due_soon=Count("pk", filter=Q(due_at__gte=now, due_at__lt=soon_before)),
        overdue=Count("pk", filter=Q(due_at__lt=now)),
    )
    return counts


def department_case_counts(*, actor: Staff, soon_before: dt.datetime) -> dict[str, int]:
    """The chief representative's department: cases ready for the decision (every task of the
    stage done), decided but not completed, suspended, and among the running ones those due
    before `soon_before` and those past the promised deadline. One query."""
    if actor.department_id is None:
        return dict.fromkeys(("ready_to_decide", "decided", "suspended", "due_soon", "overdue"), 0)
    now = clock.now()
    running = Q(state__in=OPEN_STATES)
    qs = scope_cases(Case.objects.filter(department_id=actor.department_id, state__in=OPEN_STATES), actor)
    counts: dict[str, int] = qs.aggregate(
        ready_to_decide=Count("pk", filter=Q(state=CaseState.IN_PROGRESS, open_tasks=0)),
        decided=Count("pk", filter=Q(state=CaseState.DECIDED)),
        suspended=Count("pk", filter=Q(state=CaseState.SUSPENDED)),
        due_soon=Count("pk", filter=running & Q(deadline__gte=now, deadline__lt=soon_before)),
        overdue=Count("pk", filter=running & ~Q(state=CaseState.SUSPENDED) & Q(deadline__lt=now)),
    )
    return counts


def pickup_counts(*, actor: Staff) -> dict[str, int]:
    """The pickup window: completed cases of the actor's own center whose result has not been
    delivered yet, in all and by the delivery the applicant chose. One query."""
    qs = scope_cases(Case.objects.filter(center_id=actor.center_id, state=CaseState.COMPLETED), actor)
    method = "application__delivery_method"
    counts: dict[str, int] = qs.aggregate(
        ready=Count("pk"),
        pickup=Count("pk", filter=Q(**{method: DeliveryMethod.PICKUP}) | Q(**{method: ""})),
        mail=Count("pk", filter=Q(**{method: DeliveryMethod.MAIL})),
        electronic=Count("pk", filter=Q(**{method: DeliveryMethod.ELECTRONIC})),
    )
    return counts


def case_counts(*, actor: Any, by: str, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Unfinished cases the actor sees (own center and below), grouped `by` "state", "item" (the
    ten items with most) or "department": each row {key, label, center (for departments), n,
    overdue (running cases past their promised deadline)}, largest first. One query.

    By state, each row also counts `unrouted_late`: accepted cases waiting more than
    `UNROUTED_WARNING_DAYS` working days to be sent to the back office (non-zero on the
    accepted row only), so the supervisor's warning costs no query of its own."""
    now = clock.now()
    qs = _scoped_cases(actor).filter(state__in=UNFINISHED_STATES).order_by()
    overdue = Count(
        "pk",
        filter=Q(state__in=[CaseState.ACCEPTED, CaseState.IN_PROGRESS, CaseState.DECIDED], deadline__lt=now),
    )
    if by == "state":
        labels = dict(CaseState.choices)
        late = Count("pk", filter=Q(state=CaseState.ACCEPTED, accepted_at__lt=unrouted_late_before(today)))
        by_state = qs.values("state").annotate(n=Count("pk"), overdue=overdue, unrouted_late=late)
        order = {state: i for i, state in enumerate(UNFINISHED_STATES)}
        return sorted(
            (
                {
                    "key": r["state"],
                    "label": str(labels[r["state"]]),
                    "center": "",
                    "n": r["n"],
                    "overdue": r["overdue"],
                    "unrouted_late": r["unrouted_late"],
                }
                for r in by_state
            ),
            key=lambda r: order[r["key"]],
        )
    if by == "item":
        rows = (
            qs.values("item_id", label=F("item__name"))
            .annotate(n=Count("pk"), overdue=overdue)
            .order_by("-n", "label", "item_id")[:TOP_ITEMS]
        )
        return [
            {"key": r["item_id"], "label": r["label"], "center": "", "n": r["n"], "overdue": r["overdue"]}
            for r in rows
        ]
    if by == "department":
        rows = (
            qs.values("department_id", label=F("department__name"), center_name=F("department__center__name"))
            .annotate(n=Count("pk"), overdue=overdue)
            .order_by("-n", "center_name", "label", "department_id")
        )
        return [
            {
                "key": r["department_id"],
                "label": r["label"],
                "center": r["center_name"],
                "n": r["n"],
                "overdue": r["overdue"],
            }
            for r in rows
        ]
    raise ValueError(f"case_counts(by={by!r}): state, item or department")
