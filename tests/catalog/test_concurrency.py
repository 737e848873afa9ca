"""Two clerks at once, on PostgreSQL with real threads and connections."""

import pytest

from onewindow.catalog.errors import CatalogError
from onewindow.catalog.models import ServiceItemVersion
from onewindow.catalog.services import catalog_import, item_create, version_publish
from tests.factories.catalog import guide_data, item_data
from tests.threads import race


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_publishing_the_same_draft_publish_it_once(center, department):
    item = item_create(
        center=center,
        code="ITEM-0001",
        name="事项",
        category="licensing",
        department=department,
        guide=guide_data("SCJG"),
    )
    draft = item.versions.get()
    results = race(
        [
            lambda: version_publish(version=ServiceItemVersion.objects.get(pk=draft.pk), actor=None),
            lambda: version_publish(version=ServiceItemVersion.objects.get(pk=draft.pk), actor=None),
        ]
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], CatalogError) and errors[0].code == "VERSION_FROZEN"
    assert ServiceItemVersion.objects.filter(item=item, status="published").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_imports_of_a_changed_guide_publish_one_new_version(center, department):
    catalog_import(center=center, data={"items": [item_data("ITEM-0001", "SCJG")]})
    changed = {"items": [item_data("ITEM-0001", "SCJG", promised_limit_days=4)]}
    results = race(
        [
            lambda: catalog_import(center=center, data=changed),
            lambda: catalog_import(center=center, data=changed),
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.versions_published for r in results) == [0, 1]
    versions = ServiceItemVersion.objects.filter(item__code="ITEM-0001").order_by("number")
    assert [(v.number, v.status) for v in versions] == [(1, "retired"), (2, "published")]
