"""One input layer: the rule of each type of value, for forms, spreadsheet rows and documents.

What a clerk types in a form, what a spreadsheet cell holds (openpyxl gives str, int,
float, bool and datetime) and what a JSON document carries are read by the same rule per
type, so 是, 2026年1月5日 or 3.0 mean the same wherever they come from:

* **yes/no** (`YesNo`, `parse_yes_no`): real booleans; 1/0 (also 1.0/0.0); the words
  是/否, 有/无, 对/不, 需要/不需要, 必需/非必需, 必填/选填, yes/no, y/n, true/false, 1/0,
  √/×, ✓/✗ (case-insensitive, full-width forms too). Anything else: `INVALID_BOOLEAN`.
* **dates** (`DateValue`, `parse_date`): `date` and `datetime` objects (an aware datetime
  in local time), `2026-01-05` (also `2026-1-5`), `2026/1/5`, `2026.1.5` and
  `2026年1月5日` (the 日 may be left off), full-width digits too; not a real day or
  another shape: `INVALID_DATE`. A time of day in text is refused, not cut off.
* **whole numbers** (`Integer(ge=, le=)`, `parse_integer`) and **numbers**
  (`Number(ge=, le=)`, `parse_number`): int, float, Decimal or text in decimal notation;
  never a bool, NaN or infinity (`INVALID_NUMBER`); 3.0 is the whole number 3, 3.5 is not
  one; outside the bounds: `OUT_OF_RANGE`. A number is returned as an int when whole.
* **text** (`Text(max_length=)`, `parse_text`): stripped; at most `max_length`
  characters (`TEXT_MAX_LENGTH` = 2,000 unless the field says otherwise), else
  `TOO_LONG`; numbers from a spreadsheet become their digits (5.0 → "5"), dates their ISO
  form; a bool, list or object is `INVALID_TEXT`.
* **choices** (`Choice(options)`, `parse_choice`): the value or, for a Django
  `TextChoices`, its code or its label in Chinese or English, case-insensitively; the
  result is the code. Else `INVALID_CHOICE`, listing what is allowed.
  `ChoiceList(options)` is several of them, as a list or one text separated by 、,，;；|
  or new lines; `TextList()` the same for free text (codes, options).

Every schema derives from `Schema`: a blank value (None, spaces, an empty list) counts as
absent, so an optional field takes its default and a required one is `FIELD_REQUIRED`.
Codes and messages come from `onewindow.core.errors`; a `FieldError` names the field by
its path (`items[3].version.materials[0].tolerable`) and, in Chinese, by its label (a
field's `title`, or what `Schema.field_label` says).

Use::

    class MaterialIn(Schema):
        code: Annotated[str, Text(max_length=40)]
        copies: Annotated[int, Integer(ge=1)] = 1
        tolerable: YesNo = False

    material, errors = input_check(MaterialIn, raw, path="materials[2]")  # (None, [...]) when bad
    material = input_validate(MaterialIn, raw)  # or raises InputInvalid(errors)

The unified form of an application (field kinds text, number, date, boolean and choice;
any objects with `key`, `label`, `kind`, `required` and `choices`: the catalog's
`FormField` rows, the engine's `FieldPlan`s) is one call. A key several items ask is asked
once, required if any of them requires it, with the kind and choices of the first::

    clean = form_validate([f for plan in plans for f in plan.form_fields], form_data, path="form_data")
    clean, errors = form_check(fields, row_values)  # a batch row: every error at once

`clean` is JSON-ready (dates as ISO text, yes/no as booleans, numbers as int or float,
text answers as text); blank optional answers are left out; a key the form does not ask
is `UNKNOWN_FIELD` (a blank one is ignored). A caller that refuses with the two coarse
codes, as the case engine does, keeps them with `InputInvalid.family`::

    except InputInvalid as exc:
        raise CaseError(exc.family, exc.message, exc.field) from exc
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Protocol, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError, core_schema
from stdnum.cn import ric

from onewindow.core import clock
from onewindow.core.errors import (
    FIELD_INVALID,
    FIELD_REQUIRED,
    INVALID_BOOLEAN,
    INVALID_CHOICE,
    INVALID_DATE,
    INVALID_DOCUMENT_NUMBER,
    INVALID_NUMBER,
    INVALID_TEXT,
    NOT_A_LIST,
    NOT_AN_OBJECT,
    OUT_OF_RANGE,
    TOO_LONG,
    UNKNOWN_FIELD,
    FieldError,
    InputInvalid,
    field_error,
    input_message,
)
from onewindow.core.validators import validate_id_number

TEXT_MAX_LENGTH = 2000
YES_WORDS = frozenset({"是", "有", "对", "需要", "必需", "必填", "yes", "y", "true", "1", "√", "✓", "✔"})
NO_WORDS = frozenset({"否", "无", "不", "不需要", "非必需", "选填", "no", "n", "false", "0", "×", "✗", "✘"})
LIST_SEPARATORS = re.compile(r"\s*[,，、;；|\n]\s*")

_DATE_RE = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_DATE_ZH_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?")
_INTEGER_RE = re.compile(r"[+-]?\d+(?:\.0*)?")
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def refused(code: str, **ctx: Any) -> PydanticCustomError:
    """The error a rule raises: pydantic carries `code` and `ctx` to `input_errors`, which
    builds the message (`message_key` picks a variant, `reason` explains a domain code)."""
    values = {k: v if isinstance(v, int | float) else str(v) for k, v in ctx.items() if v is not None}
    return PydanticCustomError(code, code, values)


def shown(value: Any) -> str:
    """A value as a message quotes it: at most 50 characters (a huge cell is not repeated)."""
    text = str(value)
    return text if len(text) <= 50 else text[:49] + "…"


def _fold(text: str) -> str:
    """Compare words as a clerk means them: full-width forms, case and blanks do not count."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == ()


