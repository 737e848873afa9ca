"""A one-time notice (一次性告知书) is a document that was issued: it reprints as it was issued
(what it asked for, on which date, by whom, under which number) whatever happened after, and a
second notice is its own paper with its own number and date."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from onewindow.cases import services
from onewindow.cases.documents.notice import MaterialStatus
from onewindow.cases.documents.render import render_notice
from onewindow.cases.errors import CaseError
from onewindow.cases.models import CaseEvent
from onewindow.cases.notices import case_notice, notice_ordinal
from onewindow.core import clock
from tests.factories.cases import make_world, submit

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
MATERIALS = [{"code": "id_card", "name": "身份证明"}, {"code": "licence", "name": "营业执照"}]


def pdf_text(notice) -> str:
    pdf = render_notice(notice)
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def asked_then_answered():
    """A window intake missing the licence (1 Dec), answered and accepted (3 Dec)."""
    world = make_world(materials=MATERIALS)
    with clock.frozen(dt.datetime(2026, 12, 1, 9, 30, tzinfo=TZ)):
        application = submit(world, materials=["id_card"])
        services.application_intake(application=application, actor=world.clerk)
    case = application.cases.get()
    with clock.frozen(dt.datetime(2026, 12, 3, 10, 0, tzinfo=TZ)):
        first = case_notice(case=case, kind="supplement")
        services.application_supplement(application=application, materials=["licence"], actor=world.clerk)
        services.application_intake(application=application, actor=world.clerk)
    case.refresh_from_db()
    return world, application, case, first


def test_the_notice_reprints_as_issued_after_the_materials_came_and_the_case_was_accepted():
    world, _application, case, first = asked_then_answered()
    assert case.state == "accepted"
    with clock.frozen(dt.datetime(2027, 1, 5, 9, 0, tzinfo=TZ)):  # a reprint, next year
        again = case_notice(case=case, kind="supplement")
    assert again.notice_number == first.notice_number == f"〔2026〕补字第 {case.number} 号"
    assert again.issued_at == first.issued_at
    assert again.materials == first.materials
    assert [m.name for m in again.materials] == ["营业执照"]
    assert again.clerk_name == world.clerk.name
    text = pdf_text(again)
    assert "2026年12月1日" in text and "营业执照" in text and "共1项" in text


def test_a_second_notice_prints_its_own_number_date_and_list_and_the_first_stays_as_it_was():
    # the licence came blurred: the clerk refuses it, a second notice
    world = make_world(materials=MATERIALS)
    with clock.frozen(dt.datetime(2026, 12, 1, 9, 30, tzinfo=TZ)):
        application = submit(world, materials=["id_card"])
        services.application_intake(application=application, actor=world.clerk)
    with clock.frozen(dt.datetime(2026, 12, 4, 14, 0, tzinfo=TZ)):
        services.application_supplement(application=application, materials=["licence"], actor=world.clerk)
        services.application_request_supplement(
            application=application,
            actor=world.clerk,
            materials=[{"code": "licence", "note": "营业执照照片模糊，无法辨认"}],
        )
    with clock.frozen(dt.datetime(2026, 12, 8, 9, 0, tzinfo=TZ)):
        services.application_supplement(application=application, materials=["licence"], actor=world.clerk)
        services.application_intake(application=application, actor=world.clerk)
    case = application.cases.get()
    assert case.state == "accepted"
    latest = case_notice(case=case, kind="supplement")
    one, two = (case_notice(case=case, kind="supplement", ordinal=n) for n in (1, 2))
    assert latest == two
    assert one.notice_number == f"〔2026〕补字第 {case.number} 号" and one.ordinal == 1
    assert two.notice_number == f"〔2026〕补字第 {case.number}之2 号" and two.ordinal == 2
    assert one.issued_at.astimezone(TZ).date() == dt.date(2026, 12, 1)
    assert two.issued_at.astimezone(TZ).date() == dt.date(2026, 12, 4)
    assert [(m.name, m.status) for m in one.materials] == [("营业执照", MaterialStatus.MISSING)]
    assert [(m.name, m.status, m.note) for m in two.materials] == [
        ("营业执照", MaterialStatus.REJECTED, "营业执照照片模糊，无法辨认")
    ]
    assert two.filename.endswith("-supplement-2.pdf") and one.filename.endswith("-supplement.pdf")
    text = pdf_text(two)
    assert "之2号" in text and "2026年12月4日" in text and "营业执照照片模糊，无法辨认" in text
    with pytest.raises(CaseError) as exc:
        case_notice(case=case, kind="supplement", ordinal=3)
    assert exc.value.code == "NOTICE_NOT_AVAILABLE"


def test_what_was_wrong_with_a_refused_material_is_kept_on_the_event_not_read_from_the_row_later():
    world = make_world(materials=MATERIALS)
    application = submit(world)
    services.application_request_supplement(
        application=application, actor=world.clerk, materials=["licence"], note="已过有效期"
    )
    event = CaseEvent.objects.get(action="request_supplement")
    assert event.data["rejected"] == ["licence"] and event.data["notes"] == {"licence": "已过有效期"}
    services.application_supplement(application=application, materials=["licence"], actor=world.clerk)
    services.application_intake(application=application, actor=world.clerk)
    (material,) = case_notice(case=application.cases.get(), kind="supplement").materials
    assert material.status == MaterialStatus.REJECTED and material.note == "已过有效期"


def test_a_bundles_notice_names_every_item_from_any_of_its_cases():
    from tests.factories.cases import item_with_procedure

    world = make_world(materials=MATERIALS)
    second, _v = item_with_procedure(
        center=world.center, department=world.department, materials=[{"code": "lease", "name": "租赁合同"}]
    )
    application = submit(world, items=[world.item, second], materials=["id_card"])
    services.application_intake(application=application, actor=world.clerk)
    services.application_supplement(
        application=application, materials=["licence", "lease"], actor=world.clerk
    )
    services.application_intake(application=application, actor=world.clerk)
    a, b = application.cases.order_by("pk")
    one, other = case_notice(case=a, kind="supplement"), case_notice(case=b, kind="supplement")
    assert one == other and one.case_number == a.number
    assert {m.name for m in one.materials} == {"营业执照", "租赁合同"}
    assert world.item.name in one.item_name and second.name in one.item_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("1", 1),
        ("12", 12),
        ("0", 0),
        ("-1", 0),
        ("abc", 0),
        ("１", 0),
        ("9" * 40, 0),
    ],
)
def test_the_notice_ordinal_of_an_address_is_a_small_positive_number_or_refused(raw, expected):
    assert notice_ordinal(raw) == expected
