"""The batch sheet as a file format: its columns and headers, the template, reading cells."""

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from onewindow.cases import channels
from onewindow.cases.channels import sheet
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Application
from tests.cases.channels.sheets import good_row, headers, person_id, xlsx
from tests.factories.cases import item_with_procedure

pytestmark = pytest.mark.django_db


def test_template_has_every_column_and_an_instructions_sheet_and_reads_back(world, nurse):
    data = channels.batch_template(item=nurse)
    wb = load_workbook(io.BytesIO(data))
    ws, info = wb.worksheets
    header = [c.value for c in ws[1]]
    assert header == headers(nurse)
    assert {"执业机构", "执业类别", "毕业日期", "身份证复印件", "健康体检证明"} <= set(header)
    text = " ".join(str(c.value) for row in info.iter_rows() for c in row if c.value)
    assert nurse.code in text and "已收" in text
    ws.append(good_row(5))
    buffer = io.BytesIO()
    wb.save(buffer)
    report = channels.batch_intake(center=world.center, item=nurse, actor=world.clerk, xlsx=buffer.getvalue())
    assert [r.outcome for r in report.created] == ["accepted"]


def test_headers_are_written_in_chinese_and_read_in_english_too(world, nurse):
    assert headers(nurse)[:2] == ["申请人名称", "身份证号或统一社会信用代码"]
    with translation.override("en"):
        english = [str(label) for _key, label, _req, _help in channels.FIXED_COLUMNS] + headers(nurse)[5:]
    assert english[:2] == ["Applicant name", "ID number or USCC"]
    report = channels.batch_intake(
        center=world.center, item=nurse, actor=world.clerk, xlsx=xlsx(english, [good_row(3)])
    )
    assert [r.outcome for r in report.created] == ["accepted"]


def test_headers_match_without_blanks_and_stars_or_by_field_key_and_material_code(world, nurse):
    h = headers(nurse)
    marked = [f" {h[0]} *", f"{h[1]}＊", *h[2:5], "employer", "category", "graduated", "id_card", *h[9:]]
    report = channels.batch_intake(
        center=world.center, item=nurse, actor=world.clerk, xlsx=xlsx(marked, [good_row(4)])
    )
    assert [r.outcome for r in report.created] == ["accepted"]


def test_a_sheet_without_a_required_column_is_refused_whole(world, nurse):
    h = headers(nurse)
    sheet_bytes = xlsx(h[:5] + h[6:], [good_row(1)[:5] + good_row(1)[6:]])
    with pytest.raises(CaseError) as exc:
        channels.batch_intake(center=world.center, item=nurse, actor=world.clerk, xlsx=sheet_bytes)
    assert exc.value.code == "BATCH_COLUMN_MISSING"
    assert "执业机构" in exc.value.message
    assert not Application.objects.exists()


def test_not_an_xlsx_is_refused(world, nurse):
    with pytest.raises(CaseError) as exc:
        channels.batch_intake(center=world.center, item=nurse, actor=world.clerk, xlsx=b"name,id\n")
    assert exc.value.code == "BATCH_FILE_INVALID"


def test_a_sheet_with_only_its_header_or_blank_rows_is_refused(world, nurse):
    for rows in ([], [[None] * 12, [""] * 12]):
        with pytest.raises(CaseError) as exc:
            channels.batch_intake(
                center=world.center, item=nurse, actor=world.clerk, xlsx=xlsx(headers(nurse), rows)
            )
        assert exc.value.code == "BATCH_EMPTY"


@pytest.mark.parametrize(
    ("cell", "method"),
    [
        ("窗口领取", "pickup"),  # the label, in Chinese
        ("Mail", "mail"),  # the label, in English
        ("electronic", "electronic"),  # the code
        ("电子送达", "electronic"),  # the sheet's own word
        (None, ""),
        ("飞鸽传书", None),
    ],
)
def test_a_delivery_cell_is_read_as_its_method(cell, method):
    assert sheet.delivery_method(cell) == method


