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
