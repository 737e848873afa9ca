"""The workbench's access matrix: every URL, every role, inside and outside its scope.

Each workbench URL name has one `Route` here (a test fails when one is missing). A route says
which roles may open it and how to build its address for an object of a hall of the network
(tests/factories/access.py: county → township → village, and another township). The test
calls each route as each role of the township hall, for an object of every hall, and expects:

- not signed in: a redirect to the sign-in page;
- an account that is not staff, or staff without one of the route's roles: 403;
- staff with the role, for an object of their own center or one below it: the page (2xx/3xx,
  or a 400 for a POST without its fields);
- the same staff, for an object of a center above or beside theirs: 404, as for an object that
  does not exist (nobody learns that it does).

A route added by a page gets its line here in the same change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from onewindow.org.models import Role
from tests.factories.access import Hall

ANY_STAFF: frozenset[str] = frozenset(Role.values)
# Roles that see every case of their center and the centers below it.
CENTER_WIDE = frozenset({Role.CENTER_ADMIN, Role.SUPERVISOR, Role.INTAKE_CLERK, Role.PICKUP_CLERK})
DEPARTMENT = frozenset({Role.APPROVER, Role.CHIEF_REPRESENTATIVE})

# Where the object is, seen from the township hall whose staff make the calls.
OWN, BELOW, ABOVE, BESIDE = "own", "below", "above", "beside"


def case_visible(role: str, where: str) -> bool:
    """A case: center-wide roles see their center's and those below; an approver or chief
    representative the cases of their own department; a proxy agent only those they filed."""
    if where in (ABOVE, BESIDE):
        return False
    if role in CENTER_WIDE:
        return True
    if role in DEPARTMENT:
        return where == OWN  # the hall's cases are routed to its department
    return False


def own_center_only(role: str, where: str) -> bool:
    """Work done for one's own center only (its items, its windows)."""
    return where == OWN


def first_case(hall: Hall) -> Any:
    return hall.applications[0].cases.get()


def nobody_else(role: str, where: str) -> bool:
    """An object only the member of staff who made it may open (a case export): nobody in the
    matrix, whatever their role or center."""
    return False


def hall_export(hall: Hall) -> dict[str, Any]:
    """A finished export of the hall's intake clerk (made once per hall)."""
    from onewindow.cases import services

    export = getattr(hall, "_export", None)
    if export is None:
        export = services.case_export_request(actor=hall.clerk, filters={})
        export = services.case_export_run(export_id=export.pk)
        hall._export = export  # type: ignore[attr-defined]
    return {"pk": export.pk}


PICKUP_ROLES = frozenset({Role.PICKUP_CLERK, Role.INTAKE_CLERK})


@dataclass(frozen=True)
class Route:
    name: str
    roles: frozenset[str] = ANY_STAFF
    kwargs: Callable[[Hall], dict[str, Any]] | None = None  # None: the URL names no object
    method: str = "GET"
    data: Callable[[Hall], dict[str, Any]] = field(default=lambda hall: {})
    public: bool = False  # open to everyone (the sign-in page)
    visible: Callable[[str, str], bool] = case_visible  # (role, where) -> may this role open it


ROUTES: list[Route] = [
    Route("login", public=True),
    Route("logout", method="POST"),
    Route("home"),
    Route(
        "notice_pdf",
        kwargs=lambda hall: {"number": first_case(hall).number, "kind": "acceptance"},
    ),
    Route(
        "batch",
        roles=frozenset({Role.INTAKE_CLERK}),
        kwargs=lambda hall: {"code": hall.item.code},
        visible=own_center_only,
    ),
    Route(
        "batch_template",
        roles=frozenset({Role.INTAKE_CLERK}),
        kwargs=lambda hall: {"code": hall.item.code},
        visible=own_center_only,
    ),
    Route("pickup", roles=PICKUP_ROLES),
    Route(
        "pickup_deliver",
        roles=PICKUP_ROLES,
        kwargs=lambda hall: {"number": first_case(hall).number},
        method="POST",
    ),
    Route("case_search"),
    Route("case_export_create", method="POST"),
    Route("case_export_status", kwargs=hall_export, visible=nobody_else),
    Route("case_export_download", kwargs=hall_export, visible=nobody_else),
]
