"""The portal's accounts: sign-up, sign-in and sign-out, the decorator every account page uses,
and the page where a new account says who it is.

`portal_required` sends a visitor who is not signed in to the portal's sign-in page, refuses
a signed-in user without a portal account (a member of staff, 403), and hands the view the
`PortalAccount` as `request.account`. What the account may see is decided by the selectors it
calls with that account, never by the view (docs/decisions/0019-portal-accounts.md).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from onewindow.core.fields import mask_phone
from onewindow.core.inputs import DocumentKind
from onewindow.core.ratelimit import client_address
from onewindow.core.validators import normalise_mobile
from onewindow.core.views import safe_next
from onewindow.org.accounts import (
    CODE_MINUTES,
    account_applicant,
    account_declare_applicant,
    account_password_reset,
    account_sign_up,
    mobile_code_send,
)
from onewindow.org.errors import OrgError, org_error
from onewindow.org.models import MobileCode, PortalAccount

View = TypeVar("View", bound=Callable[..., HttpResponse])


class AccountRequest(HttpRequest):
    """A request an account page receives: `account` is the signed-in portal account."""

    account: PortalAccount


def request_account(request: HttpRequest) -> PortalAccount | None:
    """The signed-in user's portal account, if the user has an active one."""
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return None
    try:
        return user.portal_account
    except PortalAccount.DoesNotExist:
        return None


