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


@pytest.mark.django_db
def test_a_blank_search_shows_the_empty_form(client):
    response = client.get(reverse("portal:progress"), {"number": "   "})
    assert response.status_code == 200
    assert 'name="number"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["a/b", "../../etc", "办件😀", "x" * 10_000, "NO PE"])
def test_a_search_that_cannot_be_a_case_number_says_not_found_on_the_search_page(client, typed):
    response = client.get(reverse("portal:progress"), {"number": typed}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    body = response.content.decode()
    assert "没有编号为" in body
    assert "x" * 41 not in body.split("alert")[-1]  # the message shows at most 40 characters of it


def test_a_search_with_spaces_and_lower_case_finds_the_case(client, case):
    response = client.get(reverse("portal:progress"), {"number": f"  {case.number.lower()} "})
    assert response.status_code == 302
    assert response.url == reverse("portal:progress_case", args=[case.number])


@pytest.mark.django_db
def test_a_case_address_with_characters_no_number_has_is_not_asked_of_the_database(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/progress/a%20b;DROP/")
    assert response.status_code == 404
