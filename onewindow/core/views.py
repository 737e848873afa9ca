"""The pages a visitor sees when a request fails: 400, 403, 404, 500 and a refused form (CSRF).

They are plain pages in the visitor's language (Chinese unless the address starts with /en/),
with nothing that could fail again while rendering: no database, no signed-in user, no
JavaScript. The 403 and 404 pages show the reason a view gave when it is a sentence written for
people (our views' `PermissionDenied` and `Http404` messages); the URL resolver's own 404
carries a list of patterns, which is never shown.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

NEXT_MAX_LENGTH = 2000  # an address longer than this is no page of ours


def safe_next(request: HttpRequest, target: str, default: str) -> str:
    """`target` when it is a path of this site (where a form goes back to, as Django's
    `set_language` checks it), else `default`. A bare word ("my") is not a path: `redirect()`
    would take it for a view name and fail (a 500)."""
    if (
        0 < len(target) <= NEXT_MAX_LENGTH
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


def _page(template: str, status: int, *, reason: str = "") -> HttpResponse:
    # No request: context processors (the signed-in user, messages) would read the database.
    body = loader.get_template(f"errors/{template}.html").render({"reason": reason})
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def _reason(exception: Exception | None) -> str:
    """The exception's message when it is one sentence for people, else ''."""
    if exception is None or len(exception.args) != 1 or not isinstance(exception.args[0], str):
        return ""
    return exception.args[0][:200]


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page("400", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page("403", 403, reason=_reason(exception))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page("404", 404, reason=_reason(exception))


def server_error(request: HttpRequest) -> HttpResponse:
    return _page("500", 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's reason (Origin, Referer, token) goes to the log, not to the visitor."""
    return _page("csrf", 403)
