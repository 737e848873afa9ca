"""What the pages call the parameters they send, for a refusal written before any view runs.

The edge (`core.middleware.RejectNulCharacters`) refuses a NUL in a parameter before the view
that knows its form's labels is called, so a person would otherwise read the raw parameter
(`m_id_card`, `form-0-name`). `nul_message` words the refusal for people instead:

* a parameter a person types or chooses is named by its label as the pages show it
  (`LABELS`); a name several pages use for different things is labelled per page, by the
  page's URL name (`BY_PAGE`);
* families of names built from the catalog are named by what they are, not by their key:
  `f_<key>` a field of the application form, `m_<code>` a material's choice, `s_<code>` /
  `q_<code>` an answer about the applicant's situation, `file_<code>` a material's file. Their
  labels are the catalog's and which item the page is for is the view's to know;
* a Django formset's `<prefix>-<n>-<field>` is named by its row (and its field's label when
  listed);
* anything else — values the page carries that nobody types (keys, tokens, `next`, `step`,
  sequence numbers), or a name no page sends — is not named: the message says the page sent
  something that cannot be stored and asks to reload it. A cookie gets a message of its own.

The JSON answer keeps the raw name as its `field` (stable for API clients); only the message
changes. Labels are lazy gettext calls, translated in onewindow/core/locale.
"""

from __future__ import annotations

import re

from django.urls import Resolver404, resolve
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy

from onewindow.core.errors import NUL_CHARACTER, input_message

# Labels in the context "parameter": words as short as "Name" or "State" are translated for
# this table only, whatever other apps' catalogs make of them (Django merges every catalog).
LABELS: dict[str, Promise] = {
    "q": pgettext_lazy("parameter", "Search"),
    "username": pgettext_lazy("parameter", "Account"),
    "password": pgettext_lazy("parameter", "Password"),
    "password_again": pgettext_lazy("parameter", "Password again"),
    "mobile": pgettext_lazy("parameter", "Mobile phone number"),
    "code": pgettext_lazy("parameter", "Code from the text message"),
    "name": pgettext_lazy("parameter", "Name"),
    "document_kind": pgettext_lazy("parameter", "Identity document"),
    "id_number": pgettext_lazy("parameter", "Document number"),
    "id_last4": pgettext_lazy("parameter", "Last 4 characters of the ID number"),
    "uscc": pgettext_lazy("parameter", "Unified social credit code"),
    "legal_representative": pgettext_lazy("parameter", "Legal representative"),
    "kind": pgettext_lazy("parameter", "Kind of applicant"),
    "number": pgettext_lazy("parameter", "Case number"),
    "reason": pgettext_lazy("parameter", "Reason"),
    "reasons": pgettext_lazy("parameter", "Reasons for returning"),
    "note": pgettext_lazy("parameter", "Note"),
    "materials": pgettext_lazy("parameter", "Materials"),
    "items": pgettext_lazy("parameter", "Services"),
    "item": pgettext_lazy("parameter", "Service"),
    "bundle": pgettext_lazy("parameter", "Life event"),
    "delivery_method": pgettext_lazy("parameter", "Delivery of the result"),
    "delivery_address": pgettext_lazy("parameter", "Postal address"),
    "legal_basis": pgettext_lazy("parameter", "Legal basis"),
    "agent_name": pgettext_lazy("parameter", "Agent's name"),
    "agent_mobile": pgettext_lazy("parameter", "Agent's mobile phone number"),
    "agent_document_kind": pgettext_lazy("parameter", "Agent's identity document"),
    "agent_document_number": pgettext_lazy("parameter", "Agent's document number"),
    "application": pgettext_lazy("parameter", "Application number"),
    "collector_id_number": pgettext_lazy("parameter", "Collector's document number"),
    "signed_by": pgettext_lazy("parameter", "Signed for by"),
    "carrier": pgettext_lazy("parameter", "Courier"),
    "tracking_number": pgettext_lazy("parameter", "Tracking number"),
    "method": pgettext_lazy("parameter", "How the result is handed over"),
    "days": pgettext_lazy("parameter", "Days"),
    "why": pgettext_lazy("parameter", "Why you need it"),
    "accepted_from": pgettext_lazy("parameter", "Accepted from"),
    "accepted_to": pgettext_lazy("parameter", "Accepted until"),
    "state": pgettext_lazy("parameter", "State"),
    "channel": pgettext_lazy("parameter", "Channel"),
    "department": pgettext_lazy("parameter", "Department"),
}

# A name whose label depends on the page: URL name → label (else LABELS).
BY_PAGE: dict[str, dict[str, Promise]] = {
    "code": {
        "portal:bind": pgettext_lazy("parameter", "Binding code"),
        "portal:progress": pgettext_lazy("parameter", "Query code"),
        "portal:progress_case": pgettext_lazy("parameter", "Query code"),
        "portal:home": pgettext_lazy("parameter", "Query code"),
    },
    "name": {
        "portal:progress": pgettext_lazy("parameter", "Applicant's name"),
        "portal:progress_case": pgettext_lazy("parameter", "Applicant's name"),
    },
    "kind": {"portal:signup": pgettext_lazy("parameter", "The account is for")},
}

FAMILIES: tuple[tuple[str, Promise], ...] = (
    ("f_", pgettext_lazy("parameter", "A field of the application form")),
    ("m_", pgettext_lazy("parameter", "The choice for one of the materials")),
    ("s_", pgettext_lazy("parameter", "An answer about the applicant's situation")),
    ("q_", pgettext_lazy("parameter", "An answer about the applicant's situation")),
    ("file_", pgettext_lazy("parameter", "A material's file")),
)
FORMSET = re.compile(r"^[A-Za-z_][\w]*-(?P<row>\d{1,6})-(?P<field>\w+)$")


def _page(path: str) -> str:
    try:
        return resolve(path).view_name
    except Resolver404:
        return ""


def field_label(name: str, *, path: str = "") -> str | None:
    """The label a person knows the parameter `name` by on the page at `path`, or None."""
    pages = BY_PAGE.get(name)
    if pages:
        label = pages.get(_page(path))
        if label is not None:
            return str(label)
    label = LABELS.get(name)
    return None if label is None else str(label)


def _unquoted(what: str) -> str:
    return gettext(
        "%(what)s holds an invisible NUL character, which cannot be stored: remove it and send again."
    ) % {"what": what}


def nul_message(name: str, *, path: str = "", cookie: bool = False) -> str:
    """The message of a NUL refusal for the parameter `name` (its raw name, NUL removed) sent
    to the page at `path`; `cookie` when it is a cookie's name."""
    if cookie:
        return gettext(
            "A cookie your browser keeps for this site holds an invisible NUL character: clear this "
            "site's cookies and try again."
        )
    label = field_label(name, path=path)
    if label is not None:
        return input_message(NUL_CHARACTER, label=label)
    for prefix, family in FAMILIES:
        if name.startswith(prefix) and len(name) > len(prefix):
            return _unquoted(str(family))
    row = FORMSET.match(name)
    if row is not None:
        inner, number = field_label(row["field"], path=path), int(row["row"]) + 1
        if inner is None:
            return _unquoted(gettext("An entry of row %(row)d") % {"row": number})
        label = gettext("%(label)s (row %(row)d)") % {"label": inner, "row": number}
        return input_message(NUL_CHARACTER, label=label)
    return gettext(
        "The page sent a value holding an invisible NUL character, which cannot be stored: reload "
        "the page and send the form again."
    )
