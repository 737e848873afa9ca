"""The field checks every org action shares: names and codes cleaned and bounded by their
columns, choices, a save whose unique constraint becomes an error code, a row locked again,
and the mobile number."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from onewindow.core.validators import normalise_mobile, validate_mobile
from onewindow.org.errors import org_error


def clean_mobile(phone: str, field: str = "mobile") -> str:
    """Normalised mainland mobile number, or "" when none was given; OrgError if invalid."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    phone = normalise_mobile(phone)
    try:
        validate_mobile(phone)
    except ValidationError as exc:
        raise org_error("INVALID_MOBILE", field, detail=exc.messages[0]) from exc
    return phone


def _text(value: str | None, field: str, model: type[models.Model], *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise org_error("NAME_REQUIRED", field)
    max_length: int | None = getattr(model._meta.get_field(field), "max_length", None)
    if max_length and len(value) > max_length:
        raise org_error("TOO_LONG", field, max=max_length)
    return value


def _code(value: str | None, field: str, validator: Callable[[str], None]) -> str:
    value = (value or "").strip()
    try:
        validator(value)
    except ValidationError as exc:
        raise org_error("INVALID_CODE", field, detail=exc.messages[0]) from exc
    return value


def _choice(value: Any, field: str, choices: type[models.Choices]) -> Any:
    if value not in choices.values:
        raise org_error("INVALID_CHOICE", field, value=value)
    return value


def _save_unique(obj: models.Model, *, field: str, code: str, value: str) -> None:
    """Save `obj`; a unique constraint refusing it (a concurrent twin) becomes `code`."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise org_error(code, field, value=value) from exc


_Row = TypeVar("_Row", bound=models.Model)


def _locked(obj: _Row) -> _Row:
    """The row again, locked for the rest of the transaction."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)
