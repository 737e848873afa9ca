"""The intake screen's test desk: an item with a form and three materials, one of them 容缺."""

from __future__ import annotations

from tests.factories.cases import World, make_world

FIELDS = [
    {"key": "applicant_name", "label": "申请人名称"},
    {"key": "contact_phone", "label": "联系电话"},
    {"key": "business_address", "label": "经营场所"},
]
MATERIALS = [
    {"code": "id_card", "name": "申请人身份证明"},
    {"code": "licence", "name": "营业执照"},
    {"code": "site", "name": "经营场所使用证明", "tolerable": True, "tolerance_days": 5},
]


def intake_desk(settings, files_dir, *, fields=None) -> World:
    """A world whose item is 食品经营许可（新办） (pinyin spjy); scans kept under `files_dir`."""
    settings.ONEWINDOW_FILES_DIR = files_dir
    world = make_world(form_fields=fields or FIELDS, materials=MATERIALS)
    world.item.name = "食品经营许可（新办）"
    world.item.pinyin_initials = "spjyxkxb"
    world.item.save()
    return world


def earlier_intake(world: World, form_data: dict) -> None:
    """The applicant came before: every material was checked against its original then."""
    from onewindow.cases import services

    earlier = services.application_create(
        center=world.center,
        applicant=world.applicant,
        items=[world.item],
        form_data=form_data,
        materials=[m["code"] for m in MATERIALS],
        actor=world.clerk,
    )
    services.application_intake(application=earlier, actor=world.clerk)
