"""The catalog document `onewindow-catalog/1` (docs/catalog.md) as typed schemas.

The schemas are built from the types of `onewindow.core.inputs`, so the document reads
是/否, 2026年1月1日, Chinese labels of enumerations and Excel's 5.0 exactly as a form or a
batch sheet does, and reports with the same codes. They hold what each value is (its
type, length, allowed values and default); the rules a guide obeys across its values
(`check_guide`) and the references to departments, sectors and items (`load`) are checked
after, on the parsed values. Field labels in messages are the models' verbose names.

The document is read in two steps: the envelope (`CatalogDocument`), then each item, list
and bundle on its own (`ItemIn`, `ListIn`, `BundleIn`), so one unreadable item does not
hide what is wrong with the others. `ItemHead` is what `item_create` checks of a new item
and `GuideIn` is the guide `item_create`, `version_guide_set` and `version_update` take.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, cast

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy
from pydantic import AfterValidator, BeforeValidator

from onewindow.catalog import situations
from onewindow.catalog.errors import verbose
from onewindow.catalog.models import (
    ApplicantKinds,
    Bundle,
    CaseKind,
    CatalogList,
    Category,
    DeliveryMethod,
    FormField,
    LimitUnit,
    MainItem,
    MaterialRequirement,
    ServiceItem,
    ServiceItemVersion,
    SituationQuestion,
    Stage,
    StageTask,
    item_code_validator,
)
from onewindow.core.inputs import (
    TEXT_MAX_LENGTH,
    Choice,
    ChoiceList,
    DateValue,
    Integer,
    Rule,
    Schema,
    Text,
    TextList,
    YesNo,
    parse_text,
    refused,
)
from onewindow.org.models import Department, Role, short_code_validator

FORMAT = "onewindow-catalog/1"

# How many rows one item, stage, form field or bundle may hold. Their order is a small
# integer column, and no real guide comes near: past these the file is not a catalog.
MAX_MATERIALS = 200
MAX_FORM_FIELDS = 200
MAX_CHOICES = 200
MAX_STAGES = 50
MAX_TASKS = 50
MAX_BUNDLE_ITEMS = 100
# Read a few more questions than a guide may ask, so the rule (catalog.situations) names them.
MAX_QUESTION_ROWS = situations.MAX_QUESTIONS * 4


Count = Annotated[int, Integer(ge=0, le=32_767)]
"""A row's number among its siblings (materials, stages …): a small integer column's range."""


def _text(model: type[models.Model], name: str) -> Text:
    """Text as long as the model's column allows; a column without a length of its own
    (a TextField without max_length) takes the input layer's 2,000 characters."""
    return Text(max_length=getattr(model._meta.get_field(name), "max_length", None) or TEXT_MAX_LENGTH)


def _int(model: type[models.Model], name: str) -> Integer:
    """A whole number in the range of the model's integer column (the range every backend
    stores: PostgreSQL's), so no value reaches the database that it cannot hold."""
    low, high = BaseDatabaseOperations.integer_field_ranges[model._meta.get_field(name).get_internal_type()]
    return Integer(ge=low, le=high)


def _at_most(limit: int) -> BeforeValidator:
    """Refuse a list longer than `limit` before reading its entries (`TOO_MANY_ROWS`)."""

    def check(value: Any) -> Any:
        if isinstance(value, list) and len(value) > limit:
            raise refused(
                "TOO_MANY_ROWS",
                reason=gettext("at most %(max)d entries, this one has %(count)d")
                % {"max": limit, "count": len(value)},
            )
        return value

    return BeforeValidator(check)


# The validator compiled its pattern when it was made (the stubs also allow a plain string).
ITEM_CODE_RE = cast("re.Pattern[str]", item_code_validator.regex)
UNIT_CODE_RE = cast("re.Pattern[str]", short_code_validator.regex)


