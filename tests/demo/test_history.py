"""The demo case history: ten working days of the demo hall played through the services.

The county is built once for the module (without the history step) inside a transaction
that is rolled back afterwards; the history is loaded in a savepoint, rolled back and
loaded again to prove it is deterministic, then loaded a third time to prove that a
second run changes nothing.
"""

import datetime as dt
import io

import pytest
from django.db import transaction
from django.db.models import F

from onewindow.cases.chain import chain_verify_all
from onewindow.cases.models import Application, Case, CaseEvent, CaseTask, Extension, Suspension
from onewindow.cases.plans import version_plan_cache_clear
from onewindow.catalog.models import CaseKind
from onewindow.core import calendar
from onewindow.demo.county_data import HALL_CODE
from onewindow.demo.history import EXPECTED_STATES, load_history
from onewindow.demo.steps import load_demo
from onewindow.org.models import ServiceCenter

TODAY = dt.date(2026, 11, 20)  # a Friday
CUT = dt.datetime(2026, 11, 20, 16, 30, tzinfo=calendar.TZ)
COUNTY_STEPS = ["regions", "centers", "staff", "applicants", "catalog"]


def fingerprint() -> list[tuple]:
    """What a run produced, without row ids (PostgreSQL does not give back rolled-back ids,
    and event hashes cover task ids)."""
    return list(
        Case.objects.order_by("number").values_list(
            "number", "state", "deadline", "event_count", "accepted_by_id", "decided_by_id", "updated_at"
        )
    )


def row_counts() -> dict[str, int]:
    models = (Application, Case, CaseEvent, CaseTask, Suspension, Extension)
    return {m._meta.label: m.objects.count() for m in models}


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        version_plan_cache_clear()
        load_demo(only=COUNTY_STEPS)
        hall = ServiceCenter.objects.get(code=HALL_CODE)
        with transaction.atomic():
            load_history(center=hall, today=TODAY, days=10)
            first = fingerprint()
            transaction.set_rollback(True)
        out = io.StringIO()
        report = load_history(center=hall, today=TODAY, days=10, stdout=out)
        counts = row_counts()
        again_out = io.StringIO()
        again = load_history(center=hall, today=TODAY, days=10, stdout=again_out)
        yield {
            "report": report,
            "out": out.getvalue(),
            "first": first,
            "second": fingerprint(),
            "counts": counts,
            "again": again,
            "again_out": again_out.getvalue(),
            "counts_again": row_counts(),
        }
        transaction.set_rollback(True)
    version_plan_cache_clear()


@pytest.fixture
def hall(history, db):
    return ServiceCenter.objects.get(code=HALL_CODE)


def test_every_state_occurs(history, hall):
    states = set(Case.objects.filter(center=hall).values_list("state", flat=True))
    assert set(EXPECTED_STATES) <= states, set(EXPECTED_STATES) - states
    assert history["report"].errors == []


def test_the_last_days_leave_open_cases_with_open_tasks(history, hall):
    in_progress = Case.objects.filter(center=hall, state="in_progress")
    assert CaseTask.objects.filter(case__in=in_progress, state__in=["open", "claimed"]).exists()
    assert Case.objects.filter(center=hall, state="completed", delivered_at__isnull=True).exists()
    assert Suspension.objects.filter(case__center=hall, ended_at__isnull=True).exists()


def test_every_channel_and_the_rare_outcomes_occur(history, hall):
    channels = set(Application.objects.filter(center=hall).values_list("channel", flat=True))
    assert channels == {"window", "portal", "proxy"}
    assert Extension.objects.filter(case__center=hall).exists()
    assert Suspension.objects.filter(case__center=hall, ended_at__isnull=False).exists()
    assert Case.objects.filter(center=hall, decision="denied").exists()
    assert CaseEvent.objects.filter(case__center=hall, action="supplement").exists()
    assert CaseEvent.objects.filter(case__center=hall, action="accept_with_pending").exists()
    assert CaseEvent.objects.filter(case__center=hall, action="materials_received").exists()
    late = Case.objects.filter(center=hall, completed_at__gt=F("deadline"))
    overdue = Case.objects.filter(
        center=hall, state__in=["accepted", "in_progress", "suspended", "decided"], deadline__lt=CUT
    )
    assert late.exists() or overdue.exists()


def test_the_mix_is_what_halls_report(history, hall):
    cases = Case.objects.filter(center=hall)
    total = cases.count()
    assert 400 <= total <= 750  # about 50 a working day over 10 days
    immediate = cases.filter(kind=CaseKind.IMMEDIATE).count()
    assert 0.65 <= immediate / total <= 0.85
    done = cases.filter(completed_at__isnull=False)
    quick = sum(
        1
        for accepted, completed in done.values_list("accepted_at", "completed_at")
        if calendar.working_days_between(
            accepted.astimezone(calendar.TZ).date(), completed.astimezone(calendar.TZ).date()
        )
        <= 3
    )
    assert quick / done.count() >= 0.85
    # Nothing happened after the cut, and no clock went backwards within a case.
    assert not CaseEvent.objects.filter(case__center=hall, at__gt=CUT).exists()


def test_acceptance_and_decision_are_separated(history, hall):
    decided = Case.objects.filter(center=hall, decided_by__isnull=False).exclude(kind=CaseKind.IMMEDIATE)
    assert decided.exists()
    assert not decided.filter(decided_by=F("accepted_by")).exists()


def test_every_chain_verifies(history, hall):
    assert list(chain_verify_all(center_code=HALL_CODE)) == []


def test_it_is_deterministic(history):
    assert history["first"] == history["second"]


def test_a_second_run_changes_nothing(history):
    assert history["again"].skipped
    assert history["counts_again"] == history["counts"]
    assert "跳过" in history["again_out"]
    assert "办件" in history["out"]