# ---------------------------------------------------------------- the rules


def parse_text(value: Any, *, max_length: int = TEXT_MAX_LENGTH) -> str:
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value.strip()
    elif isinstance(value, bool):
        raise refused(INVALID_TEXT, value=value)
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, int | float | decimal.Decimal):
        text = str(value)
    elif isinstance(value, dt.datetime):
        text = value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    elif isinstance(value, dt.date):
        text = value.isoformat()
    else:
        raise refused(INVALID_TEXT, value=shown(value))
    if len(text) > max_length:
        raise refused(TOO_LONG, max=max_length, length=len(text))
    return text


def parse_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = _fold(value)
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
    raise refused(INVALID_BOOLEAN, value=shown(value))


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        m = _DATE_RE.fullmatch(text)
        parts = (m.group(1), m.group(3), m.group(4)) if m else None
        if parts is None and (zh := _DATE_ZH_RE.fullmatch(text)):
            parts = (zh.group(1), zh.group(2), zh.group(3))
        if parts is not None:
            try:
                return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                pass
    raise refused(INVALID_DATE, value=shown(value))


def _in_range(number: int | float, ge: float | None, le: float | None) -> int | float:
    if (ge is not None and number < ge) or (le is not None and number > le):
        variant = "between" if ge is not None and le is not None else "ge" if ge is not None else "le"
        raise refused(OUT_OF_RANGE, message_key=f"{OUT_OF_RANGE}.{variant}", value=number, ge=ge, le=le)
    return number


