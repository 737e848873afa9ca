"""The verifier: each case's chain and row (`cases.chain`), the signed log, and the exported copy.

What each check finds (docs/security.md has the whole list and the limits):

* a case's chain walk and fold: an event edited, removed, inserted or reordered; a case
  row (state, decision, deadlines, event count, head) its events did not produce;
* the case's events against the log: a chain recomputed from scratch with plain sha256
  (the stored hashes differ from the logged ones), the last events dropped with the row
  rolled back (the log holds events the case lacks), an event slipped in below the settled
  id; a whole case deleted (the log names a case the database lacks);
* the log against the signed checkpoints: log entries changed, added or removed;
* the checkpoints: a forged or altered one (bad signature, unknown key), one removed from
  the database or changed (compared with the exported copy outside the database).

Reads stream in chunks: cases and their events and log entries `chunk_size` cases at a
time, the log in index order, so memory stays flat.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.chain import case_chunks, verify_events
from onewindow.cases.models import Case
from onewindow.trail import keys, log
from onewindow.trail.errors import TrailError
from onewindow.trail.models import Checkpoint, LogEntry
from onewindow.trail.services import checkpoint_statement, export_path

Signed = tuple[dict[str, Any], str]


@dataclass
class Finding:
    """One problem: `subject` is a case number, or what of the trail it concerns."""

    subject: str
    problem: str


@dataclass
class Report:
    """What a verification walked (filled in while its findings are read)."""

    cases: int = 0
    broken_cases: int = 0
    trail_problems: int = 0
    checkpoints: int = 0
    log_size: int = 0
    last_at: str = ""
    tail: int = 0
    not_exported: int = 0


def spans(numbers: Iterable[int]) -> str:
    """3, 4, 5, 9 → "3–5, 9"."""
    out: list[str] = []
    run: list[int] = []
    for n in sorted(numbers):
        if run and n == run[-1] + 1:
            run.append(n)
            continue
        if run:
            out.append(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}")
        run = [n]
    if run:
        out.append(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}")
    return ", ".join(out)


def _shown_at(value: str) -> str:
    try:
        return timezone.localtime(dt.datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return value


class Verifier:
    """Iterate `findings()` once; `report` holds the counts afterwards."""

    def __init__(self, *, center_code: str | None = None, chunk_size: int = 2000) -> None:
        self.center_code = center_code
        self.chunk_size = chunk_size
        self.report = Report()
        self.settled_id = 0

    # -- the checkpoints -----------------------------------------------------------------
    def _public_keys(self) -> Iterator[Finding]:
        self.public: dict[str, Ed25519PublicKey] = {}
        try:
            self.public = keys.public_keys()
        except TrailError as exc:
            yield Finding(_("signing key"), exc.message)

    def _valid(self, signed: Signed) -> bool | None:
        """True / False, or None when the key that signed it is not known here."""
        body, signature = signed
        public = self.public.get(str(body.get("key")))
        if public is None:
            return None
        return log.signature_valid(body, signature, public)

    def _exported(self) -> Iterator[Finding]:
        self.exported: dict[int, Signed] = {}
        path = export_path()
        self.export_missing = not path.exists()
        if self.export_missing:
            return
        with path.open(encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    body, signature = log.parse_line(line)
                except ValueError:
                    yield Finding(
                        _("exported checkpoints"), _("line %(line)d cannot be read") % {"line": number}
                    )
                    continue
                if body["number"] in self.exported:
                    yield Finding(
                        _("exported checkpoints"),
                        _("checkpoint %(number)d appears twice") % {"number": body["number"]},
                    )
                self.exported[body["number"]] = (body, signature)

    def _checkpoints(self) -> Iterator[Finding]:
        """Check every checkpoint's signature and compare the database with the exported copy.

        Leaves `self.trusted`: per number the validly signed statement (the database's, else
        the exported one), in number order, for the log walk.
        """
        yield from self._public_keys()
        yield from self._exported()
        stored: dict[int, Signed] = {
            c.number: (checkpoint_statement(c), c.signature) for c in Checkpoint.objects.order_by("number")
        }
        subject = _("checkpoints")
        if stored and not self.public:
            yield Finding(
                subject,
                _("the signatures cannot be checked: no public key (%(path)s)")
                % {"path": keys.public_key_path()},
            )
        if stored and self.export_missing:
            yield Finding(subject, _("the exported copy %(path)s is missing") % {"path": export_path()})
        last_exported = max(self.exported, default=0)
        trusted: dict[int, dict[str, Any]] = {}
        removed: list[int] = []
        for number in sorted(set(stored) | set(self.exported)):
            db, out = stored.get(number), self.exported.get(number)
            db_ok = self._valid(db) if db else False
            out_ok = self._valid(out) if out else False
            if db is not None and db_ok is None and self.public:
                yield Finding(
                    subject,
                    _("checkpoint %(number)d is signed with a key that is not the trail's (%(key)s)")
                    % {"number": number, "key": db[0]["key"]},
                )
            elif db is not None and db_ok is False:
                yield Finding(
                    subject,
                    _("checkpoint %(number)d has an invalid signature: it was forged or altered")
                    % {"number": number},
                )
            if out is not None and out_ok is not True and self.public:
                yield Finding(
                    _("exported checkpoints"),
                    _("the exported checkpoint %(number)d has an invalid signature") % {"number": number},
                )
            if db is None and out is not None:
                removed.append(number)
            elif db is not None and out is not None and db != out:
                yield Finding(
                    subject,
                    _("checkpoint %(number)d in the database differs from its exported copy")
                    % {"number": number},
                )
            elif db is not None and out is None and not self.export_missing:
                if number <= last_exported:
                    yield Finding(
                        subject,
                        _("checkpoint %(number)d is missing from the exported copy") % {"number": number},
                    )
                else:
                    self.report.not_exported += 1
            if db is not None and (db_ok or not self.public):
                trusted[number] = db[0]
            elif out is not None and out_ok:
                trusted[number] = out[0]
        if len(removed) == 1:
            yield Finding(
                subject,
                _("checkpoint %(number)d is in the exported copy but missing from the database")
                % {"number": removed[0]},
            )
        elif removed:
            yield Finding(
                subject,
                _("checkpoints %(numbers)s are in the exported copy but missing from the database")
                % {"numbers": spans(removed)},
            )
        expected = 1
        for number in sorted(stored):
            if number != expected and number not in self.exported:
                yield Finding(
                    subject,
                    _("checkpoints %(numbers)s are missing from the database")
                    % {"numbers": spans(range(expected, number))},
                )
            expected = number + 1
        self.trusted = [trusted[n] for n in sorted(trusted)]
        previous = 0
        for body in self.trusted:
            if body["size"] <= previous:
                yield Finding(
                    subject,
                    _("checkpoint %(number)d signs a log no longer than the one before it")
                    % {"number": body["number"]},
                )
            previous = max(previous, int(body["size"]))
        self.report.checkpoints = len(self.trusted)
        if self.trusted:
            self.settled_id = max(int(b["settled_id"]) for b in self.trusted)
            self.report.last_at = _shown_at(str(self.trusted[-1]["at"]))

    # -- the log -------------------------------------------------------------------------
    def _log(self) -> Iterator[Finding]:
        """Walk the log in index order and compare its head with every signed checkpoint."""
        subject = _("log")
        marks = sorted(self.trusted, key=lambda b: int(b["size"]))
        at = 0
        head = log.GENESIS
        expected = 1
        segment_start = 1

        def passed(body: dict[str, Any], head: str) -> Iterator[Finding]:
            if head != body["head"]:
                yield Finding(
                    subject,
                    _(
                        "the log up to checkpoint %(number)d (entries %(first)d–%(last)d) does not match "
                        "its signed head: log entries were changed, added or removed"
                    )
                    % {"number": body["number"], "first": segment_start, "last": body["size"]},
                )

        rows = LogEntry.objects.order_by("index").values_list("index", "case_number", "seq", "event_hash")
        for index, case_number, seq, event_hash in rows.iterator(chunk_size=self.chunk_size):
            while at < len(marks) and int(marks[at]["size"]) < index:
                # A signed size that no entry reached exactly: entries around it are gone.
                yield from passed(marks[at], "")
                head, segment_start = str(marks[at]["head"]), int(marks[at]["size"]) + 1
                at += 1
            if index != expected:
                yield Finding(
                    subject,
                    _("log entries %(numbers)s are missing") % {"numbers": spans(range(expected, index))},
                )
            head = log.extend(head, index=index, case_number=case_number, seq=seq, event_hash=event_hash)
            expected = index + 1
            self.report.log_size += 1
            if at < len(marks) and int(marks[at]["size"]) == index:
                yield from passed(marks[at], head)
                head, segment_start = str(marks[at]["head"]), index + 1
                at += 1
        if at < len(marks):
            last = marks[-1]
            yield Finding(
                subject,
                _("the log ends at entry %(last)d but checkpoint %(number)d signed %(size)d entries")
                % {"last": expected - 1, "number": last["number"], "size": last["size"]},
            )
        signed = int(marks[-1]["size"]) if marks else 0
        if expected - 1 > signed:
            yield Finding(
                subject,
                _("log entries %(numbers)s are not signed by any checkpoint")
                % {"numbers": spans(range(signed + 1, expected))},
            )

    # -- the cases -----------------------------------------------------------------------
    def _cases(self) -> Iterator[Finding]:
        for chunk in case_chunks(center_code=self.center_code, chunk_size=self.chunk_size):
            logged: dict[str, dict[int, str]] = {head.number: {} for head, _events in chunk}
            for number, seq, event_hash in LogEntry.objects.filter(case_number__in=list(logged)).values_list(
                "case_number", "seq", "event_hash"
            ):
                logged[number][seq] = event_hash
            for head, events in chunk:
                self.report.cases += 1
                problems = verify_events(head, events)
                mine = logged[head.number]
                differs, unlogged = [], []
                for event in events:
                    in_log = mine.pop(event.seq, None)
                    if in_log is None:
                        if event.pk <= self.settled_id:
                            unlogged.append(event.seq)
                        else:
                            self.report.tail += 1
                    elif in_log != event.hash:
                        differs.append(event.seq)
                if differs:
                    problems.append(
                        _(
                            "the stored hashes of events %(seqs)s differ from the signed log: "
                            "the chain was recomputed or rewritten"
                        )
                        % {"seqs": spans(differs)}
                    )
                if mine:
                    problems.append(
                        _(
                            "the signed log holds events %(seqs)s of this case, which the case no longer "
                            "has: they were removed and the case rolled back"
                        )
                        % {"seqs": spans(mine)}
                    )
                if unlogged:
                    problems.append(
                        _(
                            "events %(seqs)s are not in the log although it was settled past them: "
                            "they were added behind the engine's back"
                        )
                        % {"seqs": spans(unlogged)}
                    )
                if problems:
                    self.report.broken_cases += 1
                for problem in problems:
                    yield Finding(head.number, problem)

    def _deleted_cases(self) -> Iterator[Finding]:
        orphans = LogEntry.objects.filter(~Exists(Case.objects.filter(number=OuterRef("case_number"))))
        if self.center_code:
            orphans = orphans.filter(case_number__startswith=f"{self.center_code}-")
        rows = orphans.values("case_number").annotate(n=Count("index")).order_by("case_number")
        for row in rows.iterator(chunk_size=self.chunk_size):
            self.report.broken_cases += 1
            yield Finding(
                row["case_number"],
                _(
                    "the case is in the signed log (%(count)d events) but missing from the database: it was deleted"
                )
                % {"count": row["n"]},
            )

    def findings(self) -> Iterator[Finding]:
        for finding in self._trail_findings():
            self.report.trail_problems += 1
            yield finding
        yield from self._cases()
        yield from self._deleted_cases()

    def _trail_findings(self) -> Iterator[Finding]:
        yield from self._checkpoints()
        yield from self._log()


def trail_verify(*, center_code: str | None = None, chunk_size: int = 2000) -> tuple[list[Finding], Report]:
    """Every finding (for tests and small installations; the command streams `Verifier`)."""
    verifier = Verifier(center_code=center_code, chunk_size=chunk_size)
    found = list(verifier.findings())
    return found, verifier.report
