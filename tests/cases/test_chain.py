"""The event chain finds any edit made outside the engine."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from onewindow.cases.chain import chain_verify
from onewindow.cases.models import Case, CaseEvent
from tests.factories.cases import completed_case, in_progress_case, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def trail_files(settings, tmp_path):
    """The command also reads the trail's key and exported checkpoints: never the data folder's
    (a demo run leaves its own there)."""
    settings.TRAIL_SIGNING_KEY = tmp_path / "signing-key.pem"
    settings.TRAIL_PUBLIC_KEY = tmp_path / "signing-key.pem.pub"
    settings.TRAIL_CHECKPOINT_FILE = tmp_path / "checkpoints.jsonl"


@pytest.fixture
def case():
    return completed_case(make_world())


def test_an_intact_chain_has_no_problems(case):
    assert case.event_count >= 6
    assert chain_verify(case) == []
    call_command("verify_case_chain")


def test_an_edited_opinion_is_found(case):
    CaseEvent.objects.filter(case=case, action="decide").update(opinion="不予许可")
    with translation.override("en"):
        assert any("edited" in p for p in chain_verify(case))


def test_edited_data_via_raw_sql_is_found(case):
    event = CaseEvent.objects.get(case=case, action="decide")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_caseevent SET data = %s WHERE id = %s",
            ['{"decision": "denied"}', event.pk],
        )
    assert chain_verify(case)


def test_a_removed_event_is_found(case):
    CaseEvent.objects.filter(case=case, seq=3).delete()
    assert chain_verify(case)


def test_a_removed_last_event_is_found_by_the_head(case):
    CaseEvent.objects.filter(case=case, seq=case.event_count).delete()
    problems = chain_verify(case)
    assert problems


def test_reordered_events_are_found(case):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_caseevent SET seq = 1000 WHERE case_id = %s AND seq = 2", [case.pk])
        cursor.execute("UPDATE cases_caseevent SET seq = 2 WHERE case_id = %s AND seq = 3", [case.pk])
        cursor.execute("UPDATE cases_caseevent SET seq = 3 WHERE case_id = %s AND seq = 1000", [case.pk])
    assert chain_verify(case)


def test_a_case_state_edited_without_an_event_is_found(case):
    Case.objects.filter(pk=case.pk).update(state="closed")
    assert chain_verify(case)


def test_a_head_that_does_not_match_is_found(case):
    Case.objects.filter(pk=case.pk).update(last_event_hash="f" * 64)
    assert chain_verify(case)


def test_the_command_names_the_tampered_case_and_fails(case, capsys):
    world = make_world()
    intact = in_progress_case(world)
    CaseEvent.objects.filter(case=case, seq=2).update(actor_name="某某")
    with pytest.raises(CommandError):
        call_command("verify_case_chain")
    out = capsys.readouterr().out
    assert case.number in out
    assert intact.number not in out
    # Scoped to the intact case's center, the command passes.
    call_command("verify_case_chain", "--center", world.center.code)


def test_streaming_in_small_chunks_still_pairs_each_case_with_its_own_events():
    world = make_world()
    cases = [in_progress_case(world) for _ in range(3)]
    CaseEvent.objects.filter(case=cases[1], seq=1).update(opinion="后改")
    from onewindow.cases.chain import chain_verify_all

    for chunk in (1, 2, 5):
        broken = dict(chain_verify_all(center_code=world.center.code, chunk_size=chunk))
        assert list(broken) == [cases[1].number]


def test_a_case_without_events_but_with_a_head_is_found():
    world = make_world()
    case = in_progress_case(world)
    CaseEvent.objects.filter(case=case).delete()
    assert chain_verify(case)
