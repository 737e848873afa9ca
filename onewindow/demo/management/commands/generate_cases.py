"""`manage.py generate_cases --count N`: N more cases cloned from the demo history (demo.bulk)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from onewindow.demo import bulk
from onewindow.trail.errors import TrailError


class Command(BaseCommand):
    help = (
        "Write N cases cloned from the demo history (COPY on PostgreSQL), the trail "
        "checkpointed after each chunk. Load the demo and create the trail key first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="how many cases to write")
        parser.add_argument("--chunk", type=int, default=bulk.CHUNK, help="cases per transaction")
        parser.add_argument("--seed", type=int, default=bulk.SEED)
        parser.add_argument(
            "--workers", type=int, default=1, help="processes writing chunks side by side (PostgreSQL only)"
        )

    def handle(self, *args, count, chunk, seed, workers, verbosity=1, **options):
        if count < 1 or count > 100_000_000:
            raise CommandError(_("--count must be between 1 and 100,000,000"))
        if chunk < 1:
            raise CommandError(_("--chunk must be at least 1"))
        if not 1 <= workers <= 16:
            raise CommandError(_("--workers must be between 1 and 16"))

        def progress(report: bulk.BulkReport) -> None:
            if verbosity >= 1:
                self.stdout.write(
                    _("%(cases)d cases, %(events)d events, %(seconds).0f s")
                    % {"cases": report.cases, "events": report.events, "seconds": report.seconds}
                )

        try:
            report = bulk.generate(count=count, seed=seed, chunk=chunk, workers=workers, progress=progress)
        except (bulk.BulkError, TrailError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Generated %(cases)d cases in %(apps)d applications (%(events)d events, %(checkpoints)d checkpoints) in %(seconds).1f s."
                )
                % {
                    "cases": report.cases,
                    "apps": report.applications,
                    "events": report.events,
                    "checkpoints": report.checkpoints,
                    "seconds": report.seconds,
                }
            )
        )
        for state, n in sorted(report.states.items()):
            self.stdout.write(f"  {state}: {n}")
