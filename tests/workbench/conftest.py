import pytest

from onewindow.cases.selectors import version_plan_cache_clear
from tests.factories.cases import make_world


@pytest.fixture(autouse=True)
def _fresh_version_plans():
    version_plan_cache_clear()
    yield
    version_plan_cache_clear()


@pytest.fixture
def world(db):
    return make_world()
