"""`manage.py verify_case_chain [--center CODE]`: verify the whole trail; non-zero exit on any finding.

Each case's hash chain and row, the log across all cases against its signed checkpoints,
and the checkpoints against the exported copy (`onewindow.trail.verify`). Streams in
chunks, so it runs in flat memory over millions of events. Needs the public key
(ONEWINDOW_TRAIL_PUBLIC_KEY) and the exported checkpoints (ONEWINDOW_TRAIL_CHECKPOINTS),
not the signing key. Run it nightly (docs/operations.md).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from onewindow.trail.verify import Verifier


class Command(BaseCommand):
    help = _(
        "Verify every case's event chain and row, the signed log across all cases and its exported "
        "checkpoints; exit non-zero when anything was tampered with."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--center", default=None, help=_("Only the cases of the center with this code."))
        parser.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args: Any, center: str | None = None, chunk_size: int = 2000, **options: Any) -> None:
        verifier = Verifier(center_code=center, chunk_size=chunk_size)
        for finding in verifier.findings():
            self.stdout.write(f"{finding.subject}: {finding.problem}")
        report = verifier.report
        failures = []
        if report.broken_cases:
            failures.append(
                _("%(broken)d of %(total)d cases have a broken event chain.")
                % {"broken": report.broken_cases, "total": report.cases}
            )
        if report.trail_problems:
            failures.append(
                _("%(count)d problems with the signed log and its checkpoints.")
                % {"count": report.trail_problems}
            )
        if failures:
            raise CommandError(" ".join(failures))
        self.stdout.write(
            _("All %(total)d cases verified: every event chain is intact.") % {"total": report.cases}
        )
        if not report.checkpoints:
            self.stdout.write(
                _(
                    "No checkpoint yet: each case's chain was checked on its own. The worker and the "
                    "scheduler take checkpoints (docs/security.md)."
                )
            )
            return
        self.stdout.write(
            _(
                "The log's %(size)d entries match %(count)d signed checkpoints (the last at %(at)s); "
                "%(tail)d newer events wait for the next checkpoint."
            )
            % {
                "size": report.log_size,
                "count": report.checkpoints,
                "at": report.last_at,
                "tail": report.tail,
            }
        )
        if report.not_exported:
            self.stdout.write(
                _("%(count)d checkpoints are not exported yet (the next task run exports them).")
                % {"count": report.not_exported}
            )
