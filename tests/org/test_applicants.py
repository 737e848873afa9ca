import pytest

from onewindow.core.fields import personal_digest
from onewindow.org.errors import OrgError
from onewindow.org.models import Applicant
from onewindow.org.selectors import applicant_find
from onewindow.org.services import applicant_create
from tests.factories.org import OrganisationApplicantFactory, with_id_check_digit, with_uscc_check_char

pytestmark = pytest.mark.django_db

ID = with_id_check_digit("37162119850312004")


VALID_USCC = with_uscc_check_char("91371621MA3C00001")


def test_person_needs_a_valid_id_number_and_gets_a_digest():
    applicant = applicant_create(
        kind="person", name="张三", id_number=f" {ID.lower()} ", mobile="13912345678"
    )
    applicant.refresh_from_db()
    assert applicant.id_number == ID.upper()
    assert applicant.id_number_digest == personal_digest(ID)
    assert applicant.masked_id_number.startswith("371621")
    assert applicant_find(id_number=ID) == applicant


def test_person_without_id_number_is_refused():
    with pytest.raises(OrgError) as exc:
        applicant_create(kind="person", name="张三")
    assert exc.value.code == "ID_NUMBER_REQUIRED"
    assert exc.value.field == "id_number"


def test_person_with_wrong_check_digit_is_refused():
    bad = ID[:-1] + ("0" if ID[-1] != "0" else "1")
    with pytest.raises(OrgError) as exc:
        applicant_create(kind="person", name="张三", id_number=bad)
    assert exc.value.code == "INVALID_ID_NUMBER"
    assert "身份证" in exc.value.message
    assert not Applicant.objects.exists()


def test_organisation_needs_a_valid_uscc():
    org = applicant_create(
        kind="organisation",
        name="安和县某某餐饮有限公司",
        uscc=VALID_USCC.lower(),
        legal_representative="李四",
    )
    assert org.uscc == VALID_USCC
    assert applicant_find(uscc=VALID_USCC) == org
    with pytest.raises(OrgError) as exc:
        applicant_create(kind="organisation", name="另一家公司")
    assert exc.value.code == "USCC_REQUIRED"
    with pytest.raises(OrgError) as exc:
        applicant_create(
            kind="organisation",
            name="另一家公司",
            uscc=VALID_USCC[:-1] + ("0" if VALID_USCC[-1] != "0" else "1"),
        )
    assert exc.value.code == "INVALID_USCC"


def test_duplicate_person_is_refused():
    applicant_create(kind="person", name="张三", id_number=ID)
    with pytest.raises(OrgError) as exc:
        applicant_create(kind="person", name="张三丰", id_number=ID)
    assert exc.value.code == "APPLICANT_EXISTS"
    assert Applicant.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("mobile", "0538-1234567x", "INVALID_MOBILE"),
        ("email", "not-an-email", "INVALID_EMAIL"),
        ("kind", "robot", "UNKNOWN_APPLICANT_KIND"),
    ],
)
def test_bad_contact_fields_are_refused(field, value, code):
    kwargs = {"kind": "person", "name": "张三", "id_number": ID, field: value}
    with pytest.raises(OrgError) as exc:
        applicant_create(**kwargs)
    assert exc.value.code == code
    assert exc.value.field == field


def test_find_returns_none_for_unknown_or_empty():
    assert applicant_find(id_number=ID) is None
    assert applicant_find() is None


def test_existing_organisation_blocks_a_duplicate_uscc():
    existing = OrganisationApplicantFactory()
    assert applicant_find(uscc=existing.uscc.lower()) == existing
    with pytest.raises(OrgError) as exc:
        applicant_create(kind="organisation", name="重名公司", uscc=existing.uscc)
    assert exc.value.code == "APPLICANT_EXISTS"
    assert exc.value.field == "uscc"


def test_update_corrects_the_id_number_and_its_digest():
    from onewindow.org.services import applicant_update

    applicant = applicant_create(kind="person", name="张三", id_number=ID)
    corrected = with_id_check_digit("37162119850312005")
    applicant_update(
        applicant=applicant, kind="person", name="张三", id_number=corrected, mobile="13912345678"
    )
    assert applicant_find(id_number=ID) is None
    assert applicant_find(id_number=corrected) == applicant
    applicant.refresh_from_db()
    assert applicant.mobile == "13912345678"


def test_update_refuses_another_applicants_identity_and_keeps_the_row():
    from onewindow.org.services import applicant_update

    first = applicant_create(kind="person", name="张三", id_number=ID)
    other_id = with_id_check_digit("37162119900101002")
    second = applicant_create(kind="person", name="李四", id_number=other_id)
    with pytest.raises(OrgError) as exc:
        applicant_update(applicant=second, kind="person", name="李四", id_number=ID)
    assert exc.value.code == "APPLICANT_EXISTS"
    second.refresh_from_db()
    assert second.id_number == other_id
    applicant_update(applicant=first, kind="person", name="张叁", id_number=ID)  # its own number is fine
    first.refresh_from_db()
    assert first.name == "张叁"


@pytest.mark.parametrize(
    ("kind", "number", "stored"),
    [
        ("passport", "e1234 5678", "E12345678"),
        ("hk_macao_permit", "H12345678", "H12345678"),
        (
            "taiwan_residence",
            with_id_check_digit("83000019900101002"),
            with_id_check_digit("83000019900101002"),
        ),
        ("foreign_permanent", "USA123456789012", "USA123456789012"),
    ],
)
def test_a_person_may_carry_another_identity_document_found_by_its_number(kind, number, stored):
    applicant = applicant_create(kind="person", name="外来申请人", id_number=number, document_kind=kind)
    assert (applicant.document_kind, applicant.id_number) == (kind, stored)
    assert applicant_find(id_number=stored) == applicant


@pytest.mark.parametrize(
    ("kind", "number", "field"),
    [
        ("passport", "EI1234567", "id_number"),
        ("hk_macao_permit", "X1", "id_number"),
        ("resident_id", "110105194912310021", "id_number"),
        ("driving_licence", "E12345678", "document_kind"),
    ],
)
def test_a_malformed_document_is_refused_naming_the_field(kind, number, field):
    with pytest.raises(OrgError) as exc:
        applicant_create(kind="person", name="某人", id_number=number, document_kind=kind)
    assert exc.value.field == field
    assert not Applicant.objects.exists()


def test_an_organisation_keeps_the_resident_id_kind():
    org = applicant_create(kind="organisation", name="某公司", uscc=VALID_USCC, document_kind="passport")
    assert org.document_kind == "resident_id"


@pytest.mark.parametrize(("field", "size"), [("name", 201), ("legal_representative", 51), ("address", 501)])
def test_applicant_fields_longer_than_they_may_be_are_refused_naming_the_field(field, size):
    fields = {"kind": "organisation", "name": "大观农业合作社", "uscc": VALID_USCC}
    fields[field] = "字" * size
    with pytest.raises(OrgError) as refused:
        applicant_create(**fields)
    assert refused.value.code == "TOO_LONG" and refused.value.field == field
