"""The guide's 情形 partial and its materials view (/services/<code>/materials/): public, the
list follows the answers by the catalog's one rule, hostile input gets a clear answer."""

import html
import re

import pytest

from tests.factories.cases import situation_world

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(db):
    return situation_world()


def url(world, code=None):
    return f"/services/{code or world.item.code}/materials/"


def test_unanswered_every_material_shows_with_the_situation_it_applies_under(client, world):
    response = client.get(url(world), **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body  # the fragment for htmx
    for code in ("id_card", "business_licence", "change_proof"):
        assert f'data-material="{code}"' in body
    assert "仅在个人还是企业？：企业时提交" in body


def test_the_answers_pick_the_materials(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        body = client.get(url(world), {"q_apply_kind": "new", "q_who": "person"}, **HX).content.decode()
    assert 'data-material="id_card"' in body
    assert 'data-material="business_licence"' not in body and 'data-material="change_proof"' not in body
    body = client.get(url(world), {"q_apply_kind": "change", "q_who": "person"}, **HX).content.decode()
    assert 'data-material="change_proof"' in body and "可告知承诺" in body
    assert 'data-material="business_licence"' not in body


def test_one_answer_narrows_what_it_decides(client, world):
    body = client.get(url(world), {"q_who": "person"}, **HX).content.decode()
    assert 'data-material="business_licence"' not in body and 'data-material="change_proof"' in body


def test_without_htmx_the_page_holds_the_questions_and_the_list(client, world):
    body = client.get(url(world), {"q_who": "org"}).content.decode()
    assert "<html" in body and 'data-testid="guide-situations"' in body
    assert 'value="org" checked' in body


@pytest.mark.parametrize("value", ["renew", "x" * 10_000, "个人😀", "<b>x</b>"])
def test_a_hostile_answer_is_named_and_nothing_breaks(client, world, value):
    response = client.get(url(world), {"q_who": value}, **HX)
    assert response.status_code == 400
    body = response.content.decode()
    assert "不是问题“个人还是企业？”的选项" in body and "<b>x</b>" not in body


@pytest.mark.parametrize("code", ["NOPE-0000", "x" * 200, "-bad", "营业执照"])
def test_an_unknown_or_malformed_item_is_404(client, world, code):
    assert client.get(url(world, code)).status_code == 404


def test_a_nul_is_refused_at_the_edge(client, world):
    assert client.get(url(world, "%00")).status_code == 400  # core's HTTP edge, before the view
    assert client.get(url(world), {"q_who": "\x00"}).status_code == 400


def test_a_draft_only_or_inactive_item_is_not_shown(client, world):
    world.item.is_active = False
    world.item.save()
    assert client.get(url(world)).status_code == 404


def apply_link(body: str) -> str | None:
    match = re.search(r'href="([^"]*)" data-testid="apply-online"', body)
    return html.unescape(match[1]) if match else None


def test_the_guide_applies_online_with_the_answers_given(client, world):
    code = world.item.code
    assert apply_link(client.get(f"/services/{code}/").content.decode()) == f"/apply/{code}/"
    answered = client.get(url(world), {"q_apply_kind": "change", "q_who": "org"}, **HX).content.decode()
    assert apply_link(answered) == f"/apply/{code}/?s_apply_kind=change&s_who=org"
    hostile = client.get(url(world), {"q_apply_kind": "new", "q_who": "<b>x</b>"}, **HX).content.decode()
    assert apply_link(hostile) == f"/apply/{code}/?s_apply_kind=new"  # only a real choice is carried


def test_the_link_opens_the_form_with_the_answers_chosen_and_their_materials(signed_in, world):
    body = signed_in.get(f"/apply/{world.item.code}/?s_apply_kind=change&s_who=person").content.decode()
    assert 'value="change" checked' in body and 'value="person" checked' in body
    assert 'data-testid="material-change_proof"' in body
    assert 'data-testid="material-business_licence"' not in body


def test_an_item_not_applied_for_online_has_no_apply_button(client, world):
    world.version.online_available = False
    world.version.save()
    assert apply_link(client.get(f"/services/{world.item.code}/").content.decode()) is None
    assert apply_link(client.get(url(world), **HX).content.decode()) is None
