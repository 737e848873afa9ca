"""Batch intake: one Excel sheet, one row per applicant; good rows become applications, bad rows
are reported by row and column. Every sheet here is a real xlsx written with openpyxl."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from onewindow.cases import channels
from onewindow.cases.errors import CaseError
from onewindow.cases.models import Application, Case, CaseEvent
from onewindow.catalog.models import FormField
from onewindow.org.models import Applicant, Role
from tests.cases.channels.sheets import good_row, headers, person_id, xlsx
from tests.factories.catalog import FormFieldFactory
from tests.factories.org import ApplicantFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_two_hundred_rows_with_three_bad_ones_make_197_applications(world, nurse):
    rows = [good_row(n) for n in range(200)]
    rows[10][1] = rows[10][1][:17] + ("0" if rows[10][1][17] != "0" else "1")  # wrong check digit
    rows[50][5] = ""  # 执业机构 missing
    rows[120][3] = "飞鸽传书"  # unknown delivery method
    rows[7][8:12] = ["已收", "已收", "容缺", "否"]  # tolerated health certificate
    rows[8][8:12] = ["已收", "缺", "已收", "否"]  # diploma missing: supplement
    report = channels.batch_intake(
        center=world.center, item=nurse, actor=world.clerk, xlsx=xlsx(headers(nurse), rows)
    )

    assert (report.rows, len(report.created), len(report.errors)) == (200, 197, 3)
    assert Application.objects.filter(channel="batch").count() == 197
    assert [(e.row, e.column, e.code) for e in report.errors] == [
        (12, headers(nurse)[1], "ID_NUMBER_INVALID"),
        (52, "执业机构", "FIELD_REQUIRED"),
        (122, headers(nurse)[3], "DELIVERY_METHOD_UNKNOWN"),
    ]
    assert "校验位" in report.errors[0].message  # the validator's Chinese reason
    assert "飞鸽传书" in report.errors[2].message
    by_row = {r.row: r for r in report.created}
    assert by_row[9].outcome == "accepted_with_pending"
    assert by_row[10].outcome == "supplement_requested"
    assert report.count("accepted") == 195
    assert Case.objects.get(number=by_row[9].case_number).pending_materials_due is not None
    assert Case.objects.get(number=by_row[10].case_number).state == "pending_supplement"
    assert Case.objects.get(number=by_row[2].case_number).state == "accepted"
    application = Application.objects.get(number=by_row[2].application_number)
    assert application.form_data == {"employer": "县人民医院", "category": "护士", "graduated": "2018-07-01"}
    assert Applicant.objects.count() == 197 + 1  # the world's own applicant
    with translation.override("zh-hans"):
        text = report.as_text()
    assert "第52行“执业机构”列：请填写“执业机构”。" in text


def test_running_the_same_sheet_again_imports_nothing_twice(world, nurse):
    sheet = xlsx(headers(nurse), [good_row(n) for n in range(3)])
    channels.batch_intake(center=world.center, item=nurse, actor=world.clerk, xlsx=sheet)
    again = channels.batch_intake(center=world.center, item=nurse, actor=world.clerk, xlsx=sheet)
    assert (len(again.created), len(again.skipped)) == (0, 3)
    assert {r.outcome for r in again.skipped} == {"already_imported"}
    assert Application.objects.count() == 3


def test_duplicate_id_in_the_sheet_is_reported_on_the_later_row(world, nurse):
    rows = [good_row(1), good_row(2), good_row(1)]
    report = channels.batch_intake(
        center=world.center, item=nurse, actor=world.clerk, xlsx=xlsx(headers(nurse), rows)
    )
    assert len(report.created) == 2
    assert [(e.row, e.code) for e in report.errors] == [(4, "DUPLICATE_IN_SHEET")]
    assert report.errors[0].message == "相同的证件号码已在第2行出现。"  # the site's language, zh-hans


def test_existing_applicant_is_reused_by_id_number(world, nurse):
    existing = ApplicantFactory(name="护士1", id_number=person_id(1))
    report = channels.batch_intake(
        center=world.center, item=nurse, actor=world.clerk, xlsx=xlsx(headers(nurse), [good_row(1)])
    )
    assert Application.objects.get(number=report.created[0].application_number).applicant_id == existing.pk


def test_a_name_not_matching_the_registered_applicant_is_refused(world, nurse):
    ApplicantFactory(name="李四", id_number=person_id(1))
    report = channels.batch_intake(
        center=world.center,
        item=nurse,
        actor=world.clerk,
        xlsx=xlsx(headers(nurse), [good_row(1), good_row(2)]),
    )
    assert len(report.created) == 1
    assert [(e.row, e.code) for e in report.errors] == [(2, "NAME_MISMATCH")]
    assert "李四" in report.errors[0].message


def test_bad_values_are_reported_per_cell(world, nurse):
    rows = [good_row(1), good_row(2), good_row(3), good_row(4)]
    rows[0][6] = "医生"  # not a choice
    rows[1][8] = "也许"  # unknown material value
    rows[2][8] = "容缺"  # id card is not tolerable
    rows[3][3] = "邮寄"  # mail without an address
    report = channels.batch_intake(
        center=world.center, item=nurse, actor=world.clerk, xlsx=xlsx(headers(nurse), rows)
    )
    assert report.created == []
    h = headers(nurse)
    assert [(e.row, e.column, e.code) for e in report.errors] == [
        (2, "执业类别", "FIELD_INVALID"),
        (3, "身份证复印件", "MATERIAL_VALUE_UNKNOWN"),
        (4, "身份证复印件", "MATERIAL_NOT_TOLERABLE"),
        (5, h[4], "FIELD_REQUIRED"),
    ]


def test_organisation_by_uscc_and_yes_no_material_values(world, nurse):
    from onewindow.core.validators import uscc_check_char

    uscc = "91370882MA3C12345" + uscc_check_char("91370882MA3C12345")
    row = good_row(1, materials=("是", "是", "是", "否"))
    row[0], row[1] = "某某护理服务有限公司", uscc
    report = channels.batch_intake(
        center=world.center, item=nurse, actor=world.clerk, xlsx=xlsx(headers(nurse), [row])
    )
    assert [r.outcome for r in report.created] == ["accepted"]
    assert Applicant.objects.get(uscc=uscc).kind == "organisation"


def test_each_row_leaves_the_window_events(world, nurse):
    report = channels.batch_intake(
        center=world.center, item=nurse, actor=world.clerk, xlsx=xlsx(headers(nurse), [good_row(1)])
    )
    case = Case.objects.get(number=report.created[0].case_number)
    actions = list(CaseEvent.objects.filter(case=case).order_by("seq").values_list("action", "data"))
    assert actions[0] == ("submit", {"application": report.created[0].application_number, "channel": "batch"})
    assert actions[1][0] == "accept"


def test_management_command_prints_the_report(world, nurse, tmp_path, capsys):
    path = tmp_path / "nurses.xlsx"
    rows = [good_row(1), good_row(2)]
    rows[1][1] = "123"
    path.write_bytes(xlsx(headers(nurse), rows))
    with pytest.raises(CommandError):
        call_command("batch_intake", str(path), item=nurse.code, clerk=world.clerk.user.username)
    out = capsys.readouterr().out
    assert "护士1" in out and Case.objects.get().number in out
    assert f"第3行“{headers(nurse)[1]}”列" in out  # row 3 is refused, by its cell
    clerk2 = StaffFactory(center=world.center, roles=[Role.INTAKE_CLERK])
    path.write_bytes(xlsx(headers(nurse), [good_row(7)]))
    call_command("batch_intake", str(path), item=nurse.code, clerk=clerk2.user.username)
    assert "护士7" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("batch_intake", str(path), item="NO-SUCH-ITEM", clerk=clerk2.user.username)


def test_only_an_intake_clerk_of_the_center_may_run_a_batch(world, nurse):
    with pytest.raises(CaseError) as exc:
        channels.batch_intake(
            center=world.center, item=nurse, actor=world.approver, xlsx=xlsx(headers(nurse), [])
        )
    assert exc.value.code == "BATCH_CLERK"


def test_every_bad_cell_of_a_row_is_reported_with_the_engines_reason(world, nurse):
    row = good_row(1)
    row[5], row[6], row[7] = "", "医生", "2018年7月"  # 执业机构 missing, not a choice, not a date
    report = channels.batch_intake(
        center=world.center, item=nurse, actor=world.clerk, xlsx=xlsx(headers(nurse), [row])
    )
    assert [(e.column, e.code) for e in report.errors] == [
        ("执业机构", "FIELD_REQUIRED"),
        ("执业类别", "FIELD_INVALID"),
        ("毕业日期", "FIELD_INVALID"),
    ]
    assert "护士、助产士" in report.errors[1].message
    assert not Application.objects.exists()


def test_a_delivery_method_the_item_does_not_offer_is_reported_on_its_cell(world, nurse):
    version = nurse.versions.get(status="published")
    version.delivery_methods = ["pickup"]
    version.save()
    row = good_row(1)
    row[3], row[4] = "邮寄", "县城关镇1号"
    report = channels.batch_intake(
        center=world.center, item=nurse, actor=world.clerk, xlsx=xlsx(headers(nurse), [row, good_row(2)])
    )
    assert [(e.row, e.column, e.code) for e in report.errors] == [
        (2, headers(nurse)[3], "DELIVERY_NOT_OFFERED")
    ]
    assert len(report.created) == 1


def test_form_cells_are_read_by_the_rules_of_the_input_layer(world, nurse):
    import datetime as dt

    version = nurse.versions.get(status="published")
    FormFieldFactory(version=version, key="years", label="从业年限", kind=FormField.Kind.NUMBER, order=4)
    FormFieldFactory(version=version, key="night", label="可否夜班", kind=FormField.Kind.BOOLEAN, order=5)
    h = headers(nurse)
    rows = []
    for n, (graduated, years, night) in enumerate(
        [("2018/7/1", 3.0, "是"), ("2018年7月1日", "3", "否"), (dt.datetime(2018, 7, 1), 3, "√")]
    ):
        row = good_row(n)
        row[7:8] = [graduated, years, night]
        rows.append(row)
    report = channels.batch_intake(center=world.center, item=nurse, actor=world.clerk, xlsx=xlsx(h, rows))
    assert report.errors == []
    forms = [Application.objects.get(number=r.application_number).form_data for r in report.created]
    assert [(f["graduated"], f["years"], f["night"]) for f in forms] == [
        ("2018-07-01", 3, True),
        ("2018-07-01", 3, False),
        ("2018-07-01", 3, True),
    ]
