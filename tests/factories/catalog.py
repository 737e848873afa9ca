import copy

import factory

from onewindow.catalog.models import (
    Bundle,
    BundleItem,
    CaseKind,
    Category,
    FormField,
    MaterialRequirement,
    Procedure,
    ServiceItem,
    ServiceItemVersion,
    Stage,
    StageTask,
)
from onewindow.catalog.pinyin import pinyin_initials
from tests.factories.org import DepartmentFactory, ServiceCenterFactory


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceItem

    center = factory.SubFactory(ServiceCenterFactory)
    code = factory.Sequence(lambda n: f"TEST-{n:05d}")
    name = factory.Sequence(lambda n: f"测试事项{n}")
    pinyin_initials = factory.LazyAttribute(lambda o: pinyin_initials(o.name))
    category = Category.LICENSING
    department = factory.SubFactory(DepartmentFactory, center=factory.SelfAttribute("..center"))


class ServiceItemVersionFactory(factory.django.DjangoModelFactory):
    """A published version (status can be overridden to draft)."""

    class Meta:
        model = ServiceItemVersion

    item = factory.SubFactory(ServiceItemFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = ServiceItemVersion.Status.PUBLISHED
    case_kind = CaseKind.PROMISED
    legal_basis = "《中华人民共和国行政许可法》"
    conditions = "符合法定条件的申请人"
    legal_limit_days = 20
    promised_limit_days = 5
    delivery_methods = factory.LazyFunction(lambda: ["pickup", "mail"])
    online_available = True


class MaterialRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaterialRequirement

    version = factory.SubFactory(ServiceItemVersionFactory)
    code = factory.Sequence(lambda n: f"material_{n}")
    name = factory.Sequence(lambda n: f"申请材料{n}")
    order = factory.Sequence(lambda n: n)


class FormFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormField

    version = factory.SubFactory(ServiceItemVersionFactory)
    key = factory.Sequence(lambda n: f"field_{n}")
    label = factory.Sequence(lambda n: f"字段{n}")


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    version = factory.SubFactory(ServiceItemVersionFactory)


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage

    procedure = factory.SubFactory(ProcedureFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"环节{n}")


class StageTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageTask

    stage = factory.SubFactory(StageFactory)
    name = factory.Sequence(lambda n: f"审查任务{n}")
    department = factory.SubFactory(
        DepartmentFactory, center=factory.SelfAttribute("..stage.procedure.version.item.center")
    )


class BundleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bundle

    center = factory.SubFactory(ServiceCenterFactory)
    code = factory.Sequence(lambda n: f"BUNDLE-{n:03d}")
    name = factory.Sequence(lambda n: f"一件事{n}")


class BundleItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BundleItem

    bundle = factory.SubFactory(BundleFactory)
    item = factory.SubFactory(ServiceItemFactory, center=factory.SelfAttribute("..bundle.center"))


def guide_data(department: str, **overrides) -> dict:
    """A valid, publishable guide in the JSON shape of docs/catalog.md (the `version` object)."""
    guide = {
        "case_kind": "promised",
        "applicant_kinds": "both",
        "legal_basis": "《中华人民共和国行政许可法》第十二条",
        "conditions": "符合法定条件的申请人",
        "limit_unit": "working_days",
        "legal_limit_days": 20,
        "promised_limit_days": 5,
        "is_free": True,
        "fee": "",
        "fee_basis": "",
        "where_to_apply": "县政务服务中心一楼综合受理窗口",
        "office_hours": "工作日 9:00-17:00",
        "consult_phone": "0538-1234567",
        "complaint_phone": "0538-7212315",
        "online_available": True,
        "max_visits": 1,
        "delivery_methods": ["pickup", "mail"],
        "result_name": "许可证",
        "result_licence_type": "",
        "keywords": "",
        "faq": "",
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
                "code": "application_form",
                "name": "申请书",
                "form": "original",
                "copies": 1,
                "medium": "paper",
                "required": True,
                "tolerable": True,
                "tolerance_days": 5,
                "source": "applicant",
                "licence_type": "",
                "notes": "",
                "applies_when": {},
                "commitment_allowed": False,
            },
        ],
        "form_fields": [
            {
                "key": "applicant_name",
                "label": "申请人姓名",
                "kind": "text",
                "required": True,
                "choices": [],
                "personal": True,
            },
            {
                "key": "phone",
                "label": "联系电话",
                "kind": "text",
                "required": False,
                "choices": [],
                "personal": True,
            },
        ],
        "stages": [
            {
                "name": "审查",
                "tasks": [
                    {
                        "name": "材料审查",
                        "action": "review",
                        "department": department,
                        "role": "approver",
                        "limit_days": 2,
                    }
                ],
            },
            {
                "name": "决定",
                "tasks": [
                    {
                        "name": "审批决定",
                        "action": "decide",
                        "department": department,
                        "role": "approver",
                        "limit_days": 1,
                    }
                ],
            },
        ],
        "questions": [],
    }
    guide.update(overrides)
    return guide


APPLY_KIND = {
    "code": "apply_kind",
    "text": "首次申请还是变更？",
    "choices": [{"code": "new", "label": "首次申请"}, {"code": "change", "label": "变更"}],
}
WHO = {
    "code": "who",
    "text": "个人还是企业？",
    "choices": [{"code": "person", "label": "个人"}, {"code": "org", "label": "企业"}],
}


def situation_guide(department: str, **overrides) -> dict:
    """A publishable guide with two 情形 questions: 营业执照 only for a company, 变更证明 only
    for a change (告知承诺 allowed), the ID card and the form always."""
    guide = guide_data(department)
    base = dict(guide["materials"][0])
    guide["materials"] += [
        {**base, "code": "business_licence", "name": "营业执照", "applies_when": {"who": ["org"]}},
        {
            **base,
            "code": "change_proof",
            "name": "变更证明",
            "applies_when": {"apply_kind": ["change"]},
            "commitment_allowed": True,
        },
    ]
    guide["questions"] = copy.deepcopy([APPLY_KIND, WHO])
    guide.update(overrides)
    return guide


def item_data(
    code: str,
    department: str,
    *,
    name: str = "",
    sector: str = "",
    main_item: tuple[str, str] = ("", ""),
    **guide_overrides,
) -> dict:
    """One entry of the "items" list of a catalog document (`main_item`: its code and name)."""
    return {
        "code": code,
        "name": name or f"事项{code}",
        "main_item_code": main_item[0],
        "main_item_name": main_item[1],
        "category": "licensing",
        "department": department,
        "sector": sector,
        "is_active": True,
        "version": guide_data(department, **guide_overrides),
    }


def catalog_document(
    n: int = 3, department: str = "SCJG", sector: str = "SSFW", department_name: str = "市场监督管理局"
) -> dict:
    """A catalog document (docs/catalog.md) of `n` items of one department (listed with its
    name), one list of all and a bundle of two."""
    items = [item_data(f"371082-XK-{k:04d}", department, name=f"事项{k}", sector=sector) for k in range(n)]
    codes = [i["code"] for i in items]
    return {
        "format": "onewindow-catalog/1",
        "center": "XTX",
        "departments": [{"code": department, "name": department_name}],
        "items": items,
        "lists": [
            {"kind": "licensing", "name": "行政许可事项清单", "published_on": "2026-01-01", "items": codes}
        ],
        "bundles": [
            {
                "code": "BUNDLE-KDCY",
                "name": "我要开餐馆",
                "description": "一次办好",
                "is_active": True,
                "items": codes[:2],
            }
        ],
    }
