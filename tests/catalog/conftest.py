import pytest

from tests.factories.org import DepartmentFactory, SectorFactory, ServiceCenterFactory, UserFactory


@pytest.fixture
def center(db):
    return ServiceCenterFactory(code="XTX", name="新泰市政务服务中心")


@pytest.fixture
def department(center):
    return DepartmentFactory(center=center, code="SCJG", name="市场监督管理局")


@pytest.fixture
def other_department(center):
    return DepartmentFactory(center=center, code="ZRZY", name="自然资源局")


@pytest.fixture
def sector(center):
    return SectorFactory(center=center, code="SSFW", name="商事服务")


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk")


@pytest.fixture
def org(center, department, other_department, sector):
    """A center with two departments and a sector, as the catalog documents name them."""
    return center