def _catalog_code(value: str) -> str:
    if not ITEM_CODE_RE.match(value):
        raise refused("INVALID_CODE", reason=item_code_validator.message)
    return value


def _unit_code(value: str) -> str:
    if not UNIT_CODE_RE.match(value):
        raise refused("INVALID_CODE", reason=short_code_validator.message)
    return value


CatalogCode = Annotated[str, _text(ServiceItem, "code"), AfterValidator(_catalog_code)]
"""An item, main item or bundle code: 4–64 characters of letters, digits and '-', kept in
the case it is written in (codes that differ only by case are the same code)."""
UnitCode = Annotated[str, _text(Department, "code")]
"""The code of a department or a sector of the center."""
ItemCodes = Annotated[list[str], TextList(max_length=ServiceItem._meta.get_field("code").max_length)]


class _CatalogSchema(Schema):
    """Labels from a model's verbose names, or from `labels` for keys that are not fields."""

    labels_from: ClassVar[type[models.Model] | None] = None
    labels: ClassVar[dict[str, Promise]] = {}

    @classmethod
    def field_label(cls, name: str) -> str:
        if name in cls.labels:
            return str(cls.labels[name])
        return verbose(cls.labels_from, name) if cls.labels_from is not None else name


def _plural(model: type[models.Model]) -> Promise:
    return model._meta.verbose_name_plural  # type: ignore[return-value]


class SituationChoices(Rule):
    """The choices of a 情形 question: a list of `{"code", "label"}`, or one cell's text
    `new=首次申请|change=变更` (`catalog.situations.choices_parse`)."""

    def parse(self, value: Any) -> list[dict[str, str]]:
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            try:
                return situations.choices_parse(parse_text(value, max_length=TEXT_MAX_LENGTH))
            except ValueError as exc:
                raise refused("INVALID_CHOICES", reason=str(exc)) from exc
        if not isinstance(value, list):
            raise refused("INVALID_CHOICES", reason=gettext("a list of choices"))
        out = []
        for c in value:
            if not isinstance(c, dict):
                raise refused("INVALID_CHOICES", reason=gettext("each choice has a code and a label"))
            code = parse_text(c.get("code", ""), max_length=40)
            label = parse_text(c.get("label", ""), max_length=situations.LABEL_MAX_LENGTH * 2)
            out.append({"code": code, "label": label})
        return out

    def to_text(self, value: Any) -> str:
        return situations.choices_text((c["code"], c["label"]) for c in value or ())


class SituationConditions(Rule):
    """Which 情形 a material applies under: `{question: [choices]}`, or one cell's text
    `kind=new;who=person,org` (`catalog.situations.conditions_parse`); empty = always."""

    def parse(self, value: Any) -> dict[str, list[str]]:
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            try:
                return situations.conditions_parse(parse_text(value, max_length=TEXT_MAX_LENGTH))
            except ValueError as exc:
                raise refused("INVALID_CONDITION", reason=str(exc)) from exc
        if not isinstance(value, dict):
            raise refused("INVALID_CONDITION", reason=gettext("question codes with their choices"))
        out: dict[str, list[str]] = {}
        for q, choices in value.items():
            q = parse_text(q, max_length=40)
            if isinstance(choices, str):
                choices = [choices]
            if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
                raise refused("INVALID_CONDITION", reason=gettext("question codes with their choices"))
            out[q] = [parse_text(c, max_length=40) for c in choices]
        return out

    def to_text(self, value: Any) -> str:
        return situations.conditions_text(value)


class QuestionIn(_CatalogSchema):
    """A 情形 question of the guide."""

    labels_from = SituationQuestion

    code: Annotated[str, _text(SituationQuestion, "code")]
    text: Annotated[str, _text(SituationQuestion, "text")]
    choices: Annotated[list[dict[str, str]], SituationChoices()] = []


