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
from tests.factories.org import DepartmentFactory, ServiceCenterFactory


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceItem

    center = factory.SubFactory(ServiceCenterFactory)
    code = factory.Sequence(lambda n: f"TEST-{n:05d}")
    name = factory.Sequence(lambda n: f"测试事项{n}")
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
