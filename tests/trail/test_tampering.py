"""Every way of rewriting the trail that issue 8 lists is found by the verifier, each with its own message.

The attacker here has the database (any row, raw SQL) but not the signing key, nor the
exported checkpoints, which live outside the database.
"""

import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from onewindow.cases import services
from onewindow.cases.chain import chain_verify, hash_of
from onewindow.cases.models import GENESIS_HASH, Case, CaseEvent
from onewindow.trail import keys, log
from onewindow.trail.models import Checkpoint, LogEntry
from onewindow.trail.services import checkpoint_statement
from tests.factories.cases import completed_case, decided_case, in_progress_case, make_world

from .conftest import checkpoint, findings

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def case(world, signing_key):
    """A completed case and a bystander, both checkpointed."""
    case = completed_case(world)
    in_progress_case(world)
    checkpoint()
    assert findings() == {}
    return case


def recompute_chain(case, edit=lambda event: None):
    """What the database alone allows: rewrite events and rehash the whole chain with plain sha256."""
    prev = GENESIS_HASH
    for event in CaseEvent.objects.filter(case=case).order_by("seq"):
        edit(event)
        event.prev_hash = prev
        event.hash = hash_of(event, case.number)
        CaseEvent.objects.filter(pk=event.pk).update(
            opinion=event.opinion, data=event.data, prev_hash=event.prev_hash, hash=event.hash
        )
        prev = event.hash
    Case.objects.filter(pk=case.pk).update(last_event_hash=prev)


def only(found, subject):
    assert list(found) == [subject], found
    return found[subject]


def test_an_edited_event_is_found(case):
    CaseEvent.objects.filter(case=case, action="decide").update(opinion="不予许可")
    assert any("was edited after it was written" in p for p in only(findings(), case.number))


def test_a_removed_event_is_found(case):
    CaseEvent.objects.filter(case=case, seq=3).delete()
    problems = only(findings(), case.number)
    assert any("found where 3 was expected (removed or reordered)" in p for p in problems)
    assert any("the signed log holds events 3 of this case" in p for p in problems)


def test_reordered_events_are_found(case):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_caseevent SET seq = 1000 WHERE case_id = %s AND seq = 2", [case.pk])
        cursor.execute("UPDATE cases_caseevent SET seq = 2 WHERE case_id = %s AND seq = 3", [case.pk])
        cursor.execute("UPDATE cases_caseevent SET seq = 3 WHERE case_id = %s AND seq = 1000", [case.pk])
    problems = only(findings(), case.number)
    assert any("does not follow the previous event" in p for p in problems)


def test_a_chain_recomputed_with_plain_sha256_is_found_by_the_signed_log(case):
    def deny(event):
        if event.action == "decide":
            event.data = {**event.data, "decision": "denied"}
            event.opinion = "不予许可"

    recompute_chain(case, deny)
    Case.objects.filter(pk=case.pk).update(decision="denied")
    assert chain_verify(case) == []  # the chain alone cannot tell
    (problem,) = only(findings(), case.number)
    assert "differ from the signed log: the chain was recomputed or rewritten" in problem


def test_the_last_event_dropped_with_the_case_rolled_back_is_found(case):
    last = CaseEvent.objects.get(case=case, seq=case.event_count)
    before = CaseEvent.objects.get(case=case, seq=case.event_count - 1)
    assert last.action == "complete"
    last.delete()
    Case.objects.filter(pk=case.pk).update(
        state=before.to_state, event_count=before.seq, last_event_hash=before.hash, completed_at=None
    )
    assert chain_verify(case) == []  # a consistent, shorter chain
    (problem,) = only(findings(), case.number)
    assert f"the signed log holds events {last.seq} of this case, which the case no longer has" in problem


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"state": "closed"}, "the case is “closed” but its last event left it “completed”"),
        ({"decision": "denied"}, "the case's decision is “denied” but its events decided “granted”"),
        ({"deadline": dt.datetime(2030, 1, 1, tzinfo=dt.UTC)}, "the case's promised deadline is 2030-01-01"),
        (
            {"legal_deadline": dt.datetime(2030, 1, 1, tzinfo=dt.UTC)},
            "the case's legal deadline is 2030-01-01",
        ),
        ({"event_count": 3}, "the case records 3 events but"),
        ({"last_event_hash": "f" * 64}, "the last event does not match the chain head stored on the case"),
    ],
    ids=["state", "decision", "deadline", "legal_deadline", "event_count", "head"],
)
def test_a_case_row_field_that_disagrees_with_its_events_is_found(case, change, message):
    Case.objects.filter(pk=case.pk).update(**change)
    problems = only(findings(), case.number)
    assert any(message in p for p in problems), problems


def test_a_deleted_case_is_found_by_its_entries_in_the_signed_log(case):
    events = case.event_count
    CaseEvent.objects.filter(case=case).delete()
    Case.objects.filter(pk=case.pk).delete()
    (problem,) = only(findings(), case.number)
    assert (
        problem
        == f"the case is in the signed log ({events} events) but missing from the database: it was deleted"
    )


def test_a_checkpoint_altered_in_the_database_has_a_bad_signature(case):
    Checkpoint.objects.filter(number=1).update(head="0" * 64)
    problems = only(findings(), "checkpoints")
    assert "checkpoint 1 has an invalid signature: it was forged or altered" in problems
    assert "checkpoint 1 in the database differs from its exported copy" in problems