def _to_number(value: Any, pattern: re.Pattern[str]) -> int | float | decimal.Decimal | None:
    """int, float or Decimal for a finite number, None for anything else (bools included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, decimal.Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if pattern.fullmatch(text):
            number = decimal.Decimal(text)
            return number if number.is_finite() and abs(number) < decimal.Decimal("1e300") else None
    return None


def parse_integer(value: Any, *, ge: int | None = None, le: int | None = None) -> int:
    number = _to_number(value, _INTEGER_RE)
    if number is None or number != int(number):
        raise refused(INVALID_NUMBER, message_key=f"{INVALID_NUMBER}.whole", value=shown(value))
    return int(_in_range(int(number), ge, le))


def parse_number(value: Any, *, ge: float | None = None, le: float | None = None) -> int | float:
    number = _to_number(value, _NUMBER_RE)
    if number is None:
        raise refused(INVALID_NUMBER, value=shown(value))
    result = int(number) if number == int(number) else float(number)
    return _in_range(result, ge, le)


Options = type[models.TextChoices] | Sequence[str]


@functools.lru_cache(maxsize=256)
def _choice_table(options: type[models.TextChoices] | tuple[str, ...]) -> dict[str, str]:
    """Every accepted spelling (folded) → the value to store."""
    table: dict[str, str] = {}
    if isinstance(options, tuple):
        for option in options:
            table.setdefault(_fold(option), option)
        return table
    for value, label in options.choices:
        table[_fold(str(value))] = str(value)
        for lang in ("en", "zh-hans"):
            with translation.override(lang):
                table.setdefault(_fold(str(label)), str(value))
    return table


def _frozen(options: Options) -> type[models.TextChoices] | tuple[str, ...]:
    return options if isinstance(options, type) else tuple(options)


def allowed_values(options: Options) -> str:
    """What a message lists as allowed: 行政许可（licensing）、… or the options themselves."""
    if isinstance(options, type):
        return "、".join(f"{label}（{value}）" for value, label in options.choices)
    return "、".join(options)


def parse_choice(value: Any, options: Options) -> str:
    found = None
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        found = _choice_table(_frozen(options)).get(_fold(text))
    if found is None:
        raise refused(INVALID_CHOICE, value=shown(value), allowed=allowed_values(options))
    return found


def split_values(value: Any, *, separators: re.Pattern[str] = LIST_SEPARATORS) -> list[Any]:
    """A list as it is, or one text split at the separators; blank parts are dropped."""
    if isinstance(value, list | tuple):
        return [v for v in value if not is_blank(v)]
    if isinstance(value, str):
        return [part for part in separators.split(value.strip()) if part]
    raise refused(NOT_A_LIST)


def parse_choice_list(value: Any, options: Options) -> list[str]:
    out: list[str] = []
    for part in split_values(value):
        choice = parse_choice(part, options)
        if choice not in out:
            out.append(choice)
    return out


# ---------------------------------------------------------------- identity documents


class DocumentKind(models.TextChoices):
    """The identity documents applicants and 经办人 carry to the window."""

    RESIDENT_ID = "resident_id", gettext_lazy("resident identity card")
    HK_MACAO_RESIDENCE = (
        "hk_macao_residence",
        gettext_lazy("residence permit for Hong Kong and Macao residents"),
    )
    TAIWAN_RESIDENCE = "taiwan_residence", gettext_lazy("residence permit for Taiwan residents")
    HK_MACAO_PERMIT = "hk_macao_permit", gettext_lazy("travel permit for Hong Kong and Macao residents")
    TAIWAN_PERMIT = "taiwan_permit", gettext_lazy("travel permit for Taiwan residents")
    PASSPORT = "passport", gettext_lazy("passport of the People's Republic of China")
    FOREIGN_PASSPORT = "foreign_passport", gettext_lazy("foreign passport")
    FOREIGN_PERMANENT = "foreign_permanent", gettext_lazy("foreign permanent resident ID card")


# 18 characters with the GB 11643 check digit: the resident ID, the residence permits of Hong
# Kong, Macao (810000 / 820000) and Taiwan (830000) residents, and the foreigner's permanent
# residence card of 2017 on (leading 9).
_GB11643_RE = re.compile(r"\d{17}[\dX]")
_RESIDENCE_PREFIXES = {
    DocumentKind.HK_MACAO_RESIDENCE: ("810000", "820000"),
    DocumentKind.TAIWAN_RESIDENCE: ("830000",),
}
_DOCUMENT_SHAPES: dict[str, tuple[re.Pattern[str], Any]] = {
    # 回乡证: H (Hong Kong) or M (Macao) and 8 digits; the cards before 2013 add 2 digits.
    DocumentKind.HK_MACAO_PERMIT: (
        re.compile(r"[HM]\d{8}(?:\d{2})?"),
        gettext_lazy("H or M followed by 8 (or 10) digits"),
    ),
    # 台胞证: 8 digits since 2015; the older booklets have 10 digits and a letter.
    DocumentKind.TAIWAN_PERMIT: (
        re.compile(r"\d{8}|\d{10}[A-Z]?"),
        gettext_lazy("8 digits (older permits: 10 digits and a letter)"),
    ),
    # 中国护照: E and 8 digits, or E, a letter and 7 digits (from 2017); G and 8 digits (older).
    DocumentKind.PASSPORT: (
        re.compile(r"[EG]\d{8}|E[A-HJ-NP-Z]\d{7}"),
        gettext_lazy("E or G followed by 8 digits, or E, a letter and 7 digits"),
    ),
    DocumentKind.FOREIGN_PASSPORT: (
        re.compile(r"(?=[A-Z]*\d)[A-Z0-9]{5,17}"),
        gettext_lazy("5 to 17 letters and digits"),
    ),
}
# 外国人永久居留身份证 of 2004: 3 letters (the country) and 12 digits.
_PERMANENT_OLD_RE = re.compile(r"[A-Z]{3}\d{12}")


def normalise_document_number(value: str) -> str:
    """Full-width forms folded, blanks, hyphens and brackets dropped, letters upper-cased."""
    return re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", value or "")).upper()


def _gb11643_reason(number: str, *, prefixes: Sequence[str] = (), leading: str = "") -> str | None:
    """Why an 18-character GB 11643 number is wrong, or None when it is right."""
    if not _GB11643_RE.fullmatch(number):
        return gettext("it has 17 digits followed by a digit or X")
    if prefixes and not number.startswith(tuple(prefixes)):
        return gettext("it starts with %(prefix)s") % {"prefix": " / ".join(prefixes)}
    if leading and not number.startswith(leading):
        return gettext("it starts with %(prefix)s") % {"prefix": leading}
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth = None
    if not leading and (birth is None or birth.year < 1850 or birth > clock.today()):
        return gettext("the birth date in it is not a real date")
    if ric.calc_check_digit(number) != number[17]:
        return gettext("the check digit is wrong; please check every character")
    return None


def parse_document_number(value: Any, kind: str) -> str:
    """The document number of `kind` (a `DocumentKind` value), normalised as stored.

    Each kind is checked by the rule its issuing authority prints on it: the 18-character
    numbers by the GB 11643 check digit (python-stdnum's `cn.ric`), the permits and
    passports by their shape. Refused with `INVALID_DOCUMENT_NUMBER` saying what the number
    should look like; an unknown kind is `INVALID_CHOICE`."""
    kind = parse_choice(kind, DocumentKind)
    number = normalise_document_number(parse_text(value, max_length=40))
    label = DocumentKind(kind).label
    reason: str | None
    if kind == DocumentKind.RESIDENT_ID:
        try:
            validate_id_number(number)
            reason = None
        except DjangoValidationError as exc:
            reason = exc.messages[0]
    elif kind in _RESIDENCE_PREFIXES:
        reason = _gb11643_reason(number, prefixes=_RESIDENCE_PREFIXES[DocumentKind(kind)])
    elif kind == DocumentKind.FOREIGN_PERMANENT:
        reason = None if _PERMANENT_OLD_RE.fullmatch(number) else _gb11643_reason(number, leading="9")
    else:
        pattern, shape = _DOCUMENT_SHAPES[kind]
        reason = None if pattern.fullmatch(number) else gettext("it is %(shape)s") % {"shape": shape}
    if reason is not None:
        raise refused(INVALID_DOCUMENT_NUMBER, kind=label, reason=reason)
    return number


def document_check(
    kind: Any, number: Any, *, label: str = "", path: str = ""
) -> tuple[str, str, list[FieldError]]:
    """(kind, number, errors) of an identity document as typed in a form: `path.kind` and
    `path.number` name the fields at fault (empty number: `FIELD_REQUIRED`)."""
    shown = label or gettext("document number")
    kind_path = f"{path}.kind" if path else "kind"
    number_path = f"{path}.number" if path else "number"
    if is_blank(kind):
        kind = DocumentKind.RESIDENT_ID
    try:
        kind = parse_choice(kind, DocumentKind)
    except PydanticCustomError as exc:
        message = input_message(exc.type, label=gettext("document kind"), **(exc.context or {}))
        return "", "", [field_error(kind_path, message, exc.type)]
    if is_blank(number):
        message = input_message(FIELD_REQUIRED, label=shown)
        return kind, "", [field_error(number_path, message, FIELD_REQUIRED)]
    try:
        return kind, parse_document_number(number, kind), []
    except PydanticCustomError as exc:
        message = input_message(exc.type, label=shown, **(exc.context or {}))
        return kind, "", [field_error(number_path, message, exc.type)]


# ---------------------------------------------------------------- pydantic types


class Rule:
    """Annotated metadata that validates with one of the rules above, and nothing else.
    `rule.parse(value)` applies it outside pydantic (a spreadsheet reader canonicalising a
    cell with the very rule of its field); `rule_of(field)` finds a field's rule."""

    def parse(self, value: Any) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        return {}

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.parse)

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> dict[str, Any]:
        return self.json_schema()


