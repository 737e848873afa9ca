"""情形引导 in the catalog: the questions' rules, the import (JSON and Excel) with field-named
errors, the exact round trip, the admin's services and `materials_for`."""

import copy

import pytest
from openpyxl import load_workbook

from onewindow.catalog import drafts, situations
from onewindow.catalog.errors import CatalogError, CatalogImportError
from onewindow.catalog.exchange.excel import data_to_xlsx, template_xlsx, xlsx_to_data
from onewindow.catalog.exchange.json import catalog_to_data
from onewindow.catalog.exchange.schema import template_data
from onewindow.catalog.models import MaterialRequirement, ServiceItemVersion, SituationQuestion
from onewindow.catalog.selectors import SituationError, materials_for, version_guide
from onewindow.catalog.services import catalog_import, version_draft_create
from tests.factories.catalog import APPLY_KIND, WHO, catalog_document, situation_guide


def document_with_situations(n=2):
    data = catalog_document(n)
    for item in data["items"]:
        item["version"] = situation_guide("SCJG")
    return data


def problems(exc):
    return {(p.path, p.code) for p in exc.value.report.problems}


def guide_of(data, i=0):
    return data["items"][i]["version"]


# ------------------------------------------------------------------ the rules


def test_a_question_needs_two_choices_and_a_guide_at_most_three_questions():
    one = situations.Question("kind", "?", (("new", "新办"),))
    many = [situations.Question(f"q{i}", "?", (("a", "甲"), ("b", "乙"))) for i in range(4)]
    assert [f.code for f in situations.check_questions([one], [])] == ["CHOICES_COUNT"]
    assert "TOO_MANY_QUESTIONS" in [f.code for f in situations.check_questions(many, [])]


def test_conditions_must_name_asked_questions_and_their_choices():
    q = situations.question_of(APPLY_KIND)
    faults = situations.check_questions(
        [q], [("materials[0]", {"nope": ["x"]}), ("materials[1]", {"apply_kind": ["renew"]})]
    )
    assert [(f.field, f.code) for f in faults] == [
        ("materials[0].applies_when", "UNKNOWN_QUESTION"),
        ("materials[1].applies_when", "UNKNOWN_CHOICE"),
    ]


def test_answers_are_checked_and_pick_the_materials():
    questions = [situations.question_of(APPLY_KIND), situations.question_of(WHO)]
    with pytest.raises(SituationError) as exc:
        situations.answers_check(questions, {"apply_kind": "new"})
    assert (exc.value.code, exc.value.field) == ("SITUATION_ANSWER_REQUIRED", "situation.who")
    with pytest.raises(SituationError) as exc:
        situations.answers_check(questions, {"apply_kind": "renew", "who": "org"})
    assert exc.value.code == "SITUATION_ANSWER_INVALID" and "首次申请还是变更" in exc.value.message
    clean = situations.answers_check(questions, {"apply_kind": "change", "who": "org", "other": "x"})
    assert clean == {"apply_kind": "change", "who": "org"}  # answers to questions not asked are dropped
    assert situations.applies({}, clean) and situations.applies({"who": ["org", "person"]}, clean)
    assert not situations.applies({"apply_kind": ["new"]}, clean)


@pytest.mark.parametrize(
    "text",
    ["new首次申请", "=首次申请", "new=", "|||=|"],
)
def test_an_unreadable_choices_cell_is_refused(text):
    with pytest.raises(ValueError, match="编码=名称"):
        situations.choices_parse(text)


@pytest.mark.parametrize("text", ["apply_kind", "apply_kind=", "=new", "a=x;a=y"])
def test_an_unreadable_condition_cell_is_refused(text):
    with pytest.raises(ValueError):
        situations.conditions_parse(text)


def test_cell_texts_read_back_as_written():
    assert situations.conditions_parse("kind=new；who=person，org") == {
        "kind": ["new"],
        "who": ["person", "org"],
    }
    choices = [("new", "首次申请"), ("change", "变更")]
    assert situations.choices_parse(situations.choices_text(choices)) == [
        {"code": c, "label": label} for c, label in choices
    ]


