"""Reads of applications, cases, tasks and events, each scoped to the actor asking.

Also the in-process plan of a published item version (`version_plan`): its limits,
materials and procedure, read once per process and version, because a published version
never changes and the engine needs it on every route and task transition.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
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
    MaterialFile,
    ToleranceCommitment,
)
from onewindow.catalog.models import (
    DeliveryMethod,
    MaterialRequirement,
    Procedure,
    ServiceItem,
    ServiceItemVersion,
    SituationQuestion,
    Stage,
    StageTask,
)
from onewindow.catalog.selectors import Question, material_applies, question_of
from onewindow.core import clock
from onewindow.core.errors import FIELD_INVALID, OUT_OF_RANGE, FieldError
from onewindow.core.inputs import Choice, DateValue, Integer, Schema, YesNo, input_check, refused
from onewindow.core.models import Job
from onewindow.core.personal import field_is_personal
from onewindow.org.access import scope_applications, scope_by_center, scope_cases
from onewindow.org.models import Applicant, Department, PortalAccount, Staff

# --------------------------------------------------------------------------- version plans


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


# --------------------------------------------------------------------------- counts (the home pages)
#
# Each function is ONE aggregate query over the rows the actor sees (`org.access.scope_cases`,
# one SQL filter), whatever the number of cases: the home pages show them to every member of
# staff on every visit. "Soon" is decided by the caller (the workbench's yellow light).

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
    waiting at the window (submitted), waiting for a supplement, and the online (portal and
    proxy) applications waiting for pre-review. One query.

    It reads only the rows that can count (accepted today, or in one of the three waiting
    states), through the (center, accepted_at) and (center, state, deadline) indexes: an
    aggregate over every case of the center took 2.4 s at 363,000 cases (bench pages)."""
    start = _day_start(today or clock.today())
    end = start + dt.timedelta(days=1)
    today_q = Q(accepted_at__gte=start, accepted_at__lt=end)
    waiting_states = (CaseState.SUBMITTED, CaseState.PENDING_SUPPLEMENT, CaseState.PREREVIEW)
    qs = scope_cases(
        Case.objects.filter(Q(center_id=actor.center_id) & (today_q | Q(state__in=waiting_states))), actor
    )
    counts: dict[str, int] = qs.aggregate(
        accepted_today=Count("pk", filter=today_q),
        accepted_today_by_me=Count("pk", filter=today_q & Q(accepted_by_id=actor.pk)),
        waiting=Count("pk", filter=Q(state=CaseState.SUBMITTED)),
        pending_supplement=Count("pk", filter=Q(state=CaseState.PENDING_SUPPLEMENT)),
        prereview=Count(
            "application_id",
            distinct=True,
            filter=Q(state=CaseState.PREREVIEW, application__channel__in=ONLINE_CHANNELS),
        ),
    )
    return counts


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


def case_counts(*, actor: Any, by: str) -> list[dict[str, Any]]:
    """Unfinished cases the actor sees (own center and below), grouped `by` "state", "item" (the
    ten items with most) or "department": each row {key, label, center (for departments), n,
    overdue (running cases past their promised deadline)}, largest first. One query."""
    now = clock.now()
    qs = _scoped_cases(actor).filter(state__in=UNFINISHED_STATES).order_by()
    overdue = Count(
        "pk",
        filter=Q(state__in=[CaseState.ACCEPTED, CaseState.IN_PROGRESS, CaseState.DECIDED], deadline__lt=now),
    )
    if by == "state":
        labels = dict(CaseState.choices)
        rows = qs.values("state").annotate(n=Count("pk"), overdue=overdue)
        order = {state: i for i, state in enumerate(UNFINISHED_STATES)}
        return sorted(
            (
                {
                    "key": r["state"],
                    "label": str(labels[r["state"]]),
                    "center": "",
                    "n": r["n"],
                    "overdue": r["overdue"],
                }
                for r in rows
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


def application_files(*, application_id: int) -> list[MaterialFile]:
    """The scans attached to an application (for a case page whose scope is already checked;
    each link goes through the permission-checked file view all the same)."""
    return list(
        MaterialFile.objects.filter(application_id=application_id)
        .only("pk", "material_code", "original_name", "content_type", "size", "uploaded_at")
        .order_by("pk")
    )


def application_commitment(*, application_id: int) -> ToleranceCommitment | None:
    """The application's signed 容缺受理承诺书, with who recorded it and its scan, or None."""
    return (
        ToleranceCommitment.objects.select_related("recorded_by", "file")
        .filter(application_id=application_id)
        .first()
    )


# --------------------------------------------------------------------------- a proxy agent's own

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
