import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from tests.factories.cases import completed_case, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_with_case(client, django_user_model):
    case = completed_case(make_world())
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw-for-tests-only")
    client.force_login(user)
    return client, case


def test_case_admin_lists_searches_and_shows_read_only_inlines(admin_client_with_case):
    client, case = admin_client_with_case
    url = reverse("admin:cases_case_changelist")
    response = client.get(url, {"q": case.number, "state": "completed"})
    assert response.status_code == 200
    assert case.number in response.content.decode()
    response = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "准予" in body or "granted" in body  # decision shown in the events inline


@pytest.mark.parametrize("model", ["application", "case", "casetask", "caseevent"])
def test_every_case_row_is_view_only(admin_client_with_case, model):
    from django.apps import apps

    client, case = admin_client_with_case
    model_class = apps.get_model("cases", model)
    obj = model_class.objects.order_by("pk").first()
    before = model_to_dict(obj)
    assert client.get(reverse(f"admin:cases_{model}_add")).status_code == 403
    page = client.get(reverse(f"admin:cases_{model}_change", args=[obj.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(reverse(f"admin:cases_{model}_change", args=[obj.pk]), {}).status_code == 403
    assert (
        client.post(reverse(f"admin:cases_{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    )
    changelist = client.get(reverse(f"admin:cases_{model}_changelist"))
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()
    obj.refresh_from_db()
    assert model_to_dict(obj) == before


def test_task_list_filters_by_state(admin_client_with_case):
    client, case = admin_client_with_case
    response = client.get(reverse("admin:cases_casetask_changelist"), {"state": "done", "q": case.number})
    assert response.status_code == 200
    tasks = list(response.context["cl"].result_list)
    assert tasks and {t.case_id for t in tasks} == {case.pk} and {t.state for t in tasks} == {"done"}


# ------------------------------------------------------------------ scoped by the access rules

SCOPED = ["application", "case", "casetask", "caseevent"]


@pytest.fixture
def net():
    from tests.factories.access import county_network

    return county_network()


def center_of(row):
    return row.center_id if hasattr(row, "center_id") else row.case.center_id


@pytest.mark.parametrize("model", SCOPED)
def test_a_village_admin_sees_only_their_stations_applications_and_cases(client, net, model):
    client.force_login(net.village.admin.user)
    response = client.get(reverse(f"admin:cases_{model}_changelist"))
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert rows and {center_of(r) for r in rows} == {net.village.center.pk}
    # the county's side filters are not offered either
    assert "AHX审批科" not in response.content.decode()


def test_the_county_supervisor_sees_the_townships_and_villages_below(client, net):
    client.force_login(net.county.supervisor.user)
    response = client.get(reverse("admin:cases_case_changelist"))
    assert response.context["cl"].result_count == 4


@pytest.mark.parametrize("model", SCOPED)
def test_a_county_case_is_a_404_for_a_village_admin(client, net, model):
    from django.apps import apps

    client.force_login(net.village.admin.user)
    model_class = apps.get_model("cases", model)
    county_row = next(r for r in model_class.objects.all() if center_of(r) == net.county.center.pk)
    assert client.get(reverse(f"admin:cases_{model}_change", args=[county_row.pk])).status_code == 404


@pytest.mark.parametrize("model", SCOPED)
def test_scoped_case_lists_cost_the_same_queries_for_more_rows(client, net, model):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories.access import apply

    client.force_login(net.village.admin.user)
    url = reverse(f"admin:cases_{model}_changelist")
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    apply(net.village, 6)
    apply(net.county, 3)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.context["cl"].result_count > 1
    assert len(large.captured_queries) == len(small.captured_queries) <= 14
