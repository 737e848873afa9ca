"""Proxy agents (代办): a village agent applies for a citizen; the township checks it before the hall.

The application waits in `prereview` for the township center above the village station to
check it (`proxy_application_check`) before the hall's pre-review may pass it. The
township's check is a `township_check` event (approve; the state stays `prereview`) or a
`township_return` event (reject → `returned`), both with `data.stage == "township_check"`,
recorded through the engine's table rows of the same names (scope: the lower-tier center).
Also the two waiting lists: the township's checks and the hall's pre-review inbox.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from onewindow.cases import files, locks, rules, services
from onewindow.cases.actions.checks import check_case
from onewindow.cases.actions.submission import MaterialIn, material_inputs
from onewindow.cases.channels.errors import channel_error
from onewindow.cases.channels.portal import _check_online as check_online
from onewindow.cases.channels.portal import supplement_waiting
from onewindow.cases.errors import case_error
from onewindow.cases.models import Application, Case, CaseEvent, CaseState, Channel, MaterialFile
from onewindow.catalog.models import Bundle, ServiceItem
from onewindow.core import clock
from onewindow.org.models import Applicant, Role, ServiceCenter, Staff

S = CaseState

CONSENT = "proxy_consent"
TOWNSHIP_CHECK = "township_check"
TOWNSHIP_RETURN = "township_return"


def _proxy_hall(actor: Staff) -> tuple[ServiceCenter, ServiceCenter]:
    """(township center, county hall) above the agent's village station.

    Stricter than the engine's submitter check (a proxy agent at the center or a station
    below it): this channel is the village agent's, so the agent works at a village station."""
    if not isinstance(actor, Staff) or Role.PROXY_AGENT not in rules.staff_roles(actor):
        raise channel_error("NOT_PROXY_AGENT")
    station = ServiceCenter.objects.select_related("parent__parent").get(pk=actor.center_id)
    if station.tier != ServiceCenter.Tier.VILLAGE:
        raise channel_error("NOT_PROXY_AGENT")
    township = station.parent
    if township is None or township.parent is None:
        raise channel_error("NO_TOWNSHIP_CENTER")
    return township, township.parent


def proxy_centers(actor: Staff) -> tuple[ServiceCenter, ServiceCenter]:
    """(township center, county hall) above a village proxy agent's station: where the
    agent's applications are checked and where they are handled (NOT_PROXY_AGENT for
    anyone else, NO_TOWNSHIP_CENTER for a station without both above it)."""
    return _proxy_hall(actor)


@transaction.atomic
def proxy_application_submit(
    *,
    actor: Staff,
    applicant: Applicant,
    items: Sequence[ServiceItem | int] = (),
    bundle: Bundle | None = None,
    form_data: dict[str, Any] | None = None,
    materials: Iterable[MaterialIn | str | dict[str, Any]] = (),
    delivery_method: str = "",
    delivery_address: str = "",
    idempotency_key: str | None = None,
    answers: dict[str, Any] | None = None,
    consent: bool,
) -> Application:
    """代办: a village proxy agent (`actor`) applies at the county hall on the applicant's behalf.

    The application (channel "proxy", `proxy_agent` = the agent) is created in `prereview`
    and waits for the township center above the village station (`proxy_application_check`).
    Only items the hall offers online (`online_available`, as on the portal: ITEM_NOT_ONLINE)
    go through an agent. The applicant's consent to be represented (`consent`, the tick the
    agent sets when the villager signs the 代办委托书) is required (CONSENT_REQUIRED) and is
    recorded in every submit event with the agent and the time, so the trail holds it.
    A retry with the same key returns the first application (the engine's
    `application_create`); a key of another applicant's application, or of another
    agent's, is refused (IDEMPOTENCY_KEY_REUSED).
    """
    _township, hall = _proxy_hall(actor)
    if consent is not True:
        raise channel_error("CONSENT_REQUIRED", field="consent")
    check_online(items=items, bundle=bundle)
    application = services.application_create(
        center=hall,
        applicant=applicant,
        items=items,
        bundle=bundle,
        channel=Channel.PROXY,
        form_data=form_data,
        materials=materials,
        actor=actor,
        delivery_method=delivery_method,
        delivery_address=delivery_address,
        idempotency_key=idempotency_key,
        proxy_agent=actor,
        state=S.PREREVIEW,
        answers=answers,
        submit_data={CONSENT: {"agent": actor.pk, "agent_name": actor.name, "at": clock.now().isoformat()}},
    )
    if application.proxy_agent_id != actor.pk:  # the engine returned someone else's application
        raise case_error("IDEMPOTENCY_KEY_REUSED", field="idempotency_key")
    return application


