"""Case search exports become `core.Job`s of kind case_export (decisions 0011, 0017).

Data-safe: every `CaseExport` is copied to a job first — who asked (their user), their
center, the filters, the state and times, and a finished export's rows, cut flag and file
name in the report, so its file stays downloadable by its requester — and only then is the
model removed. The job's params keep the export's id (`legacy_export`): a task enqueued
before the change (`cases.tasks.case_export_run_task`) finds its job by it. Reversible: the
reverse copies the case_export jobs back and deletes them.
"""

from django.db import migrations, models
import django.db.models.deletion
from django.conf import settings


def exports_to_jobs(apps, schema_editor):
    CaseExport = apps.get_model("cases", "CaseExport")
    Job = apps.get_model("core", "Job")
    batch = []
    for export in CaseExport.objects.select_related("requested_by").order_by("pk").iterator(chunk_size=500):
        staff = export.requested_by
        report = {}
        if export.state == "done":
            report = {"rows": export.rows, "truncated": export.truncated, "file": export.file_name}
        batch.append(
            Job(
                kind="case_export",
                center_id=staff.center_id,
                created_by_id=staff.user_id,
                state=export.state,
                language=settings.LANGUAGE_CODE,
                params={"filters": export.filters or {}, "staff": staff.pk, "legacy_export": export.pk},
                report=report,
                done=export.rows,
                error=export.error,
                created_at=export.created_at,
                started_at=export.started_at,
                heartbeat_at=export.finished_at or export.started_at,
                finished_at=export.finished_at,
            )
        )
        if len(batch) >= 500:
            Job.objects.bulk_create(batch)
            batch = []
    if batch:
        Job.objects.bulk_create(batch)


def jobs_to_exports(apps, schema_editor):
    CaseExport = apps.get_model("cases", "CaseExport")
    Job = apps.get_model("core", "Job")
    Staff = apps.get_model("org", "Staff")
    jobs = Job.objects.filter(kind="case_export").order_by("pk")
    for job in jobs.iterator(chunk_size=500):
        staff_id = (job.params or {}).get("staff")
        if staff_id is None or not Staff.objects.filter(pk=staff_id).exists():
            continue
        report = job.report or {}
        CaseExport.objects.create(
            requested_by_id=staff_id,
            filters=(job.params or {}).get("filters") or {},
            state=job.state,
            rows=report.get("rows", 0),
            truncated=bool(report.get("truncated")),
            file_name=report.get("file", ""),
            error=job.error,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
        )
    jobs.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_tolerance_commitment"),
        ("core", "0005_job_kind_case_export"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(exports_to_jobs, jobs_to_exports),
        migrations.DeleteModel(name="CaseExport"),
    ]
