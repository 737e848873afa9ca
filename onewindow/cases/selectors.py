"""Reads of applications, cases, tasks and events, each scoped to the actor asking.

The plan of a published item version is `cases.plans`, the home pages' counts `cases.counts`,
a proxy agent's own applications `cases.proxyselectors`.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, model_validator

from onewindow.cases.errors import case_error
from onewindow.cases.models import (
    OPEN_STATES,
    Application,
    Case,
    CaseEvent,
    CaseState,
    CaseTask,
    Channel,
    ToleranceCommitment,
)
from onewindow.catalog.models import ServiceItem
from onewindow.core import clock
from onewindow.core.errors import FIELD_INVALID, OUT_OF_RANGE, FieldError
from onewindow.core.inputs import Choice, DateValue, Integer, Schema, YesNo, input_check, refused
from onewindow.core.models import Job
from onewindow.org.access import scope_applications, scope_by_center, scope_cases
from onewindow.org.models import Applicant, Department, PortalAccount, Staff

# --------------------------------------------------------------------------- scoping

Actor = Staff | Applicant | AbstractBaseUser


def _applicant_of(actor: Any) -> Applicant | None:
    if isinstance(actor, Applicant):
        return actor
    if isinstance(actor, AbstractBaseUser):
        return getattr(actor, "applicant", None)
    return None


def _staff_of(actor: Any) -> Staff | None:
    if isinstance(actor, Staff):
        return actor
    if isinstance(actor, AbstractBaseUser):
        return getattr(actor, "staff", None)
    return None


def account_cases(*, account: PortalAccount) -> QuerySet[Case]:
    """The one scope of a portal account (docs/decisions/0019-portal-accounts.md, 0024): bound with
    a code (`verified_at`), every case of the applicant it acts for, from every channel; not
    bound, only the cases of the applications it filed itself online for that applicant. Drafts
    are the online application's, not cases yet. No query until evaluated."""
    qs = Case.objects.filter(application__applicant__user_id=account.user_id).exclude(state=CaseState.DRAFT)
    if account.verified_at is None:
        qs = qs.filter(application__submitted_by_id=account.user_id, application__channel=Channel.PORTAL)
    return qs


def _portal_account_of(actor: Any) -> PortalAccount | None:
    if isinstance(actor, PortalAccount):
        return actor
    if isinstance(actor, AbstractBaseUser) and not getattr(actor, "is_superuser", False):
        try:
            return actor.portal_account  # type: ignore[attr-defined, no-any-return]
        except PortalAccount.DoesNotExist:
            return None
    return None


def _scoped_cases(actor: Any) -> QuerySet[Case]:
    """Staff through the access rules (`org.access.scope_cases`); portal accounts through
    `account_cases`; applicants their own."""
    staff = _staff_of(actor)
    if staff is not None:
        return scope_cases(Case.objects.all(), staff)
    account = _portal_account_of(actor)
    if account is not None:
        return account_cases(account=account)
    applicant = _applicant_of(actor)
    if applicant is not None:
        return Case.objects.filter(application__applicant_id=applicant.pk)
    if isinstance(actor, AbstractBaseUser) and getattr(actor, "is_superuser", False):
        return Case.objects.all()
    return Case.objects.none()


# --------------------------------------------------------------------------- case search

# Dates a search accepts: wide enough for any case, narrow enough that a day's bounds stay
# representable in every time zone (year 1 or 9999 would overflow).
SEARCH_FIRST_DAY = dt.date(2000, 1, 1)
SEARCH_LAST_DAY = dt.date(2099, 12, 31)
MAX_ID = 2**31 - 1


def _search_day(day: dt.date) -> dt.date:
    if not SEARCH_FIRST_DAY <= day <= SEARCH_LAST_DAY:
        raise refused(
            OUT_OF_RANGE,
            message_key=f"{OUT_OF_RANGE}.between",
            value=day.isoformat(),
            ge=SEARCH_FIRST_DAY.isoformat(),
            le=SEARCH_LAST_DAY.isoformat(),
        )
    return day


SearchDay = Annotated[DateValue, AfterValidator(_search_day)]
SearchId = Annotated[int, Integer(ge=1, le=MAX_ID)]


