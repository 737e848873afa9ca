"""Every URL of the project, asked with hostile values, never answers with a server error.

The URL patterns are walked from the resolver (a new page or admin is crawled without being
listed here); every parameter in a path is given a real value and hostile ones, and every page
is asked again with hostile query strings: the admin's filter, ordering and paging parameters
are found on its own change lists, its date hierarchy gets impossible years and days. Each
request is made anonymously, as a superuser, and (outside the admin) as an intake clerk; a
404, 400, 403, 405 or a redirect is a fine answer, a 5xx or an exception is not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

import pytest
from django.contrib.admin import ModelAdmin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RegexPattern

from onewindow.catalog import services as catalog_services
from onewindow.core import services as core_services
from tests.factories.cases import completed_case, make_world
from tests.factories.catalog import BundleItemFactory
from tests.factories.org import SectorFactory, WindowFactory

pytestmark = pytest.mark.django_db

# What goes into a path segment, as it is written in the URL (percent-encoded).
HOSTILE_SEGMENTS = [
    "%20",
    "x" * 10_000,
    quote("办件😀"),
    quote("\u202eمرحبا"),
    "..",
    "..%2F..%2Fetc%2Fpasswd",
    "a%2Fb",
    "%00",
    "99999999999999999999",
    "-1",
    "0",
    "9999-99-99",
    quote("' OR 1=1 --"),
    quote(".*[("),
    "%FF%FE",  # not UTF-8
]
# What goes into a query-string value (encoded when the URL is built).
HOSTILE_VALUES = [
    "",
    " ",
    "x" * 10_000,
    "办件😀",
    "\u202eمرحبا",
    "../../etc/passwd",
    "a/b",
    "\x00",
    "99999999999999999999",
    "-99999999999999999999",
    "-1",
    "9999-99-99",
    "1000000",
    "' OR 1=1 --",
    ".*[(\\",
    "%_",
]
# The admin's pages of one model share Django's parsing: fewer values there than on our own pages.
ADMIN_SEGMENTS = ["%20", "x" * 10_000, quote("😀\u202e"), "a%2Fb", "%00", "99999999999999999999", "-1", "%FF"]
ADMIN_VALUES = [
    "",
    "x" * 10_000,
    "\u202e😀",
    "\x00",
    "99999999999999999999",
    "-1",
    "9999-99-99",
    "' OR 1=1 --",
]
# An object's form renders in full each time: its pages get the values that reach Django's parsing.
OBJECT_VALUES = ["", "x" * 10_000, "\x00"]
OBJECT_SEGMENTS = ["x" * 10_000, "%00", "99999999999999999999"]
# A change list renders in full each time: each filter alone gets the values that are refused
# differently by the database (NUL), by Python's numbers and dates, or by the filter.
FILTER_VALUES = ["", "x" * 10_000, "\x00", "99999999999999999999", "9999-99-99"]
# Parameters every page is asked with: search, ordering, paging, the admin's own flags, and the
# names the portal and the workbench read.
COMMON_PARAMETERS = ["q", "o", "p", "all", "e", "_facets", "_popup", "_changelist_filters", "number", "next"]
# Bytes that are not UTF-8, in names and values, which no encoder above can write.
BROKEN_QUERY = "%FF%FE=%ED%A0%80&q=%C0%AF&number=%FF&o=%FF&p=%FF"
# Refused as a whole (400) when it names no field, so asked on its own.
TO_FIELD_VALUES = ["", "password", "\x00"]
# Years, months and days for a date hierarchy: the edges of Python's dates and beyond.
HIERARCHY = [
    {"year": "1000000"},
    {"year": "99999999999999999999"},
    {"year": "9999"},
    {"year": "9999", "month": "12"},
    {"year": "9999", "month": "12", "day": "31"},
    {"year": "1"},
    {"year": "1", "month": "1", "day": "1"},
    {"year": "0"},
    {"year": "-1"},
    {"year": "2026", "month": "13"},
    {"year": "2026", "month": "2", "day": "30"},
    {"year": "2026", "month": "99999999999999999999"},
    {"year": "2026", "month": "1", "day": "99999999999999999999"},
    {"year": "x", "month": "y", "day": "z"},
]
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    """One URL pattern: its path template with `{name}` slots, and its admin if it has one."""

    template: str
    names: tuple[str, ...]
    name: str
    model_admin: ModelAdmin[Any] | None

    def fill(self, values: dict[str, str]) -> str:
        return "/" + self.template.format(**values)


def _template(pattern: Any) -> tuple[str, tuple[str, ...]]:
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        text = text.replace("^", "").replace("$", "")
        names = tuple(m["name"] for m in GROUP.finditer(text))
        return GROUP.sub(lambda m: "{" + m["name"] + "}", text), names
    names = tuple(m["name"] for m in PARAM.finditer(text))
    return PARAM.sub(lambda m: "{" + m["name"] + "}", text), names


def routes(
    resolver: URLResolver | None = None, prefix: str = "", names: tuple[str, ...] = ()
) -> Iterator[Route]:
    """Every pattern under `resolver`, the default language's (unprefixed) URLs."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if isinstance(entry.pattern, LocalePrefixPattern):
                yield from routes(entry, prefix, names)
            else:
                text, more = _template(entry.pattern)
                yield from routes(entry, prefix + text, names + more)
        else:
            assert isinstance(entry, URLPattern)
            text, more = _template(entry.pattern)
            yield Route(
                template=prefix + text,
                names=names + more,
                name=entry.name or "",
                model_admin=getattr(entry.callback, "model_admin", None),
            )


