"""The catalog workbook's layout: its sheets and their columns, with headers and help.

A column is a field of the document's schemas (`schema.py`): its type, whether it is
required and the values it allows come from there, so the template's instructions, the
drop-downs and the reading of a cell follow the same rule as the JSON document. Headers
are found in Chinese, in English or as the JSON key (see `excel.py`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, pgettext_lazy
from pydantic import BaseModel

from onewindow.catalog.exchange.schema import (
    MAX_STAGES,
    BundleIn,
    DepartmentIn,
    FormFieldIn,
    GuideIn,
    ItemIn,
    ListIn,
    MaterialIn,
    QuestionIn,
    StageIn,
    TaskIn,
)
from onewindow.catalog.models import CODE_MAX_LENGTH
from onewindow.core.inputs import (
    Choice,
    ChoiceList,
    DateRule,
    Integer,
    Rule,
    Text,
    TextList,
    YesNoRule,
    rule_of,
)

TEXT, INT, BOOL, CHOICE, MULTI, OPTIONS, DATE = "text", "int", "bool", "choice", "multi", "options", "date"
# The cell kind of each rule (ChoiceList before Choice, its base).
_KINDS = (
    (ChoiceList, MULTI),
    (Choice, CHOICE),
    (YesNoRule, BOOL),
    (Integer, INT),
    (DateRule, DATE),
    (TextList, OPTIONS),
)


@dataclass(frozen=True)
class Column:
    key: str
    header: Promise
    rule: Rule
    required: bool = False
    help: Promise | str = ""

    @functools.cached_property
    def kind(self) -> str:
        return next((kind for cls, kind in _KINDS if isinstance(self.rule, cls)), TEXT)

    @functools.cached_property
    def choices(self) -> type[models.TextChoices] | None:
        options = self.rule.options if isinstance(self.rule, Choice) else None
        return options if isinstance(options, type) else None


def _col(
    schema: type[BaseModel],
    key: str,
    header: Promise,
    help: Promise | str = "",
    *,
    field: str = "",
    required: bool | None = None,
) -> Column:
    """The column of a schema field (`field`, when the sheet calls it `key`); required when
    the field is, or when `required` says so (a value the publishing rules demand)."""
    info = schema.model_fields[field or key]
    rule = rule_of(info)
    assert rule is not None, f"{schema.__name__}.{field or key} has no input rule"
    return Column(key, header, rule, info.is_required() if required is None else required, help)


ITEM_CODE = Column(
    "item",
    gettext_lazy("Item code"),
    Text(max_length=CODE_MAX_LENGTH),
    required=True,
    help=gettext_lazy("The code of the item on the items sheet."),
)
SHEETS: dict[str, tuple[Promise, list[Column]]] = {
    "departments": (
        gettext_lazy("Departments"),
        [
            _col(
                DepartmentIn,
                "code",
                pgettext_lazy("departments sheet", "Department code"),
                gettext_lazy(
                    "Upper-case letters, digits, '-' or '_' (at most 32). A department the center lacks is created by the import; one it has is left as it is."
                ),
            ),
            _col(DepartmentIn, "name", gettext_lazy("Department name")),
        ],
    ),
    "items": (
        gettext_lazy("Items"),
        [
            _col(
                ItemIn,
                "code",
                gettext_lazy("Item code"),
                gettext_lazy(
                    "The implementation code (实施编码) as published, up to 64 letters, digits and '-'; codes that differ only in case are the same code."
                ),
            ),
            _col(ItemIn, "name", gettext_lazy("Item name")),
            _col(
                ItemIn,
                "main_item_code",
                gettext_lazy("Main item code"),
                gettext_lazy(
                    "For a sub-item (子项): the code of its main item (主项); rows with the same code belong to one main item. Empty for an item without sub-items."
                ),
            ),
            _col(
                ItemIn,
                "main_item_name",
                gettext_lazy("Main item name"),
                gettext_lazy("Required with a main item code; the same on every row of the main item."),
            ),
            _col(ItemIn, "category", gettext_lazy("Item category")),
            _col(
                ItemIn,
                "department",
                gettext_lazy("Department code"),
                gettext_lazy("Code of a department of this center or of the departments sheet."),
            ),
            _col(
                ItemIn,
                "sector",
                gettext_lazy("Sector code"),
                gettext_lazy("Code of a sector of this center; may be empty."),
            ),
            _col(ItemIn, "is_active", gettext_lazy("Active"), gettext_lazy("是 or 否; empty means 是.")),
            _col(GuideIn, "case_kind", gettext_lazy("Case kind")),
            _col(GuideIn, "applicant_kinds", gettext_lazy("Who may apply")),
            _col(GuideIn, "legal_basis", gettext_lazy("Legal basis")),
            _col(GuideIn, "conditions", gettext_lazy("Conditions")),
            _col(GuideIn, "limit_unit", gettext_lazy("Limit unit")),
            _col(
                GuideIn,
                "legal_limit_days",
                gettext_lazy("Legal limit (days)"),
                gettext_lazy("0–365; 0 only for immediate cases."),
            ),
            _col(
                GuideIn,
                "promised_limit_days",
                gettext_lazy("Promised limit (days)"),
                gettext_lazy("At most the legal limit; the stages' limits must fit inside it."),
            ),
            _col(GuideIn, "is_free", gettext_lazy("Free of charge")),
            _col(
                GuideIn,
                "fee",
                gettext_lazy("Fee standard"),
                gettext_lazy("Required when the item is not free."),
            ),
            _col(GuideIn, "fee_basis", gettext_lazy("Fee basis")),
            _col(GuideIn, "where_to_apply", gettext_lazy("Where to apply")),
            _col(GuideIn, "office_hours", gettext_lazy("Office hours")),
            _col(GuideIn, "consult_phone", gettext_lazy("Consultation phone")),
            _col(GuideIn, "complaint_phone", gettext_lazy("Complaint phone")),
            _col(GuideIn, "online_available", gettext_lazy("Online application")),
            _col(GuideIn, "max_visits", gettext_lazy("Visits needed"), gettext_lazy("0 or 1.")),
            _col(
                GuideIn,
                "delivery_methods",
                gettext_lazy("Delivery methods"),
                gettext_lazy("One or more, separated by 、"),
                required=True,
            ),
            _col(GuideIn, "result_name", gettext_lazy("Result document")),
            _col(GuideIn, "result_licence_type", gettext_lazy("E-licence type issued")),
            _col(
                GuideIn,
                "keywords",
                gettext_lazy("Search keywords"),
                gettext_lazy("Other words applicants use for the item, separated by spaces or commas."),
            ),
            _col(
                GuideIn,
                "faq",
                gettext_lazy("Common questions"),
                gettext_lazy(
                    "Each question on a line starting 问：, its answer on the next line starting 答：."
                ),
            ),
            _col(GuideIn, "notes", gettext_lazy("Notes")),
        ],
    ),
    "materials": (
        gettext_lazy("Materials"),
        [
            ITEM_CODE,
            _col(
                MaterialIn,
                "code",
                gettext_lazy("Material code"),
                gettext_lazy(
                    "Lower-case letters, digits and '_', e.g. id_card; unique within the item. The same code in several items means the same document."
                ),
            ),
            _col(MaterialIn, "name", gettext_lazy("Material name")),
            _col(MaterialIn, "form", gettext_lazy("Original or copy")),
            _col(MaterialIn, "copies", gettext_lazy("Copies"), gettext_lazy("At least 1; empty means 1.")),
            _col(MaterialIn, "medium", gettext_lazy("Medium")),
            _col(MaterialIn, "required", gettext_lazy("Required"), gettext_lazy("是 or 否; empty means 是.")),
            _col(
                MaterialIn,
                "tolerable",
                gettext_lazy("Tolerable"),
                gettext_lazy("容缺: may follow after acceptance; only for required materials."),
            ),
            _col(
                MaterialIn,
                "tolerance_days",
                gettext_lazy("Days to hand in later"),
                gettext_lazy("At most 60; empty means 5."),
            ),
            _col(MaterialIn, "source", gettext_lazy("Source")),
            _col(
                MaterialIn,
                "licence_type",
                gettext_lazy("E-licence type"),
                gettext_lazy("Required when the source is an e-licence."),
            ),
            _col(MaterialIn, "notes", gettext_lazy("Notes")),
            _col(
                MaterialIn,
                "applies_when",
                gettext_lazy("Applies when"),
                gettext_lazy(
                    "The situations (情形) it applies under, as question=choice: e.g. apply_kind=change or apply_kind=new,change;who=org (several questions separated by ;). Empty: it always applies."
                ),
            ),
            _col(
                MaterialIn,
                "commitment_allowed",
                gettext_lazy("Commitment allowed"),
                gettext_lazy(
                    "告知承诺: 是 when the applicant may sign a written commitment instead; empty means 否."
                ),
            ),
        ],
    ),
    "form_fields": (
        gettext_lazy("Form fields"),
        [
            ITEM_CODE,
            _col(
                FormFieldIn,
                "key",
                gettext_lazy("Field key"),
                gettext_lazy(
                    "Lower-case letters, digits and '_'; the same key in a bundle's items is asked once."
                ),
            ),
            _col(FormFieldIn, "label", gettext_lazy("Field label")),
            _col(FormFieldIn, "kind", gettext_lazy("Field kind")),
            _col(FormFieldIn, "required", gettext_lazy("Required")),
            _col(
                FormFieldIn,
                "choices",
                gettext_lazy("Options"),
                gettext_lazy("For a choice field: the options separated by |"),
            ),
            _col(
                FormFieldIn,
                "personal",
                gettext_lazy("Personal data"),
                gettext_lazy("是 when the answer is the applicant's personal information; empty means 否."),
            ),
        ],
    ),
    "questions": (
        gettext_lazy("Situations"),
        [
            ITEM_CODE,
            _col(
                QuestionIn,
                "code",
                gettext_lazy("Question code"),
                gettext_lazy(
                    "Lower-case letters, digits and '_', e.g. apply_kind; unique within the item. At most 3 questions an item."
                ),
            ),
            _col(QuestionIn, "text", gettext_lazy("Question"), gettext_lazy("e.g. 首次申请还是变更？")),
            _col(
                QuestionIn,
                "choices",
                gettext_lazy("Choices"),
                gettext_lazy("2 to 8 choices as code=label separated by |, e.g. new=首次申请|change=变更"),
                required=True,
            ),
        ],
    ),
    "tasks": (
        gettext_lazy("Procedure"),
        [
            ITEM_CODE,
            Column(
                "stage_order",
                gettext_lazy("Stage number"),
                Integer(ge=1, le=MAX_STAGES),
                required=True,
                help=gettext_lazy(
                    "1, 2, 3 …: rows with the same number form one stage whose tasks run in parallel."
                ),
            ),
            _col(StageIn, "stage_name", gettext_lazy("Stage name"), field="name"),
            _col(TaskIn, "name", gettext_lazy("Task name")),
            _col(TaskIn, "action", gettext_lazy("Action")),
            _col(
                TaskIn,
                "department",
                gettext_lazy("Handling department code"),
                gettext_lazy("Code of a department of this center or of the departments sheet."),
            ),
            _col(TaskIn, "role", gettext_lazy("Post")),
            _col(
                TaskIn,
                "limit_days",
                gettext_lazy("Task limit (working days)"),
                gettext_lazy(
                    "Empty means 1. Per stage the longest task counts; the stages added up must fit in the promised limit."
                ),
            ),
        ],
    ),
    "lists": (
        gettext_lazy("Lists"),
        [
            _col(ListIn, "list_kind", gettext_lazy("List kind"), field="kind"),
            _col(
                ListIn,
                "name",
                gettext_lazy("List name"),
                gettext_lazy("One row per item of the list; rows with the same name form one list."),
            ),
            _col(
                ListIn,
                "published_on",
                gettext_lazy("Published on"),
                gettext_lazy("A date such as 2026-01-01."),
            ),
            Column(
                "item",
                gettext_lazy("Item code"),
                Text(max_length=CODE_MAX_LENGTH),
                help=gettext_lazy("An item of this file or already in the center."),
            ),
        ],
    ),
    "bundles": (
        gettext_lazy("Bundles"),
        [
            _col(
                BundleIn,
                "code",
                gettext_lazy("Bundle code"),
                gettext_lazy(
                    "One row per item of the bundle, in order; rows with the same code form one bundle."
                ),
            ),
            _col(BundleIn, "name", gettext_lazy("Bundle name")),
            _col(BundleIn, "description", gettext_lazy("Description")),
            _col(BundleIn, "is_active", gettext_lazy("Active")),
            Column("item", gettext_lazy("Item code"), Text(max_length=CODE_MAX_LENGTH)),
        ],
    ),
}
INSTRUCTIONS = gettext_lazy("Instructions")
FORMAT_LABEL = gettext_lazy("Format")
CENTER_LABEL = gettext_lazy("Center code")
OPTIONAL_SHEETS = frozenset({"departments", "form_fields", "questions", "lists", "bundles"})
OPTION_SPLIT = re.compile(r"[|\n]")  # the options of a choice field may contain commas