class CaseSearchIn(Schema):
    """The filters of a case search (the workbench's search page and its export), parsed
    by the one input layer: a state or channel by code or label, ids as whole numbers,
    dates in any accepted spelling within 2000–2099. `model_dump()` is `case_list`'s
    filters; `model_dump(mode="json")` is what an export stores."""

    state: Annotated[str, Choice(CaseState)] | None = None
    item: SearchId | None = None
    department: SearchId | None = None
    channel: Annotated[str, Choice(Channel)] | None = None
    accepted_from: SearchDay | None = None
    accepted_to: SearchDay | None = None
    overdue: YesNo = False

    LABELS: ClassVar[dict[str, Any]] = {
        "state": _("state"),
        "item": _("service item"),
        "department": _("department"),
        "channel": _("channel"),
        "accepted_from": _("accepted from"),
        "accepted_to": _("accepted until"),
        "overdue": _("overdue"),
    }

    @classmethod
    def field_label(cls, name: str) -> str:
        return str(cls.LABELS.get(name, name))

    @model_validator(mode="after")
    def _days_in_order(self) -> CaseSearchIn:
        if self.accepted_from and self.accepted_to and self.accepted_from > self.accepted_to:
            raise ValueError("accepted_to")  # turned into a field error by `case_search_check`
        return self

    def filters(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if v not in (None, False)}


def case_search_check(data: Any) -> tuple[CaseSearchIn | None, list[FieldError]]:
    """`CaseSearchIn` from a query string or stored filters: the search, or every error by field."""
    search, errors = input_check(CaseSearchIn, data)
    for error in errors:
        if error["field"] == "" and error["code"] == FIELD_INVALID:
            error["field"] = "accepted_to"
            error["message"] = gettext("“Accepted until” is before “accepted from”.")
    return search, errors


