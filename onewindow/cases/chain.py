"""The hash chain over a case's events (全程留痕).

Each event's `hash` is sha256(prev_hash + canonical JSON of the event's content). The case
row keeps the head (`last_event_hash`, `event_count`), so the engine appends without
reading the previous event, and anyone can re-walk the chain: an event edited, removed,
inserted or reordered outside the engine breaks it, and so does a head that does not
match. The content names the case by its number (unique, never changes), so the events of a new
case can be hashed before the case row gets its id. The canonical form is fixed: keys sorted, no spaces, UTF-8, times as UTC ISO 8601
with microseconds, so PostgreSQL and SQLite give the same hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from typing import Any

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


def verify_events(
    *, case_number: str, event_count: int, head: str, state: str, events: Iterable[CaseEvent]
) -> list[str]:
    """Walk one case's events (in seq order) against its head; return the problems found."""
    problems: list[str] = []
    running = GENESIS_HASH
    expected_seq = 1
    last_to = None
    for event in events:
        if event.seq != expected_seq:
            problems.append(
                _("event %(seq)d found where %(expected)d was expected (removed or reordered)")
                % {"seq": event.seq, "expected": expected_seq}
            )
        if event.prev_hash != running:
            problems.append(_("event %(seq)d does not follow the previous event") % {"seq": event.seq})
        if hash_of(event, case_number) != event.hash:
            problems.append(_("event %(seq)d was edited after it was written") % {"seq": event.seq})
        running = event.hash
        expected_seq = event.seq + 1
        last_to = event.to_state
    if expected_seq - 1 != event_count:
        problems.append(
            _("the case records %(count)d events but %(found)d were found")
            % {"count": event_count, "found": expected_seq - 1}
        )
    if running != head:
        problems.append(_("the last event does not match the chain head stored on the case"))
    if last_to is not None and last_to != state:
        problems.append(
            _("the case is “%(state)s” but its last event left it “%(to)s”") % {"state": state, "to": last_to}
        )
    return problems


def chain_verify(case: Case) -> list[str]:
    """Problems in one case's chain ([] when intact). Reads the head fresh from the database."""
    head = Case.objects.values("number", "event_count", "last_event_hash", "state").get(pk=case.pk)
    events = CaseEvent.objects.filter(case_id=case.pk).order_by("seq")
    return verify_events(
        case_number=head["number"],
        event_count=head["event_count"],
        head=head["last_event_hash"],
        state=head["state"],
        events=events.iterator(chunk_size=500),
    )


def chain_verify_all(
    *, center_code: str | None = None, chunk_size: int = 2000
) -> Iterator[tuple[str, list[str]]]:
    """Yield (case number, problems) for every case whose chain is broken, streaming in id order.

    Two cursors walk in step: the cases by id and all their events by (case id, seq), each
    read in chunks, so memory stays flat however many cases there are.
    """
    cases = Case.objects.order_by("pk")
    events = CaseEvent.objects.order_by("case_id", "seq")
    if center_code:
        cases = cases.filter(center__code=center_code)
        events = events.filter(case__center__code=center_code)
    case_rows = cases.values_list("pk", "number", "event_count", "last_event_hash", "state").iterator(
        chunk_size=chunk_size
    )
    event_iter = events.iterator(chunk_size=chunk_size)
    pending = next(event_iter, None)
    for pk, number, count, head, state in case_rows:
        mine: list[CaseEvent] = []
        while pending is not None and pending.case_id < pk:
            pending = next(event_iter, None)  # events of a case outside the scan (cannot happen)
        while pending is not None and pending.case_id == pk:
            mine.append(pending)
            pending = next(event_iter, None)
        problems = verify_events(case_number=number, event_count=count, head=head, state=state, events=mine)
        if problems:
            yield number, problems
