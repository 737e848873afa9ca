"""The portal's access matrix: every portal URL (and the display switch every portal page
carries), really requested as every kind of visitor, for every owner's object. Each portal URL
name is listed here (a test fails when one is missing): a public one as public, an account one
with what each visitor gets.

Visitors: anonymous (→ the sign-in page), a member of staff (403: the portal is not theirs), an
unbound account (it filed one application online), the account bound to the window applicant,
and another bound account with a case of its own. Objects:
- cases: the bound applicant's window cases (accepted; refused; waiting for a supplement;
  delivered), the unbound account's online case, the other account's case. A case is seen by
  the account whose scope holds it (a bound account: every case of its applicant; an unbound
  one: what it filed); every other account gets 404, as for a case that does not exist. Each
  notice kind is asked of each case: the owner gets the notices its case has had, and 404 for
  the others; nobody else gets any.
- applications: the unbound account's online application (with a file it uploaded), and the
  window applications of the bound and the other applicant. An application is the filing
  account's alone: a window application is nobody's on the portal, not even its applicant's
  bound account's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from onewindow.cases.documents.notice import NoticeKind

ANONYMOUS, STAFF, UNBOUND, BOUND, OTHER = "anonymous", "staff", "unbound", "bound", "other"
ACCOUNTS = (UNBOUND, BOUND, OTHER)
# The objects, by what they are and whose.
WINDOW_CASE, REFUSED_CASE, SUPPLEMENT_CASE, DELIVERED_CASE = "window", "refused", "supplement", "delivered"
ONLINE_CASE, OTHER_CASE = "online", "other"
CASE_OWNER = {
    WINDOW_CASE: BOUND,
    REFUSED_CASE: BOUND,
    SUPPLEMENT_CASE: BOUND,
    DELIVERED_CASE: BOUND,
    ONLINE_CASE: UNBOUND,
    OTHER_CASE: OTHER,
}
# The notices each case has had (what its page offers).
NOTICES = {
    WINDOW_CASE: {NoticeKind.ACCEPTANCE},
    REFUSED_CASE: {NoticeKind.REFUSAL},
    SUPPLEMENT_CASE: {NoticeKind.SUPPLEMENT},
    DELIVERED_CASE: {NoticeKind.ACCEPTANCE, NoticeKind.COMPLETION, NoticeKind.HANDOVER},
    ONLINE_CASE: {NoticeKind.ACCEPTANCE},
    OTHER_CASE: {NoticeKind.ACCEPTANCE},
}
# Applications are the filing account's: only the online one has an owner on the portal.
APPLICATION_OWNER = {ONLINE_CASE: UNBOUND, WINDOW_CASE: None, OTHER_CASE: None}

CASE, NOTICE, APPLICATION = "case", "notice", "application"


@dataclass(frozen=True)
class Thing:
    """An object a URL names: a case, its application and (for the online one) an uploaded file."""

    case: Any
    application: Any
    file_id: int = 0


@dataclass(frozen=True)
class Route:
    name: str
    public: bool = False
    kwargs: Callable[[Any], dict[str, Any]] | None = None  # (the object or the world) -> URL kwargs
    method: str = "GET"
    # What an object URL names (CASE, NOTICE, APPLICATION), or "" for a URL about no one's object.
    of: str = ""
    # What the owner (or, on a URL of no one's object, every account) gets.
    account_codes: frozenset[int] = frozenset({200})
    namespace: str = "portal"
    data: dict[str, str] = field(default_factory=dict)


def case_number(thing: Thing) -> dict[str, Any]:
    return {"number": thing.case.number}


def application_number(thing: Thing) -> dict[str, Any]:
    return {"number": thing.application.number}


def file_of(thing: Thing) -> dict[str, Any]:
    return {"number": thing.application.number, "file_id": thing.file_id}


ROUTES = [
    Route("home", public=True),
    Route("progress", public=True),
    Route("progress_case", public=True, kwargs=lambda world: {"number": world.cases[WINDOW_CASE].number}),
    Route("login", public=True),
    Route("logout", public=True, method="POST"),
    Route("signup", public=True),
    Route("reset", public=True),
    Route("display_mode", public=True, method="POST", namespace="", data={"mode": "elder", "next": "/my/"}),
    # Finding a service: public pages.
    Route("services", public=True),
    Route("guide", public=True, kwargs=lambda world: {"code": world.item.code}),
    Route("guide_materials", public=True, kwargs=lambda world: {"code": world.item.code}),
    Route(
        "material_file",
        public=True,
        kwargs=lambda world: {"code": world.listed.code, "material": "application_form", "kind": "template"},
    ),
    Route("lists", public=True),
    Route("bundle", public=True, kwargs=lambda world: {"code": world.bundle.code}),
    Route("list", public=True, kwargs=lambda world: {"pk": world.catalog_list.pk}),
    # The account's own pages, about no one's object.
    Route("my"),
    Route("identity", account_codes=frozenset({302})),  # an account acting for someone goes to its page
    Route("bind"),
    Route("my_cases"),
    Route("applications"),
    Route("apply", kwargs=lambda world: {"code": world.item.code}),
    Route("apply_bundle", kwargs=lambda world: {"code": world.bundle.code}),
    # Cases and their notices.
    Route("my_case", kwargs=case_number, of=CASE),
    Route("my_notice", of=NOTICE),
    # Applications: a submitted one's pages; what its owner's POST gets (never a change to a
    # submitted application: a stale draft form, nothing asked, a file that is no longer the
    # draft's, a withdrawal after acceptance) is checked in tests/portal/test_apply*.py.
    Route("application", kwargs=application_number, of=APPLICATION),
    Route("application_situation", kwargs=application_number, of=APPLICATION, account_codes=frozenset({302})),
    Route("file", kwargs=lambda thing: {"pk": thing.file_id}, of=APPLICATION),
    Route(
        "application",
        kwargs=application_number,
        of=APPLICATION,
        method="POST",
        account_codes=frozenset({302}),
    ),
    Route(
        "application_situation",
        kwargs=application_number,
        of=APPLICATION,
        method="POST",
        account_codes=frozenset({302}),
    ),
    Route(
        "application_supplement",
        kwargs=application_number,
        of=APPLICATION,
        method="POST",
        account_codes=frozenset({302}),
    ),
    Route(
        "application_file_remove",
        kwargs=file_of,
        of=APPLICATION,
        method="POST",
        account_codes=frozenset({302}),
    ),
    Route(
        "application_withdraw",
        kwargs=application_number,
        of=APPLICATION,
        method="POST",
        account_codes=frozenset({400}),
        data={"reason": "不办了"},
    ),
]


def expected(route: Route, visitor: str, owner: str | None, *, has_notice: bool = True) -> set[int]:
    if route.public:
        return {303} if route.name == "display_mode" else {200, 302}
    if visitor == ANONYMOUS:
        return {302}
    if visitor == STAFF:
        return {403}
    if not route.of:
        return set(route.account_codes)
    if owner == visitor and has_notice:
        return set(route.account_codes)
    return {404}
