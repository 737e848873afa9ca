"""The trail as people read it: each event of a case as one plain sentence.

"12月1日 10:02 综合受理窗口张三受理": when, where and who, what. The workbench's case page and
the portal's case page both show the trail through `case_trail`; the sentences are gettext
(English msgids, Chinese translations), built from the event's hashed fields only
(`action`, `actor_name`, `data`, `opinion`), so what a sentence says is what the chain holds.

Staff are named with their post (window, department or center, as it is now); anyone else
who acted (an applicant online) is named masked, since the trail is shown to staff of other
departments too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from onewindow.cases.models import CaseEvent, Channel, Suspension
from onewindow.cases.rules import action_label
from onewindow.catalog.models import DeliveryMethod
from onewindow.core.fields import mask_name
from onewindow.org.models import Staff


@dataclass(frozen=True)
class TrailLine:
    """One event as a line of the trail."""

    seq: int
    action: str
    at: dt.datetime
    when: str  # "12月1日 10:02" in the reader's language
    sentence: str
    opinion: str


def when_text(at: dt.datetime) -> str:
    local = timezone.localtime(at)
    return _("%(month)d/%(day)d %(time)s") % {
        "month": local.month,
        "day": local.day,
        "time": local.strftime("%H:%M"),
    }


def staff_post(staff: Staff) -> str:
    """Where a member of staff works, as a trail names it: their window, else department, else center."""
    window = getattr(staff, "window", None)
    if window is not None:
        return str(window.name or window.get_kind_display())
    department = getattr(staff, "department", None)
    if department is not None:
        return str(department.short_name or department.name)
    return str(staff.center.name)


def who_text(event: CaseEvent, staff: Staff | None) -> str:
    if staff is not None:
        return f"{staff_post(staff)}{event.actor_name or staff.name}"
    if event.actor_name:
        return _("applicant %(name)s") % {"name": mask_name(event.actor_name)}
    return _("the system")


def _names(entries: Iterable[Any]) -> str:
    return "、".join(str(e.get("name") or e.get("code")) for e in entries if isinstance(e, dict))


def _committed(data: Mapping[str, Any]) -> str:
    """What the applicant's written commitment replaced (告知承诺), when anything."""
    names = _names(data.get("committed", ()))
    return (
        _("; replaced by the applicant's commitment (告知承诺): %(names)s") % {"names": names}
        if names
        else ""
    )


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _task_complete(who: str, data: Mapping[str, Any]) -> str:
    params = {"who": who, "task": data.get("task_name", "")}
    if data.get("outcome") == "reject":
        text = _("%(who)s did not agree in “%(task)s”") % params
    else:
        text = _("%(who)s agreed in “%(task)s”") % params
    cover = data.get("covered_for")
    if isinstance(cover, dict) and cover.get("name"):
        text += _(" (as B post for %(name)s)") % {"name": cover["name"]}
    return text


def _decide(who: str, data: Mapping[str, Any]) -> str:
    if data.get("decision") == "denied":
        return _("%(who)s decided not to grant: %(reasons)s (legal basis: %(basis)s)") % {
            "who": who,
            "reasons": data.get("reasons", ""),
            "basis": data.get("legal_basis", ""),
        }
    return _("%(who)s decided to grant") % {"who": who}


Builder = Callable[[str, Mapping[str, Any]], str]

