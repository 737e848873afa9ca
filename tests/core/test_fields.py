"""Personal data at rest: encryption, the blind index and masks."""

import pytest
from django.db import connection
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from onewindow.core.fields import (
    decrypt,
    encrypt,
    mask_address,
    mask_id_number,
    mask_name,
    mask_phone,
    personal_digest,
)
from onewindow.org.models import Applicant
from tests.factories.org import ApplicantFactory

ID_NUMBER = "11010519491231002X"


def raw_row(applicant: Applicant) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id_number, mobile, address, id_number_digest FROM {Applicant._meta.db_table} WHERE id = %s",  # noqa: S608
            [applicant.pk],
        )
        id_number, mobile, address, digest = cursor.fetchone()
    return {"id_number": id_number, "mobile": mobile, "address": address, "digest": digest}


def test_encrypt_decrypt_round_trip():
    token = encrypt("山东省泰安市新泰市青云街道")
    assert token != "山东省泰安市新泰市青云街道"
    assert decrypt(token) == "山东省泰安市新泰市青云街道"


def test_encryption_is_not_deterministic():
    assert encrypt(ID_NUMBER) != encrypt(ID_NUMBER)


def test_edited_cipher_text_is_refused():
    token = encrypt(ID_NUMBER)
    edited = token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]
    with pytest.raises(ValueError):
        decrypt(edited)


def test_a_different_key_cannot_decrypt():
    token = encrypt(ID_NUMBER)
    with override_settings(FIELD_ENCRYPTION_KEY="another-installation"), pytest.raises(ValueError):
        decrypt(token)


def test_key_rotation_keeps_old_tokens_readable():
    with override_settings(FIELD_ENCRYPTION_KEY="old-key"):
        token = encrypt(ID_NUMBER)
    with override_settings(FIELD_ENCRYPTION_KEY="new-key,old-key"):
        assert decrypt(token) == ID_NUMBER


@pytest.mark.django_db
def test_applicant_personal_fields_are_stored_encrypted():
    applicant = ApplicantFactory(id_number=ID_NUMBER, mobile="13800138000", address="新泰市平阳路1号")
    row = raw_row(applicant)
    for field, plain in (("id_number", ID_NUMBER), ("mobile", "13800138000"), ("address", "新泰市平阳路1号")):
        assert row[field] != plain
        assert plain not in row[field]
        assert decrypt(row[field]) == plain
    assert row["digest"] == personal_digest(ID_NUMBER)
    assert ID_NUMBER not in row["digest"]

    fresh = Applicant.objects.get(pk=applicant.pk)
    assert (fresh.id_number, fresh.mobile, fresh.address) == (ID_NUMBER, "13800138000", "新泰市平阳路1号")


@pytest.mark.django_db
def test_applicant_is_found_by_digest_not_cipher_text():
    applicant = ApplicantFactory(id_number=ID_NUMBER)
    assert Applicant.objects.get(id_number_digest=personal_digest("11010519491231002x")) == applicant
    assert not Applicant.objects.filter(id_number=ID_NUMBER).exists()  # cipher text never matches


@pytest.mark.django_db
def test_blank_personal_fields_stay_blank():
    applicant = ApplicantFactory(address="")
    assert raw_row(applicant)["address"] == ""
    assert Applicant.objects.get(pk=applicant.pk).address == ""


def test_personal_digest_is_stable_and_case_insensitive():
    assert personal_digest(ID_NUMBER) == personal_digest(ID_NUMBER)
    assert personal_digest("11010519491231002x") == personal_digest(ID_NUMBER)
    assert personal_digest(f"  {ID_NUMBER} ") == personal_digest(ID_NUMBER)
    assert personal_digest(ID_NUMBER) != personal_digest("110105194912310021")
    assert len(personal_digest(ID_NUMBER)) == 64


def test_personal_digest_depends_on_the_key():
    with override_settings(FIELD_ENCRYPTION_KEY="another-installation"):
        other = personal_digest(ID_NUMBER)
    assert other != personal_digest(ID_NUMBER)


def test_masks():
    assert mask_id_number(ID_NUMBER) == "110105********002X"
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("+8613800138000") == "+86****8000"
    assert mask_phone("05387123456") == "053****3456"
    assert mask_phone("87123456") == "87****56"  # a landline is not shown in full
    assert mask_id_number("E12345678") == "E1*****78"  # neither is a 9-character passport number
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("李") == "*"
    assert mask_address("山东省泰安市新泰市青云街道") == "山东省泰安市****"
    for mask in (mask_id_number, mask_phone, mask_name, mask_address):
        assert mask("") == ""
        assert mask(None) == ""


@given(st.text(alphabet="0123456789X", min_size=1, max_size=30))
def test_id_mask_keeps_the_length_and_hides_at_least_four_characters(value):
    masked = mask_id_number(value)
    assert len(masked) == len(value)
    assert masked.count("*") >= min(4, len(value))


@given(st.text(alphabet="0123456789+-", min_size=1, max_size=20))
def test_phone_mask_never_shows_every_character(value):
    masked = mask_phone(value)
    shown = len(masked) - masked.count("*")
    assert shown <= len(value) - min(3, len(value))
    assert masked.count("*") >= min(3, len(value))
