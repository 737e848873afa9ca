"""Reads of a proxy agent's own applications: the one scope of an agent's pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Prefetch, Q, QuerySet

from onewindow.cases.models import OPEN_STATES, Application, Case, CaseEvent, CaseState, Channel
from onewindow.cases.selectors import CaseCursor
from onewindow.org.models import Staff

AGENT_PAGE = 20
# The actions whose event says what the township or the hall asked of the agent, or why not.
ASKED_ACTIONS = ("township_return", "prereview_return", "request_supplement", "refuse")


def proxy_applications(*, agent: Staff) -> QuerySet[Application]:
    """The applications the proxy agent filed themselves (`Application.proxy_agent`), newest
    first: the one scope of an agent's pages. Nobody else's, whatever the center: an agent
    of the same village, township or hall sees none of them here (they have their own
    scope through `case_list`, where a proxy agent sees nothing)."""
    if not isinstance(agent, Staff) or not agent.is_active:
        return Application.objects.none()
    return Application.objects.filter(proxy_agent_id=agent.pk, channel=Channel.PROXY).order_by(
        "-created_at", "-pk"
    )


def proxy_application_get(*, agent: Staff, number: str) -> Application | None:
    """One application the agent filed, by number (None for anyone else's)."""
    return proxy_applications(agent=agent).filter(number=str(number)[:40]).select_related("applicant").first()


def proxy_application_by_key(*, agent: Staff, key: str | None) -> Application | None:
    """The application the agent already filed with this submission key (a double click or a
    resend after its scans were attached), or None."""
    if not key:
        return None
    return proxy_applications(agent=agent).filter(idempotency_key=str(key)[:64]).first()


@dataclass(frozen=True)
class AgentRow:
    application: Application
    cases: list[Case]
    asked: CaseEvent | None  # the latest return, one-time notice or refusal, if any
    township_checked: bool  # the township center passed it on to the hall

    @property
    def waiting_for(self) -> str:
        """Who has the application in pre-review: "township", "hall", or "" (past it)."""
        if not any(c.state == CaseState.PREREVIEW for c in self.cases):
            return ""
        return "hall" if self.township_checked else "township"


@dataclass(frozen=True)
class AgentPage:
    rows: list[AgentRow]
    next_after: CaseCursor | None


def proxy_application_page(
    *, agent: Staff, after: CaseCursor | None = None, size: int = AGENT_PAGE
) -> AgentPage:
    """One keyset page of the agent's applications with their cases (state, deadlines) and
    what the township or the hall last asked: three queries whatever the page holds."""
    qs = proxy_applications(agent=agent)
    if after is not None:
        qs = qs.filter(created_at__lte=after.created_at).filter(
            Q(created_at__lt=after.created_at) | Q(pk__lt=after.pk)
        )
    cases = Case.objects.select_related("item").only(
        "pk",
        "application_id",
        "number",
        "state",
        "deadline",
        "accepted_at",
        "pending_materials_due",
        "item__name",
        "item__code",
    )
    applications = list(
        qs.select_related("applicant")
        .only("pk", "number", "created_at", "delivery_method", "applicant__name", "applicant__kind")
        .prefetch_related(Prefetch("cases", queryset=cases.order_by("pk")))[: size + 1]
    )
    more = len(applications) > size
    applications = applications[:size]
    asked: dict[int, CaseEvent] = {}
    checked: set[int] = set()
    if applications:
        events = (
            CaseEvent.objects.filter(
                case__application_id__in=[a.pk for a in applications],
                action__in=(*ASKED_ACTIONS, "township_check"),
            )
            .annotate(application_pk=F("case__application_id"))
            .only("pk", "action", "data", "opinion", "at")
            .order_by("pk")
        )
        for event in events:
            pk = event.application_pk
            if event.action == "township_check":
                checked.add(pk)
            else:
                asked[pk] = event  # the latest wins
    rows = [AgentRow(a, list(a.cases.all()), asked.get(a.pk), a.pk in checked) for a in applications]
    last = applications[-1] if more else None
    return AgentPage(rows, CaseCursor(last.created_at, last.pk) if last is not None else None)


def proxy_counts(*, agent: Staff) -> dict[str, int]:
    """The agent's applications by where they stand (an application counts once per state
    of its cases): one query."""
    qs = Case.objects.filter(application__in=proxy_applications(agent=agent).order_by())
    counts: dict[str, int] = qs.aggregate(
        filed=Count("application_id", distinct=True),
        prereview=Count("application_id", distinct=True, filter=Q(state=CaseState.PREREVIEW)),
        supplement=Count("application_id", distinct=True, filter=Q(state=CaseState.PENDING_SUPPLEMENT)),
        returned=Count("application_id", distinct=True, filter=Q(state=CaseState.RETURNED)),
        handling=Count("application_id", distinct=True, filter=Q(state__in=OPEN_STATES)),
        finished=Count(
            "application_id",
            distinct=True,
            filter=Q(state__in=(CaseState.COMPLETED, CaseState.DELIVERED, CaseState.CLOSED)),
        ),
    )
    return counts


def proxy_application_asked(*, application: Application) -> CaseEvent | None:
    """The latest return, one-time notice or refusal of the application (what was asked)."""
    return (
        CaseEvent.objects.filter(case__application_id=application.pk, action__in=ASKED_ACTIONS)
        .order_by("-pk")
        .first()
    )
