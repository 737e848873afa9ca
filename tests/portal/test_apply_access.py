"""Who may open each apply-online URL of an application waiting for a supplement: a visitor is
sent to the portal's sign-in, staff are refused (403), another account gets a 404 like a number
that does not exist, the owner gets the page, and nothing the others post changes the
application. The portal's access matrix (tests/portal/access_matrix.py) requests these URLs too,
for a submitted application, with every other portal URL."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from onewindow.cases import channels
from onewindow.cases.models import MaterialFile
from tests.portal.conftest import PDF, citizen
from tests.portal.test_apply import full_draft, notice, submit
from tests.workbench.helpers import sign_in as staff_sign_in

pytestmark = pytest.mark.django_db


def _urls(desk, application, file_id):
    n = application.number
    return [
        ("get", reverse("portal:apply", args=[desk.item.code])),
        ("get", reverse("portal:applications")),
        ("get", reverse("portal:application", args=[n])),
        ("post", reverse("portal:application", args=[n])),
        ("post", reverse("portal:application_supplement", args=[n])),
        ("get", reverse("portal:application_situation", args=[n])),
        ("post", reverse("portal:application_situation", args=[n])),
        ("post", reverse("portal:application_withdraw", args=[n])),
        ("post", reverse("portal:application_file_remove", args=[n, file_id])),
        ("get", reverse("portal:file", args=[file_id])),
    ]


OWN_ONLY = {
    "application",
    "application_situation",
    "application_supplement",
    "application_withdraw",
    "application_file_remove",
    "file",
}


def _name(url):
    from django.urls import resolve

    return resolve(url).url_name


def test_every_apply_url_as_visitor_staff_other_account_and_owner(signed_in, desk):
    application = full_draft(signed_in, desk)
    assert submit(signed_in, application).status_code == 302
    notice(desk, application)
    file_id = MaterialFile.objects.filter(application=application).first().pk
    urls = _urls(desk, application, file_id)

    visitor = Client()
    for method, url in urls:
        response = getattr(visitor, method)(url)
        assert response.status_code == 302 and reverse("portal:login") in response["Location"], url

    staff = Client()
    staff_sign_in(staff, desk.clerk)
    for method, url in urls:
        assert getattr(staff, method)(url).status_code == 403, url

    other = Client()
    someone = citizen(mobile="13700137000", id17="11010519500101001", name="王善堂")
    other.force_login(someone.account.user, backend="onewindow.org.identity.PortalAccountBackend")
    for method, url in urls:
        code = getattr(other, method)(url).status_code
        if _name(url) in OWN_ONLY:
            assert code == 404, url
        else:
            assert code in (200, 302), url

    for method, url in urls:
        if method == "get":
            # a submitted application's answers are not changed: its situation page sends it back
            code = 302 if _name(url) == "application_situation" else 200
            assert getattr(signed_in, method)(url).status_code == code, url
    assert MaterialFile.objects.filter(pk=file_id).exists()
    assert channels.supplement_asked(application) is not None  # nothing the others sent changed it
    assert application.cases.get().state == "pending_supplement"
    assert PDF  # the owner's file is still the one uploaded