@pytest.mark.parametrize(
    ("cell", "mark"),
    [
        ("已收", "received"),
        ("YES", "received"),
        ("√", "received"),  # every yes/no word of the input layer
        (1, "received"),
        ("容缺", "pending"),
        ("缺", "missing"),
        ("无", "missing"),
        (None, "missing"),
        ("也许", None),  # a word the format does not know
    ],
)
def test_a_material_cell_is_read_as_the_material_status(cell, mark):
    assert sheet.material_mark(cell) == mark


# ---------------------------------------------------------------- headers unambiguous by construction


def _demo_plans():
    """The version plan of every item of the demo catalog, built in memory from its document."""
    from onewindow.cases.plans import FieldPlan, MaterialPlan, VersionPlan
    from onewindow.demo.catalog_data import build_catalog_data

    for n, item in enumerate(build_catalog_data()["items"]):
        version = item["version"]
        fields = tuple(
            FieldPlan(f["key"], f["label"], f["kind"], f["required"], tuple(f["choices"]))
            for f in version["form_fields"]
        )
        materials = tuple(
            MaterialPlan(i, m["code"], m["name"], m["required"], m["tolerable"], m["tolerance_days"])
            for i, m in enumerate(version["materials"])
        )
        yield VersionPlan(
            n, n, item["name"], 1, 1, "promised", "working_days", 5, 20, (), materials, (), fields
        )


def _normed(columns):
    return [sheet.norm(c.header) for c in columns]


def test_every_demo_items_sheet_has_one_column_per_header_and_one_for_the_applicant_name():
    plans = list(_demo_plans())
    assert len(plans) > 400
    for plan in plans:
        columns = sheet.columns_of(plan)
        names = _normed(columns)
        assert len(names) == len(set(names)), plan.item_name
        # 申请人名称 is both the fixed column and a form field of every demo item: one column answers both
        name_columns = [c for c in columns if c.header == "申请人名称"]
        assert [(c.key, c.form_key, c.required) for c in name_columns] == [("name", "applicant_name", True)]
        keys = {c.form_key or c.key.removeprefix("form:") for c in columns if c.kind != "material"}
        assert {f.key for f in plan.form_fields} <= keys


def _filled(template: bytes, row: list) -> bytes:
    """The template as a clerk fills it in: one row below its header, saved by openpyxl."""
    wb = load_workbook(io.BytesIO(template))
    ws = wb.worksheets[0]
    ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _answer(column):
    if column.kind == "material":
        return "已收"
    if column.key == "name":
        return "安和县某某护理服务中心"
    if column.key == "id_number":
        return person_id(9)
    if column.choices:
        return column.choices[0]
    return {"number": 12.5, "date": "2026-01-05", "boolean": "是"}.get(
        column.field_kind, "城关镇1号" if column.kind == "field" else ""
    )


def test_each_demo_form_filled_in_its_own_template_is_accepted(world):
    """Every form the demo catalog asks (by sector and delivery), as an item of its own: its
    template, downloaded and filled in, is accepted and answers the form's 申请人名称."""
    from onewindow.demo.catalog_data import build_catalog_data

    forms = {}
    for item in build_catalog_data()["items"]:
        version = item["version"]
        forms.setdefault(repr(version["form_fields"]), version)
    assert len(forms) >= 4
    for n, version in enumerate(forms.values()):
        fields = [
            {k: f[k] for k in ("key", "label", "kind", "required", "choices")} for f in version["form_fields"]
        ]
        materials = [
            {"code": m["code"], "name": m["name"], "required": m["required"]} for m in version["materials"]
        ]
        item, _v = item_with_procedure(
            center=world.center, department=world.department, materials=materials, form_fields=fields
        )
        columns = channels.batch_columns(item=item)
        content = _filled(channels.batch_template(item=item), [_answer(c) for c in columns])
        report = channels.batch_intake(center=world.center, item=item, actor=world.clerk, xlsx=content)
        assert (report.errors, [r.outcome for r in report.created]) == ([], ["accepted"]), n
        application = Application.objects.get(number=report.created[0].application_number)
        assert application.form["applicant_name"] == "安和县某某护理服务中心"
        assert application.applicant.name == "安和县某某护理服务中心"


