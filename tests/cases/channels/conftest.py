import pytest

from tests.cases.channels.sheets import nurse_item
from tests.factories.catalog import FormFieldFactory


@pytest.fixture
def name_and_phone_form(world):
    """The world item's form: 申请人姓名 and 联系电话, both optional."""
    FormFieldFactory(version=world.version, key="name", label="申请人姓名", order=0, required=False)
    FormFieldFactory(version=world.version, key="phone", label="联系电话", order=1, required=False)


@pytest.fixture
def nurse(world):
    return nurse_item(world)
