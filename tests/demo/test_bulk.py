"""The bulk case generator (demo.bulk): 1,000 cases cloned from a short demo history.

The county and ten working days of history are built once for the module inside a
transaction rolled back afterwards; the generator then writes 1,000 cases in chunks of 300
(so several chunks and several checkpoints), and the trail verifier, the counters and the
workbench pages are asked about them.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import translation

from onewindow.cases.chain import chain_verify_all
from onewindow.cases.models import Application, Case, CaseEvent, CaseState, CaseTask
from onewindow.cases.plans import version_plan_cache_clear
from onewindow.demo import bulk
from onewindow.demo.county import DEMO_PASSWORD
from onewindow.demo.county_data import HALL_CODE
from onewindow.demo.history import EXPECTED_STATES, load_history
from onewindow.demo.steps import load_demo
from onewindow.org.models import ServiceCenter
from onewindow.trail import keys
from onewindow.trail.verify import trail_verify

TODAY = dt.date(2026, 11, 20)
COUNTY_STEPS = ["regions", "centers", "staff", "applicants", "catalog"]
COUNT = 1000


@pytest.fixture(scope="module")
def trail_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("trail")


def _trail_settings(settings, trail_dir):
    settings.TRAIL_SIGNING_KEY = trail_dir / "signing-key.pem"
    settings.TRAIL_PUBLIC_KEY = trail_dir / "signing-key.pem.pub"
    settings.TRAIL_CHECKPOINT_FILE = trail_dir / "checkpoints.jsonl"


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker, trail_dir):
    from django.test.utils import override_settings

    with (
        override_settings(
            TRAIL_SIGNING_KEY=trail_dir / "signing-key.pem",
            TRAIL_PUBLIC_KEY=trail_dir / "signing-key.pem.pub",
            TRAIL_CHECKPOINT_FILE=trail_dir / "checkpoints.jsonl",
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        version_plan_cache_clear()
        load_demo(only=COUNTY_STEPS)
        hall = ServiceCenter.objects.get(code=HALL_CODE)
        load_history(center=hall, today=TODAY, days=10)
        keys.keygen()
        before = {
            "cases": Case.objects.count(),
            "states": set(Case.objects.values_list("state", flat=True)),
            "max_id": Case.objects.order_by("-pk").values_list("pk", flat=True).first(),
        }
        # Checkpoint the history first, as the worker would have: the generator then adds to the log.
        from onewindow.trail.services import checkpoint_create, checkpoint_export

        checkpoint_create()
        checkpoint_export()
        report = bulk.generate(count=COUNT, chunk=300)
        yield {"before": before, "report": report}
        transaction.set_rollback(True)
    version_plan_cache_clear()


@pytest.fixture
def trail(generated, settings, trail_dir):
    _trail_settings(settings, trail_dir)


def test_it_writes_exactly_the_count_in_every_state(generated, db):
    before, report = generated["before"], generated["report"]
    assert report.cases == COUNT
    assert Case.objects.count() == before["cases"] + COUNT
    made = Case.objects.filter(pk__gt=before["max_id"])
    assert made.count() == COUNT
    states = dict(report.states)
    assert sum(states.values()) == COUNT
    assert set(EXPECTED_STATES) <= set(states), set(EXPECTED_STATES) - set(states)
    stored = {}
    for state in made.values_list("state", flat=True):
        stored[state] = stored.get(state, 0) + 1
    assert stored == states
    # Most of a year's cases have ended; the open ones are the recent few percent.
    open_share = made.exclude(state__in=bulk.ENDED).count() / COUNT
    assert 0.01 <= open_share <= 0.10
    assert report.checkpoints >= 4  # one or more per chunk


def test_every_chain_and_the_signed_log_verify(generated, trail):
    assert list(chain_verify_all()) == []
    with translation.override("en"):
        findings, report = trail_verify()
    assert [(f.subject, f.problem) for f in findings] == []
    assert report.log_size == CaseEvent.objects.count()
    assert report.not_exported == 0


def test_numbers_follow_the_engine_and_intake_goes_on(generated, db):
    before = generated["before"]
    made = Case.objects.filter(pk__gt=before["max_id"]).select_related("application")
    numbers = list(made.values_list("number", flat=True))
    assert len(set(numbers)) == COUNT
    assert all(n.startswith(f"{HALL_CODE}-") for n in numbers)
    assert len(set(made.values_list("query_code", flat=True))) > COUNT * 0.99
    case = made.first()
    ymd = case.created_at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y%m%d")
    assert case.number.split("-")[1] == ymd and case.application.number.startswith(f"SQ{ymd}")
    # The first event names the clone's own application; the row's deadline is its events'.
    first = CaseEvent.objects.filter(case=case).order_by("seq").first()
    assert first.data.get("application") in (case.application.number, None)
    # Clones spread over a year back, never after the templates' last day.
    newest = Case.objects.filter(pk__lte=before["max_id"]).order_by("-created_at").first().created_at
    oldest = made.order_by("created_at").first().created_at
    assert made.filter(created_at__gt=newest).count() == 0
    assert (newest - oldest).days > 150


def test_open_clones_have_their_tasks_and_deadlines(generated, db):
    before = generated["before"]
    made = Case.objects.filter(pk__gt=before["max_id"])
    progressing = made.filter(state=CaseState.IN_PROGRESS)
    assert progressing.exists()
    assert CaseTask.objects.filter(case__in=progressing, state__in=["open", "claimed"]).exists()
    assert not made.filter(state__in=["accepted", "in_progress", "suspended"], deadline__isnull=True).exists()
    assert Application.objects.filter(cases__in=made).distinct().count() == generated["report"].applications


def test_the_workbench_opens_them(generated, client, django_assert_max_num_queries):
    from tests.workbench.helpers import text

    before = generated["before"]
    response = client.post("/workbench/login/", {"username": "ahx_sup1", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get("/workbench/cases/", {"state": "delivered"})
    assert page.status_code == 200
    newest = Case.objects.filter(state="delivered").order_by("-created_at", "-id").first()
    assert newest.number in text(page)
    made = Case.objects.filter(pk__gt=before["max_id"]).order_by("pk")
    for case in (made.first(), made.filter(state=CaseState.IN_PROGRESS).first(), made.last()):
        page = client.get(f"/workbench/cases/{case.number}/")
        assert page.status_code == 200, case.number
        assert case.number in text(page)
    # An approver's inbox lists a generated open task of their department.
    task = (
        CaseTask.objects.filter(case__in=made, state="open", case__state="in_progress")
        .select_related("department")
        .first()
    )
    approver = (
        task.department.staff.filter(user__groups__name="approver", user__is_active=True)
        .select_related("user")
        .first()
        if task
        else None
    )
    if approver is not None:
        client.post("/workbench/logout/")
        assert (
            client.post(
                "/workbench/login/", {"username": approver.user.username, "password": DEMO_PASSWORD}
            ).status_code
            == 302
        )
        with django_assert_max_num_queries(20):
            inbox = client.get("/workbench/inbox/")
        assert inbox.status_code == 200
