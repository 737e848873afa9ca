import pytest

from tests.factories.catalog import StageTaskFactory


@pytest.mark.django_db
def test_factories_build_a_procedure_inside_one_center():
    task = StageTaskFactory()
    version = task.stage.procedure.version
    assert task.department.center == version.item.center
    assert version.promised_limit_days <= version.legal_limit_days
