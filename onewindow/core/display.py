"""The display mode of the public pages: standard (标准版) or elderly-friendly (适老版).

The visitor's choice is one cookie, so it holds signed out and across sign-in; pages read it
while rendering (`core.templatetags.display_mode`) and the elderly-friendly mode only adds one
stylesheet (`core/elder.css`), so every page built on the portal's or the sign-in page's base
template follows it without doing anything. The switch is a plain form: no script reads or
writes the cookie, which is why it is HttpOnly.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_POST

from onewindow.core.views import safe_next

COOKIE = "onewindow_display"
ELDER = "elder"
STANDARD = "standard"
MODES = (STANDARD, ELDER)
COOKIE_MAX_AGE = 365 * 24 * 3600  # a year: the choice of a person who needs large text rarely changes


def display_mode(request: HttpRequest | None) -> str:
    """The mode the visitor chose; anything but the exact word for a mode is the standard one."""
    if request is None:
        return STANDARD
    value = request.COOKIES.get(COOKIE, "")
    return value if value in MODES else STANDARD


@require_POST
def display_mode_set(request: HttpRequest) -> HttpResponse:
    """Remember the mode posted by the switch and go back to the page it was on (303).

    An unknown mode changes nothing; `next` must be an address on this site (as Django's
    `set_language` checks it), else the visitor lands on the home page."""
    response = HttpResponseRedirect(safe_next(request, request.POST.get("next", ""), "/"), status=303)
    mode = request.POST.get("mode", "")
    if mode in MODES:
        response.set_cookie(
            COOKIE,
            mode,
            max_age=COOKIE_MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response
