"""The hash chain over a case's events (全程留痕).

Each event's `hash` is sha256(prev_hash + canonical JSON of the event's content). The case
row keeps the head (`last_event_hash`, `event_count`), so the engine appends without
reading the previous event, and anyone can re-walk the chain: an event edited, removed,
inserted or reordered outside the engine breaks it, and so does a head that does not
match. The content names the case by its number (unique, never changes), so the events of a new
case can be hashed before the case row gets its id. The canonical form is fixed: keys sorted, no spaces, UTF-8, times as UTC ISO 8601
with microseconds, so PostgreSQL and SQLite give the same hash.

The verifier also folds a case's events into the row they must have produced (state,
decision, the two deadlines, event count, head) and compares. What a chain alone cannot
show (a chain recomputed from scratch, the last events dropped with the row rolled back, a
whole case deleted) is the signed log's job: `onewindow.trail`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.models import GENESIS_HASH, Case, CaseEvent


def _utc(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(
    *,
    case_number: str,
    seq: int,
    action: str,
    actor_id: int | None,
    actor_name: str,
    from_state: str,
    to_state: str,
    at: dt.datetime,
    opinion: str,
    data: dict[str, Any],
) -> str:
    body = {
        "case": case_number,
        "seq": seq,
        "action": action,
        "actor": actor_id,
        "actor_name": actor_name,
        "from": from_state,
        "to": to_state,
        "at": _utc(at),
        "opinion": opinion,
        "data": data,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(prev_hash: str, **content: Any) -> str:
    """sha256(prev_hash + canonical JSON of the event content); see `canonical_json` for the keys."""
    payload = prev_hash + canonical_json(**content)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def hash_of(event: CaseEvent, case_number: str) -> str:
    """Recompute an event row's hash from its stored content and stored prev_hash."""
    return event_hash(
        event.prev_hash,
        case_number=case_number,
        seq=event.seq,
        action=event.action,
        actor_id=event.actor_id,
        actor_name=event.actor_name,
        from_state=event.from_state,
        to_state=event.to_state,
        at=event.at,
        opinion=event.opinion,
        data=event.data,
    )


@dataclass(frozen=True)
class CaseHead:
    """What the case row claims about its trail: the chain head and the fields its events set."""

    pk: int
    number: str
    state: str
    event_count: int
    last_event_hash: str
    decision: str
    deadline: dt.datetime | None
    legal_deadline: dt.datetime | None


HEAD_FIELDS = (
    "pk",
    "number",
    "state",
    "event_count",
    "last_event_hash",
    "decision",
    "deadline",
    "legal_deadline",
)


@dataclass
class Fold:
    """The case row as its events say it must be: replayed in seq order, without a calendar.

    The deadlines and the decision come from the events that set them (`events.PRODUCED`,
    recorded in their hashed data), so a later calendar edit changes nothing here.
    """

    state: str | None = None
    event_count: int = 0
    head: str = GENESIS_HASH
    decision: str = ""
    deadline: dt.datetime | None = None
    legal_deadline: dt.datetime | None = None
    unreadable: list[str] = field(default_factory=list)

    def add(self, event: CaseEvent) -> None:
        self.state = event.to_state
        self.event_count = event.seq
        self.head = event.hash
        data = event.data if isinstance(event.data, dict) else {}
        if "decision" in data:
            self.decision = str(data["decision"] or "")
        for name in ("deadline", "legal_deadline"):
            if name in data:
                try:
                    setattr(self, name, _parse_time(data[name]))
                except (TypeError, ValueError):
                    self.unreadable.append(name)


