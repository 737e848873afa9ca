"""The engine under random sequences of actions by random actors (hypothesis.stateful).

A small catalog (a promised item with a joint stage then a decision stage, an immediate
item, an item with a tolerable material) and a cast of actors: intake clerks, approvers of
the right and the wrong departments, a chief representative, a center administrator, a
pickup clerk, staff of another center and the applicant. Every rule calls a service; a
`CaseError` is an allowed outcome, anything else is a bug. After every step:

* each case's state is the `to_state` of its last event; `event_count` equals the number
  of events and their seqs are 1..n; `chain_verify` finds nothing;
* a deadline never moves earlier, and changes only with an event that records why
  (accept, accept_with_pending, resume, extend) appended in that step;
* the clerk who accepted a case never decided it (except a 即办 case, which the window
  decides at acceptance by design: docs/cases.md);
* a refused action changed no row (every table the engine writes is compared).

Each example runs inside a savepoint rolled back in `teardown`, over one catalog built
once for the test; the clock is frozen and moved forward by a rule, so deadlines are
deterministic. `derandomize=True` keeps the run the same on every machine.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from onewindow.cases import services
from onewindow.cases.chain import chain_verify
from onewindow.cases.errors import CaseError
from onewindow.cases.models import (
    Application,
    ApplicationMaterial,
    Case,
    CaseEvent,
    CaseMaterial,
    CaseTask,
    Extension,
    Suspension,
)
from onewindow.catalog.models import CaseKind
from onewindow.core import clock
from onewindow.core.models import Counter as NumberCounter
from onewindow.org.models import Role, Staff
from tests.factories.cases import item_with_procedure
from tests.factories.org import ApplicantFactory, DepartmentFactory, ServiceCenterFactory, StaffFactory

TZ = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=TZ)  # a Monday
MAX_APPLICATIONS = 5
DEADLINE_ACTIONS = {"accept", "accept_with_pending", "resume", "extend"}
# The states a case passes through on its way to closing, in order (exits are not on it).
HAPPY_PATH = (
    "prereview",
    "pending_supplement",
    "submitted",
    "accepted",
    "in_progress",
    "suspended",
    "decided",
    "completed",
    "delivered",
    "closed",
)
SEEN: Counter[str] = Counter()  # actions that succeeded, over the whole run
REFUSED: Counter[tuple[str, str]] = Counter()  # (action, error code) refused, over the whole run


def _load(staff: Staff) -> Staff:
    staff = Staff.objects.select_related("user").get(pk=staff.pk)
    services.staff_roles(staff)
    return staff


def _reset_factory_sequences() -> None:
    """Start every factory's sequence afresh, so the cast's codes and names (and the order they
    sort in) are the same whichever tests ran before in this process: the derandomized run
    then takes the same path every time, alone or after the rest of the suite."""
    import factory

    from tests.factories import cases, catalog, org

    for module in (cases, catalog, org):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, factory.Factory)
                and value is not factory.Factory
            ):
                value.reset_sequence(force=True)


def build_cast() -> dict:
    _reset_factory_sequences()
    center = ServiceCenterFactory()
    other_center = ServiceCenterFactory()
    dept_a = DepartmentFactory(center=center)
    dept_b = DepartmentFactory(center=center)
    dept_c = DepartmentFactory(center=center)
    other_dept = DepartmentFactory(center=other_center)
    promised, _ = item_with_procedure(
        center=center,
        department=dept_a,
        stages=[[dept_a, dept_b], [dept_a]],
        materials=[{"code": "id_card", "name": "身份证明"}, {"code": "form", "name": "申请表"}],
        promised=5,
        legal=20,
    )
    immediate, _ = item_with_procedure(
        center=center,
        department=dept_a,
        case_kind=CaseKind.IMMEDIATE,
        materials=[{"code": "id_card", "name": "身份证明"}],
    )
    tolerant, _ = item_with_procedure(
        center=center,
        department=dept_b,
        materials=[
            {"code": "id_card", "name": "身份证明"},
            {"code": "proof", "name": "证明材料", "tolerable": True, "tolerance_days": 3},
        ],
        promised=3,
        legal=10,
    )
    make = StaffFactory
    cast = {
        "clerk": make(center=center, roles=[Role.INTAKE_CLERK]),
        "clerk2": make(center=center, roles=[Role.INTAKE_CLERK]),
        "approver_a": make(center=center, department=dept_a, roles=[Role.APPROVER]),
        "approver_a2": make(center=center, department=dept_a, roles=[Role.APPROVER]),
        "approver_b": make(center=center, department=dept_b, roles=[Role.APPROVER]),
        "approver_c": make(center=center, department=dept_c, roles=[Role.APPROVER]),
        "chief_a": make(center=center, department=dept_a, roles=[Role.CHIEF_REPRESENTATIVE]),
        "admin": make(center=center, roles=[Role.CENTER_ADMIN]),
        "pickup": make(center=center, roles=[Role.PICKUP_CLERK]),
        "other_clerk": make(center=other_center, roles=[Role.INTAKE_CLERK]),
        "other_approver": make(center=other_center, department=other_dept, roles=[Role.APPROVER]),
    }
    staff = {name: _load(s) for name, s in cast.items()}
    return {
        "center": center,
        "items": {"promised": promised, "immediate": immediate, "tolerant": tolerant},
        "staff": staff,
        "applicant": ApplicantFactory(),
        "stranger": ApplicantFactory(),
    }


def snapshot(center_id: int) -> dict:
    """Every row the engine writes for the center's applications (and the number counters), as plain values."""
    cases = Case.objects.filter(center_id=center_id)
    return {
        "applications": list(Application.objects.filter(center_id=center_id).order_by("pk").values()),
        "materials": list(
            ApplicationMaterial.objects.filter(application__center_id=center_id).order_by("pk").values()
        ),
        "cases": list(cases.order_by("pk").values()),
        "tasks": list(CaseTask.objects.filter(case__in=cases).order_by("pk").values()),
        "events": list(CaseEvent.objects.filter(case__in=cases).order_by("pk").values("pk", "hash")),
        "suspensions": list(Suspension.objects.filter(case__in=cases).order_by("pk").values()),
        "extensions": list(Extension.objects.filter(case__in=cases).order_by("pk").values()),
        "case_materials": list(CaseMaterial.objects.filter(case__in=cases).order_by("pk").values()),
        "counters": list(NumberCounter.objects.order_by("pk").values()),
    }


