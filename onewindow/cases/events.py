"""Appending to a case's trail: every change of a case is one UPDATE of its row plus one chained event.

The case row keeps the chain head (`last_event_hash`, `event_count`), so an event is
appended without reading the previous one: its hash covers the head the caller holds,
which is current because the caller holds the case row lock (`cases.locks`). The
hashing itself is `cases.chain`; verifying the chain is `cases.chain` too.

An event also records what it sets on the case row that the verifier checks against the
fold of the events (`PRODUCED`: the two deadlines and the decision), inside its hashed
`data`: the row can then be checked without recomputing deadlines from a calendar that may
have changed since.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from onewindow.cases.chain import event_hash
from onewindow.cases.models import Case, CaseEvent
from onewindow.core import clock
from onewindow.org.models import Applicant, Staff

Actor = Staff | Applicant

# Case fields an event records in its `data` when it sets them (see `cases.chain.fold`).
PRODUCED = ("deadline", "legal_deadline", "decision")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def next_event(
    case: Case,
    *,
    actor: Actor | None,
    action: str,
    from_state: str,
    to_state: str,
    at: dt.datetime,
    opinion: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """The case's next event as an unsaved row, hashed onto the head; moves the head on `case` in memory.

    For rows inserted together (a new application's cases); `append_event` is the one-case path.
    """
    user_id, name = (actor.user_id, actor.name) if actor is not None else (None, "")
    seq = case.event_count + 1
    payload = _jsonable(data or {})
    prev = case.last_event_hash
    digest = event_hash(
        prev,
        case_number=case.number,
        seq=seq,
        action=action,
        actor_id=user_id,
        actor_name=name,
        from_state=from_state,
        to_state=to_state,
        at=at,
        opinion=opinion,
        data=payload,
    )
    case.event_count = seq
    case.last_event_hash = digest
    return CaseEvent(
        case_id=case.pk,
        seq=seq,
        action=action,
        actor_id=user_id,
        actor_name=name,
        from_state=from_state,
        to_state=to_state,
        at=at,
        opinion=opinion,
        data=payload,
        prev_hash=prev,
        hash=digest,
    )


def append_event(
    case: Case,
    *,
    actor: Actor | None,
    action: str,
    to_state: str | None = None,
    at: dt.datetime | None = None,
    opinion: str = "",
    data: dict[str, Any] | None = None,
    **fields: Any,
) -> CaseEvent:
    """Append one event to the locked `case` and write the case row with it: two statements.

    The case's UPDATE carries the new state, the given `fields` (deadlines, counters, who
    decided…) and the new chain head together; `case` is updated in memory to match. The
    fields named in `PRODUCED` are also recorded in the event's `data`.
    """
    at = at or clock.now()
    produced = {name: fields[name] for name in PRODUCED if name in fields}
    if produced:
        data = {**(data or {}), **produced}
    from_state = case.state
    to_state = to_state or from_state
    event = next_event(
        case,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        at=at,
        opinion=opinion,
        data=data,
    )
    fields.update(
        state=to_state, event_count=case.event_count, last_event_hash=case.last_event_hash, updated_at=at
    )
    Case.objects.filter(pk=case.pk).update(**fields)
    CaseEvent.objects.bulk_create([event])
    for name, value in fields.items():
        setattr(case, name, value)
    return event