def _parse_time(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    parsed = dt.datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        raise ValueError(value)
    return parsed


def _shown(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value is not None else "—"


def verify_events(head: CaseHead, events: Iterable[CaseEvent]) -> list[str]:
    """Walk one case's events (in seq order) against its row; return the problems found.

    The walk finds an event edited, removed, inserted or reordered; the fold finds a case
    row (state, decision, deadlines, event count, head) that its events did not produce.
    """
    problems: list[str] = []
    running = GENESIS_HASH
    expected_seq = 1
    fold = Fold()
    for event in events:
        if event.seq != expected_seq:
            problems.append(
                _("event %(seq)d found where %(expected)d was expected (removed or reordered)")
                % {"seq": event.seq, "expected": expected_seq}
            )
        if event.prev_hash != running:
            problems.append(_("event %(seq)d does not follow the previous event") % {"seq": event.seq})
        if hash_of(event, head.number) != event.hash:
            problems.append(_("event %(seq)d was edited after it was written") % {"seq": event.seq})
        running = event.hash
        expected_seq = event.seq + 1
        fold.add(event)
    if expected_seq - 1 != head.event_count:
        problems.append(
            _("the case records %(count)d events but %(found)d were found")
            % {"count": head.event_count, "found": expected_seq - 1}
        )
    if running != head.last_event_hash:
        problems.append(_("the last event does not match the chain head stored on the case"))
    if fold.state is not None and fold.state != head.state:
        problems.append(
            _("the case is “%(state)s” but its last event left it “%(to)s”")
            % {"state": head.state, "to": fold.state}
        )
    if fold.decision != head.decision:
        problems.append(
            _("the case's decision is “%(stored)s” but its events decided “%(folded)s”")
            % {"stored": head.decision or "—", "folded": fold.decision or "—"}
        )
    for name in fold.unreadable:
        problems.append(_("an event of the case holds an unreadable %(field)s") % {"field": name})
    if fold.deadline != head.deadline and "deadline" not in fold.unreadable:
        problems.append(
            _("the case's promised deadline is %(stored)s but its events set %(folded)s")
            % {"stored": _shown(head.deadline), "folded": _shown(fold.deadline)}
        )
    if fold.legal_deadline != head.legal_deadline and "legal_deadline" not in fold.unreadable:
        problems.append(
            _("the case's legal deadline is %(stored)s but its events set %(folded)s")
            % {"stored": _shown(head.legal_deadline), "folded": _shown(fold.legal_deadline)}
        )
    return problems


def case_head(case: Case) -> CaseHead:
    """The case's row as stored now (not as the caller's instance remembers it)."""
    return CaseHead(*Case.objects.values_list(*HEAD_FIELDS).get(pk=case.pk))


def chain_verify(case: Case) -> list[str]:
    """Problems in one case's chain and row ([] when intact). Reads the row fresh from the database."""
    events = CaseEvent.objects.filter(case_id=case.pk).order_by("seq")
    return verify_events(case_head(case), events.iterator(chunk_size=500))


def case_chunks(
    *, center_code: str | None = None, chunk_size: int = 2000
) -> Iterator[list[tuple[CaseHead, list[CaseEvent]]]]:
    """Every case (in id order) with its events (in seq order), `chunk_size` cases at a time.

    Two queries per chunk (the case rows, then their events by the (case, seq) index), so
    memory stays flat however many cases there are, and a caller can read what else it
    needs for the same chunk (the trail's log entries) in one more query.
    """
    cases = Case.objects.order_by("pk")
    if center_code:
        cases = cases.filter(center__code=center_code)
    after = 0
    while True:
        heads = [CaseHead(*row) for row in cases.filter(pk__gt=after).values_list(*HEAD_FIELDS)[:chunk_size]]
        if not heads:
            return
        after = heads[-1].pk
        mine: dict[int, list[CaseEvent]] = {h.pk: [] for h in heads}
        for event in CaseEvent.objects.filter(case_id__in=list(mine)).order_by("case_id", "seq"):
            mine[event.case_id].append(event)
        yield [(h, mine[h.pk]) for h in heads]


def chain_verify_all(
    *, center_code: str | None = None, chunk_size: int = 2000
) -> Iterator[tuple[str, list[str]]]:
    """Yield (case number, problems) for every case whose chain or row is broken, in id order."""
    for chunk in case_chunks(center_code=center_code, chunk_size=chunk_size):
        for head, events in chunk:
            problems = verify_events(head, events)
            if problems:
                yield head.number, problems