# ------------------------------------------------------------------ the import and the export


@pytest.mark.django_db
def test_json_import_stores_questions_conditions_and_commitment_and_exports_them_exactly(org):
    data = document_with_situations()
    catalog_import(center=org, data=data)
    version = ServiceItemVersion.objects.get(item__code="371082-XK-0000", status="published")
    assert [q.code for q in version.questions.all()] == ["apply_kind", "who"]
    proof = version.materials.get(code="change_proof")
    assert proof.applies_when == {"apply_kind": ["change"]} and proof.commitment_allowed
    assert catalog_to_data(org) == data


@pytest.mark.django_db
def test_xlsx_round_trip_keeps_the_situations_exactly(org, tmp_path):
    catalog_import(center=org, data=document_with_situations())
    exported = catalog_to_data(org)
    content = data_to_xlsx(exported)
    path = tmp_path / "c.xlsx"
    path.write_bytes(content)
    wb = load_workbook(path)
    assert "情形" in wb.sheetnames
    headers = [c.value for c in wb["申请材料"][1]]
    assert "适用情形" in headers and "可告知承诺" in headers
    data, report = xlsx_to_data(content)
    assert report.ok, report.as_text()
    assert data == exported


def test_the_template_carries_an_example_question():
    wb_bytes = template_xlsx()
    data, report = xlsx_to_data(wb_bytes)
    assert report.ok
    assert data["items"][0]["version"]["questions"] == template_data()["items"][0]["version"]["questions"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda g: g["questions"].append(dict(g["questions"][0])),
            ("questions[2].code", "DUPLICATE_QUESTION"),
        ),
        (
            lambda g: g["materials"][3].update(applies_when={"apply_kind": ["renew"]}),
            ("materials[3].applies_when", "UNKNOWN_CHOICE"),
        ),
        (
            lambda g: g["materials"][3].update(applies_when={"colour": ["red"]}),
            ("materials[3].applies_when", "UNKNOWN_QUESTION"),
        ),
        (lambda g: g["questions"][0].update(choices=[]), ("questions[0].choices", "CHOICES_COUNT")),
        (lambda g: g["questions"][0].update(text="   "), ("questions[0].text", "FIELD_REQUIRED")),
        (
            lambda g: g["questions"][0].update(choices="new首次申请"),
            ("questions[0].choices", "INVALID_CHOICES"),
        ),
        (
            lambda g: g["questions"][0]["choices"].append({"code": "new", "label": "又一个"}),
            ("questions[0].choices[2].code", "DUPLICATE_CHOICE"),
        ),
        (
            lambda g: g["questions"][0]["choices"][0].update(label="首次|申请"),
            ("questions[0].choices[0].label", "INVALID_CHOICE_LABEL"),
        ),
        (
            lambda g: g["questions"].extend(
                [
                    {
                        "code": f"q{i}",
                        "text": "问",
                        "choices": [{"code": "a", "label": "甲"}, {"code": "b", "label": "乙"}],
                    }
                    for i in range(2)
                ]
            ),
            ("questions", "TOO_MANY_QUESTIONS"),
        ),
        (
            lambda g: g["materials"][3].update(applies_when=["x"]),
            ("materials[3].applies_when", "INVALID_CONDITION"),
        ),
        (
            lambda g: g["materials"][0].update(source="licence", licence_type="id", commitment_allowed=True),
            ("materials[0].commitment_allowed", "COMMITMENT_NOT_APPLICABLE"),
        ),
    ],
)
def test_bad_situations_are_refused_by_field_and_nothing_is_saved(org, edit, expected):
    data = document_with_situations(1)
    edit(guide_of(data))
    with pytest.raises(CatalogImportError) as exc:
        catalog_import(center=org, data=data)
    path, code = expected
    assert (f"items[0].version.{path}", code) in problems(exc)
    assert not SituationQuestion.objects.exists() and not ServiceItemVersion.objects.exists()


