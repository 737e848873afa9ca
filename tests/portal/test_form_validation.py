"""One way of telling a citizen what is wrong with a form, on every portal page: the server's
message in the page's language beside the field, naming it — never the browser's own bubble in
the browser's language ("Please select an item in the list"). As the workbench does: every form
that takes input is `novalidate`, and a required control says so with `aria-required`, not the
`required` attribute a form without `novalidate` would hand to the browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

import onewindow.portal
from tests.factories.cases import make_world
from tests.portal.conftest import citizen
from tests.workbench.helpers import text

TEMPLATES = Path(onewindow.portal.__file__).parent / "templates"
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
TAKES_INPUT = re.compile(
    r"<select\b|<textarea\b|<input\b(?![^>]*type=\"(?:hidden|radio|checkbox)\")|_field\.html|_file\.html"
)
BARE_REQUIRED = re.compile(r"\srequired(?=[\s>/'\"])")
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_portal_form_that_takes_input_leaves_validation_to_the_server(path):
    source = path.read_text(encoding="utf-8")
    assert not BARE_REQUIRED.search(source), 'mark a required control with aria-required="true"'
    for attrs, body in FORM.findall(source):
        if TAKES_INPUT.search(body):
            assert "novalidate" in attrs, f"<form{attrs}> takes input without novalidate"


CHOICES = [
    {"key": "business_kind", "label": "经营类型", "kind": "choice", "choices": ["餐饮", "零售"]},
    {"key": "chain", "label": "是否连锁经营", "kind": "boolean"},
]


@pytest.mark.django_db
def test_an_unchosen_required_list_is_named_beside_it_in_the_pages_language(client, settings, tmp_path):
    settings.ONEWINDOW_FILES_DIR = tmp_path / "files"
    world = make_world(form_fields=CHOICES, materials=[])
    qiuju = citizen()
    client.force_login(qiuju.account.user, backend="onewindow.org.identity.PortalAccountBackend")
    url = reverse("portal:apply", args=[world.item.code])
    form = client.get(url, **ZH).content.decode()
    assert 'id="f_business_kind" name="f_business_kind" aria-required="true"' in form
    data = {"f_business_kind": "", "f_chain": "", "delivery_method": "pickup", "action": "save"}
    assert client.post(url, data, **ZH).status_code == 302
    number = qiuju.applicant.applications.get().number
    response = client.post(
        reverse("portal:application", args=[number]),
        {**data, "action": "submit", "idempotency_key": "k-1"},
        **ZH,
    )
    assert response.status_code == 400
    body = response.content.decode()
    for key, label in (("business_kind", "经营类型"), ("chain", "是否连锁经营")):
        error = body.split(f'data-testid="error-{key}">', 1)[1].split("</div>", 1)[0]
        assert label in error, error
        assert f' e-{key}"' in body  # the control is described by its error
    english = client.post(
        f"/en/my/applications/{number}/",
        {**data, "action": "submit", "idempotency_key": "k-2"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert english.status_code == 400 and "经营类型" in text(english)  # the catalog's label
    assert "必填" not in text(english)


@pytest.mark.django_db
def test_the_progress_form_sent_empty_says_what_to_type(client):
    response = client.get(reverse("portal:progress"), {"number": "", "code": ""}, **ZH)
    assert response.status_code == 400
    error = response.content.decode().split('data-testid="error-number">', 1)[1].split("</div>", 1)[0]
    assert "办件编号" in error
    assert client.get(reverse("portal:progress"), **ZH).status_code == 200  # the page itself: no error
