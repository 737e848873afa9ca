"""Checks on what a request carries before any view parses it.

Each class refuses one kind of value that would otherwise reach code that cannot take it and
end in a server error (500) instead of a clear answer:

- `RejectNulCharacters`: a NUL character in the path, the query string, a cookie, or a posted form
  field (its name or value). No address, parameter, form value or
  session key of OneWindow contains one, and PostgreSQL cannot store or compare it in text
  (psycopg raises before the query runs), so every filter, lookup or write given one would
  fail. The 400 names the field (`NUL_CHARACTER`): the JSON `field` is the raw parameter,
  the message a person reads names it by its label on the page, by what it is, or not at
  all (`core.fieldlabels.nul_message`: never the raw `m_id_card` or `form-0-name`); a form
  Django will not parse at all (more than `DATA_UPLOAD_MAX_NUMBER_FIELDS` fields or files, a
  body past `DATA_UPLOAD_MAX_MEMORY_SIZE`, a multipart body it cannot read, such as a file name whose
  part headers pass its size limit) is a 400 that says so (`TOO_MANY_FIELDS`, `TOO_LARGE`,
  `FORM_UNREADABLE`). A body declared larger than `ONEWINDOW_MAX_REQUEST_MB` is a 413
  (`TOO_LARGE`) before any of it is read.
  A client that asks for JSON gets `{"errors": [{"field", "code", "message"}]}`.
- `AdminParameterCheck`: parameters Django's admin trusts too far. An empty `_to_field` skips
  the admin's own check and then names no field; a date hierarchy's year, month and day are
  turned into datetimes and moved to UTC without a range check (year 9999 has no next year,
  year 1 none before it in UTC, and digits past a C long overflow).

And one that ends what a request carries:

- `SessionIdleTimeout`: a signed-in session left idle for `SESSION_IDLE_MINUTES` (a counter PC left
  unlocked over lunch) is signed out, and every session ends `SESSION_MAX_HOURS` after sign-in
  (the cookie's own age). The last-seen time is written at most once a minute, so a busy clerk's
  pages do not each write the session row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.exceptions import DisallowedModelAdminToField
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.auth import logout
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.core.errors import (
    FORM_UNREADABLE,
    NUL_CHARACTER,
    TOO_LARGE,
    TOO_MANY_FIELDS,
    FieldError,
    field_error,
    input_message,
)
from onewindow.core.fieldlabels import nul_message

NUL = "\x00"


class RejectNulCharacters:
    """400 for a NUL anywhere in the path, the query string (names and values), the cookies, a
    posted field (names and values); 400 for a form too big to parse.

    Reading `request.POST` here parses the body once, as `CsrfViewMiddleware` would a moment
    later; Django caches it for the view. A multipart body is streamed to temporary files by
    Django's upload handlers, so a large upload costs disk, not memory."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path:
            raise BadRequest("NUL character in the request")
        limit = settings.ONEWINDOW_MAX_REQUEST_MB * 2**20
        if _declared_length(request) > limit:
            # Before the body is parsed: the portal's apply form posts every material's files at
            # once, and the proxy lets a little more through (docs/operations.md).
            _drain(request, cap=2 * limit)
            message = _("The files sent at once pass %(mb)d MB: save with fewer files, then add the others.")
            error = field_error("", message % {"mb": settings.ONEWINDOW_MAX_REQUEST_MB}, TOO_LARGE)
            return refusal(request, error, status=413)
        try:
            field = _nul_field(request)
        except (TooManyFieldsSent, TooManyFilesSent):
            return refusal(
                request, field_error("", input_message(TOO_MANY_FIELDS, label=""), TOO_MANY_FIELDS)
            )
        except RequestDataTooBig:
            return refusal(request, field_error("", input_message(TOO_LARGE, label=""), TOO_LARGE))
        except MultiPartParserError:  # a part's headers past Django's limit (a very long file name)
            return refusal(
                request, field_error("", input_message(FORM_UNREADABLE, label=""), FORM_UNREADABLE)
            )
        if field is not None:
            name, cookie = field
            message = nul_message(name, path=request.path_info, cookie=cookie)
            return refusal(request, field_error(name, message, NUL_CHARACTER))
        return self.get_response(request)


