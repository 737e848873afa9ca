"""Personal data: encrypted at rest, masked on screen, revealed only with a reason that is
logged, under a field key kept apart from the database and the secret key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from onewindow.cases import services
from onewindow.cases.models import Application
from onewindow.core.checks import check_field_key
from onewindow.core.fields import decrypt, legacy_key_material, personal_digest
from onewindow.core.models import PersonalDataAccess
from onewindow.core.personal import (
    PersonalDataError,
    field_is_personal,
    looks_personal,
    mask_personal,
    personal_data_reveal,
    personal_fields,
)
from onewindow.org.models import Applicant
from onewindow.org.selectors import applicant_find
from onewindow.org.services import applicant_create
from tests.factories.access import county_network
from tests.factories.org import ApplicantFactory, with_id_check_digit

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
BASE_DIR = Path(settings.BASE_DIR)


@pytest.fixture
def net():
    return county_network()


def raw_row(application: Application) -> tuple[str, str]:
    """The two form columns as the database holds them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT form_data, form_personal FROM cases_application WHERE id = %s", [application.pk]
        )
        plain, personal = cursor.fetchone()
    return str(plain), str(personal)


# ------------------------------------------------------------------ which answers, masked how


def test_the_personal_flag_or_a_personal_name_makes_a_field_personal():
    class Field:
        def __init__(self, key, label, personal=False):
            self.key, self.label, self.personal = key, label, personal

    assert field_is_personal(Field("project_name", "项目名称", personal=True))
    assert field_is_personal(Field("applicant_name", "申请人名称"))
    assert field_is_personal(Field("contact", "联系电话"))
    assert field_is_personal(Field("owner_id_number", "产权人证件"))
    assert not field_is_personal(Field("total_investment", "总投资（万元）"))
    assert looks_personal("business_address") and not looks_personal("property_area")


def test_values_are_masked_by_what_they_are():
    assert mask_personal("id_number", "371621198503120043") == "371621********0043"
    assert mask_personal("form.contact_phone", PHONE) == "139****5678"
    assert mask_personal("address", "安和县城关街道政通路1号") == "安和县城关街****"
    assert mask_personal("form.applicant_name", "王小明") == "王**"
    assert mask_personal("form.anything", 12) == "****"
    assert mask_personal("phone", "") == ""


# ------------------------------------------------------------------ at rest


def test_personal_answers_are_not_in_the_database_in_plain_text(net):
    application = net.village.applications[0]
    name = application.applicant.name
    plain, personal = raw_row(application)
    assert PHONE not in plain + personal and name not in plain + personal
    assert personal.startswith("gAAAAA")  # one Fernet token
    assert "matter_description" in plain  # the answers that are not personal stay plain
    stored = Application.objects.get(pk=application.pk)
    assert stored.form_data == {"matter_description": "新办"}
    assert stored.form == {"applicant_name": name, "contact_phone": PHONE, "matter_description": "新办"}


def test_a_draft_is_encrypted_too_and_stays_so_when_submitted(net):
    hall, applicant = net.township, ApplicantFactory()
    draft = services.application_create(
        center=hall.center,
        applicant=applicant,
        items=[hall.item],
        channel="portal",
        form_data={"applicant_name": applicant.name, "contact_phone": PHONE},
        actor=applicant,
        state="draft",
    )
    assert PHONE not in "".join(raw_row(draft))
    services.application_submit(application=draft, actor=applicant)
    assert PHONE not in "".join(raw_row(draft))
    assert Application.objects.get(pk=draft.pk).form["contact_phone"] == PHONE


def test_the_form_check_still_sees_the_personal_answers(net):
    from onewindow.cases.errors import CaseError

    hall, applicant = net.township, ApplicantFactory()
    with pytest.raises(CaseError) as exc:
        services.application_create(
            center=hall.center,
            applicant=applicant,
            items=[hall.item],
            channel="window",
            materials=["id_card"],
            form_data={"applicant_name": applicant.name},
            actor=hall.clerk,
        )
    assert exc.value.code == "FIELD_REQUIRED" and exc.value.field == "form_data.contact_phone"


# ------------------------------------------------------------------ on screen and revealed


def test_the_admin_shows_personal_answers_masked_with_a_show_link(client, net):
    application = net.village.applications[0]
    client.force_login(net.village.admin.user)
    page = client.get(reverse("admin:cases_application_change", args=[application.pk])).content.decode()
    assert PHONE not in page
    assert "139****5678" in page and "联系电话" in page
    assert reverse("admin:cases_application_reveal", args=[application.pk, "form.contact_phone"]) in page