SENTENCES: dict[str, Builder] = {
    "submit": lambda who, d: (
        _("%(who)s submitted the application (%(channel)s)")
        % {"who": who, "channel": _label(Channel, d.get("channel"))}
    ),
    "prereview_pass": lambda who, d: _("%(who)s passed the pre-review") % {"who": who},
    "prereview_return": lambda who, d: (
        _("%(who)s returned the application after pre-review: %(reasons)s")
        % {"who": who, "reasons": d.get("reasons", "")}
    ),
    "township_check": lambda who, d: _("%(who)s checked the proxy application and sent it on") % {"who": who},
    "township_return": lambda who, d: (
        _("%(who)s returned the proxy application: %(reasons)s")
        % {"who": who, "reasons": d.get("reasons", "")}
    ),
    "request_supplement": lambda who, d: (
        _("%(who)s issued the one-time notice of what is missing: %(names)s")
        % {"who": who, "names": _names(d.get("missing", ()))}
    ),
    "supplement": lambda who, d: (
        (
            _("%(who)s uploaded the materials the notice asked for: the application is back in pre-review")
            if d.get("prereview")
            else _("%(who)s handed in the missing materials")
        )
        % {"who": who}
    ),
    "accept": lambda who, d: (_("%(who)s accepted the case") % {"who": who}) + _committed(d),
    "accept_with_pending": lambda who, d: (
        (
            _("%(who)s accepted the case with materials to follow: %(names)s")
            % {"who": who, "names": _names(d.get("pending", ()))}
        )
        + (_(" (the applicant signed the commitment)") if d.get("commitment") else "")
        + _committed(d)
    ),
    "refuse": lambda who, d: (
        _("%(who)s refused the application: %(reasons)s") % {"who": who, "reasons": d.get("reasons", "")}
    ),
    "materials_received": lambda who, d: (
        _("%(who)s received the materials that were to follow") % {"who": who}
    ),
    "route": lambda who, d: _("%(who)s sent the case to the back office") % {"who": who},
    "task_claim": lambda who, d: (
        _("%(who)s claimed the task “%(task)s”") % {"who": who, "task": d.get("task_name", "")}
    ),
    "task_complete": _task_complete,
    "send_back": lambda who, d: (
        _("%(who)s sent the case back to stage %(stage)s") % {"who": who, "stage": d.get("to_stage", "")}
    ),
    "request_inspection": lambda who, d: _("%(who)s asked for a site inspection") % {"who": who},
    "report_up": lambda who, d: _("%(who)s reported the case to the upper center") % {"who": who},
    "report_back": lambda who, d: _("%(who)s sent the case back from the upper center") % {"who": who},
    "suspend": lambda who, d: (
        _("%(who)s suspended the case for a special procedure (%(reason)s) until %(date)s")
        % {
            "who": who,
            "reason": _label(Suspension.Reason, d.get("reason")),
            "date": d.get("expected_end", ""),
        }
    ),
    "resume": lambda who, d: (
        _("%(who)s resumed the case after %(days)s days of special procedure")
        % {"who": who, "days": d.get("days", 0)}
    ),
    "extension_request": lambda who, d: (
        _("%(who)s asked for an extension of %(days)s days") % {"who": who, "days": d.get("days", "")}
    ),
    "extend": lambda who, d: (
        _("%(who)s extended the promised limit by %(days)s days") % {"who": who, "days": d.get("days", "")}
    ),
    "extension_refuse": lambda who, d: _("%(who)s refused the extension") % {"who": who},
    "opinion": lambda who, d: _("%(who)s recorded an opinion") % {"who": who},
    "decide": _decide,
    "complete": lambda who, d: _("%(who)s completed the case") % {"who": who},
    "deliver": lambda who, d: (
        _("%(who)s delivered the result (%(method)s)")
        % {"who": who, "method": _label(DeliveryMethod, d.get("method"))}
    ),
    "close": lambda who, d: _("%(who)s archived the case") % {"who": who},
    "withdraw": lambda who, d: _("%(who)s withdrew the application") % {"who": who},
    "return": lambda who, d: (
        _("%(who)s returned the case to the applicant: %(reasons)s")
        % {"who": who, "reasons": d.get("reasons", "")}
    ),
}


def event_sentence(event: CaseEvent, staff: Staff | None = None) -> str:
    """The event as one sentence; `staff` is the member of staff who acted (None otherwise)."""
    who = who_text(event, staff)
    data = event.data if isinstance(event.data, dict) else {}
    build = SENTENCES.get(event.action)
    if build is None:
        return _("%(who)s: %(action)s") % {"who": who, "action": action_label(event.action)}
    return build(who, data)


