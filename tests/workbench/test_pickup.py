"""The pickup window (统一出件): find an applicant's ready cases, hand over, mail, deliver electronically."""

import io

import pytest
from pypdf import PdfReader

from onewindow.cases.models import Case, CaseEvent
from onewindow.org.models import Role
from tests.factories.cases import accepted_case, completed_case, make_world
from tests.factories.org import ApplicantFactory, ServiceCenterFactory, StaffFactory, with_id_check_digit

pytestmark = pytest.mark.django_db
PASSWORD = "onewindow-test"
PAGE = "/workbench/pickup/"


def sign_in(client, staff) -> None:
    response = client.post("/workbench/login/", {"username": staff.user.username, "password": PASSWORD})
    assert response.status_code == 302
    client.get("/workbench/")  # the first page after signing in stamps the session's idle clock


def deliver_url(case) -> str:
    return f"/workbench/pickup/{case.number}/deliver/"


@pytest.fixture
def ready(world):
    return completed_case(world)


def test_a_case_number_finds_the_applicants_ready_cases(client, world, ready, django_assert_max_num_queries):
    second = completed_case(world)
    sign_in(client, world.pickup)
    with django_assert_max_num_queries(8):  # session, user, staff + roles, the case, the ready cases
        response = client.post(PAGE, {"q": ready.number.lower()})
    page = response.content.decode()
    assert response.status_code == 200
    assert ready.number in page and second.number in page
    assert world.applicant.name not in page  # masked
    assert world.applicant.masked_id_number in page


def test_an_id_number_and_a_mobile_number_find_the_applicant_through_their_blind_indexes(
    client, world, ready, django_assert_max_num_queries
):
    sign_in(client, world.pickup)
    spaced = " ".join(world.applicant.id_number[i : i + 6] for i in range(0, 18, 6)).lower()
    with django_assert_max_num_queries(8):  # session, user, staff + roles, applicant, ready cases
        by_id = client.post(PAGE, {"q": spaced})
    assert ready.number in by_id.content.decode()
    with django_assert_max_num_queries(8):
        by_mobile = client.post(PAGE, {"q": "+86 138-0013-8000"})
    assert ready.number in by_mobile.content.decode()


def test_the_query_count_does_not_grow_with_the_number_of_ready_cases(
    client, world, django_assert_max_num_queries
):
    for _ in range(4):
        completed_case(world)
    sign_in(client, world.pickup)
    with django_assert_max_num_queries(8):
        response = client.post(PAGE, {"q": world.applicant.id_number})
    assert response.content.decode().count('data-testid="pickup-case"') == 4


def test_a_case_not_yet_ready_is_named_with_its_state(client, world):
    case = accepted_case(world)
    sign_in(client, world.pickup)
    page = client.post(PAGE, {"q": case.number}).content.decode()
    assert "已受理" in page and case.number in page
    assert 'data-testid="pickup-case"' not in page


def test_another_centers_applicant_and_cases_are_never_shown(client, world, ready):
    stranger = StaffFactory(center=ServiceCenterFactory(), roles=[Role.PICKUP_CLERK])
    sign_in(client, stranger)
    for term in (ready.number, world.applicant.id_number, world.applicant.mobile):
        page = client.post(PAGE, {"q": term}).content.decode()
        assert ready.number not in page or "pickup-case" not in page
        assert 'data-testid="pickup-none"' in page
        assert world.applicant.masked_id_number not in page
    response = client.post(deliver_url(ready), {"method": "electronic"})
    assert response.status_code == 404
    assert Case.objects.get(pk=ready.pk).state == "completed"


@pytest.mark.parametrize(
    "term",
    [
        "hello",
        "1" * 41,
        "办件",
        "<script>alert(1)</script>",
        "ＡＢ-20260101-1" + "9" * 40,
        "1" * 5000,
        "1380013800",
    ],
)
def test_a_search_that_is_no_number_says_so_in_chinese_on_the_field(client, world, term):
    sign_in(client, world.pickup)
    response = client.post(PAGE, {"q": term})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="pickup-error"' in page
    assert "<script>alert" not in page
    assert "办件编号" in page or "最多" in page


def test_a_nul_character_is_refused_before_the_view(client, world):
    sign_in(client, world.pickup)
    assert client.post(PAGE, {"q": "3716\x00"}).status_code == 400