def case_search_choices(*, actor: Any) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The items and departments a search may filter by: those of the centers the actor sees
    (two queries; ids and names only). Names carry their center when the actor sees several."""

    def labelled(rows: list[tuple[int, str, str]]) -> list[tuple[int, str]]:
        several = len({center for _pk, _name, center in rows}) > 1
        return [(pk, f"{name} · {center}" if several else name) for pk, name, center in rows]

    items = scope_by_center(ServiceItem.objects.all(), actor).order_by("name", "pk")
    departments = scope_by_center(Department.objects.all(), actor).order_by("name", "pk")
    return (
        labelled(list(items.values_list("pk", "name", "center__name"))),
        labelled(list(departments.values_list("pk", "name", "center__name"))),
    )


def case_list(*, actor: Any, filters: dict[str, Any] | None = None) -> QuerySet[Case]:
    """Cases the actor may see, newest first (created_at, then id: the keyset of `case_page`).

    Staff with a center-wide role (center admin, supervisor, intake or pickup clerk) see
    the cases of their center and the centers below it, and those reported to them;
    department staff (approver, chief representative) see their department's cases and
    every case with a task in their department (`org.access.scope_cases`); applicants (an
    `Applicant` or a user with one) see their own; a superuser sees every case.
    Filters: state (value or list), kind, department (id), item (id), number, channel
    (the application's), applicant (id or ids), accepted_from / accepted_to (dates, both
    days included, local time), overdue (bool), deadline_before (datetime), after (a
    `CaseCursor`: only cases after it in this order).
    """
    qs = _scoped_cases(actor)
    f = filters or {}
    if state := f.get("state"):
        qs = qs.filter(state__in=[state] if isinstance(state, str) else list(state))
    if kind := f.get("kind"):
        qs = qs.filter(kind=kind)
    if department := f.get("department"):
        qs = qs.filter(department_id=department)
    if item := f.get("item"):
        qs = qs.filter(item_id=item)
    if number := f.get("number"):
        qs = qs.filter(number=number)
    if channel := f.get("channel"):
        qs = qs.filter(application__channel=channel)
    if (applicant := f.get("applicant")) is not None:
        ids = [applicant] if isinstance(applicant, int) else applicant
        qs = qs.filter(application__applicant_id__in=ids)
    if start := f.get("accepted_from"):
        qs = qs.filter(accepted_at__gte=_day_start(start))
    if end := f.get("accepted_to"):
        # A case is created before it is accepted: the creation bound is implied, and lets the
        # newest-first index start at that day instead of reading every newer case.
        until = _day_start(end + dt.timedelta(days=1))
        qs = qs.filter(accepted_at__lt=until, created_at__lt=until)
    if before := f.get("deadline_before"):
        qs = qs.filter(deadline__lt=before)
    if f.get("overdue"):
        qs = qs.filter(state__in=OPEN_STATES, deadline__lt=clock.now())
    if (after := f.get("after")) is not None:
        # created_at <= t bounds the index range; the OR settles ties on the id.
        qs = qs.filter(created_at__lte=after.created_at).filter(
            Q(created_at__lt=after.created_at) | Q(pk__lt=after.pk)
        )
    return qs.select_related("item", "department", "center", "application__applicant").order_by(
        "-created_at", "-pk"
    )


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class CaseCursor:
    """Where a page of `case_list` ended: the last case's creation time and id. Its text form
    (`str()`, `CaseCursor.parse`) travels in `?after=`; a malformed one parses to None."""

    created_at: dt.datetime
    pk: int

    _EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    _SHAPE = re.compile(r"^(\d{1,16})-(\d{1,12})$")

    def __str__(self) -> str:
        return f"{(self.created_at - self._EPOCH) // dt.timedelta(microseconds=1)}-{self.pk}"

    @classmethod
    def parse(cls, text: str) -> CaseCursor | None:
        match = cls._SHAPE.match(text or "")
        if match is None:
            return None
        try:
            at = cls._EPOCH + dt.timedelta(microseconds=int(match[1]))
        except OverflowError:
            return None
        return cls(at, int(match[2]))


@dataclass(frozen=True)
class CasePage:
    cases: list[Case]
    next_after: CaseCursor | None  # None on the last page


# What a list of cases shows: the encrypted columns (the form's personal answers, the
# applicant's ID number, mobile and address) are never read, so never decrypted.
CASE_ROW_FIELDS = (
    "number",
    "state",
    "kind",
    "created_at",
    "accepted_at",
    "deadline",
    "suspended_since",
    "delivered_at",
    "item__name",
    "item__code",
    "department__name",
    "center__name",
    "application__channel",
    "application__applicant__kind",
    "application__applicant__name",
)


def case_page(*, actor: Any, filters: dict[str, Any] | None = None, size: int = 50) -> CasePage:
    """One page of `case_list` (`filters["after"]` is where the previous page ended): one
    query of `size + 1` rows, no count. The rows load only `CASE_ROW_FIELDS`."""
    rows = list(case_list(actor=actor, filters=filters).only(*CASE_ROW_FIELDS)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if more else None
    return CasePage(rows, CaseCursor(last.created_at, last.pk) if last is not None else None)


def case_list_unrouted(*, actor: Staff, limit: int = 100) -> tuple[list[Case], int]:
    """The actor's own center's accepted cases not yet sent to the back office (已受理未送后台),
    oldest acceptance first (the one whose clock has run longest), at most `limit`, and how many
    there are in all. Two queries on the (center, state, deadline) index; list columns only."""
    qs = scope_cases(Case.objects.filter(center_id=actor.center_id, state=CaseState.ACCEPTED), actor)
    rows = list(
        qs.select_related("item", "department", "application__applicant")
        .only(*CASE_ROW_FIELDS, "event_count")
        .order_by("accepted_at", "pk")[:limit]
    )
    total = len(rows) if len(rows) < limit else qs.count()
    return rows, total


def case_get(*, actor: Any, pk: int | None = None, number: str | None = None) -> Case:
    """One case the actor may see, by id or number; CASE_NOT_FOUND otherwise (also when out of scope)."""
    lookup: dict[str, int | str | None] = {"pk": pk} if pk is not None else {"number": number}
    try:
        return case_list(actor=actor).get(**lookup)
    except Case.DoesNotExist:
        raise case_error("CASE_NOT_FOUND") from None


def case_export_get(*, actor: Staff, pk: int) -> Job | None:
    """One export (a `core.Job` of kind case_export) of the actor's own: nobody else's, whatever
    their roles (an export holds a search run in its requester's scope)."""
    return Job.objects.filter(pk=pk, kind=Job.Kind.CASE_EXPORT, created_by_id=actor.user_id).first()


def case_export_list(*, actor: Staff, limit: int = 5) -> list[Job]:
    """The actor's latest exports, newest first."""
    return list(
        Job.objects.filter(kind=Job.Kind.CASE_EXPORT, created_by_id=actor.user_id).order_by(
            "-created_at", "-pk"
        )[:limit]
    )


def case_progress_get(
    *, number: str, query_code: str = "", name: str = "", id_last4: str = ""
) -> Case | None:
    """The public view of a case (what the QR code on every notice opens): item, center,
    department and the trail's steps — never a name.

    Holding the number is not enough: the caller also gives the query code printed on the
    notice, or the applicant's name with the last four characters of their ID number (of the
    USCC for an organisation). None unless they match, exactly as for a number that does not
    exist. Two queries (the case with its joins, then the events' states)."""
    number = number.strip().upper()
    query_code = query_code.strip().upper()
    name, id_last4 = name.strip(), id_last4.strip().upper()
    if not number or len(number) > 40 or not (query_code or (name and len(id_last4) == 4)):
        return None
    events = CaseEvent.objects.only("case_id", "seq", "action", "to_state", "at").order_by("seq")
    case = (
        Case.objects.select_related("item", "center", "department", "application__applicant")
        .prefetch_related(Prefetch("events", queryset=events))
        .filter(number=number)
        .first()
    )
    if case is None:
        return None
    if query_code:
        return case if secrets.compare_digest(case.query_code.encode(), query_code.encode()) else None
    applicant = case.application.applicant
    identifier = (applicant.id_number or applicant.uscc or "").upper()
    same_name = secrets.compare_digest(applicant.name.strip().encode(), name.encode())
    same_tail = len(identifier) >= 4 and secrets.compare_digest(identifier[-4:].encode(), id_last4.encode())
    return case if same_name and same_tail else None


def case_timeline(*, case: Case) -> QuerySet[CaseEvent]:
    """The case's events in order (get the case through `case_get` first: that is the scope check)."""
    return CaseEvent.objects.filter(case_id=case.pk).order_by("seq")


def application_timeline(*, application: Application) -> QuerySet[CaseEvent]:
    """The events of every case of an application, each case's in order (get the application
    through a scoped selector first: that is the scope check). One SELECT, for a page that shows
    each case's trail (the portal's application page) instead of one query a case."""
    return CaseEvent.objects.filter(case__application_id=application.pk).order_by("case_id", "seq")


def case_tasks(*, case: Case) -> QuerySet[CaseTask]:
    return (
        CaseTask.objects.filter(case_id=case.pk)
        .select_related("department", "assignee")
        .order_by("stage_order", "pk")
    )


def case_open_tasks(*, case: Case) -> list[CaseTask]:
    """The case's open and claimed tasks in order, each holding `case` (one SELECT).

    For a caller that already holds the case (a batch job, the case page): the engine's
    task actions then start from that case instead of reading it again.
    """
    tasks = list(
        CaseTask.objects.filter(
            case_id=case.pk, state__in=[CaseTask.State.OPEN, CaseTask.State.CLAIMED]
        ).order_by("pk")
    )
    for task in tasks:
        task.case = case
    return tasks


def task_list(
    *, actor: Staff, states: tuple[str, ...] = (CaseTask.State.OPEN, CaseTask.State.CLAIMED)
) -> QuerySet[CaseTask]:
    """The department inbox: tasks of the actor's department in `states`, earliest due first."""
    if actor.department_id is None:
        return CaseTask.objects.none()
    return (
        CaseTask.objects.filter(department_id=actor.department_id, state__in=states)
        .select_related("case", "case__item", "assignee")
        .order_by("due_at", "pk")
    )


def pending_materials_overdue(*, center: Any, today: dt.date | None = None) -> QuerySet[Case]:
    """Open cases of the center whose tolerated materials were due before `today` and have not arrived."""
    today = today or clock.today()
    return (
        Case.objects.filter(center=center, state__in=OPEN_STATES, pending_materials_due__lt=today)
        .select_related("item", "application__applicant")
        .order_by("pending_materials_due", "pk")
    )


def applicant_materials_on_file(*, actor: Any, applicant_id: int, codes: list[str]) -> dict[str, Any]:
    """The applicant's materials already checked at a window (received on an application
    whose cases `actor` may see, accepted at some point): the newest per code, to be reused
    (与原件核对无误) instead of asking again. One query."""
    from onewindow.cases.models import ApplicationMaterial

    if not codes:
        return {}
    visible = _scoped_cases(actor).filter(accepted_at__isnull=False).values("application_id")
    rows = (
        ApplicationMaterial.objects.filter(
            application__applicant_id=applicant_id,
            application_id__in=visible,
            code__in=codes,
            status=ApplicationMaterial.Status.RECEIVED,
        )
        .select_related("application")
        .order_by("-received_at", "-pk")
    )
    found: dict[str, Any] = {}
    for row in rows[:200]:
        found.setdefault(row.code, row)
    return found


# --------------------------------------------------------------------------- the workbench's lists

INBOX_PAGE = 50
# States in which the back office handles a case (an extension may be asked for).
HANDLING_STATES = (CaseState.ACCEPTED, CaseState.IN_PROGRESS, CaseState.SUSPENDED)
# Sorts a case without a promised deadline (never for a task of an accepted case) after the rest.
_NO_DEADLINE = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


@dataclass(frozen=True)
class InboxCursor:
    """Where a page of the inbox ends: the last row's promised deadline and task id (keyset)."""

    deadline: dt.datetime
    task_id: int

    def encode(self) -> str:
        return f"{int(self.deadline.timestamp() * 1_000_000)}.{self.task_id}"

    @classmethod
    def decode(cls, text: str | None) -> InboxCursor | None:
        """A cursor from `?after=`; None for anything that is not one (the first page)."""
        if not text or len(text) > 40:
            return None
        micros, _dot, task = text.partition(".")
        try:
            stamp = dt.datetime.fromtimestamp(int(micros) / 1_000_000, tz=dt.UTC)
            return cls(stamp, int(task))
        except (ValueError, OverflowError, OSError):
            return None


def task_inbox(
    *, actor: Staff, after: InboxCursor | None = None, limit: int = INBOX_PAGE
) -> tuple[list[CaseTask], InboxCursor | None]:
    """One page of the department inbox: the open and claimed tasks of the actor's department,
    the case with the earliest promised deadline first (then the task's id), and the cursor of
    the next page (None on the last).

    One SELECT, scoped by the department (a task's department is its scope: the engine's
    `task` scope), keyset-paginated (no OFFSET, no COUNT). Only the columns the list shows
    are read: the applicant's encrypted columns are not decrypted for a list of names."""
    if actor.department_id is None:
        return [], None
    qs = (
        CaseTask.objects.filter(
            department_id=actor.department_id, state__in=(CaseTask.State.OPEN, CaseTask.State.CLAIMED)
        )
        .select_related("case__item", "case__application__applicant", "assignee")
        .only(
            "pk",
            "name",
            "stage_name",
            "stage_order",
            "state",
            "role",
            "due_at",
            "department_id",
            "assignee__name",
            "case__number",
            "case__state",
            "case__deadline",
            "case__legal_deadline",
            "case__suspended_since",
            "case__item__name",
            "case__application__applicant__name",
        )
        .annotate(sort_deadline=Coalesce("case__deadline", Value(_NO_DEADLINE)))
    )
    if after is not None:
        qs = qs.filter(
            Q(sort_deadline__gt=after.deadline) | Q(sort_deadline=after.deadline, pk__gt=after.task_id)
        )
    rows: list[CaseTask] = list(qs.order_by("sort_deadline", "pk")[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, InboxCursor(last.sort_deadline, last.pk)  # type: ignore[attr-defined]  # the annotation


def extension_requests_pending(*, actor: Staff) -> QuerySet[CaseEvent]:
    """Extension requests no one has answered yet, of the cases the actor may see, oldest first
    (one SELECT): the chief representative's list. A request is answered by a later `extend`
    or `extension_refuse` event of its case."""
    answered = CaseEvent.objects.filter(
        case_id=OuterRef("case_id"), seq__gt=OuterRef("seq"), action__in=("extend", "extension_refuse")
    )
    return (
        scope_cases(CaseEvent.objects.all(), actor, prefix="case__")
        .filter(action="extension_request", case__state__in=HANDLING_STATES)
        .exclude(Exists(answered))
        .select_related("case__item")
        .only(
            "pk",
            "seq",
            "at",
            "actor_name",
            "opinion",
            "data",
            "case__number",
            "case__event_count",
            "case__state",
            "case__deadline",
            "case__legal_deadline",
            "case__suspended_since",
            "case__item__name",
        )
        .order_by("at", "pk")
    )


def task_get(*, actor: Staff, pk: int) -> CaseTask | None:
    """A task of the actor's department (with its case, item, applicant and assignee), or None:
    the department is a task's scope."""
    if actor.department_id is None:
        return None
    return (
        CaseTask.objects.filter(pk=pk, department_id=actor.department_id)
        .select_related("case__item", "case__application__applicant", "assignee")
        .first()
    )


def application_get(*, actor: Staff, number: str) -> Application | None:
    """An application the actor may see (`org.access.scope_applications`) by its number, or None."""
    return scope_applications(Application.objects.filter(number=number), actor).first()


def application_commitment(*, application_id: int) -> ToleranceCommitment | None:
    """The application's signed 容缺受理承诺书, with who recorded it and its scan, or None."""
    return (
        ToleranceCommitment.objects.select_related("recorded_by", "file")
        .filter(application_id=application_id)
        .first()
    )
