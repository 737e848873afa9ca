import pytest

from onewindow.catalog.models import FormField
from tests.factories.cases import item_with_procedure
from tests.factories.catalog import FormFieldFactory

# The nurse registration item of the batch tests: two required materials, one tolerable
# (容缺), one optional; the sheet's columns are the 5 fixed ones, 3 fields, 4 materials.
NURSE_MATERIALS = [
    {"code": "id_card", "name": "身份证复印件"},
    {"code": "diploma", "name": "护理专业毕业证书"},
    {"code": "health", "name": "健康体检证明", "tolerable": True, "tolerance_days": 10},
    {"code": "photo", "name": "近期免冠照片", "required": False},
]


@pytest.fixture
def name_and_phone_form(world):
    """The world item's form: 申请人姓名 and 联系电话, both optional."""
    FormFieldFactory(version=world.version, key="name", label="申请人姓名", order=0, required=False)
    FormFieldFactory(version=world.version, key="phone", label="联系电话", order=1, required=False)


@pytest.fixture
def nurse(world):
    item, version = item_with_procedure(
        center=world.center, department=world.department, materials=NURSE_MATERIALS
    )
    FormFieldFactory(version=version, key="employer", label="执业机构", order=1)
    FormFieldFactory(
        version=version,
        key="category",
        label="执业类别",
        kind=FormField.Kind.CHOICE,
        choices=["护士", "助产士"],
        order=2,
    )
    FormFieldFactory(
        version=version, key="graduated", label="毕业日期", kind=FormField.Kind.DATE, required=False, order=3
    )
    return item
