"""The guide's 情形引导 (guides that fit the applicant): the materials list for the answers.

`/services/<code>/materials/?q_<question>=<choice>` renders `portal/guide/_materials.html`
for htmx (the form of `portal/guide/_situations.html` asks it on every change) and a small
page around the same two partials without htmx, so the questions work without scripts.
The list is `catalog.selectors.materials_for`, the rule the online form and the window's
checklist follow too. Public: it shows only what the published guide shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from onewindow.catalog import selectors as catalog
from onewindow.catalog.models import MaterialRequirement, ServiceItemVersion

MAX_ANSWER = 40
ITEM_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]{3,63}")


@dataclass
class GuideQuestion:
    code: str
    text: str
    choices: list[tuple[str, str]]
    answer: str = ""


@dataclass
class GuideMaterial:
    """A material as the guide lists it, with the 情形 it applies under in words."""

    requirement: MaterialRequirement
    when: list[str] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.requirement, name)


def published_guide(code: str) -> ServiceItemVersion:
    """The published guide of an item the portal shows, by its code (any case), with only what the
    情形 partials draw (the item, materials, questions: not the procedure, form or windows of the
    whole guide page, on every click), or 404 (a code that cannot be one is not looked up: a NUL
    would be refused by PostgreSQL)."""
    if not ITEM_CODE.fullmatch(code or ""):
        raise Http404("no such service")
    version = catalog.item_situations_public(code=code)
    if version is None:
        raise Http404("no such service")
    return version


def guide_situations(version: ServiceItemVersion, query: Any) -> dict[str, Any]:
    """The context of the two partials: `questions` (with the answers given), `materials`
    (those that apply; every material, each with its 情形 in words, until all questions are
    answered), `answered`, `error` (a chosen value that is no choice of its question), and
    `apply_url`: the online form with the answers given (its `s_<question>`), for an item
    that can be applied for online ('' otherwise)."""
    questions = catalog.version_questions(version)
    rows = [GuideQuestion(q.code, q.text, list(q.choices)) for q in questions]
    error = ""
    for row in rows:
        value = str(query.get(f"q_{row.code}", "") or "").strip()[:MAX_ANSWER]
        if value and value not in {c for c, _label in row.choices}:
            error = _("“%(value)s” is not a choice of “%(question)s”.") % {
                "value": value,
                "question": row.text,
            }
            continue
        row.answer = value
    answers = {r.code: r.answer for r in rows if r.answer}
    answered = all(r.answer for r in rows)
    by_code = {q.code: q for q in questions}
    if answered:
        chosen = catalog.materials_for(version=version, answers=answers)
    else:
        chosen = [m for m in version.materials.all() if catalog.material_applies(_known(m, answers), answers)]
    materials = []
    for m in chosen:
        when = []
        for qcode, choices in (m.applies_when or {}).items():
            q = by_code.get(qcode)
            if q is not None and qcode not in answers:
                when.append(f"{q.text}：{'、'.join(q.label_of(c) for c in choices)}")
        materials.append(GuideMaterial(m, when))
    apply_url = ""
    if version.online_available:
        apply_url = reverse("portal:apply", args=[version.item.code])
        if answers:
            apply_url += "?" + urlencode({f"s_{code}": answer for code, answer in answers.items()})
    return {
        "apply_url": apply_url,
        "item_code": version.item.code,
        "questions": rows,
        "materials": materials,
        "answered": answered,
        "situation_error": error,
    }


def _known(material: MaterialRequirement, answers: dict[str, str]) -> dict[str, Any]:
    """The part of a material's condition the given answers can already decide."""
    return {q: c for q, c in (material.applies_when or {}).items() if q in answers}


@require_GET
def materials(request: HttpRequest, code: str) -> HttpResponse:
    version = published_guide(code)
    context = guide_situations(version, request.GET)
    context["version"] = version
    status = 400 if context["situation_error"] else 200
    if request.headers.get("HX-Request") == "true":
        return render(request, "portal/guide/_materials.html", context, status=status)
    return render(request, "portal/guide/materials_page.html", context, status=status)
