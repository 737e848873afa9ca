"""`manage.py verify_case_chain [--center CODE]`: re-walk every case's event chain.

Streams cases and events in (case, seq) order in chunks, so it runs in flat memory over
millions of events. Names every case whose events were edited, removed, reordered or
whose stored head does not match, and exits non-zero when there is any.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from onewindow.cases.chain import chain_verify_all
from onewindow.cases.models import Case


class Command(BaseCommand):
    help = _("Verify the hash chain of every case's events; exit non-zero when any case was tampered with.")

    def add_arguments(self, parser):
        parser.add_argument("--center", default=None, help=_("Only the cases of the center with this code."))
        parser.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args, center=None, chunk_size=2000, **options):
        broken = 0
        for number, problems in chain_verify_all(center_code=center, chunk_size=chunk_size):
            broken += 1
            for problem in problems:
                self.stdout.write(f"{number}: {problem}")
        scope = Case.objects.filter(center__code=center) if center else Case.objects.all()
        total = scope.count()
        if broken:
            raise CommandError(
                _("%(broken)d of %(total)d cases have a broken event chain.")
                % {"broken": broken, "total": total}
            )
        self.stdout.write(_("All %(total)d cases verified: every event chain is intact.") % {"total": total})