@dataclass(frozen=True)
class Text(Rule):
    max_length: int = TEXT_MAX_LENGTH

    def parse(self, value: Any) -> str:
        return parse_text(value, max_length=self.max_length)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "maxLength": self.max_length}


@dataclass(frozen=True)
class TextList(Rule):
    max_length: int = TEXT_MAX_LENGTH
    separators: re.Pattern[str] = LIST_SEPARATORS

    def parse(self, value: Any) -> list[str]:
        return [
            parse_text(v, max_length=self.max_length) for v in split_values(value, separators=self.separators)
        ]


@dataclass(frozen=True)
class Integer(Rule):
    ge: int | None = None
    le: int | None = None

    def parse(self, value: Any) -> int:
        return parse_integer(value, ge=self.ge, le=self.le)


@dataclass(frozen=True)
class Number(Rule):
    ge: float | None = None
    le: float | None = None

    def parse(self, value: Any) -> int | float:
        return parse_number(value, ge=self.ge, le=self.le)


@dataclass(frozen=True)
class Choice(Rule):
    options: type[models.TextChoices] | tuple[str, ...]

    def __init__(self, options: Options) -> None:
        object.__setattr__(self, "options", _frozen(options))

    def parse(self, value: Any) -> str:
        return parse_choice(value, self.options)

    def json_schema(self) -> dict[str, Any]:
        values = self.options if isinstance(self.options, tuple) else self.options.values
        return {"type": "string", "enum": list(values)}