class MaterialIn(_CatalogSchema):
    labels_from = MaterialRequirement

    code: Annotated[str, _text(MaterialRequirement, "code")]
    name: Annotated[str, _text(MaterialRequirement, "name")]
    form: Annotated[str, Choice(MaterialRequirement.Form)] = MaterialRequirement.Form.ORIGINAL.value
    copies: Annotated[int, _int(MaterialRequirement, "copies")] = 1
    medium: Annotated[str, Choice(MaterialRequirement.Medium)] = MaterialRequirement.Medium.EITHER.value
    required: YesNo = True
    tolerable: YesNo = False
    tolerance_days: Annotated[int, _int(MaterialRequirement, "tolerance_days")] = 5
    source: Annotated[str, Choice(MaterialRequirement.Source)] = MaterialRequirement.Source.APPLICANT.value
    licence_type: Annotated[str, _text(MaterialRequirement, "licence_type")] = ""
    notes: Annotated[str, _text(MaterialRequirement, "notes")] = ""
    applies_when: Annotated[dict[str, list[str]], SituationConditions()] = {}
    commitment_allowed: YesNo = False


class FormFieldIn(_CatalogSchema):
    labels_from = FormField

    key: Annotated[str, _text(FormField, "key")]
    label: Annotated[str, _text(FormField, "label")]
    kind: Annotated[str, Choice(FormField.Kind)] = FormField.Kind.TEXT.value
    required: YesNo = True
    choices: Annotated[list[str], TextList(), _at_most(MAX_CHOICES)] = []
    personal: YesNo = False


class TaskIn(_CatalogSchema):
    labels_from = StageTask

    name: Annotated[str, _text(StageTask, "name")]
    action: Annotated[str, Choice(StageTask.Action)] = StageTask.Action.REVIEW.value
    department: UnitCode
    role: Annotated[str, Choice(Role)] = Role.APPROVER.value
    limit_days: Annotated[int, _int(StageTask, "limit_days")] = 1


class StageIn(_CatalogSchema):
    labels_from = Stage
    labels = {"tasks": _plural(StageTask)}

    name: Annotated[str, _text(Stage, "name")]
    tasks: Annotated[list[TaskIn], _at_most(MAX_TASKS)] = []


class GuideIn(_CatalogSchema):
    """The `version` object: the standard guide of an item version."""

    labels_from = ServiceItemVersion
    labels = {
        "materials": _plural(MaterialRequirement),
        "form_fields": _plural(FormField),
        "stages": _plural(Stage),
        "questions": _plural(SituationQuestion),
    }

    case_kind: Annotated[str, Choice(CaseKind)]
    applicant_kinds: Annotated[str, Choice(ApplicantKinds)] = ApplicantKinds.BOTH.value
    legal_basis: Annotated[str, _text(ServiceItemVersion, "legal_basis")]
    conditions: Annotated[str, _text(ServiceItemVersion, "conditions")]
    limit_unit: Annotated[str, Choice(LimitUnit)] = LimitUnit.WORKING_DAYS.value
    legal_limit_days: Annotated[int, _int(ServiceItemVersion, "legal_limit_days")]
    promised_limit_days: Annotated[int, _int(ServiceItemVersion, "promised_limit_days")]
    is_free: YesNo = True
    fee: Annotated[str, _text(ServiceItemVersion, "fee")] = ""
    fee_basis: Annotated[str, _text(ServiceItemVersion, "fee_basis")] = ""
    where_to_apply: Annotated[str, _text(ServiceItemVersion, "where_to_apply")] = ""
    office_hours: Annotated[str, _text(ServiceItemVersion, "office_hours")] = ""
    consult_phone: Annotated[str, _text(ServiceItemVersion, "consult_phone")] = ""
    complaint_phone: Annotated[str, _text(ServiceItemVersion, "complaint_phone")] = ""
    online_available: YesNo = False
    max_visits: Annotated[int, _int(ServiceItemVersion, "max_visits")] = 1
    delivery_methods: Annotated[list[str], ChoiceList(DeliveryMethod)] = []  # publishing requires one
    result_name: Annotated[str, _text(ServiceItemVersion, "result_name")] = ""
    result_licence_type: Annotated[str, _text(ServiceItemVersion, "result_licence_type")] = ""
    keywords: Annotated[str, _text(ServiceItemVersion, "keywords")] = ""
    faq: Annotated[str, _text(ServiceItemVersion, "faq")] = ""
    notes: Annotated[str, _text(ServiceItemVersion, "notes")] = ""
    materials: Annotated[list[MaterialIn], _at_most(MAX_MATERIALS)] = []
    form_fields: Annotated[list[FormFieldIn], _at_most(MAX_FORM_FIELDS)] = []
    stages: Annotated[list[StageIn], _at_most(MAX_STAGES)] = []
    questions: Annotated[list[QuestionIn], _at_most(MAX_QUESTION_ROWS)] = []


