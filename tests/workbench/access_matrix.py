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
from tests.factories.scans import pdf

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


def job_visible(role: str, where: str) -> bool:
    """A background job (a batch intake): its creator (the hall's clerk, not one of the
    matrix's actors) and center-wide staff of its center or one above it."""
    return where in (OWN, BELOW) and role in CENTER_WIDE


def hall_job(hall: Hall) -> Any:
    """A queued batch intake of the hall's item, started by the hall's clerk (made once per hall)."""
    if getattr(hall, "job", None) is None:
        from onewindow.core.jobs import job_create
        from onewindow.core.models import Job

        hall.job = job_create(  # type: ignore[attr-defined]
            kind=Job.Kind.BATCH_INTAKE,
            center_id=hall.center.pk,
            created_by=hall.clerk.user,
            params={"item": hall.item.pk, "item_code": hall.item.code, "item_name": hall.item.name},
            enqueue=False,
        )
    return hall.job  # type: ignore[attr-defined]


def own_center_only(role: str, where: str) -> bool:
    """Work done for one's own center only (its items, its windows)."""
    return where == OWN


def first_case(hall: Hall) -> Any:
    return hall.applications[0].cases.get()


def first_task(hall: Hall) -> Any:
    return first_case(hall).tasks.order_by("pk").first()


def department_only(role: str, where: str) -> bool:
    """A task: the staff of its own department (the hall's), nobody of a center below or beside."""
    return where == OWN and role in DEPARTMENT


def prereview_application(hall: Hall) -> Any:
    """An online application of the hall waiting for pre-review (made once per hall)."""
    made = hall.__dict__.get("_prereview")
    if made is None:
        from onewindow.cases import services
        from tests.factories.org import ApplicantFactory

        applicant = ApplicantFactory()
        made = services.application_create(
            center=hall.center,
            applicant=applicant,
            items=[hall.item],
            channel="portal",
            materials=["id_card"],
            form_data={"applicant_name": applicant.name, "contact_phone": "13912345678"},
            actor=applicant,
            state="prereview",
        )
        hall.__dict__["_prereview"] = made
    return made


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
AGENT = frozenset({Role.PROXY_AGENT})


def window_application(hall: Hall) -> dict[str, Any]:
    """An application of the hall that no proxy agent filed: an agent's page of it is a 404
    for every agent (the matrix's agent works at the township and files nothing; who opens a
    filed one is `AGENT_OBJECT_ROUTES` below)."""
    return {"number": hall.applications[0].number}


@dataclass(frozen=True)
class Route:
    name: str
    roles: frozenset[str] = ANY_STAFF
    kwargs: Callable[[Hall], dict[str, Any]] | None = None  # None: the URL names no object
    method: str = "GET"
    data: Callable[[Hall], dict[str, Any]] = field(default=lambda hall: {})
    public: bool = False  # open to everyone (the sign-in page)
    visible: Callable[[str, str], bool] = case_visible  # (role, where) -> may this role open it
    bad_input: bool = False  # a GET that answers 400 without its query (as a POST without its fields)


CLERK = frozenset({Role.INTAKE_CLERK})
VOIDERS = frozenset({Role.INTAKE_CLERK, Role.CENTER_ADMIN})


def first_scan(hall: Hall) -> dict[str, Any]:
    """A scan attached to the hall's first application (made once per hall)."""
    import io

    from onewindow.cases import files

    application = hall.applications[0]
    row = application.files.first()
    if row is None:
        row = files.material_file_store(
            upload=io.BytesIO(pdf(b"scan")), name="scan.pdf", material_code="id_card", actor=hall.clerk
        )
        files.material_files_attach(application=application, file_ids=[row.pk], actor=hall.clerk)
    return {"pk": row.pk}