class ChoiceList(Choice):
    def parse(self, value: Any) -> list[str]:  # type: ignore[override]
        return parse_choice_list(value, self.options)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "array", "items": super().json_schema()}


class YesNoRule(Rule):
    def parse(self, value: Any) -> bool:
        return parse_yes_no(value)

    def json_schema(self) -> dict[str, Any]:
        return {"type": ["boolean", "string"]}


class DateRule(Rule):
    def parse(self, value: Any) -> dt.date:
        return parse_date(value)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date"}


YesNo = Annotated[bool, YesNoRule()]
DateValue = Annotated[dt.date, DateRule()]


def rule_of(field: FieldInfo) -> Rule | None:
    """The rule a schema field is validated with, also inside `X | None` (None for a nested
    schema or a plain type)."""
    found = [m for m in field.metadata if isinstance(m, Rule)]
    stack = [field.annotation]
    while stack and not found:
        annotation = stack.pop()
        found = [m for m in getattr(annotation, "__metadata__", ()) if isinstance(m, Rule)]
        stack += getattr(annotation, "__args__", ())
    return found[0] if found else None


class Schema(BaseModel):
    """Base of every input schema: blank means absent; unknown keys are ignored (a form
    schema refuses them); `field_label` names a field in messages."""

    model_config = ConfigDict(extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not is_blank(v)}
        return data

    @classmethod
    def field_label(cls, name: str) -> str:
        info = cls.model_fields.get(name)
        return str(info.title) if info is not None and info.title else name


# ---------------------------------------------------------------- errors

_PYDANTIC_CODES = {
    "missing": FIELD_REQUIRED,
    "extra_forbidden": UNKNOWN_FIELD,
    "model_type": NOT_AN_OBJECT,
    "model_attributes_type": NOT_AN_OBJECT,
    "dict_type": NOT_AN_OBJECT,
    "list_type": NOT_A_LIST,
    "string_type": INVALID_TEXT,
}


