"""A member of staff's own password: the page that changes it, and the rule that a temporary
password (issued by an administrator, `org.services.staff_password_issue`) is changed first.

At sign-in (workbench or admin) the session is marked when the staff row says a new password
is due (`mark_password_change`, connected to `user_logged_in` in `apps.py`); while the mark is
there, `PasswordChangeRequired` sends every workbench and admin page to `/workbench/password/`.
The mark costs no query on the pages themselves; `staff_required` checks the flag on the row it
loads anyway, for a flag set while the person was signed in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from onewindow.org.errors import MESSAGES, OrgError
from onewindow.org.models import Staff
from onewindow.org.services import MAX_PASSWORD_LENGTH, staff_password_change
from onewindow.workbench.staff import staff_required

SESSION_KEY = "onewindow_password_change_required"
# Pages reachable while a new password is due: the password page itself and the way out.
EXEMPT = {("workbench", "password"), ("workbench", "logout"), ("workbench", "login"), ("admin", "logout")}


def mark_password_change(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """At sign-in: remember in the session that this person must choose a new password."""
    if request is None or not hasattr(request, "session"):
        return
    if Staff.objects.filter(user_id=user.pk, password_change_required=True).exists():
        request.session[SESSION_KEY] = True
    else:
        request.session.pop(SESSION_KEY, None)


class PasswordChangeRequired:
    """Every workbench and admin page leads to the password page while a new one is due."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.namespace not in {"workbench", "admin"}:
            return None  # the portal and the public pages never read the session for this
        if (match.namespace, match.url_name) in EXEMPT:
            return None
        if request.session.get(SESSION_KEY):
            return redirect("workbench:password")
        return None


class PasswordChangeForm(forms.Form):
    """The current password and the new one twice; the rules are the service's."""

    old_password = forms.CharField(
        label=gettext_lazy("Current password"),
        strip=False,
        max_length=MAX_PASSWORD_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password = forms.CharField(
        label=gettext_lazy("New password"),
        strip=False,
        max_length=MAX_PASSWORD_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label=gettext_lazy("New password again"),
        strip=False,
        max_length=MAX_PASSWORD_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new, again = data.get("new_password"), data.get("new_password_again")
        if new and again and new != again:
            self.add_error("new_password_again", forms.ValidationError(MESSAGES["PASSWORD_MISMATCH"]))
        return data


@sensitive_post_parameters("old_password", "new_password", "new_password_again")
@never_cache
@require_http_methods(["GET", "POST"])
@staff_required
def password_change(request: HttpRequest) -> HttpResponse:
    """修改密码: any member of staff; the first page after signing in with a temporary password."""
    staff: Staff = request.staff  # type: ignore[attr-defined]
    required = bool(request.session.get(SESSION_KEY)) or staff.password_change_required
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = staff_password_change(
                    staff=staff,
                    old_password=form.cleaned_data["old_password"],
                    new_password=form.cleaned_data["new_password"],
                )
            except OrgError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                update_session_auth_hash(request, changed.user)  # stay signed in on this computer
                request.session.pop(SESSION_KEY, None)
                messages.success(request, _("Your new password is saved. Use it from now on."))
                return redirect("workbench:home")
        status = 400
    context = {"form": form, "required": required, "rules": password_validators_help_text_html()}
    return render(request, "workbench/password.html", context, status=status)