@transaction.atomic
def proxy_application_supplement(
    *,
    application: Application,
    actor: Staff,
    materials: Iterable[MaterialIn | str | dict[str, Any]],
    scans: Sequence[MaterialFile] = (),
) -> list[Case]:
    """The agent answers a one-time notice (一次性告知) on an application they filed: the
    materials it asked for are recorded as received and the cases go back to the hall's
    pre-review, as an answer on the portal does (the engine's `application_supplement` with
    `prereview=True`; the table lets the filing agent act although the cases are the hall's;
    the township has checked it already, so it is in the hall's queue at once).

    Only what the newest notice lists (`portal.supplement_waiting`: MATERIAL_NOT_ASKED), and
    everything it needs before acceptance (FIELD_REQUIRED `material.<code>`; a 容缺 one may
    follow). `scans` (the agent's loose uploads) are attached, and each replaces the files
    of its material the notice sent back (`files.material_files_supersede`: kept, marked).
    Locks the application row, then the engine its cases. Someone else's application:
    NOT_OWN_APPLICATION; answered twice, the second finds nothing waiting."""
    if application.channel != Channel.PROXY:
        raise channel_error("NOT_PROXY_APPLICATION")
    if application.proxy_agent_id != actor.pk:
        raise case_error("NOT_OWN_APPLICATION")
    handed = material_inputs(materials)
    rules.require(handed, "materials")
    application = Application.objects.select_for_update().get(pk=application.pk)
    asked = supplement_waiting(application)
    names = dict(asked.materials)
    for i, m in enumerate(handed):
        if m.code not in names:
            known = application.materials.filter(code=m.code).values_list("name", flat=True).first()
            raise channel_error(
                "MATERIAL_NOT_ASKED", field=f"materials[{i}].code", material=known or m.code[:40]
            )
    given = {m.code for m in handed}
    for code, name in asked.materials:
        if code in asked.needed and code not in given:
            raise case_error("FIELD_REQUIRED", field=f"material.{code}", label=name)
    cases = services.application_supplement(
        application=application, materials=handed, actor=actor, prereview=True
    )
    ids = [s.pk for s in scans]
    files.material_files_attach(application=application, file_ids=ids, actor=actor)
    attached = list(MaterialFile.objects.filter(pk__in=ids, application_id=application.pk).order_by("pk"))
    for newest in {f.material_code: f for f in attached}.values():
        files.material_files_supersede(
            application=application, code=newest.material_code, by=newest, keep=ids
        )
    return cases


def proxy_consent(application: Application) -> dict[str, Any] | None:
    """The consent recorded with the application's submission (agent, name, time), or None."""
    data = (
        CaseEvent.objects.filter(case__application_id=application.pk, action="submit")
        .order_by("pk")
        .values_list("data", flat=True)
        .first()
    )
    consent = (data or {}).get(CONSENT)
    return consent if isinstance(consent, dict) else None


def _township_checks() -> QuerySet[CaseEvent]:
    """`township_check` events of the application in the outer query."""
    return CaseEvent.objects.filter(case__application_id=OuterRef("pk"), action=TOWNSHIP_CHECK)


def _in_prereview() -> QuerySet[Case]:
    """Cases in `prereview` of the application in the outer query."""
    return Case.objects.filter(application_id=OuterRef("pk"), state=S.PREREVIEW)


def proxy_township_of(application: Application) -> int | None:
    """Id of the township center that checks a proxy application (the agent's station's parent)."""
    if application.proxy_agent_id is None:
        return None
    township_id: int | None = (
        Staff.objects.filter(pk=application.proxy_agent_id)
        .values_list("center__parent_id", flat=True)
        .first()
    )
    return township_id


@transaction.atomic
def proxy_application_check(
    *, application: Application, actor: Staff, approve: bool, reasons: str = ""
) -> list[Case]:
    """The township center checks a proxy application before it goes up to the county hall.

    Who may check is the engine's table (`township_check` / `township_return`: an intake
    clerk or center admin, working in the township above the agent's village station —
    OUT_OF_SCOPE for another center), asked of every locked case before the reasons or an
    earlier check are looked at.
    Approve: each case gets a `township_check` event (state stays `prereview`; the hall's
    pre-review may now pass it). Reject: each case is returned with the reasons
    (`township_return`, data.stage "township_check").

    Locks the application's cases in pre-review (pk order) before checking, so two checks
    never both pass.
    """
    if application.channel != Channel.PROXY or application.proxy_agent_id is None:
        raise channel_error("NOT_PROXY_APPLICATION")
    action = TOWNSHIP_CHECK if approve else TOWNSHIP_RETURN
    township_id = proxy_township_of(application)
    cases = locks.lock_cases(application_id=application.pk, states=[S.PREREVIEW])
    if not cases:
        raise channel_error("NOT_IN_PREREVIEW")
    for case in cases:
        check_case(case, action, actor, lower_center_id=township_id)
    if not approve:
        rules.require(reasons, "reasons")
    if CaseEvent.objects.filter(case__application_id=application.pk, action=TOWNSHIP_CHECK).exists():
        raise channel_error("TOWNSHIP_CHECK_DONE")
    if approve:
        data: dict[str, Any] = {"stage": TOWNSHIP_CHECK, "approved": True, "center": township_id}
    else:
        data = {"stage": TOWNSHIP_CHECK, "reasons": reasons, "center": township_id}
    return [
        services.case_record(case=case, actor=actor, action=action, data=data, lower_center_id=township_id)
        for case in cases
    ]


def proxy_checks_waiting(*, actor: Staff) -> QuerySet[Application]:
    """Proxy applications waiting for the check of the actor's township center, oldest first."""
    return (
        Application.objects.filter(channel=Channel.PROXY, proxy_agent__center__parent_id=actor.center_id)
        .filter(Exists(_in_prereview()))
        .exclude(Exists(_township_checks()))
        .select_related("applicant", "proxy_agent")
        .order_by("created_at", "pk")
    )


def prereview_waiting(*, actor: Staff) -> QuerySet[Application]:
    """The hall's pre-review inbox: applications of the actor's center with cases in
    `prereview`, proxy ones only once their township has approved them; oldest first."""
    return (
        Application.objects.filter(center_id=actor.center_id)
        .filter(Exists(_in_prereview()))
        .exclude(Q(channel=Channel.PROXY) & ~Exists(_township_checks()))
        .select_related("applicant", "proxy_agent")
        .order_by("submitted_at", "pk")
    )