ROUTES: list[Route] = [
    Route("login", public=True),
    Route("logout", method="POST"),
    Route("home"),
    Route("password"),  # every member of staff changes their own password
    Route(
        "notice_pdf",
        kwargs=lambda hall: {"number": first_case(hall).number, "kind": "acceptance"},
    ),
    Route("intake", roles=VOIDERS),
    Route("intake_applicant", roles=CLERK),
    Route("intake_applicant_register", roles=CLERK, method="POST"),
    Route("intake_items", roles=CLERK),
    Route("intake_work", roles=CLERK),
    Route("intake_submit", roles=CLERK, method="POST"),
    Route("intake_void", roles=VOIDERS, method="POST"),
    Route("intake_scan", roles=CLERK, method="POST"),
    # The 容缺 commitment letter printed from the checklist: without the checklist, 400.
    Route("intake_commitment", roles=CLERK, bad_input=True),
    # A scan: whoever may see a case of its application (the case scope). The case page links
    # each material's scans and the signed commitment's scan to this view.
    Route("file", kwargs=first_scan),
    Route("prereview", roles=frozenset({Role.INTAKE_CLERK})),
    Route(
        "prereview_application",
        roles=frozenset({Role.INTAKE_CLERK}),
        kwargs=lambda hall: {"number": prereview_application(hall).number},
        visible=own_center_only,
    ),
    Route(
        "prereview_act",
        roles=frozenset({Role.INTAKE_CLERK}),
        kwargs=lambda hall: {"number": prereview_application(hall).number, "action": "return"},
        method="POST",  # without reasons: 400, nothing returned
        visible=own_center_only,
    ),
    Route(
        "prereview_act",
        roles=frozenset({Role.INTAKE_CLERK}),
        kwargs=lambda hall: {"number": prereview_application(hall).number, "action": "supplement"},
        method="POST",  # without materials or a note: 400, no notice sent
        visible=own_center_only,
    ),
    # 已受理未送后台: the clerk's own center's accepted cases; a POST with nothing ticked is a
    # 400 with nothing routed (tests/workbench/test_routing.py covers other centers' ids).
    Route("routing", roles=frozenset({Role.INTAKE_CLERK})),
    Route("routing_send", roles=frozenset({Role.INTAKE_CLERK}), method="POST"),
    Route("inbox", roles=DEPARTMENT),
    Route(
        "task_claim",
        roles=DEPARTMENT,
        kwargs=lambda hall: {"task_id": first_task(hall).pk},
        method="POST",
        visible=department_only,
    ),
    Route(
        "extensions",
        roles=frozenset({Role.CHIEF_REPRESENTATIVE, Role.CENTER_ADMIN, Role.SUPERVISOR}),
    ),
    Route("case", kwargs=lambda hall: {"number": first_case(hall).number}),
    Route(
        "case_action",
        kwargs=lambda hall: {"number": first_case(hall).number, "action": "opinion"},
        method="POST",  # without an opinion: 400, nothing recorded
    ),
    Route(
        "case_reveal",
        kwargs=lambda hall: {"number": first_case(hall).number},
        method="POST",  # without a reason: 400, nothing revealed
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
    Route("batch_job", kwargs=lambda hall: {"job": hall_job(hall).uuid}, visible=job_visible),
    Route("batch_job_status", kwargs=lambda hall: {"job": hall_job(hall).uuid}, visible=job_visible),
    Route(
        "batch_job_resume",
        kwargs=lambda hall: {"job": hall_job(hall).uuid},
        visible=job_visible,
        method="POST",
    ),
    # The matrix's job is still queued: it has no report yet, so the download is a 404 for everyone
    # (the report's own tests cover a finished job's scope).
    Route(
        "batch_job_report",
        kwargs=lambda hall: {"job": hall_job(hall).uuid},
        visible=lambda role, where: False,
    ),
    # The village proxy agent's pages (workbench/agent.py). The matrix's proxy agent works at the
    # township, not a village station: the pages open and say so, nothing is filed.
    Route("agent_apply", roles=AGENT),
    Route("agent_applicant", roles=AGENT),
    Route("agent_applicant_register", roles=AGENT, method="POST"),
    Route("agent_items", roles=AGENT),
    Route("agent_work", roles=AGENT),
    Route("agent_submit", roles=AGENT, method="POST"),
    Route("agent_scan", roles=AGENT, method="POST"),
    Route("agent_application", roles=AGENT, kwargs=window_application, visible=nobody_else),
    Route("agent_supplement", roles=AGENT, kwargs=window_application, visible=nobody_else, method="POST"),
    Route("agent_slip", roles=AGENT, kwargs=window_application, visible=nobody_else),
    Route("pickup", roles=PICKUP_ROLES),
    Route(
        "pickup_deliver",
        roles=PICKUP_ROLES,
        kwargs=lambda hall: {"number": first_case(hall).number},
        method="POST",
    ),
    Route("binding_slip", roles=PICKUP_ROLES, method="POST"),  # 400 without the screen's applicant token
    Route("binding", roles=PICKUP_ROLES, method="POST"),  # 400 without a token or a case number
    Route(
        "case_binding_slip",
        roles=PICKUP_ROLES,
        kwargs=lambda hall: {"number": first_case(hall).number},
        method="POST",
    ),
    Route("case_search"),
    Route("case_export_create", method="POST"),
    Route("case_export_status", kwargs=hall_export, visible=nobody_else),
    Route("case_export_download", kwargs=hall_export, visible=nobody_else),
]


# A filed proxy application's pages, called by `test_a_filed_application_opens_only_for_its_agent`
# as each of these actors (made in the network: the village agent files it for the county hall).
AGENT_OBJECT_ROUTES = ("agent_application", "agent_supplement", "agent_slip", "file")
AGENT_ACTORS = {
    "filing_agent": "the village agent who filed it",
    "other_village_agent": "a proxy agent of another village of the same township",
    "township_agent": "a proxy agent of the township center",
    "other_township_agent": "a proxy agent of a village of another township",
    "township_clerk": "the township's intake clerk (checks it, has no agent pages)",
    "township_admin": "the township's center admin",
    "township_approver": "an approver of a department of the township",
    "village_clerk": "an intake clerk at the filing agent's own village station",
    "other_township_clerk": "the intake clerk of another township",
    "county_clerk": "the county hall's intake clerk (pre-reviews it, has no agent pages)",
    "approver": "an approver of the department the item is routed to",
    "center_admin": "the county hall's center admin",
}


def agent_expected(route: str, actor: str, method: str) -> set[int]:
    """Who opens a filed application's agent pages: its agent; other agents get a 404 (as for
    an application that does not exist); staff of other roles a 403. Its scan (`file`) follows
    the case scope (the county's clerk, admin and the item's department see it) and the
    township's check (`org.access.scope_proxy_checked`: the center-wide staff of the township
    above the agent's station open it although the case is the hall's); the station's own
    staff, the township's department staff, another township and the other agents do not."""
    if route == "file":
        if actor in ("filing_agent", "county_clerk", "center_admin", "approver"):
            return {200}
        if actor in ("township_clerk", "township_admin"):
            return {200}
        return {404}
    if actor == "filing_agent":
        return {200, 302} | ({400} if method == "POST" else set())
    if actor.endswith("agent"):
        return {404}
    return {403}
