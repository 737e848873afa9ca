"""Spreadsheets of a case search, made in the background (`cases.tasks.case_export_run_task`).

A member of staff asks (`case_export_request`): one `CaseExport` row records who asked and
the search's filters, and the task is enqueued once that row is committed. The worker
(`manage.py db_worker`) runs `case_export_run`: the search is run again for the requester
as they are *then* (a role withdrawn in between narrows it), through the same scoped
`case_list`, and written row by row with openpyxl's write-only workbook, in chunks of
`CHUNK` rows read with a server-side cursor: memory stays flat whatever the number of
rows. At most `settings.ONEWINDOW_EXPORT_MAX_ROWS` rows are written; a search that finds
more is cut there and says so. Personal data is masked as on the page (the applicant's
name; ID and mobile numbers are not exported at all).

The file goes to `settings.ONEWINDOW_EXPORT_DIR` (`DATA_DIR / "exports"`) under a random name (never under the web
root), written to a temporary name and renamed when complete, so a half-written file is
never handed out. Only its requester downloads it (the view asks `case_export_get`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from onewindow.cases.errors import case_error
from onewindow.cases.models import CaseExport, CaseState, Channel
from onewindow.cases.selectors import CASE_ROW_FIELDS, case_list, case_search_check
from onewindow.catalog.models import CaseKind
from onewindow.core import clock
from onewindow.core.fields import mask_name
from onewindow.org.models import Applicant, Staff

log = logging.getLogger(__name__)

CHUNK = 2000
# At most this many exports of one member of staff wait or run at once.
MAX_OPEN_PER_STAFF = 3
E = CaseExport.State


def exports_dir() -> Path:
    return Path(getattr(settings, "ONEWINDOW_EXPORT_DIR", Path(settings.DATA_DIR) / "exports"))


def max_rows() -> int:
    return int(getattr(settings, "ONEWINDOW_EXPORT_MAX_ROWS", 100_000))


@transaction.atomic
def case_export_request(*, actor: Staff, filters: dict[str, Any]) -> CaseExport:
    """Record an export of the search `filters` (JSON-ready, as `CaseSearchIn.model_dump(mode="json")`
    gives) and enqueue its task after commit.

    The same search asked again while the first one waits or runs returns that one (a
    double click makes one file); a member of staff has at most `MAX_OPEN_PER_STAFF`
    exports waiting or running (EXPORT_LIMIT). Bad filters are refused with the search's
    field errors (FIELD_INVALID naming the field)."""
    search, errors = case_search_check(filters)
    if search is None:
        raise case_error("FIELD_INVALID", field=errors[0]["field"], reason=errors[0]["message"])
    stored = search.model_dump(mode="json", exclude_defaults=True)
    # Lock the requester's row: two requests at once see each other's exports.
    Staff.objects.select_for_update().filter(pk=actor.pk).first()
    open_exports = list(
        CaseExport.objects.filter(requested_by_id=actor.pk, state__in=[E.QUEUED, E.RUNNING]).order_by("-pk")
    )
    for export in open_exports:
        if export.filters == stored:
            return export
    if len(open_exports) >= MAX_OPEN_PER_STAFF:
        raise case_error("EXPORT_LIMIT", count=MAX_OPEN_PER_STAFF)
    export = CaseExport.objects.create(requested_by=actor, filters=stored, created_at=clock.now())
    from onewindow.cases.tasks import case_export_run_task

    transaction.on_commit(lambda: case_export_run_task.enqueue(export.pk))
    return export


def case_export_run(*, export_id: int) -> CaseExport:
    """Write the spreadsheet of one export (the worker's side). Runs once: an export no longer
    queued is returned as it is. A failure is recorded on the row (state `failed`, the error)
    and the partial file removed."""
    with transaction.atomic():
        export = (
            CaseExport.objects.select_for_update()
            .select_related("requested_by__center", "requested_by__user")
            .filter(pk=export_id)
            .first()
        )
        if export is None or export.state != E.QUEUED:
            return export  # type: ignore[return-value]
        export.state, export.started_at = E.RUNNING, clock.now()
        export.save(update_fields=["state", "started_at"])
    directory = exports_dir()
    name = f"{secrets.token_urlsafe(24)}.xlsx"
    partial = directory / f".{name}.part"
    try:
        actor = export.requested_by
        search, errors = case_search_check(export.filters)
        if search is None:
            raise ValueError(errors[0]["message"])
        directory.mkdir(parents=True, exist_ok=True)
        with override(settings.LANGUAGE_CODE):
            rows, truncated = _write(partial, actor, search.filters())
        partial.rename(directory / name)
    except Exception as exc:  # recorded on the row for the requester; the worker logs it too
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        log.exception("case export %s failed", export_id)
        CaseExport.objects.filter(pk=export_id).update(
            state=E.FAILED, error=str(exc)[:2000], finished_at=clock.now()
        )
        export.refresh_from_db()
        return export
    CaseExport.objects.filter(pk=export_id).update(
        state=E.DONE, rows=rows, truncated=truncated, file_name=name, finished_at=clock.now()
    )
    export.refresh_from_db()
    return export


def _headers() -> list[str]:
    return [
        _("Case number"),
        _("Service item"),
        _("Department"),
        _("Center"),
        _("Applicant"),
        _("Channel"),
        _("Case kind"),
        _("State"),
        _("Created at"),
        _("Accepted at"),
        _("Promised deadline"),
        _("Delivered at"),
    ]


def _local(value: dt.datetime | None) -> dt.datetime | None:
    # Excel has no time zones: local wall-clock time, without tzinfo.
    return timezone.localtime(value).replace(tzinfo=None) if value is not None else None


def _text_cell(sheet: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    """A cell that stays text: openpyxl would read a leading "=" as a formula."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _write(path: Path, actor: Staff, filters: dict[str, Any]) -> tuple[int, bool]:
    limit = max_rows()
    states = dict(CaseState.choices)
    channels = dict(Channel.choices)
    kinds = dict(CaseKind.choices)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Cases"))
    sheet.append(_headers())
    qs = case_list(actor=actor, filters=filters).only(*CASE_ROW_FIELDS)
    written = 0
    truncated = False
    for case in qs[: limit + 1].iterator(chunk_size=CHUNK):
        if written == limit:
            truncated = True
            break
        applicant = case.application.applicant
        name = applicant.name if applicant.kind == Applicant.Kind.ORGANISATION else mask_name(applicant.name)
        sheet.append(
            [
                _text_cell(sheet, case.number),
                _text_cell(sheet, case.item.name),
                _text_cell(sheet, case.department.name),
                _text_cell(sheet, case.center.name),
                _text_cell(sheet, name),
                str(channels.get(case.application.channel, case.application.channel)),
                str(kinds.get(case.kind, case.kind)),
                str(states.get(case.state, case.state)),
                _local(case.created_at),
                _local(case.accepted_at),
                _local(case.deadline),
                _local(case.delivered_at),
            ]
        )
        written += 1
    if truncated:
        sheet.append([_text_cell(sheet, _cut_note(limit))])
    book.save(str(path))
    return written, truncated


def _cut_note(limit: int) -> str:
    return _("The search found more than %(limit)d cases; only the first %(limit)d are in this file.") % {
        "limit": limit
    }


def case_export_path(export: CaseExport) -> Path | None:
    """The finished file of an export, or None (not finished, failed, or the file is gone)."""
    if export.state != E.DONE or not export.file_name:
        return None
    path = exports_dir() / export.file_name
    return path if path.is_file() else None


def case_export_filename(export: CaseExport) -> str:
    """The name a browser saves the file under (the stored name stays random)."""
    return f"cases-{timezone.localtime(export.created_at):%Y%m%d-%H%M%S}.xlsx"


def keep_days() -> int:
    return int(getattr(settings, "ONEWINDOW_EXPORT_KEEP_DAYS", 7))


def case_export_prune(*, now: dt.datetime | None = None) -> int:
    """Forget the exports finished more than `ONEWINDOW_EXPORT_KEEP_DAYS` ago: their files
    first, then their rows (a file left by a failed delete is gone from the list but not
    handed out: only a row names a file). Returns how many were removed."""
    cutoff = (now or clock.now()) - dt.timedelta(days=keep_days())
    old = list(CaseExport.objects.filter(finished_at__lt=cutoff).values_list("pk", "file_name"))
    for _pk, name in old:
        if name:
            with contextlib.suppress(OSError):
                (exports_dir() / name).unlink(missing_ok=True)
    CaseExport.objects.filter(pk__in=[pk for pk, _name in old]).delete()
    return len(old)


__all__ = [
    "case_export_filename",
    "case_export_path",
    "case_export_prune",
    "case_export_request",
    "case_export_run",
]