class CaseMachine(RuleBasedStateMachine):
    cast: dict = {}

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        c = self.cast
        self.center = c["center"]
        self.items = c["items"]
        self.staff = c["staff"]
        self.applicant = c["applicant"]
        self.actors = [*self.staff.values(), self.applicant, c["stranger"]]
        self.now = START
        self.applications: list[Application] = []
        self.heads: dict[int, tuple] = {}  # case id -> (deadline, legal_deadline, event_count)

    # ------------------------------------------------------------------ helpers

    def _cases(self) -> list[Case]:
        return list(Case.objects.filter(center=self.center).order_by("pk"))

    def _actor(self, data, *likely: str):
        """Mostly someone who may well be allowed, otherwise anyone at all."""
        pool = [self.applicant if n == "applicant" else self.staff[n] for n in likely]
        if pool and data.draw(st.integers(0, 3), label="likely actor") > 0:
            return data.draw(st.sampled_from(pool), label="actor")
        return data.draw(st.sampled_from(self.actors), label="actor")

    def _attempt(self, action: str, fn, **kwargs) -> bool:
        before = snapshot(self.center.pk)
        with clock.frozen(self.now):
            try:
                fn(**kwargs)
            except CaseError as exc:
                assert exc.code, exc
                REFUSED[action, exc.code] += 1
                after = snapshot(self.center.pk)
                assert after == before, f"{action} was refused ({exc.code}) but rows changed"
                return False
        SEEN[action] += 1
        return True

    def _pick_case(self, data, states: tuple[str, ...] | None = None) -> Case | None:
        """Mostly a case in one of `states` (driving one there along the happy path when none
        is), otherwise any case, so actions are tried in fitting and unfitting states alike."""
        cases = self._cases()
        if not cases:
            return None
        if states and data.draw(st.integers(0, 3), label="fitting case") > 0:
            fitting = [c for c in cases if c.state in states]
            if not fitting:
                # Drive a case that can still get there along the happy path, if there is one.
                target = min(HAPPY_PATH.index(s) for s in states if s in HAPPY_PATH)
                behind = [c for c in cases if c.state in HAPPY_PATH and HAPPY_PATH.index(c.state) < target]
                if not behind and "submitted" in states and len(self.applications) < MAX_APPLICATIONS:
                    return self._new_submitted()
                case = data.draw(st.sampled_from(behind or cases), label="case to drive")
                self._bring(case, states)
                fitting = [case] if case.state in states else []
            if fitting:
                return data.draw(st.sampled_from(fitting), label="case")
        return data.draw(st.sampled_from(cases), label="case")

    def _new_submitted(self) -> Case:
        """A new window application with everything handed in, waiting for intake."""
        with clock.frozen(self.now):
            application = services.application_create(
                center=self.center,
                applicant=self.applicant,
                items=[self.items["promised"]],
                materials=["id_card", "form"],
                actor=self.staff["clerk"],
            )
        SEEN["create"] += 1
        self.applications.append(application)
        return application.cases.get()

    def _bring(self, case: Case, states: tuple[str, ...], limit: int = 10) -> None:
        for _ in range(limit):
            if case.state in states:
                return
            mark = case.event_count
            self._advance(case)
            case.refresh_from_db()
            if case.event_count == mark:
                return

    def _pick_task(self, data) -> CaseTask | None:
        tasks = list(CaseTask.objects.filter(case__center=self.center).order_by("pk"))
        if data.draw(st.integers(0, 3), label="live task") > 0:
            live = [t for t in tasks if t.state in ("open", "claimed")]
            if not live and (case := self._pick_case(data, ("in_progress",))) is not None:
                live = list(CaseTask.objects.filter(case=case, state__in=["open", "claimed"]).order_by("pk"))
            if live:
                return data.draw(st.sampled_from(live), label="task")
        return data.draw(st.sampled_from(tasks), label="task") if tasks else None

    def _task_people(self, task: CaseTask) -> list[str]:
        """Staff of the task's department (and the chief representative, who may act for any)."""
        names = [n for n, s in self.staff.items() if s.department_id == task.department_id]
        return [*names, "chief_a", "approver_c"]

    def _pick_application(self, data) -> Application | None:
        if not self.applications:
            return None
        return data.draw(st.sampled_from(self.applications), label="application")

    # ------------------------------------------------------------------ rules: intake

    @initialize(
        items=st.lists(st.sampled_from(["promised", "immediate", "tolerant"]), min_size=1, max_size=3),
        online=st.booleans(),
    )
    def open_the_hall(self, items, online):
        """Start every example with a few applications handed in complete at the window (or online)."""
        for item in items:
            version = self.items[item].versions.get(status="published")
            with clock.frozen(self.now):
                self.applications.append(
                    services.application_create(
                        center=self.center,
                        applicant=self.applicant,
                        items=[self.items[item]],
                        channel="portal" if online else "window",
                        materials=[m.code for m in version.materials.all()],
                        actor=self.staff["clerk"],
                        state="prereview" if online else "submitted",
                    )
                )

    @precondition(lambda self: len(self.applications) < MAX_APPLICATIONS)
    @rule(
        data=st.data(),
        item=st.sampled_from(["promised", "immediate", "tolerant"]),
        handed=st.sampled_from(["all", "none", "id_card"]),
        online=st.booleans(),
    )
    def create_application(self, data, item, handed, online):
        version = self.items[item].versions.get(status="published")
        codes = [m.code for m in version.materials.all()]
        materials = codes if handed == "all" else [c for c in codes if c == handed]
        actor = self._actor(data, "clerk", "clerk2", "applicant")
        before = snapshot(self.center.pk)
        with clock.frozen(self.now):
            try:
                application = services.application_create(
                    center=self.center,
                    applicant=self.applicant,
                    items=[self.items[item]],
                    channel="portal" if online else "window",
                    materials=materials,
                    actor=actor,
                    state="prereview" if online else "submitted",
                )
            except CaseError as exc:
                assert snapshot(self.center.pk) == before, f"create refused ({exc.code}) but rows changed"
                return
        SEEN["create"] += 1
        self.applications.append(application)

    @rule(data=st.data())
    def prereview_pass(self, data):
        if application := self._pick_application(data):
            clerk = self._actor(data, "clerk")
            self._attempt(
                "prereview_pass", services.application_prereview_pass, application=application, actor=clerk
            )

    @rule(data=st.data())
    def prereview_return(self, data):
        if not data.draw(st.booleans(), label="try an exit"):
            return  # exits end a case: try them half of the time
        if application := self._pick_application(data):
            clerk = self._actor(data, "clerk")
            self._attempt(
                "prereview_return",
                services.application_prereview_return,
                application=application,
                actor=clerk,
                reasons="材料不清晰",
            )

    @rule(data=st.data())
    def intake(self, data):
        if application := self._pick_application(data):
            clerk = self._actor(data, "clerk", "clerk2")
            self._attempt("intake", services.application_intake, application=application, actor=clerk)

    @rule(data=st.data(), codes=st.sampled_from([["id_card", "form"], ["form"], ["id_card"], ["proof"]]))
    def supplement(self, data, codes):
        if application := self._pick_application(data):
            actor = self._actor(data, "clerk", "applicant")
            self._attempt(
                "supplement",
                services.application_supplement,
                application=application,
                materials=codes,
                actor=actor,
            )

    @rule(data=st.data())
    def materials_received(self, data):
        if application := self._pick_application(data):
            clerk = self._actor(data, "clerk")
            self._attempt(
                "materials_received",
                services.application_materials_received,
                application=application,
                materials=["proof"],
                actor=clerk,
            )

    @rule(data=st.data())
    def refuse(self, data):
        if case := self._pick_case(data, ("submitted", "pending_supplement", "prereview")):
            clerk = self._actor(data, "clerk", "chief_a")
            self._attempt(
                "refuse",
                services.case_refuse,
                case=case,
                actor=clerk,
                reasons="不属于受理范围",
                legal_basis="《条例》",
            )

    # ------------------------------------------------------------------ rules: back office

    @rule(data=st.data())
    def route(self, data):
        if case := self._pick_case(data, ("accepted",)):
            self._attempt(
                "route", services.case_route, case=case, actor=self._actor(data, "clerk", "chief_a")
            )

    @rule(data=st.data())
    def claim(self, data):
        if task := self._pick_task(data):
            actor = self._actor(data, *self._task_people(task))
            self._attempt("task_claim", services.task_claim, task=task, actor=actor)

    @rule(data=st.data(), outcome=st.sampled_from(["approve", "approve", "approve", "reject"]))
    def complete_task(self, data, outcome):
        if task := self._pick_task(data):
            actor = self._actor(data, *self._task_people(task))
            self._attempt(
                "task_complete",
                services.task_complete,
                task=task,
                actor=actor,
                opinion="意见",
                outcome=outcome,
            )

    @rule(data=st.data(), to_stage=st.integers(0, 3))
    def send_back(self, data, to_stage):
        if case := self._pick_case(data, ("in_progress",)):
            actor = self._actor(data, "approver_a", "chief_a")
            self._attempt(
                "send_back",
                services.case_send_back,
                case=case,
                actor=actor,
                to_stage=to_stage,
                opinion="重新审查",
            )

    @rule(data=st.data(), days=st.integers(0, 6))
    def suspend(self, data, days):
        if case := self._pick_case(data, ("in_progress",)):
            actor = self._actor(data, "approver_a", "approver_b", "chief_a", "admin")
            self._attempt(
                "suspend",
                services.case_suspend,
                case=case,
                actor=actor,
                reason="expert_review",
                expected_end=self.now.date() + dt.timedelta(days=days),
            )

    @rule(data=st.data())
    def resume(self, data):
        if case := self._pick_case(data, ("suspended",)):
            actor = self._actor(data, "approver_a", "approver_b", "chief_a", "admin")
            self._attempt("resume", services.case_resume, case=case, actor=actor)

    @rule(data=st.data(), days=st.one_of(st.integers(1, 3), st.just(0)))
    def extend(self, data, days):
        if case := self._pick_case(data, ("accepted", "in_progress", "suspended")):
            # The center admin first: hypothesis favours the first choice, and the admin may
            # extend any case of the center, the chief only those of department A.
            actor = self._actor(data, "admin", "chief_a")
            self._attempt(
                "extend", services.case_extend, case=case, actor=actor, days=days, reason="情况复杂"
            )

    @rule(data=st.data(), decision=st.sampled_from(["granted", "granted", "denied"]))
    def decide(self, data, decision):
        if case := self._pick_case(data, ("in_progress",)):
            actor = self._actor(data, "approver_a", "approver_a2", "chief_a", "clerk")
            self._attempt(
                "decide",
                services.case_decide,
                case=case,
                actor=actor,
                decision=decision,
                reasons="不符合条件",
                legal_basis="《条例》第十条",
            )

    @rule(data=st.data())
    def complete(self, data):
        if case := self._pick_case(data, ("decided",)):
            actor = self._actor(data, "approver_a", "approver_b", "chief_a")
            self._attempt("complete", services.case_complete, case=case, actor=actor)

    @rule(data=st.data())
    def deliver(self, data):
        if case := self._pick_case(data, ("completed",)):
            actor = self._actor(data, "pickup", "clerk")
            self._attempt(
                "deliver", services.case_deliver, case=case, actor=actor, method="pickup", signed_by="张三"
            )

    @rule(data=st.data())
    def close(self, data):
        if case := self._pick_case(data, ("delivered",)):
            self._attempt("close", services.case_close, case=case, actor=self._actor(data, "pickup", "admin"))

    @rule(data=st.data())
    def withdraw(self, data):
        if not data.draw(st.booleans(), label="try an exit"):
            return  # exits end a case: try them half of the time
        if case := self._pick_case(data):
            actor = self._actor(data, "applicant", "clerk")
            self._attempt("withdraw", services.case_withdraw, case=case, actor=actor, reason="不再需要")

    @rule(data=st.data())
    def give_back(self, data):
        if not data.draw(st.booleans(), label="try an exit"):
            return  # exits end a case: try them half of the time
        if case := self._pick_case(data):
            actor = self._actor(data, "clerk", "chief_a", "admin")
            self._attempt("return", services.case_return, case=case, actor=actor, reasons="申请人要求退回")

    @rule(data=st.data(), steps=st.integers(1, 4))
    def progress(self, data, steps):
        """The next steps of the happy path with the right actors, so deep states are reached."""
        case = self._pick_case(data)
        for _ in range(steps if case else 0):
            case.refresh_from_db()
            self._advance(case)

    def _advance(self, case: Case) -> None:
        s = self.staff
        if case.state == "submitted":
            self._attempt(
                "intake", services.application_intake, application=case.application, actor=s["clerk"]
            )
        elif case.state == "prereview":
            self._attempt(
                "prereview_pass",
                services.application_prereview_pass,
                application=case.application,
                actor=s["clerk"],
            )
        elif case.state == "pending_supplement":
            codes = list(case.materials.values_list("requirement__code", flat=True))
            self._attempt(
                "supplement",
                services.application_supplement,
                application=case.application,
                materials=codes,
                actor=s["clerk"],
            )
        elif case.state == "accepted":
            self._attempt("route", services.case_route, case=case, actor=s["clerk"])
        elif case.state == "in_progress" and case.open_tasks:
            task = CaseTask.objects.filter(case=case, state__in=["open", "claimed"]).order_by("pk").first()
            actor = (
                task.assignee
                if task.assignee_id
                else {a.department_id: a for a in self._approvers()}.get(task.department_id)
            )
            self._attempt("task_complete", services.task_complete, task=task, actor=actor, opinion="同意")
        elif case.state == "in_progress":
            decider = (
                s["approver_a2"] if case.department_id == s["approver_a2"].department_id else s["approver_b"]
            )
            self._attempt("decide", services.case_decide, case=case, actor=decider, decision="granted")
        elif case.state == "suspended":
            self._attempt("resume", services.case_resume, case=case, actor=s["chief_a"])
        elif case.state == "decided":
            self._attempt("complete", services.case_complete, case=case, actor=s["chief_a"])
        elif case.state == "completed":
            self._attempt(
                "deliver",
                services.case_deliver,
                case=case,
                actor=s["pickup"],
                method="pickup",
                signed_by="张三",
            )

    def _approvers(self) -> list[Staff]:
        return [self.staff["approver_b"], self.staff["approver_a"]]

    @rule(hours=st.sampled_from([1, 4, 24, 72]))
    def advance_clock(self, hours):
        self.now += dt.timedelta(hours=hours)

    # ------------------------------------------------------------------ invariants

    @invariant()
    def cases_events_deadlines_and_duties_agree(self):
        """One read of the cases and their events per step; the chain re-walked where it grew."""
        cases = self._cases()
        events: dict[int, list[tuple[int, str, str]]] = {}
        for case_id, seq, to_state, action in (
            CaseEvent.objects.filter(case__center=self.center)
            .order_by("case_id", "seq")
            .values_list("case_id", "seq", "to_state", "action")
        ):
            events.setdefault(case_id, []).append((seq, to_state, action))
        for case in cases:
            mine = events.get(case.pk, [])
            # The head agrees with the events: seqs 1..n, the count, the state of the last one.
            assert [seq for seq, _, _ in mine] == list(range(1, len(mine) + 1)), case.number
            assert case.event_count == len(mine), case.number
            if mine:
                assert case.state == mine[-1][1], case.number
            head = (case.deadline, case.legal_deadline, case.event_count, case.last_event_hash)
            previous = self.heads.get(case.pk)
            self.heads[case.pk] = head
            if previous is None or previous[2:] != head[2:]:
                assert chain_verify(case) == [], case.number
            # Deadlines move only forward, and only with an event that records why.
            if previous is not None and head[:2] != previous[:2]:
                for old, new in zip(previous[:2], head[:2], strict=True):
                    if old is not None:
                        assert new is not None and new >= old, f"{case.number}: deadline {old} -> {new}"
                actions = {action for seq, _, action in mine if seq > previous[2]}
                assert actions & DEADLINE_ACTIONS, (
                    f"{case.number}: deadline moved with {actions or 'no event'}"
                )
            # Separation of duties (a 即办 case is accepted and decided at the window by design).
            if case.decided_by_id is not None and case.kind != CaseKind.IMMEDIATE:
                assert case.decided_by_id != case.accepted_by_id, case.number

    def teardown(self) -> None:
        try:
            for case in self._cases():
                assert chain_verify(case) == [], case.number
        finally:
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)


@pytest.mark.django_db
def test_random_action_sequences_keep_the_engine_invariants():
    SEEN.clear()
    REFUSED.clear()
    CaseMachine.cast = build_cast()
    run_state_machine_as_test(
        CaseMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    # The machine must actually reach the deep states, or the invariants prove little.
    wanted = ("intake", "route", "task_complete", "decide", "complete", "deliver", "close")
    for action in (*wanted, "withdraw", "refuse", "extend"):
        refused = {code: n for (a, code), n in REFUSED.items() if a == action}
        assert SEEN[action] > 0, (
            f"no successful {action} in the whole run: {dict(SEEN)}; {action} refused: {refused}"
        )
    codes = {code for _action, code in REFUSED}
    assert {"TRANSITION_NOT_ALLOWED", "ROLE_NOT_ALLOWED", "OUT_OF_SCOPE"} <= codes, codes
