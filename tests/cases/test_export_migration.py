"""Cases migration 0012 moves every CaseExport to a core.Job (case_export) before dropping the
model: requester, center, filters, state, times and a finished export's file survive, so the
file stays downloadable by its requester only; and the migration reverses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cases", "0011_tolerance_commitment"), ("core", "0005_job_kind_case_export")]
AFTER = [("cases", "0012_case_export_as_job")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_exports_become_jobs_and_back(exports_dir):
    from tests.factories.cases import make_world

    world = make_world()
    old = migrate(BEFORE)
    CaseExport = old.get_model("cases", "CaseExport")
    at = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
    (exports_dir / "kept.xlsx").parent.mkdir(parents=True, exist_ok=True)
    (exports_dir / "kept.xlsx").write_bytes(b"PK\x03\x04 sheet")
    done = CaseExport.objects.create(
        requested_by_id=world.clerk.pk,
        filters={"state": "accepted"},
        state="done",
        rows=7,
        truncated=True,
        file_name="kept.xlsx",
        created_at=at,
        started_at=at,
        finished_at=at + dt.timedelta(seconds=3),
    )
    CaseExport.objects.create(requested_by_id=world.clerk.pk, filters={}, state="queued", created_at=at)
    CaseExport.objects.create(
        requested_by_id=world.clerk.pk,
        filters={},
        state="failed",
        error="boom",
        created_at=at,
        finished_at=at,
    )

    new = migrate(AFTER)
    Job = new.get_model("core", "Job")
    jobs = {j.params["legacy_export"]: j for j in Job.objects.filter(kind="case_export")}
    assert len(jobs) == 3
    job = jobs[done.pk]
    assert job.created_by_id == world.clerk.user_id and job.center_id == world.center.pk
    assert job.params["filters"] == {"state": "accepted"} and job.params["staff"] == world.clerk.pk
    assert job.state == "done" and job.report == {"rows": 7, "truncated": True, "file": "kept.xlsx"}
    assert job.created_at == at and job.finished_at == at + dt.timedelta(seconds=3)
    assert sorted(j.state for j in jobs.values()) == ["done", "failed", "queued"]

    # The migrated export is the requester's, through the live code (services and selectors).
    from onewindow.cases import services
    from onewindow.cases.selectors import case_export_get
    from onewindow.core.models import Job as LiveJob

    live = LiveJob.objects.get(pk=job.pk)
    assert services.case_export_path(live) == exports_dir / "kept.xlsx"
    assert case_export_get(actor=world.clerk, pk=job.pk) is not None

    back = migrate(BEFORE)
    assert back.get_model("cases", "CaseExport").objects.count() == 3
    assert not back.get_model("core", "Job").objects.filter(kind="case_export").exists()
    # Leave the database as the other tests expect: every app at its latest migration (later
    # migrations that depend on 0012 were unapplied on the way back).
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