def test_revealing_asks_for_a_reason_and_writes_exactly_one_log_row(client, net):
    application = net.village.applications[0]
    admin = net.village.admin
    client.force_login(admin.user)
    url = reverse("admin:cases_application_reveal", args=[application.pk, "form.contact_phone"])
    asked = client.get(url)
    assert asked.status_code == 200 and PHONE not in asked.content.decode()
    refused = client.post(url, {"why": " "})
    assert PHONE not in refused.content.decode() and refused.context["form"].errors
    assert not PersonalDataAccess.objects.exists()
    shown = client.post(url, {"why": "回访申请人核实材料"})
    assert shown.status_code == 200 and PHONE in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    log = PersonalDataAccess.objects.get()
    assert (log.actor, log.why, log.what, log.subject_id) == (
        admin.user,
        "回访申请人核实材料",
        "form.contact_phone",
        application.pk,
    )
    name = application.applicant.name
    assert log.what_label == "联系电话"
    assert log.subject_label == name[0] + "*" * (len(name) - 1)  # whose, masked
    assert PHONE not in str(log.__dict__)


def test_a_supervisor_sees_id_numbers_and_phones_masked_on_the_applicant_page(client, net):
    applicant = net.county.applications[0].applicant
    client.force_login(net.county.supervisor.user)
    page = client.get(reverse("admin:org_applicant_change", args=[applicant.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert applicant.id_number not in body and applicant.mobile not in body
    assert "110105" in body and "****" in body
    url = reverse("admin:org_applicant_reveal", args=[applicant.pk, "id_number"])
    assert url in body
    shown = client.post(url, {"why": "核对身份证号码"})
    assert applicant.id_number in shown.content.decode()
    assert PersonalDataAccess.objects.get().what == "id_number"


def test_the_staff_phone_is_masked_and_revealed_the_same_way(client, net):
    clerk = net.village.clerk
    client.force_login(net.village.admin.user)
    page = client.get(reverse("admin:org_staff_change", args=[clerk.pk])).content.decode()
    assert "13700000000" not in page and "137****0000" in page
    shown = client.post(reverse("admin:org_staff_reveal", args=[clerk.pk, "mobile"]), {"why": "排班联系"})
    assert "13700000000" in shown.content.decode()
    assert PersonalDataAccess.objects.count() == 1


def test_an_empty_personal_input_keeps_the_stored_value(client, net):
    applicant = net.village.applications[0].applicant
    client.force_login(net.village.admin.user)
    response = client.post(
        reverse("admin:org_applicant_change", args=[applicant.pk]),
        {"kind": "person", "name": "改名了", "id_number": "", "mobile": "", "address": ""},
    )
    assert response.status_code == 302
    stored = Applicant.objects.get(pk=applicant.pk)
    assert (stored.name, stored.id_number, stored.mobile) == ("改名了", applicant.id_number, applicant.mobile)


def test_nobody_reveals_what_they_may_not_see(client, net):
    county_application = net.county.applications[0]
    village_admin = net.village.admin
    with pytest.raises(PersonalDataError) as exc:
        personal_data_reveal(
            actor=village_admin, subject=county_application, what="form.contact_phone", why="看看"
        )
    assert exc.value.code == "PERSONAL_DATA_OUT_OF_SCOPE"
    client.force_login(village_admin.user)
    url = reverse("admin:cases_application_reveal", args=[county_application.pk, "form.contact_phone"])
    assert client.post(url, {"why": "看看"}).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_the_service_refuses_without_a_reason_or_for_a_value_the_row_does_not_hold(net):
    application, admin = net.village.applications[0], net.village.admin
    assert set(personal_fields(application)) == {"form.applicant_name", "form.contact_phone"}
    with pytest.raises(PersonalDataError) as exc:
        personal_data_reveal(actor=admin, subject=application, what="form.contact_phone", why="x")
    assert exc.value.code == "REVEAL_REASON_REQUIRED"
    with pytest.raises(PersonalDataError) as exc:
        personal_data_reveal(actor=admin, subject=application, what="form.matter_description", why="核实")
    assert exc.value.code == "PERSONAL_FIELD_UNKNOWN"
    assert not PersonalDataAccess.objects.exists()
    value = personal_data_reveal(actor=admin, subject=application, what="form.contact_phone", why="核实")
    assert value == PHONE and PersonalDataAccess.objects.count() == 1


def test_the_access_log_is_read_only_and_scoped(client, net):
    personal_data_reveal(
        actor=net.county.admin, subject=net.county.applications[0], what="form.contact_phone", why="核实"
    )
    personal_data_reveal(
        actor=net.village.admin, subject=net.village.applications[0], what="form.contact_phone", why="回访"
    )
    client.force_login(net.village.supervisor.user)
    response = client.get(reverse("admin:core_personaldataaccess_changelist"))
    assert [r.why for r in response.context["cl"].result_list] == ["回访"]
    log = PersonalDataAccess.objects.get(why="回访")
    assert (
        client.post(
            reverse("admin:core_personaldataaccess_delete", args=[log.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    client.force_login(net.county.supervisor.user)
    response = client.get(reverse("admin:core_personaldataaccess_changelist"))
    assert {r.why for r in response.context["cl"].result_list} == {"核实", "回访"}


# ------------------------------------------------------------------ the field key


def test_check_deploy_fails_without_a_field_key_of_its_own():
    with override_settings(FIELD_ENCRYPTION_KEY_FILE="/root/.config/onewindow/field-key"):
        assert [e.id for e in check_field_key()] == ["onewindow.E001"]
        with pytest.raises(SystemCheckError, match="onewindow.E001"):
            call_command("check", deploy=True, tags=["security"])


@pytest.mark.parametrize(
    "key",
    [
        lambda secret: secret,
        lambda secret: legacy_key_material(secret),
        lambda secret: f"{Fernet.generate_key().decode()},{secret}",
    ],
)
def test_check_deploy_fails_with_a_key_derived_from_the_secret_key(key):
    with override_settings(FIELD_ENCRYPTION_KEY=key(settings.SECRET_KEY), FIELD_ENCRYPTION_KEY_FILE=""):
        assert "onewindow.E002" in [e.id for e in check_field_key()]


def test_check_deploy_fails_with_a_passphrase_and_passes_with_a_fernet_key():
    with override_settings(FIELD_ENCRYPTION_KEY="a passphrase", FIELD_ENCRYPTION_KEY_FILE=""):
        assert [e.id for e in check_field_key()] == ["onewindow.E003"]
    key = Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEY=key, FIELD_ENCRYPTION_KEY_FILE=""):
        assert check_field_key() == []
        call_command("check", deploy=True, tags=["security"])  # warnings only: no SystemCheckError


def _settings_in_subprocess(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"ONEWINDOW_FIELD_KEY", "ONEWINDOW_FIELD_KEY_FILE"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        ONEWINDOW_DATA_DIR=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        **env,
    )
    code = "from django.conf import settings as s; print(s.FIELD_ENCRYPTION_KEY_FILE); print(s.FIELD_ENCRYPTION_KEY)"
    return subprocess.run(  # noqa: S603 - our own interpreter and settings
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_development_key_is_generated_apart_from_the_data_folder(tmp_path):
    first = _settings_in_subprocess(tmp_path)
    assert first.returncode == 0, first.stderr
    key_file, key = first.stdout.split()
    assert Path(key_file) == tmp_path / "config" / "onewindow" / "field-key"
    assert oct(Path(key_file).stat().st_mode & 0o777) == "0o600"
    assert not any((tmp_path / "data").rglob("*key*")) or not (tmp_path / "data" / "field-key").exists()
    Fernet(key.encode())  # a real key, not derived from the secret key in the data folder
    secret = (tmp_path / "data" / "secret_key").read_text().strip()
    assert secret not in key and key != legacy_key_material(secret)
    assert _settings_in_subprocess(tmp_path).stdout.split()[1] == key  # kept, not regenerated


def test_production_refuses_to_start_without_the_field_key(tmp_path):
    refused = _settings_in_subprocess(tmp_path, ONEWINDOW_REQUIRE_SECRET="1", SECRET_KEY="s" * 50)
    assert refused.returncode != 0 and "ONEWINDOW_FIELD_KEY" in refused.stderr
    key = Fernet.generate_key().decode()
    started = _settings_in_subprocess(
        tmp_path, ONEWINDOW_REQUIRE_SECRET="1", SECRET_KEY="s" * 50, ONEWINDOW_FIELD_KEY=key
    )
    assert started.returncode == 0 and started.stdout.split() == [key]


# ------------------------------------------------------------------ rotation and re-keying

ID_NUMBER = with_id_check_digit("37162119850312004")


def _raw_applicant(pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, id_number_digest FROM org_applicant WHERE id = %s", [pk])
        return cursor.fetchone()


def test_rotation_reads_old_rows_and_rekey_moves_them_to_the_new_key():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEY=old):
        applicant = applicant_create(kind="person", name="王小明", id_number=ID_NUMBER, mobile=PHONE)
    with override_settings(FIELD_ENCRYPTION_KEY=f"{new},{old}"):
        assert Applicant.objects.get(pk=applicant.pk).id_number == ID_NUMBER
        assert applicant_find(id_number=ID_NUMBER) == applicant  # the old digest still matches
        call_command("personal_data_rekey", stdout=open(os.devnull, "w"))  # noqa: SIM115
        token, digest = _raw_applicant(applicant.pk)
        assert digest == personal_digest(ID_NUMBER)
    with override_settings(FIELD_ENCRYPTION_KEY=new):
        assert decrypt(token) == ID_NUMBER
        assert applicant_find(id_number=ID_NUMBER) == applicant
        assert Applicant.objects.get(pk=applicant.pk).mobile == PHONE


def test_rekey_reads_a_database_made_with_the_old_key_derived_from_the_secret_key():
    with override_settings(FIELD_ENCRYPTION_KEY=legacy_key_material(settings.SECRET_KEY)):
        applicant = applicant_create(kind="person", name="王小明", id_number=ID_NUMBER)
    with pytest.raises(ValueError, match="cannot be decrypted"):
        Applicant.objects.get(pk=applicant.pk)
    with pytest.raises(CommandError, match="--from-secret-key"):
        call_command("personal_data_rekey", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("personal_data_rekey", from_secret_key=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert Applicant.objects.get(pk=applicant.pk).id_number == ID_NUMBER
    assert applicant_find(id_number=ID_NUMBER) == applicant