def _nul_field(request: HttpRequest) -> tuple[str, bool] | None:
    """The name of the first parameter holding a NUL (without the NUL) and whether it is a
    cookie, or None."""
    sources: list[tuple[QueryDict | dict[str, str], bool]] = [(request.GET, False), (request.COOKIES, True)]
    if request.method == "POST":
        sources.append((request.POST, False))
    for values, cookie in sources:
        found = _has_nul(values)
        if found is not None:
            return found, cookie
    return None  # an uploaded file's name: Django's multipart parser already drops a NUL from it


def _has_nul(values: QueryDict | dict[str, str]) -> str | None:
    pairs = values.lists() if isinstance(values, QueryDict) else ((k, [v]) for k, v in values.items())
    for key, vs in pairs:
        if NUL in key or any(NUL in v for v in vs):
            return key.replace(NUL, "") or "?"
    return None


def wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept or request.content_type == "application/json"


def _declared_length(request: HttpRequest) -> int:
    """The body's size as the client declares it (Content-Length; 0 when absent or malformed)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def _drain(request: HttpRequest, *, cap: int) -> None:
    """Read and drop a refused body of at most `cap` bytes (never parsed, never kept): a server
    that answers while the proxy is still sending resets the connection, and the proxy then
    shows its own 502 instead of the answer. A larger one is not read (the proxy's own limit is
    below `cap`)."""
    if _declared_length(request) > cap:
        return
    while request.read(2**20):
        pass


def refusal(request: HttpRequest, error: FieldError, *, status: int = 400) -> HttpResponse:
    """A 400 naming the field: JSON `{"errors": [...]}` for a client that asks for it, else the
    400 page with the message (rendered without the database, as every error page)."""
    if wants_json(request):
        return JsonResponse({"errors": [error]}, status=status, json_dumps_params={"ensure_ascii": False})
    body = loader.get_template("errors/400.html").render({"reason": error["message"]})
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


class AdminParameterCheck:
    """Refuses the admin parameters Django does not check itself, as Django refuses its other bad
    ones: a `_to_field` naming no field is a 400, an impossible date in a change list's date
    hierarchy sends the list back unfiltered (`?e=1`, with a message)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        model_admin = getattr(view_func, "model_admin", None)  # set on every ModelAdmin URL's view
        if model_admin is None:
            return None
        for params in (request.GET, request.POST if request.method == "POST" else QueryDict()):
            if TO_FIELD_VAR in params and not params[TO_FIELD_VAR]:
                raise DisallowedModelAdminToField("An empty field cannot be referenced.")
        field = getattr(model_admin, "date_hierarchy", None)
        match = request.resolver_match
        if field and match is not None and (match.url_name or "").endswith("_changelist"):
            if not date_hierarchy_valid(request.GET, field):
                messages.error(request, _("There is no such date; the whole list is shown."))
                return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return None


def date_hierarchy_valid(params: QueryDict, field: str) -> bool:
    """Whether the year, month and day the admin's change list reads for `field` make a range it
    can build and store: the same arithmetic as Django's ChangeList, with the errors caught."""
    year = params.get(f"{field}__year")
    if year is None:
        return True
    month, day = params.get(f"{field}__month"), params.get(f"{field}__day")
    try:
        start = dt.datetime(  # noqa: DTZ001 - made aware below, as Django does
            int(year), int(month) if month is not None else 1, int(day) if day is not None else 1
        )
        if day is not None:
            end = start + dt.timedelta(days=1)
        elif month is not None:
            end = (start + dt.timedelta(days=32)).replace(day=1)
        else:
            end = start.replace(year=start.year + 1)
        if settings.USE_TZ:
            for moment in (start, end):
                timezone.make_aware(moment).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return False
    return True


IDLE_KEY = "onewindow_last_seen"
IDLE_WRITE_SECONDS = 60


def start_idle_clock(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """`user_logged_in` receiver: the idle clock starts at sign-in (no extra write on the next page)."""
    if request is not None and hasattr(request, "session"):
        request.session[IDLE_KEY] = int(timezone.now().timestamp())


class SessionIdleTimeout:
    """Signs out a session idle for longer than `settings.SESSION_IDLE_MINUTES`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(timezone.now().timestamp())
            last_seen = request.session.get(IDLE_KEY)
            if isinstance(last_seen, int) and now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)  # flushes the session; the view then sees an anonymous visitor
                request.session["onewindow_timed_out"] = True
            elif not isinstance(last_seen, int) or now - last_seen >= IDLE_WRITE_SECONDS:
                request.session[IDLE_KEY] = now
        return self.get_response(request)
