"""Validators for the identifiers a service center takes at the window.

* Resident ID number (身份证号), GB 11643-1999: 17 digits + a check digit (0-9 or X);
  digits 7–14 are the birth date, which must be a real date and not in the future.
* Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from
  0-9 A-H J-N P-R T-U W-Y (no I, O, Z, S, V), the last one a check character.
* Mainland mobile number: 1[3-9] + 9 digits, an optional +86 / 0086 prefix.

The check-digit arithmetic is python-stdnum's (`stdnum.cn.ric`, `stdnum.cn.uscc`); the
order of the checks, the normalisation, the error codes and the Chinese messages are ours,
so a clerk reads the same reason whichever library does the sums.

What we deliberately do **not** check (docs/decisions/0005-input-layer.md):

* the region prefix of an ID number (its first six digits). `stdnum.cn.ric.validate`
  looks it up in its table of divisions and wants the division to have existed in the
  birth year. But the prefix is the division that first issued the number (from 1985 on),
  not the birthplace, and a card keeps it after the county is merged or renamed: a
  person born in 1950 and registered in a county created in 1983 holds a valid card that
  check refuses, and the table lags behind newly created divisions. An unknown prefix is
  therefore not an error here;
* the shape of a USCC beyond its charset. `stdnum.cn.uscc.validate` wants eight leading
  digits, but the registering authority (first character) may be a letter: N for
  agriculture (农村集体经济组织, common at village service stations), Y for others.

Each validator raises `ValidationError` with a Chinese (gettext) message and a stable
UPPER_SNAKE `code`; `normalise_*` give the form to store (upper-case X, no prefix).
"""

import datetime as dt
import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc

from onewindow.core import clock

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

_ID_RE = re.compile(r"^\d{17}[\dX]$")
_USCC_RE = re.compile(rf"^[{USCC_CHARSET}]{{18}}$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_MOBILE_PREFIX_RE = re.compile(r"^(?:\+86|0086|86(?=1\d{10}$))")
_SEPARATORS_RE = re.compile(r"[\s\-]")


def id_number_check_digit(first17: str) -> str:
    """The GB 11643 check digit ('0'-'9' or 'X') for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("an ID number's first 17 characters must be digits")
    # stdnum takes the whole number and ignores its last character.
    return ric.calc_check_digit(first17 + "0")


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a USCC."""
    if len(first17) != 17 or any(c not in USCC_CHARSET for c in first17):
        raise ValueError("a USCC's first 17 characters must come from the GB 32100 charset")
    return uscc.calc_check_digit(first17)


def normalise_id_number(value: str) -> str:
    """Strip blanks and upper-case the check character (a lower-case x is common)."""
    return (value or "").strip().upper()


def normalise_uscc(value: str) -> str:
    return (value or "").strip().upper()


def normalise_mobile(value: str) -> str:
    """Drop spaces, hyphens and a +86 / 0086 country prefix: '+86 138-0013-8000' → '13800138000'."""
    compact = _SEPARATORS_RE.sub("", value or "")
    return _MOBILE_PREFIX_RE.sub("", compact, count=1)


def validate_id_number(value: str) -> None:
    id_number = normalise_id_number(value)
    if len(id_number) != 18:
        raise ValidationError(
            _("A resident ID number has 18 characters; this one has %(length)d."),
            code="ID_NUMBER_LENGTH",
            params={"length": len(id_number)},
        )
    if not id_number.isascii() or not _ID_RE.match(id_number):
        raise ValidationError(
            _("A resident ID number is 17 digits followed by a digit or X."),
            code="ID_NUMBER_FORMAT",
        )
    try:
        birth = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth.year < 1850:
        raise ValidationError(
            _("The birth date in the resident ID number is not a real date."),
            code="ID_NUMBER_BIRTH_DATE",
        )
    if birth > clock.today():
        raise ValidationError(
            _("The birth date in the resident ID number is in the future."),
            code="ID_NUMBER_BIRTH_DATE_FUTURE",
        )
    if id_number_check_digit(id_number[:17]) != id_number[17]:
        raise ValidationError(
            _("The resident ID number's check digit is wrong; please check every digit."),
            code="ID_NUMBER_CHECK_DIGIT",
        )


def validate_uscc(value: str) -> None:
    code = normalise_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d."),
            code="USCC_LENGTH",
            params={"length": len(code)},
        )
    if not _USCC_RE.match(code):
        raise ValidationError(
            _(
                "A unified social credit code uses only digits and the capital letters "
                "A-H, J-N, P-R, T, U, W-Y."
            ),
            code="USCC_FORMAT",
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("The unified social credit code's check character is wrong; please check every character."),
            code="USCC_CHECK_CHAR",
        )


def validate_mobile(value: str) -> None:
    if not _MOBILE_RE.match(normalise_mobile(value)):
        raise ValidationError(
            _("Enter a mainland mobile number: 11 digits starting with 13–19."),
            code="MOBILE_FORMAT",
        )


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule for passwords, with a message that is translated: Django 5.2 asks
    for "…at least %d characters." while its Chinese catalog still holds the older
    "%(min_length)d" text, so the refusal came out in English on a Chinese page."""

    def get_error_message(self) -> str:
        # One message, not ngettext: the minimum is never 1, and Chinese has one form anyway.
        return _("This password is too short: it must have at least %(min_length)d characters.") % {
            "min_length": self.min_length
        }
