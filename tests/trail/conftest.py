import pytest
from django.utils import translation

from onewindow.trail import keys
from onewindow.trail.services import checkpoint_create, checkpoint_export
from onewindow.trail.verify import trail_verify


@pytest.fixture(autouse=True)
def trail_files(settings, tmp_path):
    """Each test has its own signing key path and exported file (test workers share the data folder)."""
    settings.TRAIL_SIGNING_KEY = tmp_path / "keys" / "signing-key.pem"
    settings.TRAIL_PUBLIC_KEY = tmp_path / "keys" / "signing-key.pem.pub"
    settings.TRAIL_CHECKPOINT_FILE = tmp_path / "export" / "checkpoints.jsonl"
    return tmp_path


@pytest.fixture
def signing_key(trail_files):
    keys.keygen()
    return keys.signing_key()


def checkpoint(**kwargs):
    """What the periodic task does: checkpoint, then export."""
    made = checkpoint_create(**kwargs)
    checkpoint_export()
    return made


def findings(**kwargs) -> dict[str, list[str]]:
    """The verifier's findings by subject, in English (the messages' source text)."""
    with translation.override("en"):
        found, _report = trail_verify(**kwargs)
    by_subject: dict[str, list[str]] = {}
    for f in found:
        by_subject.setdefault(f.subject, []).append(f.problem)
    return by_subject
