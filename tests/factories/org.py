import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from onewindow.core.fields import personal_digest
from onewindow.org.models import Applicant, Department, Region, Sector, ServiceCenter, Staff, Window
from onewindow.org.services import center_create


def with_id_check_digit(first17: str) -> str:
    """Append the GB 11643 check digit to 17 digits."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def with_uscc_check_char(first17: str) -> str:
    """Append the GB 32100 check character to 17 characters of a USCC."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return first17 + USCC_ALPHABET[(31 - total % 31) % 31]


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"3716{n:08d}")
    name = factory.Sequence(lambda n: f"测试县{n}")
    level = Region.Level.COUNTY


class ServiceCenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCenter

    code = factory.Sequence(lambda n: f"C{n:04d}")
    name = factory.Sequence(lambda n: f"测试县政务服务中心{n}")
    tier = ServiceCenter.Tier.COUNTY
    region = factory.SubFactory(RegionFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Through `center_create`, which gives the center its tree path (the access rules
        read the centers below one by that path)."""
        return center_create(**kwargs)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    center = factory.SubFactory(ServiceCenterFactory)
    code = factory.Sequence(lambda n: f"D{n:04d}")
    name = factory.Sequence(lambda n: f"测试局{n}")


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    center = factory.SubFactory(ServiceCenterFactory)
    code = factory.Sequence(lambda n: f"S{n:03d}")
    name = factory.Sequence(lambda n: f"服务板块{n}")


class WindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Window

    center = factory.SubFactory(ServiceCenterFactory)
    number = factory.Sequence(lambda n: f"A{n:02d}")
    kind = Window.Kind.INTAKE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("onewindow-test")


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff member; `roles=["approver", ...]` puts the user in those role groups."""

    class Meta:
        model = Staff
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    center = factory.SubFactory(ServiceCenterFactory)
    department = None
    name = factory.Sequence(lambda n: f"工作人员{n}")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            group, _ = Group.objects.get_or_create(name=role)
            self.user.groups.add(group)


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Applicant

    kind = Applicant.Kind.PERSON
    name = factory.Sequence(lambda n: f"申请人{n}")
    id_number = factory.Sequence(lambda n: with_id_check_digit(f"11010519800101{n % 1000:03d}"))
    id_number_digest = factory.LazyAttribute(lambda o: personal_digest(o.id_number))
    mobile = "13800138000"
    mobile_digest = factory.LazyAttribute(lambda o: personal_digest(o.mobile) if o.mobile else "")


class OrganisationApplicantFactory(ApplicantFactory):
    """An organisation applicant with a valid USCC and no ID number."""

    kind = Applicant.Kind.ORGANISATION
    name = factory.Sequence(lambda n: f"测试有限公司{n}")
    id_number = ""
    id_number_digest = ""
    uscc = factory.Sequence(lambda n: with_uscc_check_char(f"91371621MA{n:07d}"))
    legal_representative = "张三"
