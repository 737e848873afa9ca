"""The demo county: loaded once per module (twice, to prove idempotence) inside a
transaction that is rolled back afterwards, so no other test sees its rows."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from onewindow.catalog.models import (
    Bundle,
    BundleItem,
    CatalogList,
    FormField,
    MaterialRequirement,
    Procedure,
    ServiceItem,
    ServiceItemVersion,
    Stage,
    StageTask,
)
from onewindow.core.validators import validate_id_number, validate_mobile, validate_uscc
from onewindow.demo.catalog_data import build_catalog_data
from onewindow.demo.county import DEMO_PASSWORD, applicant_plan, staff_plan
from onewindow.demo.county_data import HALL_CODE
from onewindow.demo.steps import load_demo
from onewindow.org.models import Applicant, Department, Region, Role, Sector, ServiceCenter, Staff, Window

COUNTED = [
    Region,
    ServiceCenter,
    Sector,
    Department,
    Window,
    Window.sectors.through,
    get_user_model(),
    get_user_model().groups.through,
    Group,
    Staff,
    Applicant,
    ServiceItem,
    ServiceItemVersion,
    MaterialRequirement,
    FormField,
    Procedure,
    Stage,
    StageTask,
    CatalogList,
    CatalogList.items.through,
    Bundle,
    BundleItem,
]


# The case history has its own test (tests/demo/test_history.py); it would add ~20 s here.
COUNTY_STEPS = ["regions", "centers", "staff", "applicants", "catalog"]


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in COUNTED}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        first = load_demo(only=COUNTY_STEPS)
        after_first = row_counts()
        second = load_demo(only=COUNTY_STEPS)
        after_second = row_counts()
        yield {"first": first, "second": second, "after_first": after_first, "after_second": after_second}
        transaction.set_rollback(True)


@pytest.fixture
def hall(demo, db):
    return ServiceCenter.objects.get(code=HALL_CODE)


def test_second_run_changes_nothing(demo, db):
    assert demo["after_first"] == demo["after_second"]
    assert demo["first"].created["items"] > 0
    assert demo["second"].created == {}


def test_hall_has_the_huimin_shape(hall):
    assert hall.tier == ServiceCenter.Tier.COUNTY
    assert Sector.objects.filter(center=hall).count() == 11
    assert set(Sector.objects.filter(center=hall).values_list("name", flat=True)) >= {
        "不动产交易登记",
        "商事服务",
        "12345热线承办",
    }
    windows = dict(Window.objects.filter(center=hall).values_list("kind").annotate(n=Count("id")))
    assert windows["intake"] == 16
    assert windows["pickup"] == 2
    assert windows["dedicated"] >= 3
    for window in Window.objects.filter(center=hall, kind="intake").prefetch_related("sectors"):
        assert 1 <= len(window.sectors.all()) <= 2
    assert 45 <= Department.objects.filter(center=hall).count() <= 60
    assert Department.objects.filter(center=hall, name="县市场监督管理局").exists()


def test_four_level_network(hall):
    county = hall.region
    assert county.level == Region.Level.COUNTY
    assert county.parent.level == Region.Level.CITY
    assert county.parent.parent.level == Region.Level.PROVINCE
    towns = ServiceCenter.objects.filter(parent=hall, tier=ServiceCenter.Tier.TOWNSHIP)
    assert towns.count() == 10
    for town in towns.annotate(n=Count("children")):
        assert 5 <= town.n <= 8
        assert town.region.parent == county
    stations = ServiceCenter.objects.filter(tier=ServiceCenter.Tier.VILLAGE, parent__parent=hall)
    agents = Staff.objects.filter(user__groups__name=Role.PROXY_AGENT)
    assert set(agents.values_list("center", flat=True)) == set(stations.values_list("pk", flat=True))
    for code in Region.objects.filter(code__startswith=county.code[:6]).values_list("code", flat=True):
        assert len(code) == 12 and code.isdigit()


def test_staff_cover_every_role_with_ab_posts(hall):
    staff = Staff.objects.filter(center__code__startswith=HALL_CODE)
    assert 180 <= staff.count() <= 240
    for role in Role.values:
        assert staff.filter(user__groups__name=role).exists(), role
    for dept in Department.objects.filter(center=hall):
        assert staff.filter(department=dept, user__groups__name=Role.CHIEF_REPRESENTATIVE).count() == 1
    intake_a = staff.filter(window__kind="intake", window__center=hall, backup__isnull=False)
    assert intake_a.count() == 16
    for s in staff.filter(backup__isnull=False).select_related("backup"):
        assert s.backup.center_id == s.center_id
        assert s.backup.backup_id != s.pk
    assert get_user_model().objects.get(username="admin").is_superuser
    assert get_user_model().objects.get(username="ahx_admin").is_staff


def test_demo_logins_use_the_shared_password(demo, db, client):
    logins = demo["first"].logins
    assert set(logins) == set(Role.values)
    for username in logins.values():  # every demo member of staff signs in on the workbench's page
        response = client.post("/workbench/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/workbench/", username
        client.post("/workbench/logout/")
    response = client.post("/admin/login/?next=/admin/", {"username": "admin", "password": DEMO_PASSWORD})
    assert response.status_code == 302, "admin"
    client.post("/admin/logout/")
    client.post("/admin/login/", {"username": logins[Role.CENTER_ADMIN], "password": DEMO_PASSWORD})
    assert client.get("/admin/org/staff/").status_code == 200


def test_every_generated_identity_validates(demo, db):
    persons = Applicant.objects.filter(kind="person")
    organisations = Applicant.objects.filter(kind="organisation")
    assert persons.count() >= 200
    assert organisations.count() >= 100
    for a in persons:
        validate_id_number(a.id_number)
        validate_mobile(a.mobile)
    for a in organisations:
        validate_uscc(a.uscc)
    for s in Staff.objects.filter(center__code__startswith=HALL_CODE):
        validate_mobile(s.mobile)


def test_a_wrong_check_digit_would_be_caught():
    """The check above can fail: flipping the last character breaks validation."""
    row = applicant_plan(persons=1, organisations=1)
    person, org = row[0]["id_number"], row[1]["uscc"]
    with pytest.raises(ValidationError):
        validate_id_number(person[:-1] + ("1" if person[-1] != "1" else "2"))
    with pytest.raises(ValidationError):
        validate_uscc(org[:-1] + ("1" if org[-1] != "1" else "2"))


def test_catalog_size_kinds_lists_and_bundles(hall):
    items = ServiceItem.objects.filter(center=hall)
    assert 450 <= items.count() <= 500
    published = ServiceItemVersion.objects.filter(item__center=hall, status="published")
    kinds = dict(published.values_list("case_kind").annotate(n=Count("id")))
    assert set(kinds) == {"immediate", "promised", "joint", "reported"}
    assert kinds["promised"] > kinds["immediate"] > kinds["reported"]
    assert published.filter(is_free=True).count() > 0.8 * published.count()
    assert set(CatalogList.objects.filter(center=hall).values_list("kind", flat=True)) == set(
        CatalogList.Kind.values
    )
    for catalog_list in CatalogList.objects.filter(center=hall).annotate(n=Count("items")):
        assert catalog_list.n > 0, catalog_list.name
    names = set(Bundle.objects.filter(center=hall).values_list("name", flat=True))
    assert {"我要开餐馆", "我要开药店", "新生儿出生一件事", "企业开办一件事", "退休一件事"} <= names
    for bundle in Bundle.objects.filter(center=hall).annotate(n=Count("bundle_items")):
        assert bundle.n >= 3
    assert items.filter(name__startswith="食品经营许可").count() == 4
    assert items.filter(name__startswith="住房公积金提取").count() >= 5


def test_every_item_has_a_published_guide_that_fits(hall):
    versions = (
        ServiceItemVersion.objects.filter(item__center=hall, status="published")
        .select_related("item")
        .prefetch_related("materials", "procedure__stages__tasks__department")
    )
    assert versions.count() == ServiceItem.objects.filter(center=hall).count()
    tolerable = licence = 0
    for v in versions:
        assert v.legal_basis and v.conditions, v.item.name
        assert 2 <= len(v.materials.all()) <= 8, v.item.name
        tolerable += any(m.tolerable for m in v.materials.all())
        licence += any(m.source == "licence" for m in v.materials.all())
        stages = list(v.procedure.stages.all())
        assert stages, v.item.name
        for stage in stages:
            for task in stage.tasks.all():
                assert task.department.center_id == hall.pk
        longest = sum(max(t.limit_days for t in s.tasks.all()) for s in stages)
        if v.case_kind == "immediate":
            assert v.promised_limit_days == v.legal_limit_days == 0
        else:
            assert 1 <= v.promised_limit_days <= v.legal_limit_days
            if v.limit_unit == "working_days":
                assert longest <= v.promised_limit_days, v.item.name
        if v.case_kind == "joint":
            assert any(len({t.department_id for t in s.tasks.all()}) >= 2 for s in stages), v.item.name
    assert tolerable > 50
    assert licence > 200


def test_generation_is_deterministic():
    assert build_catalog_data() == build_catalog_data()
    assert staff_plan() == staff_plan()
    assert applicant_plan() == applicant_plan()


def test_command_prints_logins_and_counts(demo, db):
    out = io.StringIO()
    call_command("load_demo", *[f"--only={step}" for step in COUNTY_STEPS], stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    for username in ["admin", "ahx_admin", "ahx_a01a", "ahx_b01a", "ahx_xzsp_1"]:
        assert username in text
    assert "498" in text or str(ServiceItem.objects.filter(center__code=HALL_CODE).count()) in text


def test_a_handful_of_demo_items_ask_situation_questions(hall):
    from onewindow.catalog.models import SituationQuestion

    questions = SituationQuestion.objects.filter(version__item__center=hall, version__status="published")
    assert {q.code for q in questions} == {"who", "apply_kind"}
    assert 4 <= questions.count() <= 10
    committed = MaterialRequirement.objects.filter(
        version__item__center=hall, version__status="published", commitment_allowed=True
    )
    assert committed.filter(applies_when={"apply_kind": ["change"]}).exists()


def test_no_online_form_asks_twice_how_the_result_is_delivered(hall):
    """The application page has its own delivery section (the item's methods); a demo form field
    "结果送达方式" asked it a second time, required, with other choices."""
    labels = FormField.objects.filter(version__item__center=hall, version__status="published")
    assert labels.exists()
    assert not labels.filter(label__contains="送达").exists()
    assert not labels.filter(key="delivery_preference").exists()


def test_the_readme_examples_exist(hall):
    """README's walk-through: the food licence filed online is checked by `ahx_scjg_1` and decided by
    `ahx_scjg_chief` of 市场监督管理局; AHX-RSJ-XK-009's materials depend on the `who` answer."""
    approver = Staff.objects.get(user__username="ahx_scjg_1")
    chief = Staff.objects.get(user__username="ahx_scjg_chief")
    assert approver.department == chief.department and "市场监督管理局" in approver.department.name
    assert Role.APPROVER in approver.roles and Role.CHIEF_REPRESENTATIVE in chief.roles
    food = ServiceItemVersion.objects.get(item__code="AHX-SCJG-XK-023", status="published")
    assert food.item.department == approver.department and food.online_available
    roles = list(
        StageTask.objects.filter(stage__procedure__version=food)
        .order_by("stage__order")
        .values_list("role", flat=True)
    )
    assert roles[-1] == Role.CHIEF_REPRESENTATIVE and Role.APPROVER in roles
    school = ServiceItemVersion.objects.get(item__code="AHX-RSJ-XK-009", status="published")
    assert set(school.questions.values_list("code", flat=True)) == {"who"}
