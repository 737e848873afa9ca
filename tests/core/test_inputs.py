"""The input layer: one rule per type, the same codes and Chinese messages everywhere."""

import datetime as dt
import decimal
from dataclasses import dataclass, field
from typing import Annotated

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from onewindow.core.errors import InputInvalid, family, input_message
from onewindow.core.inputs import (
    Choice,
    ChoiceList,
    DateValue,
    Integer,
    Number,
    Schema,
    Text,
    YesNo,
    form_check,
    form_validate,
    input_check,
    input_validate,
    parse_date,
    parse_integer,
    parse_number,
    parse_text,
    parse_yes_no,
)


def code_of(rule, value, **kwargs) -> str:
    with pytest.raises(PydanticCustomError) as info:
        rule(value, **kwargs)
    return info.value.type


# --- yes/no ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word",
    [
        True,
        1,
        1.0,
        "是",
        "有",
        "对",
        "需要",
        "必需",
        "必填",
        "yes",
        "Y",
        "TRUE",
        "1",
        "√",
        "✓",
        " 是 ",
        "ｙｅｓ",
    ],
)
def test_yes_words(word):
    assert parse_yes_no(word) is True


@pytest.mark.parametrize(
    "word", [False, 0, 0.0, "否", "无", "不", "不需要", "非必需", "选填", "no", "N", "False", "0", "×", "✗"]
)
def test_no_words(word):
    assert parse_yes_no(word) is False


@pytest.mark.parametrize("value", ["也许", "", 2, 0.5, None, "yes please", []])
def test_anything_else_is_not_yes_or_no(value):
    assert code_of(parse_yes_no, value) == "INVALID_BOOLEAN"


# --- dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-05",
        "2026-1-5",
        "2026/1/5",
        "2026.1.5",
        "2026年1月5日",
        "2026年1月5",
        "2026 年 1 月 5 日",
        "２０２６年１月５日",
        dt.date(2026, 1, 5),
        dt.datetime(2026, 1, 5, 0, 0),  # what openpyxl gives for a date cell
    ],
)
def test_accepted_date_formats(value):
    assert parse_date(value) == dt.date(2026, 1, 5)


def test_an_aware_datetime_is_read_in_local_time():
    late_in_utc = dt.datetime(2026, 1, 4, 20, 0, tzinfo=dt.UTC)  # 04:00 on the 5th in Beijing
    assert parse_date(late_in_utc) == dt.date(2026, 1, 5)


@pytest.mark.parametrize(
    "value", ["2026-02-30", "2026-01-05 08:00", "2026/1-5", "20260105", "1月5日", "明天", 45662, True, None]
)
def test_refused_dates(value):
    assert code_of(parse_date, value) == "INVALID_DATE"


# --- numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [(3, 3), (3.0, 3), ("3", 3), (" +3 ", 3), ("3.00", 3), ("３", 3)]
)
def test_whole_numbers(value, expected):
    assert parse_integer(value) == expected and type(parse_integer(value)) is int


@pytest.mark.parametrize(
    "value",
    [True, False, 3.5, "3.5", "three", "三", "", float("nan"), float("inf"), "1e3", "1_000", [], None],
)
def test_not_whole_numbers(value):
    assert code_of(parse_integer, value) == "INVALID_NUMBER"


def test_whole_numbers_out_of_range():
    assert code_of(parse_integer, -1, ge=0) == "OUT_OF_RANGE"
    assert code_of(parse_integer, "366", ge=0, le=365) == "OUT_OF_RANGE"
    assert parse_integer("365", ge=0, le=365) == 365


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, 12),
        (12.5, 12.5),
        ("12.50", 12.5),
        ("-0.5", -0.5),
        ("1e3", 1000),
        (decimal.Decimal("2.25"), 2.25),
        (7.0, 7),
    ],
)
def test_numbers(value, expected):
    assert parse_number(value) == expected


