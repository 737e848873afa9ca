"""Personal data on screens: which answers are personal, how they are masked, and the one
way to see them unmasked, which is logged (访问日志).

Personal data (ID numbers, phones, addresses, the names in a form) is encrypted at rest
(`core.fields`) and shown masked everywhere. Staff who need a value in the clear call
`personal_data_reveal` with a reason: it checks the actor may see the row (the scope its
app registered, e.g. `org.access.scope_applicants`), writes one `PersonalDataAccess` row
(who, whose, what, when, why) and only then returns the value. Pages, the admin and the
API never decrypt for display any other way.

Apps register the models that hold personal data (`personal_subject_register`, from their
`AppConfig.ready`): the fields one may reveal on a row, how to read one, whose data it is
(a masked label for the log) and the scope filter of the actor. The kernel knows none of
the domain models, so the layers still run one way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from onewindow.core import clock
from onewindow.core.fields import mask_address, mask_id_number, mask_name, mask_phone
from onewindow.core.models import PersonalDataAccess

# ---------------------------------------------------------------------------- which fields

# Until every form field carries its `personal` flag (catalog.FormField.personal), a field
# whose key or label names an applicant's name, phone, ID number or address is personal too.
# The list is short and explicit on purpose: it is a safety net, the flag is the rule.
PERSONAL_KEYS = frozenset(
    {
        "applicant_name",
        "contact_name",
        "contact_person",
        "legal_representative",
        "agent_name",
        "name",
        "phone",
        "mobile",
        "telephone",
        "contact_phone",
        "contact_mobile",
        "id_number",
        "id_card",
        "id_card_number",
        "address",
        "home_address",
        "contact_address",
        "delivery_address",
    }
)
_PERSONAL_KEY_ENDINGS = ("_phone", "_mobile", "_id_number", "_address")
_PERSONAL_LABEL = re.compile(r"姓名|申请人名称|联系人|电话|手机|身份证|证件号码|住址|地址")


def looks_personal(key: str, label: str = "") -> bool:
    """The fallback rule: a key or label that names a person's name, phone, ID or address."""
    key = key.strip().lower()
    if key in PERSONAL_KEYS or key.endswith(_PERSONAL_KEY_ENDINGS):
        return True
    return bool(label and _PERSONAL_LABEL.search(label))


def field_is_personal(field: Any) -> bool:
    """Whether a form field's answer is personal data: its `personal` flag, or the fallback
    rule on its key and label (fields defined before the flag existed)."""
    if getattr(field, "personal", False):
        return True
    return looks_personal(str(getattr(field, "key", "")), str(getattr(field, "label", "")))


# ---------------------------------------------------------------------------- masking


def mask_personal(what: str, value: Any) -> str:
    """`value` masked by what it is (read from the name of the field): ID numbers keep the
    region and last four, phones the first three and last four, addresses the first part,
    names the first character; anything else shows only that there is a value."""
    if value is None or value == "":
        return ""
    text = str(value)
    name = what.rsplit(".", 1)[-1].lower()
    if "id_number" in name or "id_card" in name:
        return mask_id_number(text)
    if any(word in name for word in ("phone", "mobile", "tel")):
        return mask_phone(text)
    if "address" in name or "location" in name:
        return mask_address(text)
    if "name" in name or "representative" in name or "contact" in name:
        return mask_name(text)
    return "****"


# ---------------------------------------------------------------------------- subjects


@dataclass(frozen=True)
class PersonalSubject:
    """How one model's rows hold personal data (see `personal_subject_register`)."""

    model: type[models.Model]
    fields: Callable[[Any], dict[str, str]]
    value: Callable[[Any, str], Any]
    scope: Callable[[QuerySet[Any], Any], QuerySet[Any]]
    label: Callable[[Any], str]


_SUBJECTS: dict[type[models.Model], PersonalSubject] = {}


def personal_subject_register(
    model: type[models.Model],
    *,
    fields: Callable[[Any], dict[str, str]],
    value: Callable[[Any, str], Any],
    scope: Callable[[QuerySet[Any], Any], QuerySet[Any]],
    label: Callable[[Any], str],
) -> None:
    """Declare that rows of `model` hold personal data.

    `fields(row)`: what may be revealed on that row, {name: label}; `value(row, name)`: the
    plain value; `scope(queryset, actor)`: the rows the actor may see (one SQL filter);
    `label(row)`: whose data it is, masked, for the log. Registering again replaces."""
    _SUBJECTS[model] = PersonalSubject(model, fields, value, scope, label)