ROWS = ("materials", "form_fields", "stages", "questions")
VERSION_FIELDS = tuple(name for name in GuideIn.model_fields if name not in ROWS)
"""The scalar fields of a version, in the order of the JSON contract."""
MATERIAL_FIELDS = tuple(MaterialIn.model_fields)
QUESTION_FIELDS = tuple(QuestionIn.model_fields)
FORM_FIELD_FIELDS = tuple(FormFieldIn.model_fields)
TASK_FIELDS = tuple(TaskIn.model_fields)


class ItemHead(_CatalogSchema):
    """What identifies an item, checked alike by `item_create` and the import."""

    labels_from = ServiceItem

    code: CatalogCode
    name: Annotated[str, _text(ServiceItem, "name")]
    category: Annotated[str, Choice(Category)]


class ItemIn(ItemHead):
    """An item of the document. `main_item_code` and `main_item_name` name the main item
    (主项) a sub-item belongs to; both are empty for an item without sub-items."""

    labels = {
        "version": ServiceItemVersion._meta.verbose_name,  # type: ignore[dict-item]
        "main_item_code": gettext_lazy("main item code"),
        "main_item_name": gettext_lazy("main item name"),
    }

    main_item_code: Annotated[str, _text(MainItem, "code"), AfterValidator(_catalog_code)] = ""
    main_item_name: Annotated[str, _text(MainItem, "name")] = ""
    department: UnitCode
    sector: UnitCode = ""
    is_active: YesNo = True
    version: GuideIn


ITEM_FIELDS = tuple(name for name in ItemIn.model_fields if name != "version")


class DepartmentIn(_CatalogSchema):
    """A department the file names: created in the center when the center lacks it."""

    labels_from = Department

    code: Annotated[str, _text(Department, "code"), AfterValidator(_unit_code)]
    name: Annotated[str, _text(Department, "name")]


DEPARTMENT_FIELDS = tuple(DepartmentIn.model_fields)


class ListIn(_CatalogSchema):
    labels_from = CatalogList

    kind: Annotated[str, Choice(CatalogList.Kind)]
    name: Annotated[str, _text(CatalogList, "name")]
    published_on: DateValue | None = None
    items: ItemCodes = []


class BundleIn(_CatalogSchema):
    labels_from = Bundle
    labels = {"items": _plural(ServiceItem)}

    code: CatalogCode
    name: Annotated[str, _text(Bundle, "name")]
    description: Annotated[str, _text(Bundle, "description")] = ""
    is_active: YesNo = True
    items: Annotated[ItemCodes, _at_most(MAX_BUNDLE_ITEMS)] = []


class CatalogDocument(_CatalogSchema):
    """The envelope; each entry of the lists is read with ItemIn, ListIn or BundleIn."""

    labels = {
        "items": _plural(ServiceItem),
        "lists": _plural(CatalogList),
        "bundles": _plural(Bundle),
        "departments": _plural(Department),
    }

    format: Annotated[str, Text(max_length=40)] = FORMAT
    center: Annotated[str, Text(max_length=40)] = ""
    departments: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    lists: list[dict[str, Any]] = []
    bundles: list[dict[str, Any]] = []


