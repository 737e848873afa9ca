"""情形引导: the questions of a guide whose answers pick which materials apply.

One set of pure rules, used by the catalog (checking a guide, the import, the admin), by
`catalog.selectors.materials_for` (the portal's guide) and by the engine (the materials an
application is checked against at intake, whatever the channel), so the guide, the online
form and the window's checklist can never disagree. Several items applied for together
(their questions merged, the answers that count) are the engine's: `cases.plans`.

* A question has a code, a text and 2–`MAX_CHOICES` choices (`{"code", "label"}`), codes
  unique in the question; a version asks at most `MAX_QUESTIONS` questions.
* A material's `applies_when` maps question codes to choice codes; it applies when every
  question it names was answered with one of its choices. Empty: it always applies.
* Answers map question codes to choice codes; every question of the version must be
  answered with one of its choices (`SITUATION_ANSWER_REQUIRED`, `SITUATION_ANSWER_INVALID`).

Text forms for spreadsheets (one cell each), read back exactly as written by `*_text`:
choices `new=首次申请|change=变更`, conditions `kind=new;who=person,org`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

MAX_QUESTIONS = 3
MIN_CHOICES = 2
MAX_CHOICES = 8
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
LABEL_MAX_LENGTH = 50
"""A choice's label: a few words on a radio button (首次申请, 法人或其他组织)."""


@dataclass(frozen=True)
class Fault:
    """One thing wrong: a stable code, the field path it names, a Chinese message."""

    code: str
    field: str
    message: str


class SituationError(ValueError):
    """Answers that do not fit the questions (the engine and pages turn it into their errors)."""

    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(message)
        self.code, self.field, self.message = code, field, message


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    choices: tuple[tuple[str, str], ...]  # (code, label)

    def label_of(self, choice: str) -> str:
        return next((label for code, label in self.choices if code == choice), choice)


def question_of(row: Any) -> Question:
    """A `SituationQuestion` (or a dict with its keys) as a `Question`."""
    get = row.get if isinstance(row, Mapping) else lambda k: getattr(row, k)
    return Question(
        code=str(get("code")),
        text=str(get("text")),
        choices=tuple((str(c.get("code", "")), str(c.get("label", ""))) for c in get("choices") or ()),
    )


# ------------------------------------------------------------------ checking a guide


def check_questions(
    questions: Sequence[Question], conditions: Sequence[tuple[str, Mapping[str, Any]]]
) -> list[Fault]:
    """Everything wrong with a version's questions and its materials' conditions.

    `conditions` is `(field path of the material, its applies_when)` per material."""
    faults: list[Fault] = []
    if len(questions) > MAX_QUESTIONS:
        faults.append(
            Fault(
                "TOO_MANY_QUESTIONS",
                "questions",
                _("A guide asks at most %(max)d situation questions.") % {"max": MAX_QUESTIONS},
            )
        )
    seen: set[str] = set()
    for i, q in enumerate(questions):
        path = f"questions[{i}]"
        if not CODE_RE.match(q.code):
            faults.append(
                Fault(
                    "INVALID_CODE",
                    f"{path}.code",
                    _("A question code is lower-case letters, digits and '_', starting with a letter."),
                )
            )
        if q.code in seen:
            faults.append(
                Fault(
                    "DUPLICATE_QUESTION",
                    f"{path}.code",
                    _("Question “%(code)s” is asked twice.") % {"code": q.code},
                )
            )
        seen.add(q.code)
        if not q.text.strip():
            faults.append(Fault("FIELD_REQUIRED", f"{path}.text", _("Write the question.")))
        if not MIN_CHOICES <= len(q.choices) <= MAX_CHOICES:
            faults.append(
                Fault(
                    "CHOICES_COUNT",
                    f"{path}.choices",
                    _("Question “%(code)s” needs %(min)d to %(max)d choices.")
                    % {"code": q.code, "min": MIN_CHOICES, "max": MAX_CHOICES},
                )
            )
        codes: set[str] = set()
        for j, (code, label) in enumerate(q.choices):
            cpath = f"{path}.choices[{j}]"
            if not CODE_RE.match(code):
                faults.append(
                    Fault(
                        "INVALID_CODE",
                        f"{cpath}.code",
                        _("A choice code is lower-case letters, digits and '_', starting with a letter."),
                    )
                )
            if code in codes:
                faults.append(
                    Fault(
                        "DUPLICATE_CHOICE",
                        f"{cpath}.code",
                        _("Choice “%(code)s” is listed twice.") % {"code": code},
                    )
                )
            codes.add(code)
            if not label.strip() or len(label) > LABEL_MAX_LENGTH or any(c in label for c in "|=;\n"):
                faults.append(
                    Fault(
                        "INVALID_CHOICE_LABEL",
                        f"{cpath}.label",
                        _("A choice's label is 1–%(max)d characters without | = or ;.")
                        % {"max": LABEL_MAX_LENGTH},
                    )
                )
    by_code = {q.code: {c for c, _label in q.choices} for q in questions}
    for path, applies_when in conditions:
        for qcode, choices in (applies_when or {}).items():
            if qcode not in by_code:
                faults.append(
                    Fault(
                        "UNKNOWN_QUESTION",
                        f"{path}.applies_when",
                        _("The condition names question “%(code)s”, which the guide does not ask.")
                        % {"code": qcode},
                    )
                )
                continue
            if not choices:
                faults.append(
                    Fault(
                        "FIELD_REQUIRED",
                        f"{path}.applies_when",
                        _("The condition on “%(code)s” lists no choice.") % {"code": qcode},
                    )
                )
            for choice in choices or ():
                if choice not in by_code[qcode]:
                    faults.append(
                        Fault(
                            "UNKNOWN_CHOICE",
                            f"{path}.applies_when",
                            _("Question “%(question)s” has no choice “%(choice)s”.")
                            % {"question": qcode, "choice": choice},
                        )
                    )
    return faults