@pytest.mark.parametrize(
    "value",
    [True, "nan", "NaN", "inf", "-Infinity", float("nan"), float("-inf"), "1e400", "1_000", "12,5", "十二"],
)
def test_refused_numbers(value):
    assert code_of(parse_number, value) == "INVALID_NUMBER"


def test_number_bounds():
    assert code_of(parse_number, 0.5, ge=1) == "OUT_OF_RANGE"
    assert parse_number("100.0", le=100) == 100


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_every_integer_reads_back_from_its_text_and_its_float(n):
    assert parse_integer(str(n)) == parse_integer(float(n)) == parse_number(str(n)) == n


# --- text ------------------------------------------------------------------------------


def test_text_is_stripped_and_spreadsheet_values_become_text():
    assert parse_text("  经营场所  ") == "经营场所"
    assert parse_text(5.0) == "5" and parse_text(12) == "12" and parse_text(2.5) == "2.5"
    assert parse_text(dt.datetime(2026, 1, 5)) == "2026-01-05"


def test_text_length_is_bounded_by_default():
    assert parse_text("字" * 2000) == "字" * 2000
    assert code_of(parse_text, "字" * 2001) == "TOO_LONG"
    assert code_of(parse_text, "abc", max_length=2) == "TOO_LONG"


@pytest.mark.parametrize("value", [True, ["a"], {"a": 1}])
def test_a_bool_a_list_or_an_object_is_not_text(value):
    assert code_of(parse_text, value) == "INVALID_TEXT"


# --- schemas and their errors ----------------------------------------------------------


class MaterialIn(Schema):
    code: Annotated[str, Text(max_length=40)]
    copies: Annotated[int, Integer(ge=1, le=10)] = 1
    tolerable: YesNo = False
    due: DateValue | None = None
    form: Annotated[str, Choice(["原件", "复印件"])] = "原件"


class GuideIn(Schema):
    materials: list[MaterialIn] = []
    methods: Annotated[list[str], ChoiceList(["窗口领取", "邮寄"])] = []
    fee: Annotated[float, Number(ge=0)] = 0


def test_a_schema_reads_spreadsheet_values_and_fills_defaults():
    guide = input_validate(
        GuideIn,
        {
            "materials": [
                {"code": " id_card ", "copies": 2.0, "tolerable": "是", "due": "2026/1/5", "form": " "}
            ]
        },
    )
    material = guide.materials[0]
    assert (material.code, material.copies, material.tolerable, material.due, material.form) == (
        "id_card",
        2,
        True,
        dt.date(2026, 1, 5),
        "原件",  # blank is absent: the default
    )


def test_errors_name_the_path_the_code_and_the_field():
    raw = {
        "materials": [
            {"code": "ok"},
            {"code": "x" * 41, "copies": 0, "tolerable": "也许", "due": "2026-13-01", "form": "扫描件"},
            {"copies": 1},
            "not a material",
        ],
        "methods": "窗口领取、快递",
        "fee": "免费",
    }
    guide, errors = input_check(GuideIn, raw, path="items[3].version")
    assert guide is None
    assert [(e["field"], e["code"]) for e in errors] == [
        ("items[3].version.materials[1].code", "TOO_LONG"),
        ("items[3].version.materials[1].copies", "OUT_OF_RANGE"),
        ("items[3].version.materials[1].tolerable", "INVALID_BOOLEAN"),
        ("items[3].version.materials[1].due", "INVALID_DATE"),
        ("items[3].version.materials[1].form", "INVALID_CHOICE"),
        ("items[3].version.materials[2].code", "FIELD_REQUIRED"),
        ("items[3].version.materials[3]", "NOT_AN_OBJECT"),
        ("items[3].version.methods", "INVALID_CHOICE"),
        ("items[3].version.fee", "INVALID_NUMBER"),
    ]


