"""The workbench's own sign-in and sign-out (not the admin's).

Failed sign-ins are counted by django-axes (settings.AXES_*): after `AXES_FAILURE_LIMIT` failures
for one account from one address, that pair is locked out for `AXES_COOLOFF_TIME` and sees
`workbench/locked_out.html`. Only accounts that belong to an active member of staff may sign in
here; an administrator without a staff record keeps the admin's own page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from onewindow.org.selectors import staff_get_by_username


class StaffSignInForm(AuthenticationForm):
    """Username and password of a member of staff."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("The username or the password is wrong. Both are case-sensitive."),
        "inactive": _("This account is switched off. Ask your center's administrator."),
        "not_staff": _("This account does not belong to a member of a service center's staff."),
    }

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        staff = staff_get_by_username(username=user.get_username())
        if staff is None or not staff.is_active:
            raise forms.ValidationError(self.error_messages["not_staff"], code="not_staff")


class SignInView(auth_views.LoginView):
    form_class = StaffSignInForm
    template_name = "workbench/signin.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["timed_out"] = self.request.session.pop("onewindow_timed_out", False)
        return context


class SignOutView(auth_views.LogoutView):
    next_page = "workbench:login"