# ------------------------------------------------------------------ answers and materials


def answers_check(questions: Sequence[Question], answers: Mapping[str, Any] | None) -> dict[str, str]:
    """The answers to exactly these questions, each one of its choices; refused naming the
    first question unanswered or answered with no choice of it (`situation.<code>`).
    Answers to questions not asked are dropped."""
    answers = answers if isinstance(answers, Mapping) else {}
    clean: dict[str, str] = {}
    for q in questions:
        value = str(answers.get(q.code) or "").strip()[:40]
        if not value:
            raise SituationError(
                "SITUATION_ANSWER_REQUIRED",
                f"situation.{q.code}",
                _("Answer the question “%(question)s”.") % {"question": q.text},
            )
        if value not in {c for c, _label in q.choices}:
            raise SituationError(
                "SITUATION_ANSWER_INVALID",
                f"situation.{q.code}",
                _("“%(value)s” is not a choice of “%(question)s”.") % {"value": value, "question": q.text},
            )
        clean[q.code] = value
    return clean


def applies(applies_when: Mapping[str, Any] | None, answers: Mapping[str, str]) -> bool:
    """Whether a material with this condition applies under these (checked) answers."""
    for qcode, choices in (applies_when or {}).items():
        if answers.get(qcode) not in set(choices or ()):
            return False
    return True


# ------------------------------------------------------------------ one cell each


def choices_text(choices: Iterable[tuple[str, str]]) -> str:
    return "|".join(f"{code}={label}" for code, label in choices)


def choices_parse(text: str) -> list[dict[str, str]]:
    """`new=首次申请|change=变更` → choices; refused (ValueError, Chinese) when unreadable."""
    out = []
    for part in (text or "").split("|"):
        part = part.strip()
        if not part:
            continue
        code, sep, label = part.partition("=")
        if not sep or not code.strip() or not label.strip():
            raise ValueError(
                _("Write each choice as code=label, separated by |, e.g. new=首次申请|change=变更.")
            )
        out.append({"code": code.strip(), "label": label.strip()})
    return out


def conditions_text(applies_when: Mapping[str, Sequence[str]] | None) -> str:
    return ";".join(f"{q}={','.join(choices)}" for q, choices in (applies_when or {}).items())


def conditions_parse(text: str) -> dict[str, list[str]]:
    """`kind=new;who=person,org` → {kind: [new], who: [person, org]}; refused (ValueError)
    when unreadable or a question is named twice."""
    out: dict[str, list[str]] = {}
    for part in re.split(r"[;；]", text or ""):
        part = part.strip()
        if not part:
            continue
        code, sep, choices = part.partition("=")
        code = code.strip()
        values = [c.strip() for c in re.split(r"[,，、]", choices) if c.strip()]
        if not sep or not code or not values:
            raise ValueError(
                _("Write the condition as question=choice,choice; e.g. kind=new;who=person,org.")
            )
        if code in out:
            raise ValueError(_("Question “%(code)s” is named twice in the condition.") % {"code": code})
        out[code] = values
    return out