def _acting_staff(rows: list[CaseEvent]) -> dict[int, Staff]:
    user_ids = {e.actor_id for e in rows if e.actor_id is not None}
    return (
        {
            s.user_id: s
            for s in Staff.objects.filter(user_id__in=user_ids)
            .select_related("window", "department", "center")
            .only(
                "user_id",
                "name",
                "window__name",
                "window__kind",
                "department__name",
                "department__short_name",
                "center__name",
            )
        }
        if user_ids
        else {}
    )


def case_trail(*, events: Iterable[CaseEvent]) -> list[TrailLine]:
    """The lines of a trail (pass `selectors.case_timeline(case=…)`, already scoped): two
    SELECTs, the events and the staff who acted (with their posts)."""
    rows = list(events)
    staff = _acting_staff(rows)
    return [
        TrailLine(
            seq=e.seq,
            action=e.action,
            at=e.at,
            when=when_text(e.at),
            sentence=event_sentence(e, staff.get(e.actor_id) if e.actor_id is not None else None),
            opinion=e.opinion,
        )
        for e in rows
    ]


# ------------------------------------------------------------------ the citizen's trail

# Steps of the back office that are the center's own business: who took a task, an opinion
# recorded, an extension asked for or refused inside the center.
CITIZEN_HIDDEN = frozenset({"task_claim", "opinion", "extension_request", "extension_refuse", "send_back"})

CITIZEN_SENTENCES: dict[str, Builder] = {
    **SENTENCES,
    # Whether an approver agreed is an internal opinion until the decision; the applicant reads
    # that the step is done.
    "task_complete": lambda who, d: (
        _("%(who)s finished the step “%(task)s”") % {"who": who, "task": d.get("task_name", "")}
    ),
}


def citizen_who(event: CaseEvent, staff: Staff | None) -> str:
    """Who acted, as the applicant reads it: staff by their post only (never a name), anybody else
    masked, as on the staff trail."""
    if staff is not None:
        return staff_post(staff)
    if event.actor_name:
        return _("applicant %(name)s") % {"name": mask_name(event.actor_name)}
    return _("the system")


def citizen_trail(*, events: Iterable[CaseEvent]) -> list[TrailLine]:
    """The trail the portal shows the applicant (My cases): the steps that concern them, each
    naming the window or department that acted and no member of staff, without the opinions
    recorded inside the center. Two SELECTs, as `case_trail`."""
    rows = [e for e in events if e.action not in CITIZEN_HIDDEN]
    return _citizen_lines(rows, _acting_staff(rows))


def citizen_trails(*, events: Iterable[CaseEvent]) -> dict[int, list[TrailLine]]:
    """`citizen_trail` of several cases at once (pass `selectors.application_timeline(…)`): the
    lines by case id, each case's in its order. Two SELECTs whatever the number of cases."""
    rows = [e for e in events if e.action not in CITIZEN_HIDDEN]
    staff = _acting_staff(rows)
    by_case: dict[int, list[CaseEvent]] = {}
    for e in rows:
        by_case.setdefault(e.case_id, []).append(e)
    return {case_id: _citizen_lines(case_rows, staff) for case_id, case_rows in by_case.items()}


def _citizen_lines(rows: list[CaseEvent], staff: Mapping[int, Staff]) -> list[TrailLine]:
    lines = []
    for e in rows:
        who = citizen_who(e, staff.get(e.actor_id) if e.actor_id is not None else None)
        data = e.data if isinstance(e.data, dict) else {}
        build = CITIZEN_SENTENCES.get(e.action)
        sentence = (
            build(who, data)
            if build is not None
            else _("%(who)s: %(action)s") % {"who": who, "action": action_label(e.action)}
        )
        lines.append(
            TrailLine(
                seq=e.seq, action=e.action, at=e.at, when=when_text(e.at), sentence=sentence, opinion=""
            )
        )
    return lines
