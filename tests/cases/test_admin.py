import pytest
from django.urls import reverse

from onewindow.cases.models import Case, CaseEvent
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


def test_admin_cannot_add_change_or_delete_domain_rows(admin_client_with_case):
    client, case = admin_client_with_case
    assert client.get(reverse("admin:cases_case_add")).status_code == 403
    assert client.post(reverse("admin:cases_case_delete", args=[case.pk]), {"post": "yes"}).status_code == 403
    response = client.post(reverse("admin:cases_case_change", args=[case.pk]), {"state": "closed"})
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).state == "completed"
    event = CaseEvent.objects.filter(case=case).first()
    assert client.get(reverse("admin:cases_caseevent_change", args=[event.pk])).status_code == 200
    assert (
        client.post(reverse("admin:cases_caseevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert client.get(reverse("admin:cases_application_changelist")).status_code == 200