def field_path(loc: Iterable[int | str], path: str = "") -> str:
    """("materials", 0, "tolerable") → materials[0].tolerable, after `path` if given."""
    out = path
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@functools.lru_cache(maxsize=512)
def _fields_by_key(model: type[BaseModel]) -> dict[str, tuple[str, Any]]:
    return {(info.alias or name): (name, info) for name, info in model.model_fields.items()}


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The schema a field holds, inside list[...], X | None and the like."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _label(schema: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    """The label of the last named field of `loc`, found by walking the schemas."""
    label = gettext("the input")
    model: type[BaseModel] | None = schema
    for part in loc:
        if isinstance(part, int):
            continue
        found = _fields_by_key(model).get(part) if model is not None else None
        if model is None or found is None:
            label, model = str(part), None
            continue
        name, info = found
        label = model.field_label(name) if issubclass(model, Schema) else str(info.title or name)
        model = _inner_model(info.annotation)
    return label


def input_errors(exc: ValidationError, schema: type[BaseModel], *, path: str = "") -> list[FieldError]:
    """Our errors for pydantic's: the field's path, a stable code, a Chinese message."""
    out = []
    for e in exc.errors(include_url=False):
        loc = tuple(e["loc"])
        code = e["type"] if e["type"].isupper() else _PYDANTIC_CODES.get(e["type"], FIELD_INVALID)
        params = dict(e.get("ctx") or {}) if e["type"].isupper() else {}
        if code == FIELD_INVALID and not params:
            params["reason"] = e["msg"]
        if code == INVALID_TEXT and "value" not in params:
            params["value"] = shown(e.get("input"))
        message = input_message(code, label=_label(schema, loc), **params)
        out.append(field_error(field_path(loc, path), message, code))
    return out


M = TypeVar("M", bound=BaseModel)


def input_check(schema: type[M], data: Any, *, path: str = "") -> tuple[M | None, list[FieldError]]:
    """The validated instance and no errors, or None and every error (paths after `path`)."""
    try:
        return schema.model_validate(data), []
    except ValidationError as exc:
        return None, input_errors(exc, schema, path=path)


def input_validate(schema: type[M], data: Any, *, path: str = "") -> M:
    """The validated instance; raises `InputInvalid` listing every error."""
    instance, errors = input_check(schema, data, path=path)
    if instance is None:
        raise InputInvalid(errors)
    return instance


# ---------------------------------------------------------------- forms

TEXT, NUMBER, DATE, BOOLEAN, CHOICE = "text", "number", "date", "boolean", "choice"


class FormFieldSpec(Protocol):
    """One question of a form: a catalog `FormField` row, the engine's `FieldPlan`…"""

    @property
    def key(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def required(self) -> bool: ...
    @property
    def choices(self) -> Sequence[str]: ...


class FormSchema(Schema):
    model_config = ConfigDict(extra="forbid")


def _form_annotation(kind: str, choices: tuple[str, ...]) -> Any:
    if kind == NUMBER:
        return Annotated[int | float, Number()]
    if kind == DATE:
        return DateValue
    if kind == BOOLEAN:
        return YesNo
    if kind == CHOICE:
        return Annotated[str, Choice(choices)]
    return Annotated[str, Text()]


@functools.lru_cache(maxsize=512)
def _form_schema(questions: tuple[tuple[str, str, str, bool, tuple[str, ...]], ...]) -> type[FormSchema]:
    fields: dict[str, Any] = {}
    for n, (key, label, kind, required, choices) in enumerate(questions):
        default = ... if required else None
        fields[f"q{n}"] = (_form_annotation(kind, choices), Field(default, alias=key, title=label))
    return create_model("Form", __base__=FormSchema, **fields)


def form_schema(fields: Iterable[FormFieldSpec]) -> type[FormSchema]:
    """The schema of a (unified) form. A key several fields ask (the items of a bundle) is
    asked once: required if any of them requires it, with the kind and choices of the first."""
    first: dict[str, FormFieldSpec] = {}
    required: set[str] = set()
    for f in fields:
        first.setdefault(f.key, f)
        if f.required:
            required.add(f.key)
    questions = tuple(
        (key, str(f.label), str(f.kind), key in required, tuple(str(c) for c in f.choices or ()))
        for key, f in first.items()
    )
    return _form_schema(questions)


def form_check(
    fields: Iterable[FormFieldSpec], data: Any, *, path: str = ""
) -> tuple[dict[str, Any], list[FieldError]]:
    """The form's answers, JSON-ready, and every error (an empty dict when there are any)."""
    schema = form_schema(fields)
    instance, errors = input_check(schema, data, path=path)
    if instance is None:
        return {}, errors
    return instance.model_dump(mode="json", by_alias=True, exclude_unset=True), []


def form_validate(fields: Iterable[FormFieldSpec], data: Any, *, path: str = "") -> dict[str, Any]:
    """The form's answers, JSON-ready; raises `InputInvalid` listing every error."""
    clean, errors = form_check(fields, data, path=path)
    if errors:
        raise InputInvalid(errors)
    return clean
