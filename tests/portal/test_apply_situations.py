"""The online form asks the items' 情形 questions first: the answers pick the materials (the
catalog's rule, as at the window), are kept with the draft, and a missing or hostile answer is
named beside its question with nothing written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onewindow.cases.models import Application

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def url(situation_desk):
    return reverse("portal:apply", args=[situation_desk.item.code])


def test_the_form_asks_the_questions_and_lists_only_what_applies_whatever_the_answers(
    signed_in, situation_desk
):
    body = signed_in.get(url(situation_desk), **ZH).content.decode()
    assert 'name="s_apply_kind"' in body and 'name="s_who"' in body and "个人还是企业？" in body
    assert 'data-testid="material-id_card"' in body
    assert 'data-testid="material-change_proof"' not in body
    assert 'data-testid="material-business_licence"' not in body


@pytest.mark.parametrize("who", ["", "robot", "<script>", "x" * 5000, "个人"])
def test_an_unanswered_or_hostile_answer_is_named_and_no_draft_is_made(signed_in, situation_desk, who):
    response = signed_in.post(
        url(situation_desk), {"action": "save", "s_apply_kind": "new", "s_who": who}, **ZH
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-s_who"' in body and 'data-testid="error-s_apply_kind"' not in body
    assert 'value="new" checked' in body  # what was chosen stays chosen
    assert not Application.objects.exists()


def test_the_draft_keeps_its_answers_and_asks_the_materials_they_pick(signed_in, situation_desk):
    response = signed_in.post(
        url(situation_desk), {"action": "save", "s_apply_kind": "change", "s_who": "org"}, **ZH
    )
    assert response.status_code in (200, 302), response.content[:300]
    draft = Application.objects.get()
    assert draft.situation_answers == {"apply_kind": "change", "who": "org"}
    body = signed_in.get(reverse("portal:application", args=[draft.number]), **ZH).content.decode()
    for code in ("id_card", "change_proof", "business_licence"):
        assert f'data-testid="material-{code}"' in body
    assert 'data-testid="situation-who"' in body and "企业" in body
    assert 'name="s_who"' not in body  # fixed with the draft