def test_a_wellformed_number_nobody_has_finds_nothing(client, world):
    sign_in(client, world.pickup)
    for term in (with_id_check_digit("11010519991231999"), "13912345678", "C9999-20260101-000001"):
        page = client.post(PAGE, {"q": term}).content.decode()
        assert 'data-testid="pickup-none"' in page


def test_hand_over_to_the_applicant_in_person(client, world, ready):
    sign_in(client, world.pickup)
    response = client.post(
        deliver_url(ready), {"method": "pickup", "signed_by": world.applicant.name}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    case = Case.objects.get(pk=ready.pk)
    assert case.state == "delivered" and case.signed_by == world.applicant.name
    assert f"/workbench/cases/{case.number}/notice/handover.pdf" in response.content.decode()
    receipt = client.get(f"/workbench/cases/{case.number}/notice/handover.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt.content)).pages).replace(" ", "")
    assert "出件回执" in text and world.applicant.name in text


def test_someone_else_collects_with_a_document_number_kept_masked(client, world, ready):
    sign_in(client, world.pickup)
    document = with_id_check_digit("37162119900101123")
    client.post(
        deliver_url(ready),
        {"method": "pickup", "signed_by": "李四", "proxy": "1", "collector_id_number": document.lower()},
    )
    event = CaseEvent.objects.get(case=ready, action="deliver")
    assert event.data["signed_by"] == "李四"
    assert event.data["collector_document"] == document[:6] + "********" + document[-4:]
    assert document not in str(event.data)
    receipt = client.get(f"/workbench/cases/{ready.number}/notice/handover.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt.content)).pages).replace(" ", "")
    assert document[:6] + "********" + document[-4:] in text


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"signed_by": ""}, "signed_by", "领取人姓名"),
        ({"signed_by": "王" * 51}, "signed_by", "领取人姓名"),
        ({"signed_by": "不是本人"}, "signed_by", "他人代领"),
        ({"signed_by": "李四", "proxy": "1"}, "collector_id_number", "证件号码"),
        ({"signed_by": "李四", "proxy": "1", "collector_id_number": "12"}, "collector_id_number", "证件号码"),
        (
            {"signed_by": "李四", "proxy": "1", "collector_id_number": "371621199001011230"},
            "collector_id_number",
            "校验",
        ),
        ({"signed_by": "李四", "proxy": "maybe"}, "proxy", "他人代领"),
    ],
)
def test_hand_over_refusals_name_the_field_and_write_nothing(client, world, ready, data, field, words):
    sign_in(client, world.pickup)
    response = client.post(deliver_url(ready), {"method": "pickup", **data}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # htmx swaps the card with its errors
    page = response.content.decode()
    assert words in page and "is-invalid" in page
    assert Case.objects.get(pk=ready.pk).state == "completed"
    assert not CaseEvent.objects.filter(case=ready, action="deliver").exists()


def test_without_htmx_a_refusal_is_a_400_page_and_a_success_a_redirect(client, world, ready):
    sign_in(client, world.pickup)
    assert client.post(deliver_url(ready), {"method": "pickup"}).status_code == 400
    response = client.post(
        deliver_url(ready), {"method": "mail", "carrier": "EMS", "tracking_number": "EA123456789CN"}
    )
    assert response.status_code == 302 and response["Location"].startswith(PAGE)


def test_mailing_records_carrier_and_tracking_number(client, world, ready):
    sign_in(client, world.pickup)
    client.post(
        deliver_url(ready),
        {"method": "mail", "carrier": "中国邮政EMS", "tracking_number": " ea 1234 5678 9cn "},
    )
    case = Case.objects.get(pk=ready.pk)
    assert case.delivery_method == "mail" and case.tracking_number == "EA123456789CN"
    assert CaseEvent.objects.get(case=ready, action="deliver").data["carrier"] == "中国邮政EMS"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"carrier": "", "tracking_number": "EA123456789CN"}, "寄递企业"),
        ({"carrier": "EMS", "tracking_number": ""}, "快递单号"),
        ({"carrier": "EMS", "tracking_number": "单号"}, "快递单号"),
        ({"carrier": "E" * 41, "tracking_number": "EA123456789CN"}, "寄递企业"),
        ({"carrier": "EMS", "tracking_number": "1" * 65}, "快递单号"),
    ],
)
def test_mail_refusals_name_the_field(client, world, ready, data, words):
    sign_in(client, world.pickup)
    response = client.post(deliver_url(ready), {"method": "mail", **data})
    assert response.status_code == 400 and words in response.content.decode()
    assert Case.objects.get(pk=ready.pk).state == "completed"


