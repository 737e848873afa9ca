"""The account rules the portal's sign-in rests on (onewindow/org/identity.py): passwords are
hashed with argon2 in production, and a province's unified identity platform (统一身份认证) plugs
in as one more authentication backend whose users reach every signed-in portal page."""

from __future__ import annotations

import importlib
import secrets
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import identify_hasher
from django.test import RequestFactory, override_settings
from django.urls import reverse

from onewindow.org.accounts import account_create, account_declare_applicant, account_find
from tests.factories.org import with_id_check_digit

PRODUCTION = importlib.import_module("config.settings")  # the module as deployed, not the tests' overrides


def test_production_settings_hash_passwords_with_argon2():
    assert PRODUCTION.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.PASSWORD_HASHERS[0] != PRODUCTION.PASSWORD_HASHERS[0]  # the tests' fast hasher


@pytest.mark.django_db
def test_an_account_opened_with_the_production_hashers_stores_an_argon2_hash():
    with override_settings(PASSWORD_HASHERS=PRODUCTION.PASSWORD_HASHERS):
        account = account_create(mobile="13800138000", password="qiuju-daguansi-1992")
        account.user.refresh_from_db()
        assert account.user.password.startswith("argon2$")
        assert identify_hasher(account.user.password).algorithm == "argon2"
        assert account.user.check_password("qiuju-daguansi-1992")


# ------------------------------------------------------------------ the identity platform's seam

# What a province platform vouches for when it hands back a ticket: the person's mobile number,
# name and ID number (a test double; a real backend asks the platform over its API).
PLATFORM = {"TICKET-QIUJU": ("13900139000", "秋菊", with_id_check_digit("11010519491231002"))}
BACKEND = "tests.org.test_identity.ProvincePlatformBackend"


class ProvincePlatformBackend:
    """A sign-in by the platform's ticket: the user of the number's PortalAccount, the account
    opened (and its person declared) at the first sign-in, as onewindow/org/identity.py describes."""

    def authenticate(self, request: Any, ticket: str | None = None, **kwargs: Any) -> Any:
        if ticket not in PLATFORM:
            return None
        mobile, name, id_number = PLATFORM[ticket]
        account = account_find(mobile=mobile)
        if account is None:
            account = account_create(mobile=mobile, password=secrets.token_urlsafe(24))
            account_declare_applicant(account=account, name=name, id_number=id_number)
        return account.user

    def get_user(self, user_id: int) -> Any:
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(pk=user_id, is_active=True).first()


@pytest.fixture
def with_platform(settings):
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]


@pytest.mark.django_db
def test_a_province_platform_backend_signs_citizens_into_every_signed_in_portal_page(client, with_platform):
    request = RequestFactory().post("/account/login/")
    assert authenticate(request, ticket="TICKET-FORGED") is None
    user = authenticate(request, ticket="TICKET-QIUJU")
    assert user is not None and user.backend == BACKEND
    assert authenticate(request, ticket="TICKET-QIUJU").pk == user.pk  # one account per person
    client.force_login(user, backend=BACKEND)  # the session remembers the platform's backend
    for name in ("my", "my_cases", "applications", "bind"):
        response = client.get(reverse(f"portal:{name}"), HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, name  # portal_required let the platform's user in
    assert "139****9000" in client.get(reverse("portal:my")).content.decode()


@pytest.mark.django_db
def test_without_the_backend_in_the_settings_its_session_signs_nobody_in(client, with_platform, settings):
    user = authenticate(RequestFactory().post("/account/login/"), ticket="TICKET-QIUJU")
    client.force_login(user, backend=BACKEND)
    settings.AUTHENTICATION_BACKENDS = PRODUCTION.AUTHENTICATION_BACKENDS  # the platform unplugged
    response = client.get(reverse("portal:my"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:login"))