def portal_required(view: View) -> View:
    """Decorate a portal view for signed-in accounts."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        account = request_account(request)
        if account is None:
            raise PermissionDenied(_("These pages are for portal accounts: staff use the workbench."))
        request.account = account  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return cast(View, wrapper)


def _safe_next(request: HttpRequest, default: str) -> str:
    """Where to go after the form (`next`, posted or in the address): a path of this site only."""
    return safe_next(request, request.POST.get("next") or request.GET.get("next") or "", default)


class AccountSignInForm(AuthenticationForm):
    """Mobile number and password of a portal account."""

    username = forms.CharField(
        label=gettext_lazy("Mobile phone number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "tel", "inputmode": "tel"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": gettext_lazy("The mobile number or the password is wrong."),
        "inactive": gettext_lazy("This account is switched off."),
        "not_account": gettext_lazy("This is not a portal account: staff sign in on the workbench."),
    }

    def clean_username(self) -> str:
        # One spelling per number, so django-axes counts every failure for it together.
        return normalise_mobile(self.cleaned_data["username"].strip())

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not PortalAccount.objects.filter(user=user).exists():
            raise forms.ValidationError(self.error_messages["not_account"], code="not_account")


class SignInView(auth_views.LoginView):
    form_class = AccountSignInForm
    template_name = "portal/account/signin.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("portal:my")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["timed_out"] = self.request.session.pop("onewindow_timed_out", False)
        return context


class SignOutView(auth_views.LogoutView):
    next_page = "portal:home"


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """What django-axes answers a locked-out sign-in (settings.AXES_LOCKOUT_CALLABLE).

    A citizen locked out on the portal's sign-in gets a portal page (its look, the elderly mode
    if chosen) saying for how long, with the password reset, which lifts the lockout
    (`org.accounts.account_password_reset`). Every other sign-in (the workbench's, the admin's)
    keeps the staff page, AXES_LOCKOUT_TEMPLATE, with the context django-axes gives it."""
    from axes.helpers import get_cool_off, get_failure_limit  # django-axes: the numbers it locked by

    cool_off = get_cool_off(request)
    context: dict[str, Any] = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_timedelta": cool_off,
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else 0,
    }
    match = getattr(request, "resolver_match", None)
    portal = match is not None and match.view_name == "portal:login"
    template = "portal/account/locked_out.html" if portal else settings.AXES_LOCKOUT_TEMPLATE
    return render(request, template, context, status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429))


def _errors_by_field(exc: OrgError) -> dict[str, str]:
    return {exc.field or "all": exc.message}


SIGNUP_SESSION = "onewindow_signup"
RESET_SESSION = "onewindow_reset"


def _code_step(
    request: HttpRequest, *, session_key: str, purpose: str, extra: dict[str, str]
) -> tuple[dict[str, str] | None, dict[str, str]]:
    """Step 1 of sign-up and reset: text a code to the typed number. The number (and the account
    kind) the code was sent for stay in the session: step 2 acts for that number only, whatever
    the form posts. Returns (what step 2 works on, errors)."""
    mobile = request.POST.get("mobile", "")[:40]
    try:
        mobile_code_send(mobile=mobile, purpose=purpose, address=client_address(request))
    except OrgError as exc:
        return None, _errors_by_field(exc)
    pending = {"mobile": normalise_mobile(mobile), **extra}
    request.session[session_key] = pending
    return pending, {}


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Open an account in two steps: the mobile number (a six-digit code is texted to it), then
    the code and a password; then sign in."""
    if request_account(request) is not None:
        return redirect("portal:my")
    pending = request.session.get(SIGNUP_SESSION)
    typed = {
        "mobile": request.POST.get("mobile", "")[:40],
        "kind": request.POST.get("kind", PortalAccount.Kind.PERSON)[:20],
    }
    errors: dict[str, str] = {}
    step = request.POST.get("step") if request.method == "POST" else ("code" if pending else "number")
    if request.GET.get("again") == "1" and request.method == "GET":
        request.session.pop(SIGNUP_SESSION, None)
        pending, step = None, "number"
    if step == "send":
        if typed["kind"] not in PortalAccount.Kind.values:
            errors = {"kind": _("Choose who the account is for.")}
        else:
            pending, errors = _code_step(
                request,
                session_key=SIGNUP_SESSION,
                purpose=MobileCode.Purpose.SIGNUP,
                extra={"kind": typed["kind"]},
            )
        step = "code" if pending and not errors else "number"
    elif step == "create":
        if not pending:
            errors, step = {"mobile": str(org_error("SMS_CODE_NOT_SENT").message)}, "number"
        else:
            try:
                account = account_sign_up(
                    mobile=pending["mobile"],
                    code=request.POST.get("code", "")[:40],
                    password=request.POST.get("password", ""),
                    password_again=request.POST.get("password_again", ""),
                    kind=pending["kind"],
                )
            except OrgError as exc:
                errors = _errors_by_field(exc)
                if exc.field == "mobile":  # the number was taken meanwhile: start again
                    request.session.pop(SIGNUP_SESSION, None)
                    pending, step = None, "number"
                else:
                    step = "code"
            else:
                request.session.pop(SIGNUP_SESSION, None)
                login(request, account.user, backend="onewindow.org.identity.PortalAccountBackend")
                return redirect(_safe_next(request, reverse("portal:identity")))
    else:
        step = "code" if pending else "number"
    context = {
        "step": step,
        "pending_mobile": mask_phone(pending["mobile"]) if pending else "",
        "typed": typed,
        "errors": errors,
        "kinds": PortalAccount.Kind.choices,
        "next": _safe_next(request, ""),
        "code_minutes": CODE_MINUTES,
    }
    return render(request, "portal/account/signup.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
def reset(request: HttpRequest) -> HttpResponse:
    """Choose a new password with a code texted to the account's number (two steps, as sign-up).
    Whether a number has an account is not told: a code is "sent" either way."""
    pending = request.session.get(RESET_SESSION)
    typed = {"mobile": request.POST.get("mobile", "")[:40]}
    errors: dict[str, str] = {}
    step = request.POST.get("step") if request.method == "POST" else ("code" if pending else "number")
    if request.GET.get("again") == "1" and request.method == "GET":
        request.session.pop(RESET_SESSION, None)
        pending, step = None, "number"
    if step == "send":
        pending, errors = _code_step(
            request, session_key=RESET_SESSION, purpose=MobileCode.Purpose.RESET, extra={}
        )
        step = "code" if pending and not errors else "number"
    elif step == "set":
        if not pending:
            errors, step = {"mobile": str(org_error("SMS_CODE_NOT_SENT").message)}, "number"
        else:
            try:
                account_password_reset(
                    mobile=pending["mobile"],
                    code=request.POST.get("code", "")[:40],
                    password=request.POST.get("password", ""),
                    password_again=request.POST.get("password_again", ""),
                )
            except OrgError as exc:
                errors, step = _errors_by_field(exc), "code"
            else:
                request.session.pop(RESET_SESSION, None)
                messages.success(request, _("Your new password is set: sign in with it."))
                return redirect("portal:login")
    else:
        step = "code" if pending else "number"
    context = {
        "step": step,
        "pending_mobile": mask_phone(pending["mobile"]) if pending else "",
        "typed": typed,
        "errors": errors,
        "code_minutes": CODE_MINUTES,
    }
    return render(request, "portal/account/reset.html", context, status=400 if errors else 200)


@portal_required
@require_http_methods(["GET"])
def my(request: HttpRequest) -> HttpResponse:
    """The account's own page: who it acts for, whether it is bound, where its cases are."""
    account = cast(AccountRequest, request).account
    return render(
        request, "portal/account/my.html", {"account": account, "applicant": account_applicant(account)}
    )


IDENTITY_FIELDS = ("name", "document_kind", "id_number", "uscc", "legal_representative", "email", "address")


@portal_required
@require_http_methods(["GET", "POST"])
def identity(request: HttpRequest) -> HttpResponse:
    """A new account says who it is (a person or an organisation, as its kind)."""
    account = cast(AccountRequest, request).account
    if account_applicant(account) is not None:
        return redirect("portal:my")
    typed = {name: request.POST.get(name, "")[:200] for name in IDENTITY_FIELDS}
    typed["document_kind"] = typed["document_kind"] or DocumentKind.RESIDENT_ID
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            account_declare_applicant(account=account, **typed)
        except OrgError as exc:
            errors = _errors_by_field(exc)
        else:
            return redirect(_safe_next(request, reverse("portal:my")))
    context = {
        "account": account,
        "typed": typed,
        "errors": errors,
        "document_kinds": DocumentKind.choices,
        "organisation": account.kind == PortalAccount.Kind.ORGANISATION,
        "next": _safe_next(request, ""),
    }
    return render(request, "portal/account/identity.html", context, status=400 if errors else 200)
