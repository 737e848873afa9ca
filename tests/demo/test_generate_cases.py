"""`manage.py generate_cases`: what it refuses before writing anything."""

import io

import pytest
from django.core.management import CommandError, call_command


def test_the_command_refuses_bad_counts_and_an_empty_database(db, settings, tmp_path):
    with pytest.raises(CommandError, match="count"):
        call_command("generate_cases", count=0, stdout=io.StringIO())
    with pytest.raises(CommandError, match="count"):
        call_command("generate_cases", count=10**12, stdout=io.StringIO())
    settings.TRAIL_SIGNING_KEY = tmp_path / "none.pem"
    with pytest.raises(CommandError, match="load_demo"):
        call_command("generate_cases", count=5, stdout=io.StringIO())