def personal_subject(obj: models.Model) -> PersonalSubject | None:
    return _SUBJECTS.get(obj._meta.concrete_model or type(obj))


def personal_fields(obj: models.Model) -> dict[str, str]:
    """What may be revealed on `obj` ({name: label}); {} for a model holding none."""
    subject = personal_subject(obj)
    return subject.fields(obj) if subject is not None else {}


def personal_masked(obj: models.Model, what: str) -> str:
    """The masked value of `what` on `obj`, for a screen or a log line."""
    subject = personal_subject(obj)
    if subject is None or what not in subject.fields(obj):
        return ""
    return mask_personal(what, subject.value(obj, what))


# ---------------------------------------------------------------------------- revealing

REASON_MIN, REASON_MAX = 2, 500

MESSAGES = {
    "REVEAL_REASON_REQUIRED": _("Say why you need to see this value (at least two characters)."),
    "REVEAL_REASON_TOO_LONG": _("The reason is at most %(max)d characters."),
    "PERSONAL_FIELD_UNKNOWN": _("There is no personal data “%(what)s” here."),
    "PERSONAL_DATA_OUT_OF_SCOPE": _("You may not see this person's data."),
}


class PersonalDataError(Exception):
    """A refused reveal: a stable `code`, the input at fault (`field`) and a message."""

    def __init__(self, code: str, field: str = "", **params: Any) -> None:
        self.code, self.field = code, field
        self.message = str(MESSAGES[code]) % params if params else str(MESSAGES[code])
        super().__init__(f"{code}: {self.message}")


def _user_of(actor: Any) -> Any:
    """The user account behind an actor (a user, or a staff row's user)."""
    if actor is None or not getattr(actor, "is_authenticated", True):
        return None
    user = getattr(actor, "user", None) if not hasattr(actor, "is_superuser") else actor
    return user if user is not None and getattr(user, "is_active", False) else None


def _actor_name(actor: Any, user: Any) -> str:
    staff = actor if not hasattr(actor, "is_superuser") else getattr(user, "staff", None)
    name = getattr(staff, "name", "") if staff is not None else ""
    username: str = user.get_username()
    return f"{name}（{username}）" if name else username


@transaction.atomic
def personal_data_reveal(*, actor: Any, subject: models.Model, what: str, why: str) -> Any:
    """The plain value of `what` on `subject`, for an actor who gave a reason; one access
    log row records who saw whose what, when and why.

    Refused (`PersonalDataError`, nothing logged, nothing returned) without a reason of
    2–500 characters (`REVEAL_REASON_REQUIRED` / `_TOO_LONG`), for a value the row does not
    hold (`PERSONAL_FIELD_UNKNOWN`), and when the actor may not see the row
    (`PERSONAL_DATA_OUT_OF_SCOPE`: the registered scope, one query, asked here even when
    the caller already scoped). The log row is written in the caller's transaction: a page
    that fails after revealing leaves no value on screen and no log row."""
    reason = " ".join((why or "").split())
    if len(reason) < REASON_MIN:
        raise PersonalDataError("REVEAL_REASON_REQUIRED", "why")
    if len(reason) > REASON_MAX:
        raise PersonalDataError("REVEAL_REASON_TOO_LONG", "why", max=REASON_MAX)
    entry = personal_subject(subject)
    fields = entry.fields(subject) if entry is not None else {}
    if entry is None or what not in fields:
        raise PersonalDataError("PERSONAL_FIELD_UNKNOWN", "what", what=what)
    user = _user_of(actor)
    model = type(subject)
    if user is None or not entry.scope(model._default_manager.filter(pk=subject.pk), actor).exists():
        raise PersonalDataError("PERSONAL_DATA_OUT_OF_SCOPE")
    value = entry.value(subject, what)
    PersonalDataAccess.objects.create(
        actor=user,
        actor_name=_actor_name(actor, user)[:150],
        subject_type=ContentType.objects.get_for_model(model),
        subject_id=subject.pk,
        subject_label=entry.label(subject)[:200],
        what=what[:64],
        what_label=str(fields[what])[:100],
        why=reason,
        at=clock.now(),
    )
    return value


__all__ = [
    "PERSONAL_KEYS",
    "PersonalDataError",
    "PersonalSubject",
    "field_is_personal",
    "looks_personal",
    "mask_personal",
    "personal_data_reveal",
    "personal_fields",
    "personal_masked",
    "personal_subject",
    "personal_subject_register",
]
