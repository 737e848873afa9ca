import pytest

from onewindow.core.calendar import calendar_reload


@pytest.fixture(autouse=True)
def fresh_calendar():
    """Each test sees the calendar compiled from its own database state (rolled-back
    overrides of an earlier test must not linger in the in-process cache)."""
    calendar_reload()
    yield
    calendar_reload()
