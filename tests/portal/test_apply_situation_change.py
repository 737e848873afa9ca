"""A draft changes its 情形 answers on the same questions, pre-filled: the materials follow the
catalog's rule again; uploads of materials no longer asked are named and confirmed before they
go, then named again once removed; a submitted application keeps its answers; hostile answers
are named beside their question with nothing changed; another account's draft is a 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onewindow.cases import channels, files
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Application, ApplicationMaterial, CaseEvent, CaseMaterial, MaterialFile
from tests.factories.cases import SITUATION_MATERIALS, SITUATION_QUESTIONS, make_world
from tests.portal.conftest import PDF, citizen
from tests.threads import race
from tests.workbench.helpers import text

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def draft(client, situation_desk, who="org", kind="new", **uploads) -> Application:
    url = reverse("portal:apply", args=[situation_desk.item.code])
    response = client.post(url, {"action": "save", "s_apply_kind": kind, "s_who": who, **uploads}, **ZH)
    assert response.status_code == 302, text(response)[:400]
    return Application.objects.order_by("-pk").first()


def situation_url(application):
    return reverse("portal:application_situation", args=[application.number])


def change(client, application, **answers):
    data = {f"s_{k}": v for k, v in answers.items()}
    return client.post(situation_url(application), data, **ZH)


def codes(application) -> set[str]:
    return set(ApplicationMaterial.objects.filter(application=application).values_list("code", flat=True))


def test_the_draft_shows_its_answers_with_a_way_to_change_them_on_the_same_questions(
    signed_in, situation_desk
):
    application = draft(signed_in, situation_desk, who="person")
    page = signed_in.get(reverse("portal:application", args=[application.number]), **ZH).content.decode()
    assert 'data-testid="situation-who"' in page and 'data-testid="situation-change"' in page
    # the button saves what was typed first, then opens the questions pre-filled
    response = signed_in.post(
        reverse("portal:application", args=[application.number]), {"action": "situation"}, **ZH
    )
    assert response.status_code == 302 and response["Location"] == situation_url(application)
    page = signed_in.get(situation_url(application), **ZH).content.decode()
    assert "个人还是企业？" in page and 'value="person" checked' in page and 'value="new" checked' in page


def test_a_new_answer_adds_the_materials_it_asks_for_and_says_so(signed_in, situation_desk):
    application = draft(signed_in, situation_desk, who="person", file_id_card=pdf("身份证.pdf"))
    assert codes(application) == {"id_card"}
    response = change(signed_in, application, apply_kind="change", who="org")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.situation_answers == {"apply_kind": "change", "who": "org"}
    assert codes(application) == {"id_card", "business_licence", "change_proof"}
    assert set(
        CaseMaterial.objects.filter(case__application=application).values_list("material__code", flat=True)
    ) == {
        "id_card",
        "business_licence",
        "change_proof",
    }
    page = text(signed_in.get(response["Location"], **ZH))
    assert "现在还需要" in page and "营业执照" in page and "变更证明" in page
    assert "身份证.pdf" in page  # what still applies keeps its upload
    assert ApplicationMaterial.objects.get(application=application, code="id_card").status == "received"


def test_uploads_of_materials_no_longer_asked_are_named_confirmed_then_removed(
    signed_in, situation_desk, django_capture_on_commit_callbacks
):
    application = draft(signed_in, situation_desk, who="org", file_business_licence=pdf("营业执照-秋菊.pdf"))
    stored = MaterialFile.objects.get(material_code="business_licence")
    path = files.files_dir() / stored.stored_name
    assert path.exists()
    first = change(signed_in, application, apply_kind="new", who="person")
    assert first.status_code == 200  # asks first, changes nothing
    assert 'data-testid="file-to-remove"' in first.content.decode() and "营业执照-秋菊.pdf" in text(first)
    application.refresh_from_db()
    assert application.situation_answers["who"] == "org" and path.exists()
    confirm = first.context["confirm"]
    # a confirmation is for the answers it was shown with: other answers ask again
    again = signed_in.post(
        situation_url(application), {"s_apply_kind": "change", "s_who": "person", "confirm": confirm}, **ZH
    )
    assert again.status_code == 200 and MaterialFile.objects.filter(pk=stored.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = signed_in.post(
            situation_url(application), {"s_apply_kind": "new", "s_who": "person", "confirm": confirm}, **ZH
        )
    assert done.status_code == 302
    assert not MaterialFile.objects.filter(pk=stored.pk).exists() and not path.exists()
    assert codes(application) == {"id_card"}
    page = text(signed_in.get(done["Location"], **ZH))
    assert "营业执照（营业执照-秋菊.pdf）" in page and "已从草稿中删除" in page


def test_the_same_answers_again_change_nothing(signed_in, situation_desk):
    application = draft(signed_in, situation_desk, who="org", file_business_licence=pdf("l.pdf"))
    response = change(signed_in, application, apply_kind="new", who="org")
    assert response.status_code == 302 and MaterialFile.objects.count() == 1
    assert "材料清单不变" in text(signed_in.get(response["Location"], **ZH))


@pytest.mark.parametrize("who", ["", "robot", "<script>alert(1)</script>", "企" * 5000, "org;drop", "ｏｒｇ"])
def test_a_missing_or_hostile_answer_is_named_and_nothing_changes(signed_in, situation_desk, who):
    application = draft(signed_in, situation_desk, who="org", file_business_licence=pdf("l.pdf"))
    response = signed_in.post(situation_url(application), {"s_apply_kind": "new", "s_who": who}, **ZH)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="error-s_who"' in body and 'data-testid="error-s_apply_kind"' not in body
    assert "<script>alert" not in body
    application.refresh_from_db()
    assert application.situation_answers == {"apply_kind": "new", "who": "org"}
    assert MaterialFile.objects.count() == 1 and codes(application) == {"id_card", "business_licence"}


def test_an_empty_or_repeated_post_is_refused_or_harmless(signed_in, situation_desk):
    application = draft(signed_in, situation_desk, who="org")
    assert signed_in.post(situation_url(application), {}, **ZH).status_code == 400
    duplicated = signed_in.post(
        situation_url(application), {"s_apply_kind": ["change", "new"], "s_who": ["person", "org"]}, **ZH
    )
    assert duplicated.status_code in (302, 400)  # the last value of each counts, or it is refused
    assert Application.objects.count() == 1


def test_a_submitted_application_keeps_its_answers(signed_in, situation_desk):
    application = draft(signed_in, situation_desk, who="person", file_id_card=pdf("id.pdf"))
    channels.portal_draft_submit(application=application, actor=application.applicant, idempotency_key="k-1")
    response = signed_in.get(situation_url(application), **ZH)
    assert response.status_code == 302 and response["Location"].endswith(f"/{application.number}/")
    assert "不能修改" in text(signed_in.get(response["Location"], **ZH))
    assert change(signed_in, application, apply_kind="change", who="org").status_code == 302
    application.refresh_from_db()
    assert application.situation_answers == {"apply_kind": "new", "who": "person"}
    assert codes(application) == {"id_card"}
    with pytest.raises(CaseError) as exc:
        channels.portal_draft_situation_change(
            application=application,
            actor=application.applicant,
            answers={"apply_kind": "change", "who": "org"},
        )
    assert exc.value.code == "NOT_A_DRAFT"
    page = signed_in.get(reverse("portal:application", args=[application.number]), **ZH).content.decode()
    assert 'data-testid="situation-change"' not in page


def test_another_accounts_draft_is_a_404_and_untouched(client, signed_in, situation_desk):
    application = draft(signed_in, situation_desk, who="org", file_business_licence=pdf("l.pdf"))
    other = citizen(mobile="13700137000", id17="11010519500101001", name="王善堂")
    client.force_login(other.account.user, backend="onewindow.org.identity.PortalAccountBackend")
    assert client.get(situation_url(application)).status_code == 404
    assert change(client, application, apply_kind="new", who="person").status_code == 404
    with pytest.raises(CaseError) as exc:
        channels.portal_draft_situation_change(
            application=application, actor=other.applicant, answers={"apply_kind": "new", "who": "person"}
        )
    assert exc.value.code == "NOT_OWN_APPLICATION"
    application.refresh_from_db()
    assert application.situation_answers["who"] == "org" and MaterialFile.objects.count() == 1


def test_an_item_without_questions_has_no_such_page(signed_in, desk):
    url = reverse("portal:apply", args=[desk.item.code])
    signed_in.post(url, {"action": "save", "f_business_name": "秋菊小吃"}, **ZH)
    application = Application.objects.get()
    assert signed_in.get(situation_url(application)).status_code == 404
    assert signed_in.get(reverse("portal:application_situation", args=["码" * 500])).status_code == 404


def test_submitting_after_a_change_asks_for_what_the_new_answers_need(signed_in, situation_desk):
    application = draft(signed_in, situation_desk, who="person", file_id_card=pdf("id.pdf"))
    change(signed_in, application, apply_kind="new", who="org")
    response = signed_in.post(
        reverse("portal:application", args=[application.number]),
        {"action": "submit", "idempotency_key": "k-after"},
        **ZH,
    )
    assert (
        response.status_code == 400
        and 'data-testid="error-material-business_licence"' in response.content.decode()
    )
    assert application.cases.get().state == "draft"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_change_racing_a_submit_or_itself_leaves_one_consistent_draft_or_submission(
    settings, tmp_path, qiuju, client
):
    settings.ONEWINDOW_FILES_DIR = tmp_path / "files"
    situation_desk = make_world(questions=SITUATION_QUESTIONS, materials=SITUATION_MATERIALS)
    client.force_login(qiuju.account.user, backend="onewindow.org.identity.PortalAccountBackend")
    application = draft(client, situation_desk, who="org", file_business_licence=pdf("l.pdf"))
    person = {"apply_kind": "new", "who": "person"}

    def to_person():
        return channels.portal_draft_situation_change(
            application=application, actor=qiuju.applicant, answers=person
        )

    def submit():
        return channels.portal_draft_submit(
            application=application, actor=qiuju.applicant, idempotency_key="race"
        )

    results = race([to_person, to_person, submit])
    application.refresh_from_db()
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, CaseError) for e in errors), errors
    state = application.cases.get().state
    wanted = {"id_card"} if application.situation_answers == person else {"id_card", "business_licence"}
    assert codes(application) == wanted  # the materials always follow the stored answers
    assert CaseEvent.objects.filter(action="submit").count() == (1 if state == "prereview" else 0)
    linked = set(
        CaseMaterial.objects.filter(case__application=application).values_list("material__code", flat=True)
    )
    assert linked == wanted
