import pytest
from django.db import IntegrityError

from onewindow.catalog.errors import CatalogError
from onewindow.catalog.models import MaterialRequirement, ServiceItemVersion, StageTask
from onewindow.catalog.selectors import item_published_version
from onewindow.catalog.services import (
    bundle_create,
    item_create,
    version_draft_create,
    version_guide_set,
    version_publish,
    version_update,
    version_validate,
)
from tests.factories.catalog import (
    MaterialRequirementFactory,
    ServiceItemVersionFactory,
    StageFactory,
    StageTaskFactory,
    guide_data,
)
from tests.factories.org import DepartmentFactory


def make_item(center, department, code="371082-XK-0001", **guide_overrides):
    return item_create(
        center=center,
        code=code,
        name="食品经营许可",
        category="licensing",
        department=department,
        guide=guide_data(department.code, **guide_overrides),
    )


def codes(errors):
    return {e["code"] for e in errors}


@pytest.mark.django_db
def test_item_create_makes_a_draft_with_the_whole_guide(center, department):
    item = make_item(center, department)
    version = item.versions.get()
    assert (version.number, version.status) == (1, ServiceItemVersion.Status.DRAFT)
    assert [m.code for m in version.materials.all()] == ["id_card", "application_form"]
    assert [f.key for f in version.form_fields.all()] == ["applicant_name", "phone"]
    assert [(s.order, s.name, [t.name for t in s.tasks.all()]) for s in version.procedure.stages.all()] == [
        (1, "审查", ["材料审查"]),
        (2, "决定", ["审批决定"]),
    ]
    assert version_validate(version) == []


@pytest.mark.django_db
def test_item_create_refuses_a_task_department_of_another_center(center, department):
    foreign = DepartmentFactory(code="FOREIGN")
    with pytest.raises(CatalogError) as exc:
        make_item(
            center,
            department,
            stages=[{"name": "审查", "tasks": [{"name": "审查", "department": foreign.code}]}],
        )
    assert exc.value.code == "ITEM_INVALID"
    assert "DEPARTMENT_NOT_IN_CENTER" in codes(exc.value.errors)
    assert exc.value.errors[0]["field"] == "guide.stages[0].tasks[0].department"


@pytest.mark.django_db
def test_item_create_refuses_a_taken_code(center, department):
    make_item(center, department)
    with pytest.raises(CatalogError) as exc:
        make_item(center, department)
    assert codes(exc.value.errors) == {"ITEM_CODE_TAKEN"}


@pytest.mark.django_db
def test_publish_freezes_the_draft_and_records_who(center, department, clerk):
    version = make_item(center, department).versions.get()
    version_publish(version=version, actor=clerk)
    version.refresh_from_db()
    assert version.status == ServiceItemVersion.Status.PUBLISHED
    assert version.published_by == clerk and version.published_at is not None


@pytest.mark.django_db
def test_publishing_a_new_draft_retires_the_previous_version(center, department, clerk):
    item = make_item(center, department)
    first = version_publish(version=item.versions.get(), actor=clerk)
    draft = version_draft_create(item=item, actor=clerk)
    assert draft.number == 2 and draft.status == ServiceItemVersion.Status.DRAFT
    version_publish(version=draft, actor=clerk)
    first.refresh_from_db()
    assert first.status == ServiceItemVersion.Status.RETIRED
    assert item_published_version(item).pk == draft.pk


@pytest.mark.django_db
def test_draft_create_copies_materials_fields_and_procedure(center, department, clerk):
    item = make_item(center, department)
    published = version_publish(version=item.versions.get(), actor=clerk)
    draft = version_draft_create(item=item, actor=clerk)
    assert draft.legal_basis == published.legal_basis
    assert [m.code for m in draft.materials.all()] == ["id_card", "application_form"]
    assert draft.materials.get(code="application_form").tolerable is True
    assert [f.key for f in draft.form_fields.all()] == ["applicant_name", "phone"]
    assert StageTask.objects.filter(stage__procedure__version=draft).count() == 2
    assert MaterialRequirement.objects.filter(version=published).count() == 2  # the original is untouched


@pytest.mark.django_db
def test_draft_create_returns_the_existing_draft(center, department, clerk):
    item = make_item(center, department)
    draft = item.versions.get()
    assert version_draft_create(item=item, actor=clerk).pk == draft.pk


@pytest.mark.django_db
def test_published_version_cannot_be_edited(center, department, clerk):
    version = version_publish(version=make_item(center, department).versions.get(), actor=clerk)
    with pytest.raises(CatalogError) as exc:
        version_update(version=version, legal_basis="新依据")
    assert exc.value.code == "VERSION_FROZEN"
    with pytest.raises(CatalogError) as exc:
        version_guide_set(version=version, guide=guide_data(department.code))
    assert exc.value.code == "VERSION_FROZEN"
    with pytest.raises(CatalogError) as exc:
        version_publish(version=version, actor=clerk)
    assert exc.value.code == "VERSION_FROZEN"


@pytest.mark.django_db
def test_version_update_changes_a_draft(center, department):
    version = make_item(center, department).versions.get()
    version_update(version=version, promised_limit_days=3, legal_basis="《食品安全法》")
    version.refresh_from_db()
    assert (version.promised_limit_days, version.legal_basis) == (3, "《食品安全法》")


@pytest.mark.django_db
def test_version_update_refuses_promised_beyond_legal_naming_the_field(center, department):
    version = make_item(center, department).versions.get()
    with pytest.raises(CatalogError) as exc:
        version_update(version=version, promised_limit_days=30)
    assert exc.value.errors[0]["code"] == "PROMISED_EXCEEDS_LEGAL"
    assert exc.value.errors[0]["field"] == "promised_limit_days"
    assert "承诺时限" in exc.value.errors[0]["message"]