def template_data() -> dict[str, Any]:
    """The example of the empty template: one item with its materials, form fields and stages."""
    code = "371082-XK-0001-01"
    return {
        "format": FORMAT,
        "center": "",
        "departments": [{"code": "SCJG", "name": "市场监督管理局"}],
        "items": [
            {
                "code": code,
                "name": "食品经营许可（新办）",
                "main_item_code": "371082-XK-0001",
                "main_item_name": "食品经营许可",
                "category": "licensing",
                "department": "SCJG",
                "sector": "SSFW",
                "is_active": True,
                "version": {
                    "case_kind": "promised",
                    "applicant_kinds": "both",
                    "legal_basis": "《中华人民共和国食品安全法》第三十五条",
                    "conditions": "有与经营的食品品种、数量相适应的经营场所",
                    "limit_unit": "working_days",
                    "legal_limit_days": 20,
                    "promised_limit_days": 5,
                    "is_free": True,
                    "fee": "",
                    "fee_basis": "",
                    "where_to_apply": "县政务服务中心一楼综合受理窗口",
                    "office_hours": "工作日 9:00-12:00，13:30-17:00",
                    "consult_phone": "0538-7221234",
                    "complaint_phone": "12345",
                    "online_available": True,
                    "max_visits": 1,
                    "delivery_methods": ["pickup", "mail"],
                    "result_name": "食品经营许可证",
                    "result_licence_type": "food_business",
                    "keywords": "开饭店 餐饮",
                    "faq": "问：个体工商户可以申请吗？\n答：可以，凭营业执照申请。",
                    "notes": "",
                    "materials": [
                        {
                            "code": "id_card",
                            "name": "申请人身份证明",
                            "form": "original",
                            "copies": 1,
                            "medium": "either",
                            "required": True,
                            "tolerable": False,
                            "tolerance_days": 5,
                            "source": "applicant",
                            "licence_type": "",
                            "notes": "",
                            "applies_when": {},
                            "commitment_allowed": False,
                        },
                        {
                            "code": "change_proof",
                            "name": "变更事项证明",
                            "form": "copy",
                            "copies": 1,
                            "medium": "either",
                            "required": True,
                            "tolerable": False,
                            "tolerance_days": 5,
                            "source": "applicant",
                            "licence_type": "",
                            "notes": "",
                            "applies_when": {"apply_kind": ["change"]},
                            "commitment_allowed": True,
                        },
                    ],
                    "form_fields": [
                        {
                            "key": "business_address",
                            "label": "经营场所",
                            "kind": "text",
                            "required": True,
                            "choices": [],
                            "personal": False,
                        }
                    ],
                    "stages": [
                        {
                            "name": "审查",
                            "tasks": [
                                {
                                    "name": "材料审查",
                                    "action": "review",
                                    "department": "SCJG",
                                    "role": "approver",
                                    "limit_days": 3,
                                }
                            ],
                        },
                        {
                            "name": "决定",
                            "tasks": [
                                {
                                    "name": "审批决定",
                                    "action": "decide",
                                    "department": "SCJG",
                                    "role": "approver",
                                    "limit_days": 2,
                                }
                            ],
                        },
                    ],
                    "questions": [
                        {
                            "code": "apply_kind",
                            "text": "首次申请还是变更？",
                            "choices": [
                                {"code": "new", "label": "首次申请"},
                                {"code": "change", "label": "变更"},
                            ],
                        }
                    ],
                },
            }
        ],
        "lists": [
            {"kind": "licensing", "name": "行政许可事项清单", "published_on": "2026-01-01", "items": [code]}
        ],
        "bundles": [
            {
                "code": "BUNDLE-KDCY",
                "name": "我要开餐馆",
                "description": "",
                "is_active": True,
                "items": [code],
            }
        ],
    }