@dataclass
class World:
    real: dict[str, str]  # a real value for each path parameter name
    pks: dict[type, str]  # a real primary key per model
    clerk_username: str


@pytest.fixture
def world(django_user_model) -> World:
    base = make_world()
    case = completed_case(base)
    catalog_services.catalog_list_create(center=base.center, kind="power", name="权责清单", items=[base.item])
    BundleItemFactory(bundle__center=base.center, item=base.item)
    SectorFactory(center=base.center)
    WindowFactory(center=base.center)
    core_services.calendar_day_set(date=dt.date(2031, 10, 11), is_working_day=True, note="调休")
    django_user_model.objects.create_superuser("root", "root@example.com", "pw-for-tests-only")
    pks: dict[type, str] = {}
    for route in routes():
        admin = route.model_admin
        if admin is not None and admin.model not in pks:
            first = admin.model._default_manager.order_by("pk").first()
            pks[admin.model] = str(first.pk) if first is not None else "1"
    real = {
        "number": case.number,
        "kind": "acceptance",
        "code": base.item.code,
        "app_label": "cases",
        "url": "nope/",
        "content_type_id": str(ContentType.objects.get_for_model(type(case)).pk),
        "id": str(django_user_model.objects.get(username="root").pk),
    }
    return World(real=real, pks=pks, clerk_username=base.clerk.user.username)


def real_values(route: Route, world: World) -> dict[str, str]:
    values = {name: world.real.get(name, "1") for name in route.names}
    if "object_id" in values and route.model_admin is not None:
        values["object_id"] = world.pks[route.model_admin.model]
    return values


def paths(route: Route, world: World, segments: list[str]) -> Iterator[str]:
    """The route with real values, then each parameter in turn given each hostile value."""
    real = real_values(route, world)
    yield route.fill(real)
    for name in route.names:
        for hostile in segments:
            yield route.fill({**real, name: hostile})


def query_parameters_on(html: str) -> set[str]:
    """Names the page itself puts in query strings (filter links, ordering, paging, search)."""
    found = set()
    for href in re.findall(r'href="\?([^"#]*)"', html):
        found.update(name for name, _value in parse_qsl(href.replace("&amp;", "&"), keep_blank_values=True))
    return found


class Crawl:
    def __init__(self, client: Client) -> None:
        self.client = client
        self.failures: list[str] = []
        self.requests = 0

    def ask(self, method: str, url: str) -> str:
        """The page's HTML when it answered 200; records a 5xx or an exception as a failure."""
        self.requests += 1
        try:
            # A savepoint per request: a failed statement must not abort the test's transaction.
            with transaction.atomic():
                response = self.client.generic(method, url)
        except Exception as exc:  # noqa: BLE001 - every exception is a finding
            self.failures.append(f"{method} {url[:160]} raised {type(exc).__name__}: {str(exc)[:200]}")
            return ""
        if response.status_code >= 500:
            self.failures.append(f"{method} {url[:160]} answered {response.status_code}")
        self.client.cookies.pop("django_language", None)  # the crawl stays in one language
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            return response.content.decode(errors="replace")
        return ""

    def get_with_queries(self, path: str, names: set[str], values: list[str]) -> None:
        """Each value in every parameter of `names` at once."""
        for value in values:
            self.ask("GET", f"{path}?{urlencode(dict.fromkeys(sorted(names), value))}")

    def report(self) -> str:
        return f"{len(self.failures)} of {self.requests} requests failed:\n" + "\n".join(self.failures[:40])


