"""A file the one-time notice sent back no longer stands beside its replacement: once the citizen
uploads a new one, the old file is marked replaced (kept, not counted, not shown to the citizen),
a replacement removed before sending gives the old one back, and the clerk still sees both."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from onewindow.cases import channels, files
from onewindow.cases.errors import CaseError
from onewindow.cases.models import MaterialFile
from tests.portal.test_apply import ZH, notice, pdf, submitted
from tests.workbench.helpers import sign_in as staff_sign_in

pytestmark = pytest.mark.django_db


def page(client, application) -> str:
    return client.get(reverse("portal:application", args=[application.number]), **ZH).content.decode()


def upload(client, application, name, action="upload"):
    url = reverse("portal:application_supplement", args=[application.number])
    return client.post(url, {"action": action, "file_licence": pdf(name)}, **ZH)


def test_a_replacement_marks_the_old_file_and_the_citizen_sees_only_the_current_one(signed_in, desk):
    application = submitted(signed_in, desk)
    old = MaterialFile.objects.get(application=application, material_code="licence")
    notice(desk, application)
    assert "licence.pdf" in page(signed_in, application)  # sent back, not replaced yet: still shown
    assert upload(signed_in, application, "营业执照-清晰版.pdf").status_code == 302
    new = MaterialFile.objects.get(original_name="营业执照-清晰版.pdf")
    old.refresh_from_db()
    assert old.superseded_by_id == new.pk and old.superseded_at == new.uploaded_at
    body = page(signed_in, application)
    assert "营业执照-清晰版.pdf" in body and "licence.pdf" not in body
    assert upload(signed_in, application, "x.pdf", action="send").status_code == 302
    assert application.cases.get().state == "prereview"
    assert MaterialFile.objects.filter(pk=old.pk).exists()  # kept for the trail
    # the citizen can still open their own old file by its address; another citizen cannot
    assert signed_in.get(reverse("portal:file", args=[old.pk])).status_code == 200
    # the clerk sees both on the pre-review page, the old one marked, and opens both
    clerk = Client()
    staff_sign_in(clerk, desk.clerk)
    body = clerk.get(f"/workbench/prereview/{application.number}/").content.decode()
    assert body.count('data-file-state="superseded"') == 1 and "已退回/已替换" in body
    assert clerk.get(reverse("workbench:file", args=[old.pk])).status_code == 200


def test_removing_the_replacement_before_sending_gives_the_old_file_back(signed_in, desk):
    application = submitted(signed_in, desk)
    old = MaterialFile.objects.get(application=application, material_code="licence")
    notice(desk, application)
    upload(signed_in, application, "a.pdf")
    upload(signed_in, application, "b.pdf")
    a, b = MaterialFile.objects.get(original_name="a.pdf"), MaterialFile.objects.get(original_name="b.pdf")
    old.refresh_from_db()
    assert old.superseded_by_id == a.pk
    remove = reverse("portal:application_file_remove", args=[application.number, a.pk])
    assert signed_in.post(remove).status_code == 302
    old.refresh_from_db()
    assert old.superseded_by_id == b.pk  # still replaced: by the other new one
    signed_in.post(reverse("portal:application_file_remove", args=[application.number, b.pk]))
    old.refresh_from_db()
    assert old.superseded_at is None and old.superseded_by_id is None
    assert "licence.pdf" in page(signed_in, application)
    # the old file itself (sent before the notice) cannot be removed: the trail refers to it
    with pytest.raises(CaseError):
        channels.portal_material_remove(application=application, actor=application.applicant, file_id=old.pk)
    assert MaterialFile.objects.filter(pk=old.pk).exists()


def test_replaced_files_do_not_count_against_the_per_material_limit(signed_in, desk):
    application = submitted(signed_in, desk)
    for i in range(files.MAX_FILES_PER_MATERIAL - 1):  # the draft's one plus these fill the limit
        files.material_file_store(
            upload=pdf(f"more-{i}.pdf"),
            name=f"more-{i}.pdf",
            material_code="licence",
            actor=application.applicant,
            application=application,
        )
    notice(desk, application)
    for i in range(files.MAX_FILES_PER_MATERIAL):
        assert upload(signed_in, application, f"new-{i}.pdf").status_code == 302
    assert (
        MaterialFile.objects.filter(
            application=application, material_code="licence", superseded_at__isnull=True
        ).count()
        == files.MAX_FILES_PER_MATERIAL
    )
    refused = upload(signed_in, application, "one-too-many.pdf")
    assert (
        refused.status_code == 400
        and not MaterialFile.objects.filter(original_name="one-too-many.pdf").exists()
    )


def test_a_second_notice_replaces_the_first_replacement_in_turn(signed_in, desk):
    application = submitted(signed_in, desk)
    notice(desk, application)
    upload(signed_in, application, "first.pdf", action="send")
    notice(desk, application, note="仍然模糊")
    upload(signed_in, application, "second.pdf")
    first = MaterialFile.objects.get(original_name="first.pdf")
    second = MaterialFile.objects.get(original_name="second.pdf")
    assert first.superseded_by_id == second.pk
    assert list(
        MaterialFile.objects.filter(
            application=application, material_code="licence", superseded_at__isnull=True
        )
    ) == [second]
