"""Workbench pages: notice PDFs scoped to what the staff member may see, the batch sheet and upload."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from onewindow.cases import channels
from onewindow.cases.models import Application
from onewindow.core.jobs import job_run
from onewindow.core.models import Job
from onewindow.org.models import Role
from tests.factories.cases import accepted_case, completed_case, submit
from tests.factories.org import ServiceCenterFactory, StaffFactory, UserFactory, with_id_check_digit

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).replace("\n", "")


def test_notice_pdf_for_a_case_in_scope(client, world, django_assert_max_num_queries):
    case = accepted_case(world)
    client.force_login(world.clerk.user)
    with django_assert_max_num_queries(19):  # 12, and the first print issues the binding code
        response = client.get(f"/workbench/cases/{case.number}/notice/acceptance.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert case.number in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert case.number in text.replace(" ", "") and "受理通知书" in text.replace(" ", "")


def test_department_staff_see_their_department_cases_notices(client, world):
    case = completed_case(world)
    client.force_login(world.approver.user)
    response = client.get(f"/workbench/cases/{case.number}/notice/completion.pdf")
    assert response.status_code == 200
    assert len(PdfReader(io.BytesIO(response.content)).pages) >= 1


def test_staff_of_another_center_get_404(client, world):
    case = accepted_case(world)
    stranger = StaffFactory(center=ServiceCenterFactory(), roles=[Role.INTAKE_CLERK, Role.CENTER_ADMIN])
    client.force_login(stranger.user)
    assert client.get(f"/workbench/cases/{case.number}/notice/acceptance.pdf").status_code == 404


def test_unknown_kind_unreached_notice_and_unknown_case_are_404(client, world):
    case = accepted_case(world)
    client.force_login(world.clerk.user)
    assert client.get(f"/workbench/cases/{case.number}/notice/letter.pdf").status_code == 404
    assert client.get(f"/workbench/cases/{case.number}/notice/handover.pdf").status_code == 404
    assert client.get("/workbench/cases/NOPE-1/notice/acceptance.pdf").status_code == 404


def test_supplement_notice_pdf(client, world):
    application = submit(world, materials=[])
    from onewindow.cases import services

    services.application_intake(application=application, actor=world.clerk)
    client.force_login(world.clerk.user)
    number = application.cases.get().number
    response = client.get(f"/workbench/cases/{number}/notice/supplement.pdf")
    assert response.status_code == 200
    assert "一次性告知书" in pdf_text(response.content).replace(" ", "")


def test_anonymous_users_are_sent_to_sign_in_and_non_staff_refused(client, world):
    case = accepted_case(world)
    url = f"/workbench/cases/{case.number}/notice/acceptance.pdf"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/workbench/login/")
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_batch_template_for_an_intake_clerk(client, world, django_assert_max_num_queries):
    client.force_login(world.clerk.user)
    with django_assert_max_num_queries(13):  # session, user, staff+roles, item, plan with its form (memoised)
        response = client.get(f"/workbench/batch/{world.item.code}/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert world.item.code in response["Content-Disposition"]
    header = [c.value for c in load_workbook(io.BytesIO(response.content)).worksheets[0][1]]
    assert header == [c.header for c in channels.batch_columns(item=world.item)]


def test_batch_template_refused_to_other_roles_and_other_centers(client, world):
    client.force_login(world.approver.user)
    assert client.get(f"/workbench/batch/{world.item.code}/template.xlsx").status_code == 403
    other_clerk = StaffFactory(center=ServiceCenterFactory(), roles=[Role.INTAKE_CLERK])
    client.force_login(other_clerk.user)
    assert client.get(f"/workbench/batch/{world.item.code}/template.xlsx").status_code == 404


def test_batch_upload_page_accepts_good_rows_and_lists_bad_ones(client, world):
    client.force_login(world.clerk.user)
    template = client.get(f"/workbench/batch/{world.item.code}/template.xlsx").content
    wb = load_workbook(io.BytesIO(template))
    ws = wb.worksheets[0]
    width = ws.max_column
    good = ["张三", with_id_check_digit("37088219900101001"), "13800138000", "", ""] + ["已收"] * (width - 5)
    bad = ["李四", "12345", "", "", ""] + ["已收"] * (width - 5)
    ws.append(good)
    ws.append(bad)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "sheet.xlsx"
    page = client.get(f"/workbench/batch/{world.item.code}/")
    assert page.status_code == 200 and b"<form" in page.content
    response = client.post(f"/workbench/batch/{world.item.code}/", {"sheet": buffer})
    assert response.status_code == 302  # to the job's page; the worker takes the rows in
    job = Job.objects.get()
    job_run(job.pk, job.attempt)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert (page.context["report"]["created"], [e.row for e in page.context["errors"]]) == (1, [3])
    assert Application.objects.filter(channel="batch").count() == 1
    assert page.context["results"][0].case_number in page.content.decode()


def test_batch_upload_without_a_file_is_a_400(client, world):
    client.force_login(world.clerk.user)
    assert client.post(f"/workbench/batch/{world.item.code}/", {}).status_code == 400


def _sheet_upload(world, rows: list[list]) -> io.BytesIO:
    from tests.cases.channels.sheets import xlsx

    buffer = io.BytesIO(xlsx([c.header for c in channels.batch_columns(item=world.item)], rows))
    buffer.name = "sheet.xlsx"
    return buffer


def test_batch_upload_over_the_size_limit_is_a_400_naming_the_limit(client, world, settings):
    settings.ONEWINDOW_BATCH_MAX_BYTES = 2000
    client.force_login(world.clerk.user)
    response = client.post(
        f"/workbench/batch/{world.item.code}/", {"sheet": _sheet_upload(world, [["某"] * 6] * 50)}
    )
    assert response.status_code == 400
    assert "批量受理表最大为0.0 MiB" in response.content.decode()
    assert not Application.objects.exists()


def test_the_supplement_notice_still_prints_after_the_case_was_accepted(client, world):
    from onewindow.cases import services

    application = submit(world, materials=[])
    services.application_intake(application=application, actor=world.clerk)
    services.application_supplement(application=application, materials=["id_card"], actor=world.clerk)
    case = services.application_intake(application=application, actor=world.clerk).accepted[0]
    client.force_login(world.clerk.user)
    page = client.get(f"/workbench/cases/{case.number}/").content.decode()
    assert f'href="/workbench/cases/{case.number}/notice/supplement.pdf"' in page
    response = client.get(f"/workbench/cases/{case.number}/notice/supplement.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content).replace(" ", "")
    assert "一次性告知书" in text and "身份证明" in text
    assert client.get(f"/workbench/cases/{case.number}/notice/supplement.pdf?n=2").status_code == 404
    assert client.get(f"/workbench/cases/{case.number}/notice/supplement.pdf?n=zz").status_code == 404


def test_two_one_time_notices_are_two_links_on_the_case_page(client, world):
    from onewindow.cases import services

    application = submit(world, materials=[])
    services.application_intake(application=application, actor=world.clerk)
    services.application_supplement(application=application, materials=["id_card"], actor=world.clerk)
    services.application_request_supplement(application=application, actor=world.clerk, materials=["id_card"])
    case = application.cases.get()
    client.force_login(world.clerk.user)
    page = client.get(f"/workbench/cases/{case.number}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for n in (1, 2):
        assert f'href="/workbench/cases/{case.number}/notice/supplement.pdf?n={n}"' in page
        assert f"一次性告知（第{n}份）" in page
    second = pdf_text(client.get(f"/workbench/cases/{case.number}/notice/supplement.pdf?n=2").content)
    assert f"{case.number}之2" in second.replace(" ", "") and "不符合要求" in second.replace(" ", "")