@pytest.mark.django_db
def test_hostile_cells_in_the_workbook_are_named_by_their_cell(org, tmp_path):
    data = document_with_situations(2)  # an unreadable item hides its rules: the second is readable
    content = data_to_xlsx(data)
    path = tmp_path / "c.xlsx"
    path.write_bytes(content)
    wb = load_workbook(path)
    ws = wb["情形"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("选项") + 1, value="new=首次申请|change")  # no label
    ws.cell(row=3, column=header.index("选项") + 1, value="x" * 5000)  # huge
    materials = wb["申请材料"]
    mheader = [c.value for c in materials[1]]
    materials.cell(row=9, column=mheader.index("适用情形") + 1, value="apply_kind=变更😀")  # unknown choice
    wb.save(path)
    parsed, report = xlsx_to_data(path.read_bytes())
    with pytest.raises(CatalogImportError) as exc:
        catalog_import(center=org, data=parsed, locations=report.locations)
    found = exc.value.report.problems
    assert {p.code for p in found} >= {"INVALID_CHOICES", "UNKNOWN_CHOICE"}
    assert all(p.sheet for p in found if p.code in {"INVALID_CHOICES", "UNKNOWN_CHOICE"})
    assert any(p.sheet == "情形" and p.row == 2 for p in found)
    assert any(p.sheet == "申请材料" and p.row == 9 and p.code == "UNKNOWN_CHOICE" for p in found)
    assert not ServiceItemVersion.objects.exists()


# ------------------------------------------------------------------ materials_for and the admin's services


@pytest.mark.django_db
def test_materials_for_follows_the_answers(org):
    catalog_import(center=org, data=document_with_situations(1))
    version = version_guide(ServiceItemVersion.objects.get(status="published"))
    codes = lambda answers: [m.code for m in materials_for(version=version, answers=answers)]  # noqa: E731
    assert codes({"apply_kind": "new", "who": "person"}) == ["id_card", "application_form"]
    assert codes({"apply_kind": "change", "who": "org"}) == [
        "id_card",
        "application_form",
        "business_licence",
        "change_proof",
    ]
    with pytest.raises(SituationError) as exc:
        materials_for(version=version, answers={"apply_kind": "new"})
    assert exc.value.field == "situation.who"
    with pytest.raises(SituationError):
        materials_for(version=version, answers=None)


@pytest.mark.django_db
def test_a_new_draft_copies_the_questions_and_the_admin_edits_them_through_services(org):
    catalog_import(center=org, data=document_with_situations(1))
    published = ServiceItemVersion.objects.get(status="published")
    draft = version_draft_create(item=published.item)
    assert [q.code for q in draft.questions.all()] == ["apply_kind", "who"]
    question = draft.questions.get(code="who")
    drafts.situation_question_update(question=question, text="申请人类型？")
    assert SituationQuestion.objects.get(pk=question.pk).text == "申请人类型？"
    with pytest.raises(CatalogError) as exc:
        drafts.situation_question_update(question=question, choices=[{"code": "only", "label": "唯一"}])
    assert exc.value.errors[0]["code"] == "CHOICES_COUNT"
    with pytest.raises(CatalogError) as exc:
        drafts.situation_question_create(
            version=draft, code="who", text="又问", choices=copy.deepcopy(WHO["choices"])
        )
    assert exc.value.errors[0]["code"] == "DUPLICATE_QUESTION"
    material = draft.materials.get(code="id_card")
    drafts.material_update(material=material, applies_when={"who": ["person"]}, commitment_allowed=True)
    material = MaterialRequirement.objects.get(pk=material.pk)
    assert material.applies_when == {"who": ["person"]} and material.commitment_allowed
    with pytest.raises(CatalogError) as exc:
        drafts.material_update(material=material, applies_when={"who": ["robot"]})
    assert exc.value.errors[0]["code"] == "UNKNOWN_CHOICE"
