"""The online form fills in what the signed-in account already knows — its applicant's name and
mobile — instead of asking again; what the citizen changes is what the draft keeps."""

from __future__ import annotations

import pytest
from django.urls import reverse

from onewindow.cases.models import Application
from onewindow.org.accounts import account_bind, account_create, binding_code_current
from tests.factories.cases import make_world
from tests.factories.org import ApplicantFactory
from tests.portal.conftest import PASSWORD, citizen
from tests.workbench.helpers import text

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
FIELDS = [
    {"key": "applicant_name", "label": "申请人名称"},
    {"key": "contact_phone", "label": "联系电话"},
    {"key": "business_address", "label": "经营场所"},
]


@pytest.fixture
def world(db, settings, tmp_path):
    settings.ONEWINDOW_FILES_DIR = tmp_path / "files"
    return make_world(form_fields=FIELDS, materials=[{"code": "id_card", "name": "身份证明"}])


def sign_in(client, account):
    client.force_login(account.user, backend="onewindow.org.identity.PortalAccountBackend")


def value_of(body: str, key: str) -> str:
    start = body.index(f'name="f_{key}"')
    tag = body[body.rindex("<", 0, start) : body.index(">", start)]
    return tag.split('value="', 1)[1].split('"', 1)[0]


def test_a_bound_account_finds_its_name_and_the_mobile_of_its_record_filled_in(client, world):
    known = ApplicantFactory(name="王秋菊", mobile="13912345678")
    account = account_create(mobile="13800138000", password=PASSWORD)
    account_bind(account=account, code=binding_code_current(applicant=known).code, address="t")
    sign_in(client, account)
    response = client.get(reverse("portal:apply", args=[world.item.code]), **ZH)
    body = response.content.decode()
    assert value_of(body, "applicant_name") == "王秋菊"
    assert value_of(body, "contact_phone") == "13912345678"  # the record's number, not the account's
    assert value_of(body, "business_address") == ""  # nothing known: asked as before
    assert 'data-testid="prefilled-applicant_name"' in body and "已按您的账号填写" in text(response)
    assert 'aria-describedby="h-applicant_name"' in body


def test_a_record_without_a_mobile_takes_the_accounts_own_number(client, world):
    known = ApplicantFactory(name="王秋菊", mobile="")
    account = account_create(mobile="13800138000", password=PASSWORD)
    account_bind(account=account, code=binding_code_current(applicant=known).code, address="t")
    sign_in(client, account)
    body = client.get(reverse("portal:apply", args=[world.item.code]), **ZH).content.decode()
    assert value_of(body, "contact_phone") == "13800138000"


def test_what_the_citizen_changes_is_kept_and_a_reopened_draft_shows_it(client, world):
    qiuju = citizen()
    sign_in(client, qiuju.account)
    url = reverse("portal:apply", args=[world.item.code])
    data = {"f_applicant_name": "秋菊（代父亲）", "f_contact_phone": "", "action": "save"}
    assert client.post(url, data, **ZH).status_code == 302
    draft = Application.objects.get()
    assert draft.form.get("applicant_name") == "秋菊（代父亲）" and "contact_phone" not in draft.form
    body = client.get(reverse("portal:application", args=[draft.number]), **ZH).content.decode()
    assert value_of(body, "applicant_name") == "秋菊（代父亲）"  # what was typed, not the record
    assert 'data-testid="prefilled-applicant_name"' not in body
    assert value_of(body, "contact_phone") == "13800138000"  # left empty: the account's again
    assert 'data-testid="prefilled-contact_phone"' in body


def test_a_form_without_those_questions_fills_in_nothing(client, desk, signed_in):
    body = signed_in.get(reverse("portal:apply", args=[desk.item.code]), **ZH).content.decode()
    assert "prefilled-" not in body and value_of(body, "business_name") == ""
