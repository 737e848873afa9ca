"""Who may open a workbench page: a signed-in, active member of staff, with the roles a page needs.

Every workbench view is wrapped in `staff_required`. It sends a visitor who is not signed in to the
workbench's sign-in page, refuses accounts that are not staff (403), and hands the view the
`Staff` row as `request.staff`. What that member of staff may then see or change is decided by
`onewindow.org.access` through the selectors and actions the view calls, never by the view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar, cast, overload

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from onewindow.org.models import Staff
from onewindow.org.selectors import staff_get_by_username


class StaffRequest(HttpRequest):
    """A request a workbench view receives: `staff` is the signed-in member of staff."""

    staff: Staff


View = TypeVar("View", bound=Callable[..., HttpResponse])


def request_staff(request: HttpRequest) -> Staff | None:
    """The signed-in user's active Staff row (roles prefetched), once per request."""
    if not request.user.is_authenticated:
        return None
    cached = getattr(request, "_workbench_staff", False)
    if cached is False:
        staff = staff_get_by_username(username=request.user.get_username())
        cached = staff if staff is not None and staff.is_active else None
        request._workbench_staff = cached  # type: ignore[attr-defined]
    return cast(Staff | None, cached)


@overload
def staff_required(view: View) -> View: ...
@overload
def staff_required(view: None = None, *, roles: Iterable[str] = ()) -> Callable[[View], View]: ...
def staff_required(view: View | None = None, *, roles: Iterable[str] = ()) -> Any:
    """Decorate a view for staff; with `roles`, for staff holding at least one of them."""
    needed = tuple(roles)

    def decorate(func: View) -> View:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            staff = request_staff(request)
            if staff is None:
                raise PermissionDenied(_("Only staff of a service center can use the workbench."))
            if needed and not any(staff.has_role(role) for role in needed):
                raise PermissionDenied(_("This page is for another role."))
            match = request.resolver_match
            if staff.password_change_required and (match is None or match.url_name != "password"):
                return redirect("workbench:password")  # a temporary password is changed first
            request.staff = staff  # type: ignore[attr-defined]
            return func(request, *args, **kwargs)

        return cast(View, wrapper)

    return decorate(view) if view is not None else decorate