@pytest.fixture
def clashing(world):
    """An item whose labels clash every way: a text field named like a fixed column (one
    column), a number field named like another (qualified), English labels, a material named
    like a field, two materials of one name."""
    item, _version = item_with_procedure(
        center=world.center,
        department=world.department,
        materials=[
            {"code": "licence", "name": "营业执照"},
            {"code": "licence_copy", "name": "营业执照"},
            {"code": "plan", "name": "经营场所", "required": False},
        ],
        form_fields=[
            {"key": "applicant_name", "label": "申请人名称 *"},
            {"key": "contact", "label": "手机号码", "kind": "number"},
            {"key": "address", "label": "Delivery address", "required": False},
            {"key": "site", "label": "经营场所"},
            {"key": "name_again", "label": "Applicant name", "required": False},
        ],
    )
    return item


def test_clashing_labels_get_headers_of_their_own_and_the_template_reads_back(world, clashing):
    columns = channels.batch_columns(item=clashing)
    assert [c.header for c in columns] == [
        "申请人名称",
        "身份证号或统一社会信用代码",
        "手机号码",
        "送达方式",
        "送达地址",
        "手机号码（contact）",
        "经营场所",
        "Applicant name（name_again）",
        "营业执照",
        "营业执照（licence_copy）",
        "经营场所（plan）",
    ]
    assert [(c.key, c.form_key) for c in columns if c.form_key] == [
        ("name", "applicant_name"),
        ("delivery_address", "address"),
    ]
    names = _normed(columns)
    with translation.override("en"):
        english = [sheet.norm(str(label)) for _k, label, _r, _h in channels.FIXED_COLUMNS]
    assert len(set(names + english)) == len(names + english)  # no header is read as another column

    row = [
        "某公司",
        person_id(3),
        "13800138000",
        "邮寄",
        "城关镇1号",
        13800138000,
        "城关镇2号",
        "",
        "已收",
        "已收",
        "缺",
    ]

    report = channels.batch_intake(
        center=world.center,
        item=clashing,
        actor=world.clerk,
        xlsx=_filled(channels.batch_template(item=clashing), row),
    )
    assert report.errors == []
    application = Application.objects.get(number=report.created[0].application_number)
    assert application.form == {
        "applicant_name": "某公司",
        "contact": 13800138000,
        "address": "城关镇1号",
        "site": "城关镇2号",
    }
    assert application.delivery_address == "城关镇1号"
    assert sorted(application.materials.filter(status="received").values_list("code", flat=True)) == [
        "licence",
        "licence_copy",
    ]


def test_a_field_key_names_its_column_only_when_no_other_column_is_read_by_it(world, clashing):
    h = [c.header for c in channels.batch_columns(item=clashing)]
    by_alias = h[:5] + ["contact", "site", "name_again", "licence", "licence_copy", "plan"]
    row = ["某公司", person_id(3), "", "", "", 5, "城关镇2号", "", "已收", "已收", ""]
    report = channels.batch_intake(
        center=world.center, item=clashing, actor=world.clerk, xlsx=xlsx(by_alias, [row])
    )
    assert report.errors == [] and len(report.created) == 1


def test_a_sheet_naming_one_column_twice_is_refused_naming_it(world, nurse):
    """A template of an earlier release had 申请人名称 twice (the applicant and the form's
    field): the sheet says which columns, rather than reading one and dropping the other."""
    h = headers(nurse)
    with pytest.raises(CaseError) as exc:
        channels.batch_intake(
            center=world.center, item=nurse, actor=world.clerk, xlsx=xlsx([*h, "申请人名称"], [good_row(1)])
        )
    assert exc.value.code == "BATCH_COLUMN_TWICE"
    assert exc.value.message == "“申请人名称”列在表中出现了两次（A列和M列），请只保留一列。"
    assert not Application.objects.exists()
