"""How a portal account signs in: the seam where a province's unified identity platform plugs in.

`PortalAccountBackend` signs an account in with its mobile number and password. A province
that runs a unified identity platform (统一身份认证) adds its own backend to
AUTHENTICATION_BACKENDS beside or instead of this one: it authenticates the person by the
platform's ticket and returns the Django user of a `PortalAccount` (creating the account on
first sign-in through `org.accounts.account_create`, and binding it with `account_bind` when the
platform vouches for the identity). Everything after sign-in (`portal.accounts.portal_required`,
what an account sees) asks only for that user's PortalAccount, so nothing else changes
(docs/decisions/0019-portal-accounts.md).

django-axes' backend runs first and counts failures per (typed mobile number, address): the
portal's sign-in form passes the normalised number as `username`, so spelling one number
differently does not buy more attempts.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from onewindow.org.accounts import account_find


class PortalAccountBackend(ModelBackend):
    """Mobile number and password of a portal account; None for anything else, so the next
    backend (staff usernames) gets its turn."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if not username or password is None:
            return None
        account = account_find(mobile=username)
        if account is None:
            if username.strip().isdigit():
                # Hash anyway, so the answer takes as long for a number without an account.
                get_user_model()().set_password(password)
            return None
        user = account.user
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