def test_messages_are_chinese_and_name_the_field_by_its_label():
    class Labelled(Schema):
        @classmethod
        def field_label(cls, name):
            return {"copies": "份数", "form": "原件/复印件"}.get(name, name)

        copies: Annotated[int, Integer(ge=1, le=10)] = 1
        form: Annotated[str, Choice(["原件", "复印件"])] = "原件"

    with translation.override("zh-hans"):
        _none, errors = input_check(Labelled, {"copies": 11, "form": "扫描件"})
        assert [e["message"] for e in errors] == [
            "“份数”应在1至10之间，不能是11。",
            "“原件/复印件”不能填“扫描件”，可填：原件、复印件。",
        ]
        assert input_message("FIELD_REQUIRED", label="经营场所") == "请填写“经营场所”。"


def test_input_validate_raises_every_error_and_names_the_first():
    with pytest.raises(InputInvalid) as info:
        input_validate(MaterialIn, {"copies": "二"})
    assert [e["code"] for e in info.value.errors] == ["FIELD_REQUIRED", "INVALID_NUMBER"]
    assert (info.value.field, info.value.code, info.value.family) == (
        "code",
        "FIELD_REQUIRED",
        "FIELD_REQUIRED",
    )


def test_every_input_code_belongs_to_the_case_engines_two_families():
    assert family("FIELD_REQUIRED") == "FIELD_REQUIRED"
    for code in (
        "TOO_LONG",
        "INVALID_DATE",
        "OUT_OF_RANGE",
        "UNKNOWN_FIELD",
        "FIELD_INVALID",
        "INVALID_CODE",
    ):
        assert family(code) == "FIELD_INVALID"


# --- forms -----------------------------------------------------------------------------


@dataclass
class Question:
    key: str
    label: str
    kind: str = "text"
    required: bool = True
    choices: list[str] = field(default_factory=list)


FORM = [
    Question("business_address", "经营场所"),
    Question("opened_on", "开业日期", "date", required=False),
    Question("area", "经营面积", "number"),
    Question("kind", "主体类型", "choice", choices=["个体工商户", "企业"]),
    Question("chain", "是否连锁", "boolean", required=False),
    Question("json", "备注", required=False),  # a key that is also a pydantic attribute name
]


def test_a_form_is_read_by_kind_into_json_ready_values():
    clean = form_validate(
        FORM,
        {
            "business_address": " 新泰市青云街1号 ",
            "opened_on": "2026年1月5日",
            "area": "35.5",
            "kind": "企业",
            "chain": "否",
        },
    )
    assert clean == {
        "business_address": "新泰市青云街1号",
        "opened_on": "2026-01-05",
        "area": 35.5,
        "kind": "企业",
        "chain": False,
    }


def test_a_form_refuses_unknown_keys_and_reports_every_problem_at_its_path():
    clean, errors = form_check(
        FORM,
        {"business_address": "", "area": True, "kind": "合伙", "chain": "大概", "extra": "x"},
        path="form_data",
    )
    assert clean == {}
    assert {(e["field"], e["code"]) for e in errors} == {
        ("form_data.business_address", "FIELD_REQUIRED"),
        ("form_data.area", "INVALID_NUMBER"),
        ("form_data.kind", "INVALID_CHOICE"),
        ("form_data.chain", "INVALID_BOOLEAN"),
        ("form_data.extra", "UNKNOWN_FIELD"),
    }


def test_a_unified_form_asks_a_shared_key_once_required_if_any_item_requires_it():
    first = [Question("phone", "联系电话", required=False)]
    second = [Question("phone", "电话", "number"), Question("name", "姓名")]
    with translation.override("zh-hans"), pytest.raises(InputInvalid) as info:
        form_validate(first + second, {"name": "张三"}, path="form_data")
    assert (info.value.field, info.value.code, info.value.family) == (
        "form_data.phone",
        "FIELD_REQUIRED",
        "FIELD_REQUIRED",
    )
    assert info.value.message == "请填写“联系电话”。"  # the first item's label and kind
    assert form_validate(first + second, {"name": "张三", "phone": "13800138000"})["phone"] == "13800138000"