def test_electronic_delivery_and_an_unknown_method(client, world, ready):
    sign_in(client, world.pickup)
    assert client.post(deliver_url(ready), {"method": "drone"}).status_code == 400
    assert client.post(deliver_url(ready), {"method": "electronic"}).status_code == 302
    assert Case.objects.get(pk=ready.pk).delivery_method == "electronic"


def test_a_double_clicked_hand_over_delivers_once(client, world, ready):
    sign_in(client, world.pickup)
    data = {"method": "pickup", "signed_by": world.applicant.name}
    first = client.post(deliver_url(ready), data, HTTP_HX_REQUEST="true")
    second = client.post(deliver_url(ready), data, HTTP_HX_REQUEST="true")
    assert first.status_code == second.status_code == 200
    assert 'data-testid="receipt"' in second.content.decode()
    assert CaseEvent.objects.filter(case=ready, action="deliver").count() == 1


def test_a_case_not_ready_cannot_be_handed_over(client, world):
    case = accepted_case(world)
    sign_in(client, world.pickup)
    response = client.post(deliver_url(case), {"method": "electronic"})
    assert response.status_code == 400
    assert "已受理" in response.content.decode()


def test_an_organisation_collector_always_shows_a_document(client):
    from onewindow.cases import services
    from tests.factories.org import OrganisationApplicantFactory

    world = make_world()
    world.applicant = OrganisationApplicantFactory()
    case = completed_case(world)
    sign_in(client, world.pickup)
    response = client.post(deliver_url(case), {"method": "pickup", "signed_by": "经办人王五"})
    assert response.status_code == 400 and "证件号码" in response.content.decode()
    assert services  # the engine stays the only writer


def test_only_pickup_and_intake_clerks_open_the_window(client, world):
    sign_in(client, world.approver)
    assert client.get(PAGE).status_code == 403
    client.post("/workbench/logout/")
    sign_in(client, world.pickup)
    page = client.get("/workbench/").content.decode()
    assert 'data-testid="panel-pickup"' in page and 'href="/workbench/pickup/"' in page


def test_the_mobile_blind_index_follows_registration_and_correction():
    from onewindow.core.fields import personal_digest
    from onewindow.org.selectors import applicant_list
    from onewindow.org.services import applicant_create, applicant_update

    person = applicant_create(
        kind="person", name="赵六", id_number=with_id_check_digit("11010519800101555"), mobile="139 0000 1111"
    )
    assert person.mobile_digest == personal_digest("13900001111")
    other = ApplicantFactory(mobile="13900001111")
    assert set(applicant_list(mobile="+8613900001111")) == {person, other}
    applicant_update(
        applicant=person, kind="person", name="赵六", id_number=person.id_number, mobile="13700002222"
    )
    assert list(applicant_list(mobile="13900001111")) == [other]
    assert list(applicant_list(mobile="")) == []


def test_an_id_number_never_travels_in_the_address(client, world, ready):
    sign_in(client, world.pickup)
    page = client.get(PAGE, {"q": world.applicant.id_number}).content.decode()
    assert 'data-testid="pickup-case"' not in page  # not searched: the search is a POST
    assert f'value="{world.applicant.id_number}"' not in page
    page = client.get(PAGE, {"q": ready.number}).content.decode()  # where a hand-over comes back to
    assert 'data-testid="pickup-case"' in page and f'value="{ready.number}"' in page


def test_the_migration_fills_the_mobile_digest_of_stored_applicants():
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    from onewindow.core.fields import personal_digest
    from onewindow.org.models import Applicant

    fill = importlib.import_module("onewindow.org.migrations.0007_applicant_mobile_digest").fill_digests
    people = [ApplicantFactory(mobile=f"1390000{n:04d}") for n in range(3)] + [ApplicantFactory(mobile="")]
    Applicant.objects.update(mobile_digest="")
    fill(apps, SimpleNamespace(connection=connection))  # the function reads only the editor's connection
    digests = dict(Applicant.objects.values_list("pk", "mobile_digest"))
    assert [digests[p.pk] for p in people] == [personal_digest(p.mobile) for p in people[:3]] + [""]
