"""Applicants: identity documents checked, registered once per person or organisation, corrected."""

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from onewindow.core.fields import personal_digest
from onewindow.core.inputs import DocumentKind, document_check
from onewindow.core.validators import normalise_id_number, normalise_uscc, validate_id_number, validate_uscc
from onewindow.org.actions.checks import _text, clean_mobile
from onewindow.org.errors import org_error
from onewindow.org.models import Applicant

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # settings.AUTH_USER_MODEL


def clean_id_number(value: str, *, field: str = "id_number") -> str:
    """Normalised resident ID number; OrgError naming `field` if invalid."""
    value = normalise_id_number(value)
    try:
        validate_id_number(value)
    except ValidationError as exc:
        raise org_error("INVALID_ID_NUMBER", field, detail=exc.messages[0]) from exc
    return value


def clean_uscc(value: str) -> str:
    """Normalised USCC; OrgError if invalid."""
    value = "".join(normalise_uscc(value).split())
    try:
        validate_uscc(value)
    except ValidationError as exc:
        raise org_error("INVALID_USCC", "uscc", detail=exc.messages[0]) from exc
    return value


def clean_document(kind: str, number: str, *, field: str = "id_number") -> tuple[str, str]:
    """(kind, number) of an identity document, normalised (core.inputs' rule per kind);
    OrgError naming `field` (or `document_kind`) if invalid."""
    kind, number, errors = document_check(
        kind, number, label=str(Applicant._meta.get_field("id_number").verbose_name)
    )
    if errors:
        error = errors[0]
        code = "INVALID_ID_NUMBER" if error["field"] == "number" else "INVALID_CHOICE"
        if error["code"] == "FIELD_REQUIRED":
            code = "ID_NUMBER_REQUIRED"
        raise org_error(
            code, field if error["field"] == "number" else "document_kind", detail=error["message"]
        )
    return kind, number


MAX_ADDRESS_LENGTH = 500  # an address is encrypted text without a column limit of its own


def applicant_clean(
    *,
    kind: str,
    name: str,
    id_number: str = "",
    document_kind: str = DocumentKind.RESIDENT_ID,
    uscc: str = "",
    mobile: str = "",
    email: str = "",
    address: str = "",
    legal_representative: str = "",
    exclude: Applicant | None = None,
) -> dict[str, str]:
    """Normalise and check an applicant's fields; return them ready to store (digest
    included). A person needs a valid resident ID number, an organisation a valid USCC (its
    legal representative's ID number is optional but checked when given). Another applicant
    with the same identity (other than `exclude`) is refused with APPLICANT_EXISTS."""
    if kind not in Applicant.Kind.values:
        raise org_error("UNKNOWN_APPLICANT_KIND", "kind", value=kind)
    name = _text(name, "name", Applicant, required=True)
    legal_representative = _text(legal_representative, "legal_representative", Applicant)
    address = (address or "").strip()
    if len(address) > MAX_ADDRESS_LENGTH:
        raise org_error("TOO_LONG", "address", max=MAX_ADDRESS_LENGTH)
    id_number = (id_number or "").strip()
    uscc = (uscc or "").strip()
    if kind == Applicant.Kind.PERSON:
        if not id_number:
            raise org_error("ID_NUMBER_REQUIRED", "id_number")
        document_kind, id_number = clean_document(document_kind or DocumentKind.RESIDENT_ID, id_number)
        uscc = ""
    else:
        if not uscc:
            raise org_error("USCC_REQUIRED", "uscc")
        uscc = clean_uscc(uscc)
        if id_number:
            id_number = clean_id_number(id_number)
        document_kind = DocumentKind.RESIDENT_ID
    mobile = clean_mobile(mobile)
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise org_error("INVALID_EMAIL", "email") from exc
    from onewindow.org.selectors import applicant_find

    if kind == Applicant.Kind.PERSON:
        existing, field = applicant_find(id_number=id_number), "id_number"
    else:
        existing, field = applicant_find(uscc=uscc), "uscc"
    if existing is not None and (exclude is None or existing.pk != exclude.pk):
        raise org_error("APPLICANT_EXISTS", field)
    return {
        "kind": kind,
        "name": name,
        "document_kind": document_kind,
        "id_number": id_number,
        "id_number_digest": personal_digest(id_number) if id_number else "",
        "uscc": uscc,
        "mobile": mobile,
        "mobile_digest": personal_digest(mobile) if mobile else "",
        "email": email,
        "address": (address or "").strip(),
        "legal_representative": (legal_representative or "").strip(),
    }


@transaction.atomic
def applicant_create(
    *,
    kind: str,
    name: str,
    id_number: str = "",
    uscc: str = "",
    mobile: str = "",
    email: str = "",
    address: str = "",
    legal_representative: str = "",
    user: "User | None" = None,
    document_kind: str = DocumentKind.RESIDENT_ID,
) -> Applicant:
    """Register an applicant (see `applicant_clean` for the rules).

    The ID number is kept encrypted; `id_number_digest` is the blind index `applicant_find`
    searches. One row per person and per organisation: the unique constraints back the
    duplicate check up under concurrency."""
    fields = applicant_clean(
        kind=kind,
        name=name,
        id_number=id_number,
        uscc=uscc,
        mobile=mobile,
        email=email,
        address=address,
        legal_representative=legal_representative,
        document_kind=document_kind,
    )
    try:
        with transaction.atomic():
            return Applicant.objects.create(**fields, user=user)
    except IntegrityError as exc:
        raise org_error("APPLICANT_EXISTS", "id_number" if kind == Applicant.Kind.PERSON else "uscc") from exc


@transaction.atomic
def applicant_update(
    *,
    applicant: Applicant,
    kind: str,
    name: str,
    id_number: str = "",
    uscc: str = "",
    mobile: str = "",
    email: str = "",
    address: str = "",
    legal_representative: str = "",
    user: "User | None" = None,
    document_kind: str = DocumentKind.RESIDENT_ID,
) -> Applicant:
    """Correct an applicant's details under the same rules as registration; the digest
    follows the ID number. Locks the row so two clerks' corrections do not interleave."""
    fields = applicant_clean(
        kind=kind,
        name=name,
        id_number=id_number,
        uscc=uscc,
        mobile=mobile,
        email=email,
        address=address,
        legal_representative=legal_representative,
        document_kind=document_kind,
        exclude=applicant,
    )
    Applicant.objects.select_for_update().filter(pk=applicant.pk).first()
    for key, value in fields.items():
        setattr(applicant, key, value)
    applicant.user = user
    try:
        with transaction.atomic():
            applicant.save(update_fields=[*fields, "user"])
    except IntegrityError as exc:
        raise org_error("APPLICANT_EXISTS", "id_number" if kind == Applicant.Kind.PERSON else "uscc") from exc
    return applicant
