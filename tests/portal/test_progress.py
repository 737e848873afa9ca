import pytest
from django.urls import reverse

from tests.factories.cases import accepted_case, make_world


@pytest.fixture
def case(db):
    world = make_world()
    world.applicant.name = "张三丰"
    world.applicant.save(update_fields=["name"])
    return accepted_case(world)


def test_progress_page_shows_state_steps_and_masks_the_applicant(client, case):
    response = client.get(reverse("portal:progress_case", args=[case.number]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = response.content.decode()
    assert response.status_code == 200
    assert case.number in body
    assert case.item.name in body
    assert "张**" in body
    assert "张三丰" not in body
    assert "已受理" in body  # the accept step, in Chinese


def test_progress_search_redirects_to_the_case_page(client, case):
    response = client.get(reverse("portal:progress"), {"number": case.number.lower()})
    assert response.status_code == 302
    assert response.url == reverse("portal:progress_case", args=[case.number])


@pytest.mark.django_db
def test_unknown_case_number_says_so_in_chinese(client):
    response = client.get(reverse("portal:progress_case", args=["NOPE-1"]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    assert "没有编号为 NOPE-1 的办件" in response.content.decode()


@pytest.mark.django_db
def test_progress_page_queries_are_bounded(client, case, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get(reverse("portal:progress_case", args=[case.number]))


@pytest.mark.django_db
def test_home_page_links_the_progress_search(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert reverse("portal:progress") in response.content.decode()
    assert "办件进度查询" in response.content.decode()
