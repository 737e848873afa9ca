"""The portal pages ask the database a fixed number of times, however many cases an application
holds or questions a guide asks: the application's status page reads every case's trail in one
query, the guide's 情形 partial loads only what it draws."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onewindow.cases import services
from onewindow.catalog.models import SituationQuestion
from tests.factories.cases import item_with_procedure
from tests.factories.catalog import MaterialRequirementFactory

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def filed(desk, applicant, n: int):
    """An online application of `n` items, pre-review passed and accepted at the window: each
    case has a trail with the applicant's and the clerk's steps."""
    items = [desk.item] + [
        item_with_procedure(center=desk.center, department=desk.department, name=f"事项{k}")[0]
        for k in range(1, n)
    ]
    application = services.application_create(
        center=desk.center,
        applicant=applicant,
        items=items,
        channel="portal",
        materials=["id_card", "licence"],
        actor=applicant,
        state="prereview",
        form_data={"business_name": "秋菊小吃", "staff_count": 3},
    )
    services.application_prereview_pass(application=application, actor=desk.clerk)
    services.application_intake(application=application, actor=desk.clerk)
    return application


def page_queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **ZH)
    assert response.status_code == 200, response.content[:300]
    return len(queries), response.content.decode()


def test_the_status_page_reads_every_cases_trail_in_one_query(signed_in, desk, qiuju):
    one = filed(desk, qiuju.applicant, 1)
    five = filed(desk, qiuju.applicant, 5)
    small, _body = page_queries(signed_in, reverse("portal:application", args=[one.number]))
    large, body = page_queries(signed_in, reverse("portal:application", args=[five.number]))
    assert large == small, f"{small} queries for one case, {large} for five"
    assert body.count('data-testid="trail"') == 5
    for case in five.cases.all():  # each case still has its own trail, under its item's name
        assert case.item.name in body
    assert body.count("受理") >= 5


def test_the_status_page_trail_reads_as_before(signed_in, desk, qiuju):
    from onewindow.cases.presenters import citizen_trail
    from onewindow.cases.selectors import case_timeline

    application = filed(desk, qiuju.applicant, 2)
    _n, body = page_queries(signed_in, reverse("portal:application", args=[application.number]))
    for case in application.cases.all():
        for line in citizen_trail(events=case_timeline(case=case)):
            assert str(line.sentence) in body
    assert desk.clerk.name not in body  # the window acted, never a named member of staff


def questioned(desk, n: int):
    for k in range(n):
        SituationQuestion.objects.create(
            version=desk.version,
            order=k,
            code=f"q{k}",
            text=f"问题{k}",
            choices=[{"code": "yes", "label": "是"}, {"code": "no", "label": "否"}],
        )
        MaterialRequirementFactory(version=desk.version, code=f"m{k}", applies_when={f"q{k}": ["yes"]})


def test_the_guides_situation_partial_reads_only_what_it_draws(client, desk, django_assert_max_num_queries):
    questioned(desk, 1)
    url = reverse("portal:guide_materials", args=[desk.item.code])
    htmx = {"HTTP_HX_REQUEST": "true", **ZH}
    with CaptureQueriesContext(connection) as few:
        response = client.get(url, {"q_q0": "yes"}, **htmx)
    assert response.status_code == 200 and 'data-material="m0"' in response.content.decode()
    questioned_more = [f"q{k}" for k in range(1, 6)]
    for k, code in enumerate(questioned_more, start=1):
        SituationQuestion.objects.create(
            version=desk.version,
            order=k,
            code=code,
            text=f"问题{k}",
            choices=[{"code": "yes", "label": "是"}, {"code": "no", "label": "否"}],
        )
    with django_assert_max_num_queries(len(few)):
        response = client.get(url, {"q_q0": "no"}, **htmx)
    body = response.content.decode()
    assert response.status_code == 200 and 'data-material="m0"' not in body
    assert 'data-material="id_card"' in body
    # the item (with its published version), its materials, its questions: not the procedure,
    # the form fields or the windows the whole guide page reads
    assert len(few) <= 3, [q["sql"] for q in few.captured_queries]
