"""The unified application form: every key asked once across the items, values checked by kind."""

import pytest

from onewindow.cases import channels, services
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Application, Case
from onewindow.core.models import Counter
from tests.factories.cases import item_with_procedure, make_world, submit
from tests.factories.catalog import BundleFactory, BundleItemFactory
from tests.factories.org import ApplicantFactory, UserFactory

pytestmark = pytest.mark.django_db

FORM = [
    {"key": "project", "label": "项目名称"},
    {"key": "investment", "label": "总投资（万元）", "kind": "number", "required": False},
    {"key": "start", "label": "计划开工日期", "kind": "date", "required": False},
    {"key": "delivery", "label": "结果送达方式", "kind": "choice", "choices": ["窗口领取", "邮寄送达"]},
    {"key": "urgent", "label": "是否加急", "kind": "boolean", "required": False},
]
GOOD = {"project": "城东污水处理厂", "delivery": "窗口领取"}


@pytest.fixture
def world():
    return make_world(form_fields=FORM)


def _refused(world, form_data) -> CaseError:
    before = (Application.objects.count(), list(Counter.objects.values_list("name", "value")))
    with pytest.raises(CaseError) as refused:
        submit(world, form_data=form_data)
    assert (Application.objects.count(), list(Counter.objects.values_list("name", "value"))) == before
    return refused.value


def test_a_complete_form_is_stored_with_dates_and_answers_normalised(world):
    import datetime as dt

    application = submit(
        world, form_data={**GOOD, "investment": "1200.5", "start": dt.date(2026, 12, 1), "urgent": True}
    )
    application.refresh_from_db()
    assert application.form_data == {
        "project": "城东污水处理厂",
        "delivery": "窗口领取",
        "investment": 1200.5,
        "start": "2026-12-01",
        "urgent": True,
    }


def test_a_missing_required_field_is_named_in_chinese_and_nothing_is_created(world):
    error = _refused(world, {"delivery": "窗口领取", "project": "   "})
    assert (error.code, error.field) == ("FIELD_REQUIRED", "form_data.project")
    assert "项目名称" in error.message


@pytest.mark.parametrize(
    ("value", "field", "words"),
    [
        ({"investment": "一千万"}, "form_data.investment", "“总投资（万元）”应为数字，不能填“一千万”"),
        ({"start": "2026-13-45"}, "form_data.start", "“计划开工日期”"),
        ({"delivery": "快递到家"}, "form_data.delivery", "可填：窗口领取、邮寄送达"),
        ({"urgent": "maybe"}, "form_data.urgent", "“是否加急”只能填“是”或“否”"),
        ({"colour": "red"}, "form_data.colour", "此处没有“colour”这一项"),
    ],
)
def test_a_bad_value_is_refused_with_the_field_and_the_reason(world, value, field, words):
    error = _refused(world, {**GOOD, **value})
    assert (error.code, error.field) == ("FIELD_INVALID", field)
    assert words in error.message
    assert error.as_dict()["field"] == field


def test_a_bundle_asks_a_shared_key_once_and_requires_it_if_any_item_does(world):
    second, _version = item_with_procedure(
        center=world.center,
        department=world.department,
        form_fields=[
            {"key": "project", "label": "项目名称", "required": False},
            {"key": "floors", "label": "层数", "kind": "number"},
        ],
    )
    bundle = BundleFactory(center=world.center)
    BundleItemFactory(bundle=bundle, item=world.item, order=1)
    BundleItemFactory(bundle=bundle, item=second, order=2)

    with pytest.raises(CaseError) as refused:
        services.application_create(
            center=world.center,
            applicant=world.applicant,
            bundle=bundle,
            form_data={"delivery": "窗口领取", "floors": 6},
            materials=["id_card"],
            actor=world.clerk,
        )
    assert refused.value.field == "form_data.project"  # optional for one item, required by the other

    application = services.application_create(
        center=world.center,
        applicant=world.applicant,
        bundle=bundle,
        form_data={**GOOD, "floors": 6},
        materials=["id_card"],
        actor=world.clerk,
    )
    assert application.cases.count() == 2


def test_a_draft_may_be_half_filled_but_is_checked_when_submitted(world):
    citizen = ApplicantFactory(user=UserFactory())
    draft = channels.portal_draft_create(
        actor=citizen, center=world.center, items=[world.item], form_data={"project": "城东污水处理厂"}
    )
    with pytest.raises(CaseError) as refused:
        channels.portal_draft_submit(application=draft, actor=citizen, idempotency_key="k-1")
    assert refused.value.field == "form_data.delivery"
    assert Case.objects.get(application=draft).state == "draft"

    channels.portal_draft_update(application=draft, actor=citizen, form_data={"delivery": "邮寄送达"})
    channels.portal_draft_submit(application=draft, actor=citizen, idempotency_key="k-2")
    assert Case.objects.get(application=draft).state == "prereview"
