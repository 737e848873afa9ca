"""The portal's access matrix: every account URL, called as every kind of visitor, for the case of
every kind of owner. Each portal URL name is listed here (a test fails when one is missing): a
public one as public, an account one with what each visitor gets.

Visitors: anonymous (→ the sign-in page), a member of staff (403: the portal is not theirs), an
unbound account (it filed one case online), the account bound to the window case's applicant, and
another bound account with a case of its own. For an object URL, the case is the window case of
the bound account's applicant or the unbound account's online case: only the account whose scope
holds it gets the page; every other account gets 404, as for a case that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ANONYMOUS, STAFF, UNBOUND, BOUND, OTHER = "anonymous", "staff", "unbound", "bound", "other"
ACCOUNTS = (UNBOUND, BOUND, OTHER)
# Whose case each object is: the window case of the bound account's applicant, the unbound
# account's own online case, and the other account's case.
WINDOW_CASE, ONLINE_CASE, OTHER_CASE = "window_case", "online_case", "other_case"
OWNER = {WINDOW_CASE: BOUND, ONLINE_CASE: UNBOUND, OTHER_CASE: OTHER}


@dataclass(frozen=True)
class Route:
    name: str
    public: bool = False
    kwargs: Callable[[Any], dict[str, Any]] | None = None  # (the case) -> URL kwargs
    method: str = "GET"
    # What an account gets on a URL without an object (the identity page sends an account that
    # already acts for an applicant on to its page).
    account_codes: frozenset[int] = frozenset({200})


def case_number(case: Any) -> dict[str, Any]:
    return {"number": case.number}


def acceptance_notice(case: Any) -> dict[str, Any]:
    return {"number": case.number, "kind": "acceptance"}


ROUTES = [
    Route("home", public=True),
    Route("progress", public=True),
    Route("progress_case", public=True, kwargs=case_number),
    Route("login", public=True),
    Route("logout", public=True, method="POST"),
    Route("signup", public=True),
    Route("reset", public=True),
    Route("my"),
    Route("identity", account_codes=frozenset({302})),
    Route("bind"),
    Route("my_cases"),
    Route("my_case", kwargs=case_number),
    Route("my_notice", kwargs=acceptance_notice),
    # Finding a service: public pages (the item of each case is a published one).
    Route("services", public=True),
    Route("guide", public=True, kwargs=lambda case: {"code": case.item.code}),
    Route("guide_materials", public=True, kwargs=lambda case: {"code": case.item.code}),
    Route("lists", public=True),
]

# URL names whose access is tested by their own matrix, with objects the cases here do not have:
# an application is the filing account's alone (not its applicant's), a published file or list
# needs a catalog with files and lists. The completeness test counts them as listed.
COVERED_ELSEWHERE = {
    "apply": "tests/portal/test_apply_access.py",
    "apply_bundle": "tests/portal/test_apply_access.py",
    "applications": "tests/portal/test_apply_access.py",
    "application": "tests/portal/test_apply_access.py",
    "application_supplement": "tests/portal/test_apply_access.py",
    "application_situation": "tests/portal/test_apply_access.py",
    "application_withdraw": "tests/portal/test_apply_access.py",
    "application_file_remove": "tests/portal/test_apply_access.py",
    "file": "tests/portal/test_apply_access.py",
    "material_file": "tests/portal/test_guide.py (templates and samples of the published version only)",
    "list": "tests/portal/test_lists.py (an unpublished or unknown list is 404)",
    "bundle": "tests/portal/test_bundles.py (public; an inactive or unknown life event is 404)",
}


def expected(route: Route, visitor: str, owner: str | None) -> set[int]:
    if route.public:
        return {200, 302}
    if visitor == ANONYMOUS:
        return {302}
    if visitor == STAFF:
        return {403}
    if route.kwargs is None:
        return set(route.account_codes)
    return {200} if owner == visitor else {404}
