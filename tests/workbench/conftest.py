import pytest

from onewindow.cases.plans import version_plan_cache_clear
from tests.cases.channels.sheets import nurse_item
from tests.factories.cases import make_world


@pytest.fixture(autouse=True)
def _fresh_version_plans():
    version_plan_cache_clear()
    yield
    version_plan_cache_clear()


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def nurse(world):
    """The batch tests' nurse registration item (tests/cases/channels/sheets.py)."""
    return nurse_item(world)
