"""A few months of case history for the demo hall, made THROUGH the case services.

`load_history(center=…)` plays the working days before `today` with the clock frozen at
each action's time: applicants arrive at the windows (mostly), on the portal (pre-review,
passed or returned) or through village proxy agents; intake clerks accept; 即办 cases are
decided and completed at the window and handed over at once; the rest are routed, their
stage tasks claimed and completed by the departments' approvers and chief
representatives, decided by someone other than the accepting clerk, completed and
delivered (pickup, mail, electronic). A few are sent for supplement, accepted with
tolerated materials missing, refused, suspended, extended, withdrawn, denied, or run late
(finished after the deadline or still open past it). Whatever was scheduled after the cut
(`today`, 16:30, or the present moment) has not happened yet, so the last days' cases
stand open in every state: accepted, in progress with open tasks, suspended, decided,
completed and not yet collected.

The mix follows what the seed articles report for a county hall (Xintai: over 75 % dealt
with on the spot, over 85 % finished within three working days, nearly all before the
promised limit): three applications in four are for immediate items, the back-office
steps are spread over 0–3 working days, and rare outcomes come from a shuffled deck so
that even a small run has each of them.

Idempotent: when the center already has applications nothing is done. Deterministic: one
`random.Random(seed)`, staff, applicants and items read in a fixed order, and the clock
driven by `onewindow.core.clock.frozen` (so for a given `today` the same rows come out).
Everything is one transaction: an interrupted load leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
import time
from collections import Counter
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from onewindow.cases import services
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Application, Case, CaseState, CaseTask, Channel, Suspension
from onewindow.cases.plans import VersionPlan, version_plan
from onewindow.catalog.models import CaseKind, DeliveryMethod, ServiceItemVersion
from onewindow.core import calendar, clock
from onewindow.org.models import Applicant, Role, ServiceCenter, Staff

SEED = 20170601
DAYS = 60  # working days played before `today` (about three months)
PER_DAY = 50  # applications on an ordinary working day
IMMEDIATE_SHARE = 0.75
OPEN_AT, CLOSE_AT = dt.time(8, 30), dt.time(17, 30)
CUT_TIME = dt.time(16, 30)

# States every full history (and the test's short one) contains.
EXPECTED_STATES = (
    CaseState.PREREVIEW,
    CaseState.SUBMITTED,
    CaseState.PENDING_SUPPLEMENT,
    CaseState.ACCEPTED,
    CaseState.IN_PROGRESS,
    CaseState.SUSPENDED,
    CaseState.DECIDED,
    CaseState.COMPLETED,
    CaseState.DELIVERED,
    CaseState.CLOSED,
    CaseState.REFUSED,
    CaseState.RETURNED,
    CaseState.WITHDRAWN,
)

# What happens to a non-immediate case, out of 100 (drawn from a shuffled deck).
OUTCOMES = {
    "normal": 66,
    "supplement": 6,  # a material missing at the window, supplemented days later
    "supplement_pending": 2,  # … and never supplemented (yet)
    "tolerated": 5,  # accepted with a tolerable material missing, handed in later
    "suspend": 4,  # expert review / testing: the clock stops for some days
    "extend": 3,  # the chief representative extends the promise
    "denied": 3,
    "withdraw": 3,
    "refuse": 2,
    "late": 3,  # decided after the promised deadline
    "stalled": 3,  # a task left lying: open past the deadline
}
REFUSE_REASONS = ("申请事项不属于本机关职权范围", "申请人不具备申请资格")
DENY_REASONS = ("现场核查不符合许可条件", "申请材料与实际情况不符")
OPINIONS = ("材料齐全，符合规定，同意。", "经审查，符合条件，拟同意。", "同意，请按程序办理。")
SUSPEND_REASONS = (Suspension.Reason.EXPERT_REVIEW, Suspension.Reason.TESTING, Suspension.Reason.PUBLICITY)

# The demo's applicants sign the 容缺受理承诺书 at the window when a material follows later.
SIGNED = services.CommitmentIn(confirmed=True)


@dataclass
class HistoryReport:
    applications: int = 0
    cases: int = 0
    skipped: bool = False
    seconds: float = 0.0
    channels: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    states: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)


@dataclass
class Cast:
    """Who works: loaded once, roles cached on each Staff instance (the engine then reads none)."""

    clerks: list[Staff]
    pickups: list[Staff]
    proxies: list[Staff]
    by_department: dict[int, list[Staff]]  # approvers first, then the chief representative
    chiefs: dict[int, Staff]
    admins: list[Staff]


def _load_cast(center: ServiceCenter) -> Cast:
    staff = list(
        Staff.objects.filter(
            Q(center=center) | Q(center__parent=center) | Q(center__parent__parent=center), is_active=True
        )
        .select_related("user")
        .prefetch_related("user__groups")
        .order_by("pk")
    )
    cast = Cast([], [], [], {}, {}, [])
    for s in staff:
        roles = services.staff_roles(s)
        if s.center_id != center.pk:
            if Role.PROXY_AGENT in roles:
                cast.proxies.append(s)
            continue
        if Role.INTAKE_CLERK in roles and s.department_id is None:
            cast.clerks.append(s)
        if Role.PICKUP_CLERK in roles:
            cast.pickups.append(s)
        if Role.CENTER_ADMIN in roles:
            cast.admins.append(s)
        if s.department_id is not None and roles & {Role.APPROVER, Role.CHIEF_REPRESENTATIVE}:
            cast.by_department.setdefault(s.department_id, []).append(s)
            if Role.CHIEF_REPRESENTATIVE in roles:
                cast.chiefs.setdefault(s.department_id, s)
    for people in cast.by_department.values():
        people.sort(key=lambda s: (Role.CHIEF_REPRESENTATIVE in services.staff_roles(s), s.pk))
    return cast


def _usable_plans(center: ServiceCenter, cast: Cast) -> tuple[list[VersionPlan], list[VersionPlan]]:
    """Published plans whose every task and decision some loaded staff member can take."""
    immediate, other = [], []
    ids = ServiceItemVersion.objects.filter(
        item__center=center, item__is_active=True, status=ServiceItemVersion.Status.PUBLISHED
    ).order_by("item__code", "pk")
    for version_id in ids.values_list("pk", flat=True):
        plan = version_plan(version_id)
        if plan.case_kind == CaseKind.IMMEDIATE and not any(m.tolerable for m in plan.materials):
            immediate.append(plan)
            continue
        if plan.case_kind == CaseKind.IMMEDIATE or plan.department_id not in cast.by_department:
            continue
        if all(t.department_id in cast.chiefs for s in plan.stages for t in s.tasks):
            other.append(plan)
    return immediate, other


class _Player:
    def __init__(self, *, center, cast, applicants, rng, report):
        self.center = center
        self.cast = cast
        self.applicants = applicants
        self.rng = rng
        self.report = report
        self.deck: list[str] = []
        self.tolerant: list[VersionPlan] = []

    # ---------------------------------------------------------------- time

    def office_time(self, day: dt.date, earliest: dt.time = OPEN_AT) -> dt.datetime:
        start = dt.datetime.combine(day, max(earliest, OPEN_AT), tzinfo=calendar.TZ)
        end = dt.datetime.combine(day, CLOSE_AT, tzinfo=calendar.TZ)
        if start >= end:
            return self.office_time(calendar.next_working_day(day + dt.timedelta(days=1)))
        span = int((end - start).total_seconds() // 60)
        return start + dt.timedelta(minutes=self.rng.randrange(span), seconds=self.rng.randrange(60))

    def later(self, at: dt.datetime, lo: int, hi: int) -> dt.datetime:
        """lo–hi minutes later, within office hours (spilling to the next working day)."""
        nxt = at + dt.timedelta(minutes=self.rng.randint(lo, hi))
        local = nxt.astimezone(calendar.TZ)
        if local.time() <= CLOSE_AT and local.date() == at.astimezone(calendar.TZ).date():
            return nxt
        return self.office_time(calendar.next_working_day(local.date() + dt.timedelta(days=1)))

    def days_later(self, at: dt.datetime, lo: int, hi: int) -> dt.datetime:
        """lo–hi working days later (0: later the same day)."""
        n = self.rng.randint(lo, hi)
        if n == 0:
            return self.later(at, 20, 180)
        return self.office_time(calendar.add_working_days(at.astimezone(calendar.TZ).date(), n))

    def on_time(self, case: Case, proposed: dt.datetime) -> dt.datetime:
        """Staff watch the lights: a step that would land within two hours of the promised
        deadline is done now (overtime if need be). Late and stalled cases skip this."""
        deadline = Case.objects.values_list("deadline", flat=True).get(pk=case.pk)
        if deadline is None or proposed <= deadline - dt.timedelta(hours=2):
            return proposed
        return clock.now() + dt.timedelta(minutes=self.rng.randint(5, 40))

    # ---------------------------------------------------------------- people

    def clerk(self) -> Staff:
        return self.rng.choice(self.cast.clerks)

    def worker(self, department_id: int, role: str) -> Staff:
        people = self.cast.by_department[department_id]
        if role == Role.CHIEF_REPRESENTATIVE:
            return self.cast.chiefs[department_id]
        approvers = [s for s in people if Role.APPROVER in services.staff_roles(s)]
        return self.rng.choice(approvers or people)

    def decider(self, case: Case) -> Staff:
        return self.rng.choice(self.cast.by_department[case.department_id])

    def outcome(self) -> str:
        if not self.deck:
            self.deck = [name for name, n in OUTCOMES.items() for _ in range(n)]
            self.rng.shuffle(self.deck)
        return self.deck.pop()

    # ---------------------------------------------------------------- one application

    def life(self, arrival: dt.datetime, plan: VersionPlan) -> Generator[dt.datetime, None, None]:
        """The application's story: yields the time of its next action; the player freezes
        the clock at that time and resumes it (or drops it when the time is past the cut)."""
        rng = self.rng
        applicant = rng.choice(self.applicants)
        immediate = plan.case_kind == CaseKind.IMMEDIATE
        outcome = "immediate" if immediate else self.outcome()
        if outcome == "tolerated" and not any(m.tolerable and m.required for m in plan.materials):
            plan = rng.choice(self.tolerant) if self.tolerant else plan  # an item that allows 容缺
        roll = rng.random()
        channel = Channel.WINDOW
        if roll < (0.05 if immediate else 0.15):
            channel = Channel.PORTAL
        elif roll > (0.96 if immediate else 0.9) and self.cast.proxies:
            channel = Channel.PROXY
        if channel == Channel.PORTAL and outcome == "supplement_pending":
            outcome = "normal"
        answers = _situation_answers(plan, applicant)
        required = [m for m in plan.materials_for(answers) if m.required]
        handed = [m.code for m in required]
        if outcome in ("supplement", "supplement_pending") and not required:
            outcome = "normal"  # nothing that could be missing
        if outcome in ("supplement", "supplement_pending"):
            hard = [m for m in required if not m.tolerable]
            missing = rng.choice(hard or required).code
            handed.remove(missing)
        tolerated = [m.code for m in required if m.tolerable]
        if outcome == "tolerated" and tolerated:
            handed = [c for c in handed if c not in tolerated]
        methods = [m for m in plan.delivery_methods if m != DeliveryMethod.MAIL or rng.random() < 0.5]
        method = rng.choice(methods) if methods and not immediate else ""
        self.report.outcomes[outcome] += 1

        yield arrival
        clerk = self.clerk()
        kwargs: dict[str, Any] = {
            "center": self.center,
            "applicant": applicant,
            "items": [plan.item_id],
            "channel": channel,
            "form_data": _fill_form(plan, applicant),
            "materials": handed,
            "answers": answers,
            "delivery_method": method,
            "delivery_address": (applicant.address or "安和县城关街道政通路1号") if method == "mail" else "",
        }
        if channel == Channel.PORTAL:
            application = services.application_create(actor=applicant, state="prereview", **kwargs)
            yield self.later(arrival, 30, 240)
            if rng.random() < 0.12:
                services.application_prereview_return(
                    application=application, actor=clerk, reasons="上传的申请材料不清晰，请重新提交。"
                )
                return
            services.application_prereview_pass(application=application, actor=clerk)
            yield self.days_later(clock.now(), 0, 2)  # the applicant brings the originals
        elif channel == Channel.PROXY:
            agent = rng.choice(self.cast.proxies)
            application = services.application_create(actor=agent, proxy_agent=agent, **kwargs)
            yield self.days_later(arrival, 1, 2)  # the agent carries the file to the hall
        else:
            application = services.application_create(actor=clerk, **kwargs)
            yield self.later(arrival, 3, 15)
        (case_id,) = application.cases.values_list("pk", flat=True)
        if outcome == "refuse":
            case = Case.objects.get(pk=case_id)
            services.case_refuse(
                case=case,
                actor=clerk,
                reasons=rng.choice(REFUSE_REASONS),
                legal_basis="《中华人民共和国行政许可法》第三十二条",
            )
            return
        result = services.application_intake(application=application, actor=clerk, commitment=SIGNED)
        if result.supplement_requested:
            if outcome == "supplement_pending":
                return
            yield self.days_later(clock.now(), 1, 4)
            missing = [m["code"] for m in result.missing]
            services.application_supplement(application=application, materials=missing, actor=applicant)
            yield self.later(clock.now(), 2, 10)
            result = services.application_intake(application=application, actor=clerk, commitment=SIGNED)
        case = result.cases[0]
        if immediate:
            if rng.random() < 0.97:  # handed over at the window on the spot
                yield self.later(clock.now(), 1, 5)
                case = services.case_deliver(
                    case=case, actor=clerk, method=DeliveryMethod.PICKUP, signed_by=applicant.name[:50]
                )
                yield from self.archive(case)
            return
        if outcome == "withdraw" and rng.random() < 0.4:
            yield self.later(clock.now(), 30, 300)
            services.case_withdraw(case=case, actor=applicant, reason="申请人不再需要办理")
            return
        yield self.on_time(
            case,
            self.later(clock.now(), 10, 150) if rng.random() < 0.7 else self.days_later(clock.now(), 1, 1),
        )
        case = services.case_route(case=case, actor=clerk)
        if outcome == "extend":
            yield self.later(clock.now(), 30, 240)
            chief = self.cast.chiefs[case.department_id]
            case = services.case_extend(
                case=case, actor=chief, days=rng.randint(3, 5), reason="情况复杂，需进一步核实"
            )
        pending_tolerated = result.accepted_with_pending
        for n, stage in enumerate(plan.stages):
            if outcome == "suspend" and n == 0:
                yield self.days_later(clock.now(), 0, 1)
                case = services.case_suspend(
                    case=Case.objects.get(pk=case_id),
                    actor=self.cast.chiefs[case.department_id],
                    reason=rng.choice(SUSPEND_REASONS),
                    expected_end=calendar.add_working_days(clock.today(), 5),
                    note="委托专家评审" if rng.random() < 0.5 else "",
                )
                yield self.days_later(clock.now(), 2, 7)
                case = services.case_resume(case=case, actor=self.cast.chiefs[case.department_id])
            tasks = list(
                CaseTask.objects.filter(case_id=case_id, stage_order=stage.order, state="open").order_by("pk")
            )
            for task in tasks:
                worker = self.worker(task.department_id, task.role)
                yield self.on_time(case, self.days_later(clock.now(), 0, 1))
                services.task_claim(task=task, actor=worker)
                if outcome == "stalled" and n == len(plan.stages) - 1:
                    return  # left lying on someone's desk
                if outcome == "late" and n == len(plan.stages) - 1:
                    yield self.days_later(
                        max(clock.now(), Case.objects.values_list("deadline", flat=True).get(pk=case_id)),
                        1,
                        2,
                    )
                else:
                    yield self.on_time(case, self.later(clock.now(), 20, 300))
                services.task_complete(task=task, actor=worker, opinion=rng.choice(OPINIONS))
            if pending_tolerated and n == 0:
                codes = [c for c in tolerated if c not in handed]
                if codes:
                    yield self.later(clock.now(), 10, 60)
                    services.application_materials_received(
                        application=application, materials=codes, actor=clerk
                    )
                pending_tolerated = []
        if pending_tolerated:  # a procedure without stages: the materials come before completion
            yield self.later(clock.now(), 10, 60)
            services.application_materials_received(
                application=application, materials=[c for c in tolerated if c not in handed], actor=clerk
            )
        if outcome == "withdraw":
            yield self.later(clock.now(), 10, 120)
            services.case_withdraw(
                case=Case.objects.get(pk=case_id), actor=applicant, reason="申请人撤回申请"
            )
            return
        yield self.on_time(
            case,
            self.later(clock.now(), 20, 240) if rng.random() < 0.6 else self.days_later(clock.now(), 1, 1),
        )
        case = Case.objects.get(pk=case_id)
        denied = outcome == "denied"
        case = services.case_decide(
            case=case,
            actor=self.decider(case),
            decision="denied" if denied else "granted",
            opinion="不予许可" if denied else "准予许可",
            reasons=rng.choice(DENY_REASONS) if denied else "",
            legal_basis="《中华人民共和国行政许可法》第三十八条" if denied else "",
        )
        yield self.on_time(
            case,
            self.later(clock.now(), 5, 90) if rng.random() < 0.65 else self.days_later(clock.now(), 1, 1),
        )
        case = services.case_complete(case=case, actor=self.decider(case))
        method = case.delivery_method or DeliveryMethod.PICKUP
        if method == DeliveryMethod.ELECTRONIC:
            yield self.later(clock.now(), 1, 30)
        elif method == DeliveryMethod.MAIL:
            yield self.days_later(clock.now(), 0, 1)
        else:
            yield self.days_later(clock.now(), 0, 3)  # when the applicant comes to collect
        pickup = rng.choice(self.cast.pickups or self.cast.clerks)
        case = services.case_deliver(
            case=case,
            actor=pickup,
            method=method,
            signed_by=applicant.name[:50] if method == DeliveryMethod.PICKUP else "",
            tracking_number=f"EMS{rng.randrange(10**9, 10**10)}" if method == DeliveryMethod.MAIL else "",
        )
        yield from self.archive(case)

    def archive(self, case: Case) -> Iterator[dt.datetime]:
        """Most delivered cases are archived (closed) within two weeks."""
        if self.rng.random() < 0.6:
            yield self.days_later(clock.now(), 3, 10)
            services.case_close(case=case, actor=self.rng.choice(self.cast.pickups or self.cast.clerks))


def _working_days_before(today: dt.date, n: int) -> list[dt.date]:
    days, day = [], today
    while len(days) < n:
        if calendar.is_working_day(day):
            days.append(day)
        day -= dt.timedelta(days=1)
    return days[::-1]


def load_history(
    *,
    center: ServiceCenter,
    stdout: Any = None,
    today: dt.date | None = None,
    seed: int = SEED,
    days: int = DAYS,
    per_day: int = PER_DAY,
) -> HistoryReport:
    """Play `days` working days up to `today` (default: the current date) for `center`."""
    report = HistoryReport()

    def write(line: str) -> None:
        if stdout is not None:
            stdout.write(line + "\n")  # a command's OutputWrapper does not add a second one

    if Application.objects.filter(center=center).exists():
        report.skipped = True
        write(f"{center.name}已有办件，跳过历史数据生成。")
        return report
    started = time.monotonic()
    rng = random.Random(seed)
    now = clock.now()
    today = today or timezone_today(now)
    cut = dt.datetime.combine(today, CUT_TIME, tzinfo=calendar.TZ)
    if today == timezone_today(now):
        cut = min(cut, now)
    cast = _load_cast(center)
    if not cast.clerks or not cast.by_department:
        write(f"{center.name}没有受理或审批人员，跳过历史数据生成。")
        report.skipped = True
        return report
    applicants = list(Applicant.objects.order_by("pk"))
    immediate, other = _usable_plans(center, cast)
    if not applicants or not (immediate or other):
        write(f"{center.name}没有申请人或已发布的事项，跳过历史数据生成。")
        report.skipped = True
        return report
    player = _Player(center=center, cast=cast, applicants=applicants, rng=rng, report=report)
    player.tolerant = [p for p in other if any(m.tolerable and m.required for m in p.materials)]
    agenda: list[tuple[dt.datetime, int, Generator]] = []
    order = itertools.count()
    for day in _working_days_before(today, days):
        busy = 1.25 if day.weekday() == 0 else 1.0  # Mondays are busier
        for _ in range(max(1, round(per_day * busy * rng.uniform(0.8, 1.2)))):
            pool = immediate if (rng.random() < IMMEDIATE_SHARE and immediate) or not other else other
            story = player.life(player.office_time(day), rng.choice(pool))
            heapq.heappush(agenda, (next(story), next(order), story))
    with transaction.atomic():
        while agenda:
            at, _n, story = heapq.heappop(agenda)
            if at > cut:
                continue  # has not happened yet
            with clock.frozen(at):
                try:
                    upcoming = story.send(None)
                except StopIteration:
                    continue
                except CaseError as exc:  # a refusal the script did not expect: the case stays put
                    report.errors.append(f"{at:%Y-%m-%d %H:%M} {exc.code}: {exc.message}")
                    continue
            heapq.heappush(agenda, (upcoming, next(order), story))
    cases = Case.objects.filter(center=center)
    report.applications = Application.objects.filter(center=center).count()
    report.cases = cases.count()
    report.states = Counter(dict(cases.values_list("state").annotate(n=Count("id"))))
    report.channels = Counter(
        dict(Application.objects.filter(center=center).values_list("channel").annotate(n=Count("id")))
    )
    report.seconds = time.monotonic() - started
    write(
        f"{center.name}：{len(_working_days_before(today, days))}个工作日，"
        f"{report.applications}件申请，{report.cases}个办件，用时{report.seconds:.1f}秒。"
    )
    write("状态：" + "，".join(f"{CaseState(s).label} {n}" for s, n in sorted(report.states.items())))
    for line in report.errors[:10]:
        write(f"未完成的操作：{line}")
    return report


def timezone_today(now: dt.datetime) -> dt.date:
    return now.astimezone(calendar.TZ).date()


def build_history(ctx: Any) -> None:
    """The demo step: case history for the hall (`load_demo` registers it after the catalog)."""
    from onewindow.demo.county_data import HALL_CODE

    hall = ctx.hall or ServiceCenter.objects.filter(code=HALL_CODE).first()
    if hall is None:
        return
    report = load_history(center=hall, stdout=getattr(ctx, "stdout", None))
    if report.cases and not report.skipped:
        ctx.count("cases", report.cases)


# Plausible answers to the demo catalog's form fields, by key (see demo/catalog_data.py).
_FORM_TEXT = {
    "business_address": ["安和县城关街道政通路18号", "安和县河东镇商贸街6号", "安和县经济开发区创业路3号"],
    "project_name": [
        "安和县城东污水处理厂提标改造工程",
        "恒信商业综合体建设项目",
        "安和县第二实验小学扩建工程",
    ],
    "property_location": ["安和县城关街道幸福小区3号楼2单元501室", "安和县河东镇新民街12号"],
    "matter_description": ["按办事指南要求提交申请。", "材料已备齐，申请办理。"],
}


def _situation_answers(plan: Any, applicant: Any) -> dict[str, str]:
    """情形 answers without drawing from the random stream (the history stays as it was):
    a company answers 企业 where asked, everyone else the first choice."""
    answers = {}
    for q in plan.questions:
        codes = [c for c, _label in q.choices]
        answers[q.code] = "org" if applicant.kind == "organisation" and "org" in codes else codes[0]
    return answers


def _fill_form(plan: VersionPlan, applicant: Applicant) -> dict[str, Any]:
    """The item's form filled in as an applicant would: every required field, some optional ones.

    Its own generator, seeded by applicant and item, leaves the story's random stream (and so
    the mix of outcomes) as it was."""
    rng = random.Random(f"form:{applicant.pk}:{plan.item_id}")
    form: dict[str, Any] = {}
    for f in plan.form_fields:
        if not f.required and rng.random() < 0.4:
            continue
        if f.key == "applicant_name":
            form[f.key] = applicant.name
        elif f.key == "contact_phone":
            form[f.key] = applicant.mobile or "0543-5388000"
        elif f.kind == "number":
            form[f.key] = rng.choice([60, 85, 120, 300, 1200, 4500])
        elif f.kind == "date":
            form[f.key] = clock.today().isoformat()
        elif f.kind == "boolean":
            form[f.key] = rng.random() < 0.5
        elif f.kind == "choice" and f.choices:
            form[f.key] = rng.choice(f.choices)
        else:
            form[f.key] = rng.choice(_FORM_TEXT.get(f.key, ["见申请材料。"]))
    return form