def admin_sections() -> list[str]:
    """The admin's apps, and "" for the site's own pages (sign-in, index, password, …)."""
    sections = {
        route.template.split("/")[1] if route.model_admin else "" for route in routes() if is_admin(route)
    }
    return sorted(sections)


def is_admin(route: Route) -> bool:
    return route.template.startswith("admin/")


def in_section(route: Route, section: str | None) -> bool:
    return section is None or (route.template.split("/")[1] if route.model_admin else "") == section


def crawl(client: Client, world: World, *, admin: bool, signed_in: bool, section: str | None = None) -> Crawl:
    """Ask every route (the admin's or all others) with hostile paths and query strings.

    Anonymous visitors are sent to the sign-in page by every admin page whatever they ask, so
    there each page is asked twice only (GET and POST)."""
    crawl = Crawl(client)
    for route in routes():
        if is_admin(route) != admin or not in_section(route, section):
            continue
        path = route.fill(real_values(route, world))
        if route.name not in {"logout", "set_language"}:  # these would end the crawl's session or language
            crawl.ask("POST", path)
        if (admin and not signed_in and route.name != "login") or (route.model_admin and not route.name):
            crawl.ask("GET", path)  # the sign-in page for anyone, or a plain redirect to the change page
            continue
        model_admin = route.model_admin
        own = model_admin is None  # our pages, and the admin site's own (sign-in, index, transfer…)
        changelist = route.name.endswith("_changelist")
        segments = (
            HOSTILE_SEGMENTS if own else ADMIN_SEGMENTS if route.name.endswith("_change") else OBJECT_SEGMENTS
        )
        for hostile in paths(route, world, segments):
            crawl.ask("GET", hostile)
        on_page = query_parameters_on(crawl.ask("GET", path))
        values = HOSTILE_VALUES if own else ADMIN_VALUES if changelist else OBJECT_VALUES
        crawl.get_with_queries(path, set(COMMON_PARAMETERS) | on_page, values)
        if own or changelist:
            crawl.ask("GET", f"{path}?{BROKEN_QUERY}")
        if model_admin is None:
            continue
        if route.name.endswith(("_changelist", "_change", "_delete")):
            crawl.get_with_queries(path, {"_to_field"}, TO_FIELD_VALUES)
        if changelist:
            # Each filter alone: one refused filter must not hide another's fault.
            for name in sorted(on_page - set(COMMON_PARAMETERS)):
                crawl.get_with_queries(path, {name}, FILTER_VALUES)
            if field := model_admin.date_hierarchy:
                for parts in HIERARCHY:
                    crawl.ask("GET", f"{path}?{urlencode({f'{field}__{k}': v for k, v in parts.items()})}")
    return crawl


def admin_sign_in(client):
    """Sign in on the admin's own page, as the superuser would."""
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "root", "password": "pw-for-tests-only"}
    )
    assert response.status_code == 302, response.content.decode()[:500]


def test_no_page_fails_for_an_anonymous_visitor(client, world):
    pages = crawl(client, world, admin=False, signed_in=False)
    admin = crawl(client, world, admin=True, signed_in=False)
    assert not pages.failures + admin.failures, pages.report() + admin.report()


@pytest.mark.parametrize("section", admin_sections())
def test_no_admin_page_fails_for_a_superuser(client, world, section):
    admin_sign_in(client)
    result = crawl(client, world, admin=True, signed_in=True, section=section)
    assert not result.failures, result.report()


def test_no_page_fails_for_a_superuser_or_an_intake_clerk(client, world, django_user_model):
    admin_sign_in(client)
    superuser = crawl(client, world, admin=False, signed_in=True)
    client.post("/workbench/logout/")
    assert (
        client.post(
            "/workbench/login/", {"username": world.clerk_username, "password": "onewindow-test"}
        ).status_code
        == 302
    )
    clerk = crawl(client, world, admin=False, signed_in=True)
    assert not superuser.failures + clerk.failures, superuser.report() + clerk.report()