def test_a_whole_trail_rewritten_and_signed_with_another_key_is_found(case):
    """The attacker recomputes the chain, the log and its head, and signs with a key of their own."""
    recompute_chain(case, lambda e: setattr(e, "opinion", e.opinion + "（改）"))
    head = log.GENESIS
    for entry in LogEntry.objects.order_by("index"):
        digest = CaseEvent.objects.get(pk=entry.event_id).hash
        LogEntry.objects.filter(pk=entry.pk).update(event_hash=digest)
        head = log.extend(
            head, index=entry.index, case_number=entry.case_number, seq=entry.seq, event_hash=digest
        )
    forged = Ed25519PrivateKey.generate()
    cp = Checkpoint.objects.get(number=1)
    cp.head, cp.key_id = head, keys.key_id(forged.public_key())
    cp.signature = log.sign(checkpoint_statement(cp), forged)
    cp.save()
    found = findings()
    assert any("is signed with a key that is not the trail's" in p for p in found["checkpoints"])
    # The exported checkpoint still holds the true head: the rewritten log does not match it.
    assert any("does not match its signed head" in p for p in found["log"])


def test_log_entries_rewritten_without_the_key_do_not_match_the_signed_head(case):
    recompute_chain(case, lambda e: setattr(e, "opinion", "改"))
    for event in CaseEvent.objects.filter(case=case):
        LogEntry.objects.filter(event_id=event.pk).update(event_hash=event.hash)
    (problem,) = only(findings(), "log")
    assert "the log up to checkpoint 1 (entries 1–" in problem and "does not match its signed head" in problem


def test_a_checkpoint_removed_from_the_database_is_found_in_the_exported_copy(case, world):
    case = Case.objects.get(pk=case.pk)
    other = in_progress_case(world)
    checkpoint()
    size = Checkpoint.objects.get(number=1).size
    Checkpoint.objects.filter(number=2).delete()
    LogEntry.objects.filter(index__gt=size).delete()  # and the log behind it
    found = findings()
    assert found["checkpoints"] == ["checkpoint 2 is in the exported copy but missing from the database"]
    assert any("the log ends at entry" in p for p in found["log"])
    assert other.number not in found  # its events are simply newer than the last checkpoint now


def test_an_altered_exported_checkpoint_is_found(case, settings):
    path = settings.TRAIL_CHECKPOINT_FILE
    row = json.loads(path.read_text())
    row["size"] += 1
    path.write_text(json.dumps(row) + "\n")
    problems = findings()
    assert "the exported checkpoint 1 has an invalid signature" in problems["exported checkpoints"]
    assert "checkpoint 1 in the database differs from its exported copy" in problems["checkpoints"]


def test_the_exported_copy_missing_is_found(case, settings):
    settings.TRAIL_CHECKPOINT_FILE.unlink()
    assert only(findings(), "checkpoints") == [
        f"the exported copy {settings.TRAIL_CHECKPOINT_FILE} is missing"
    ]


def test_the_command_reports_in_chinese_and_fails(case, capsys):
    decided = decided_case(make_world())
    checkpoint()
    CaseEvent.objects.filter(case=decided).delete()
    Case.objects.filter(pk=decided.pk).delete()
    with translation.override("zh-hans"), pytest.raises(CommandError) as exc:
        call_command("verify_case_chain")
    out = capsys.readouterr().out
    assert f"{decided.number}: " in out and "已签名日志" in out
    assert case.number not in out
    assert "1" in str(exc.value)


def test_an_intact_trail_passes_the_command(case, capsys):
    call_command("verify_case_chain")
    out = capsys.readouterr().out
    assert "every event chain is intact" in out or "事件链均完整" in out


def test_an_event_slipped_in_below_the_settled_id_is_found(world, signing_key):
    """An event added through the database with a free id the log has settled past (SQLite:
    writers are serialised, so the settled id follows the last checkpoint; the PostgreSQL rule
    is test_ordering's)."""
    if connection.vendor != "sqlite":
        pytest.skip("the settled id inside one test transaction is SQLite's")
    case = in_progress_case(world)
    with connection.cursor() as cursor:  # leave a run of free ids behind this case's events
        cursor.execute("UPDATE sqlite_sequence SET seq = seq + 50 WHERE name = 'cases_caseevent'")
    other = in_progress_case(world)
    checkpoint()
    services.case_extend(case=other, actor=world.chief, days=1, reason="延期")
    (last,) = checkpoint()
    head = Case.objects.get(pk=case.pk)
    free_id = CaseEvent.objects.filter(case=case).order_by("-pk").first().pk + 10
    assert free_id <= last.settled_id
    forged = CaseEvent(
        pk=free_id,
        case_id=case.pk,
        seq=head.event_count + 1,
        action="extend",
        actor_id=world.chief.user_id,
        actor_name=world.chief.name,
        from_state=head.state,
        to_state=head.state,
        at=head.updated_at,
        opinion="补记",
        data={"days": 1},
        prev_hash=head.last_event_hash,
    )
    forged.hash = hash_of(forged, case.number)
    forged.save(force_insert=True)
    Case.objects.filter(pk=case.pk).update(event_count=forged.seq, last_event_hash=forged.hash)
    (problem,) = only(findings(), case.number)
    assert problem.startswith(f"events {forged.seq} are not in the log although it was settled past them")


def test_all_checkpoints_removed_from_the_database_are_named_in_one_finding(case, world):
    other = in_progress_case(world)
    services.case_extend(case=other, actor=world.chief, days=1, reason="延期")
    checkpoint()
    Checkpoint.objects.all().delete()
    found = findings()
    assert found["checkpoints"] == ["checkpoints 1–2 are in the exported copy but missing from the database"]
    assert "log" not in found  # the exported heads still vouch for the log