def test_a_form_that_is_not_an_object_is_refused():
    _clean, errors = form_check(FORM, ["not", "a", "form"], path="form_data")
    assert [(e["field"], e["code"]) for e in errors] == [("form_data", "NOT_AN_OBJECT")]


# ---------------------------------------------------------------- identity documents


def _gb11643(first17: str) -> str:
    from onewindow.core.validators import id_number_check_digit

    return first17 + id_number_check_digit(first17)


@pytest.mark.parametrize(
    ("kind", "number", "stored"),
    [
        ("resident_id", "11010519491231002x", "11010519491231002X"),
        ("hk_macao_residence", _gb11643("81000019900101002"), _gb11643("81000019900101002")),
        ("hk_macao_residence", _gb11643("82000019850505003"), _gb11643("82000019850505003")),
        ("taiwan_residence", _gb11643("83000019900101002"), _gb11643("83000019900101002")),
        ("hk_macao_permit", "h1234 5678", "H12345678"),
        ("hk_macao_permit", "M1234567801", "M1234567801"),
        ("taiwan_permit", "１２３４５６７８", "12345678"),
        ("taiwan_permit", "1234567890(B)", "1234567890B"),
        ("passport", "E12345678", "E12345678"),
        ("passport", "ea1234567", "EA1234567"),
        ("passport", "G12345678", "G12345678"),
        ("foreign_passport", "x1234-567", "X1234567"),
        ("foreign_permanent", "usa123456789012", "USA123456789012"),
        ("foreign_permanent", _gb11643("93384019900101002"), _gb11643("93384019900101002")),
        ("居民身份证", "11010519491231002X", "11010519491231002X"),  # the kind by its Chinese label
    ],
)
def test_identity_documents_of_every_kind_are_read_and_normalised(kind, number, stored):
    from onewindow.core.inputs import document_check

    with translation.override("zh-hans"):
        _kind, clean, errors = document_check(kind, number)
    assert errors == []
    assert clean == stored


@pytest.mark.parametrize(
    ("kind", "number", "reason"),
    [
        ("resident_id", "110105194912310021", "校验"),
        ("resident_id", "1101051949", "18"),
        ("hk_macao_residence", "11010519491231002X", "810000"),
        ("hk_macao_residence", "810000199001010020", "校验"),
        ("taiwan_residence", _gb11643("81000019900101002"), "830000"),
        ("hk_macao_permit", "X12345678", "H"),
        ("hk_macao_permit", "H1234", "H"),
        ("taiwan_permit", "1234", "8"),
        ("passport", "EI1234567", "E"),
        ("passport", "123456789", "E"),
        ("foreign_passport", "ABCDEFG", "5"),
        ("foreign_passport", "A" * 30, "5"),
        ("foreign_permanent", "US123456789012", "17"),
        ("foreign_permanent", _gb11643("11010519491231002"), "9"),
        ("passport", "Ｅ１２３<script>", "E"),
    ],
)
def test_malformed_document_numbers_are_refused_in_chinese_naming_the_field(kind, number, reason):
    from onewindow.core.inputs import document_check

    with translation.override("zh-hans"):
        _kind, clean, errors = document_check(kind, number, label="证件号码", path="agent")
    assert clean == ""
    assert [(e["field"], e["code"]) for e in errors] == [("agent.number", "INVALID_DOCUMENT_NUMBER")]
    assert "证件号码" in errors[0]["message"] and reason in errors[0]["message"]


def test_a_document_without_a_number_or_of_an_unknown_kind_is_refused():
    from onewindow.core.inputs import document_check

    assert document_check("passport", "  ")[2][0]["code"] == "FIELD_REQUIRED"
    assert document_check("driving_licence", "E12345678")[2][0]["field"] == "kind"
    assert document_check("passport", "E1" * 5000)[2][0]["code"] == "TOO_LONG"
    assert document_check("passport", ["E12345678"])[2][0]["code"] == "INVALID_TEXT"
    assert document_check("", "11010519491231002X")[:2] == ("resident_id", "11010519491231002X")