@pytest.mark.django_db
def test_publish_refuses_an_invalid_version_listing_every_problem(center, department, clerk):
    version = make_item(
        center,
        department,
        materials=[],
        delivery_methods=[],
        stages=[
            {"name": "审查", "tasks": [{"name": "审查", "department": department.code, "limit_days": 4}]},
            {"name": "决定", "tasks": [{"name": "决定", "department": department.code, "limit_days": 3}]},
        ],
    ).versions.get()
    with pytest.raises(CatalogError) as exc:
        version_publish(version=version, actor=clerk)
    assert exc.value.code == "VERSION_INVALID"
    assert codes(exc.value.errors) == {"MATERIALS_REQUIRED", "DELIVERY_REQUIRED", "STAGES_EXCEED_PROMISED"}
    version.refresh_from_db()
    assert version.status == ServiceItemVersion.Status.DRAFT


@pytest.mark.django_db
def test_stage_limits_use_the_longest_task_of_each_parallel_stage(center, department, other_department):
    guide = guide_data(
        department.code,
        promised_limit_days=5,
        stages=[
            {
                "name": "并联审查",
                "tasks": [
                    {"name": "市场监管审查", "department": department.code, "limit_days": 3},
                    {"name": "自然资源审查", "department": other_department.code, "limit_days": 4},
                ],
            },
            {"name": "决定", "tasks": [{"name": "决定", "department": department.code, "limit_days": 1}]},
        ],
    )
    item = item_create(
        center=center, code="ITEM-0002", name="x", category="licensing", department=department, guide=guide
    )
    assert version_validate(item.versions.get()) == []
    version_update(version=item.versions.get(), promised_limit_days=4)
    assert codes(version_validate(item.versions.get())) == {"STAGES_EXCEED_PROMISED"}


@pytest.mark.django_db
def test_calendar_day_items_skip_the_stage_sum_rule(center, department):
    version = make_item(center, department, limit_unit="calendar_days", promised_limit_days=2).versions.get()
    assert version_validate(version) == []


@pytest.mark.django_db
def test_immediate_items_have_no_days_and_no_multi_day_stages(center, department):
    version = make_item(
        center,
        department,
        case_kind="immediate",
        legal_limit_days=0,
        promised_limit_days=0,
        stages=[
            {"name": "办理", "tasks": [{"name": "即办", "department": department.code, "limit_days": 2}]}
        ],
    ).versions.get()
    assert codes(version_validate(version)) == {"IMMEDIATE_MULTI_DAY_STAGE"}
    with pytest.raises(CatalogError) as exc:
        version_update(version=version, legal_limit_days=3)
    assert "IMMEDIATE_HAS_DAYS" in codes(exc.value.errors)


@pytest.mark.django_db
def test_validate_checks_materials_delivery_and_departments_on_model_rows(center, department):
    version = ServiceItemVersionFactory(
        item__center=center, item__department=department, status="draft", delivery_methods=["fax"]
    )
    MaterialRequirementFactory(version=version, required=True, tolerable=False)
    task = StageTaskFactory(stage=StageFactory(procedure__version=version), limit_days=1)
    task.department = DepartmentFactory()  # a department of another center
    task.save()
    errors = version_validate(version)
    assert codes(errors) == {"INVALID_CHOICE", "DEPARTMENT_NOT_IN_CENTER"}


@pytest.mark.django_db
def test_guide_rules_tolerable_and_licence_source(center, department):
    materials = [
        {"code": "a", "name": "甲", "required": False, "tolerable": True},
        {"code": "b", "name": "乙", "source": "licence"},
    ]
    with pytest.raises(CatalogError) as exc:
        make_item(center, department, materials=materials)
    assert codes(exc.value.errors) == {"TOLERABLE_NOT_REQUIRED", "LICENCE_TYPE_REQUIRED"}
    messages = " ".join(e["message"] for e in exc.value.errors)
    assert "容缺" in messages and "电子证照" in messages


@pytest.mark.django_db
def test_database_still_guards_tolerable_without_required(center, department):
    version = make_item(center, department).versions.get()
    with pytest.raises(IntegrityError):
        MaterialRequirementFactory(version=version, required=False, tolerable=True)


@pytest.mark.django_db
def test_bundle_refuses_items_of_another_center(center, department):
    item = make_item(center, department)
    foreign_department = DepartmentFactory()
    foreign = make_item(foreign_department.center, foreign_department, code="OTHER-0001")
    with pytest.raises(CatalogError) as exc:
        bundle_create(center=center, code="BUNDLE-KDCY", name="我要开餐馆", items=[item, foreign])
    assert exc.value.code == "ITEM_NOT_IN_CENTER"


@pytest.mark.django_db
def test_version_guide_set_replaces_a_drafts_whole_guide(center, department, other_department):
    version = make_item(center, department).versions.get()
    guide = guide_data(
        department.code,
        materials=[
            {"code": "licence", "name": "营业执照", "source": "licence", "licence_type": "business_licence"}
        ],
        stages=[
            {
                "name": "联合审查",
                "tasks": [{"name": "审查", "department": other_department.code, "limit_days": 5}],
            }
        ],
    )
    version_guide_set(version=version, guide=guide)
    version.refresh_from_db()
    assert [m.code for m in version.materials.all()] == ["licence"]
    assert [t.department for t in StageTask.objects.filter(stage__procedure__version=version)] == [
        other_department
    ]
    assert version_validate(version) == []
