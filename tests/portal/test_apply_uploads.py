"""How much one save of the apply form may carry: the app's own limit on a request (a Chinese 413
before the body is read, below the proxy's limit: docs/operations.md), and the 50 files an
application holds at most, whatever the materials."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onewindow.cases import files
from onewindow.cases.channels.portal import MAX_FILES_PER_APPLICATION
from onewindow.cases.models import Application, MaterialFile
from tests.factories import scans
from tests.factories.cases import make_world
from tests.portal.test_apply import GOOD, ZH, apply_url, pdf, start
from tests.workbench.helpers import text

pytestmark = pytest.mark.django_db


def test_a_save_larger_than_the_apps_request_limit_gets_a_chinese_413_and_nothing_is_kept(
    signed_in, desk, settings
):
    settings.ONEWINDOW_MAX_REQUEST_MB = 1

    def photos():
        return [pdf(f"photo{n}.pdf", scans.pdf(b"0" * 400_000 + bytes([n]))) for n in range(3)]

    response = signed_in.post(apply_url(desk), {**GOOD, "action": "save", "file_id_card": photos()}, **ZH)
    assert response.status_code == 413
    assert "1 MB" in text(response) and "分" in text(response)  # 请减少文件，分几次保存
    assert not Application.objects.exists() and not MaterialFile.objects.exists()
    settings.ONEWINDOW_MAX_REQUEST_MB = 2  # the same save under a higher limit goes through
    application, response = start(signed_in, desk, file_id_card=photos())
    assert response.status_code == 302 and application.files.count() == 3


def test_the_json_client_gets_the_limit_as_an_error_code(signed_in, desk, settings):
    settings.ONEWINDOW_MAX_REQUEST_MB = 1
    body = {"file_id_card": SimpleUploadedFile("big.pdf", scans.pdf(b"0" * 1_100_000))}
    response = signed_in.post(apply_url(desk), body, HTTP_ACCEPT="application/json")
    assert response.status_code == 413 and response.json()["errors"][0]["code"] == "TOO_LARGE"


def test_the_documented_proxy_limit_lets_through_every_request_the_app_answers_itself(settings):
    from tests.deploy.test_proxy import documented_nginx_config

    sizes = [
        line.split()[1] for line in documented_nginx_config().splitlines() if "client_max_body_size" in line
    ]
    assert len(sizes) == 1 and sizes[0].endswith("m;")
    assert int(sizes[0][:-2]) > settings.ONEWINDOW_MAX_REQUEST_MB  # nginx's bare 413 only past the app's


def test_an_application_holds_at_most_50_files_across_its_materials(client, settings, tmp_path):
    from tests.portal.conftest import citizen

    settings.ONEWINDOW_FILES_DIR = tmp_path / "files"
    per = files.MAX_FILES_PER_MATERIAL
    count = MAX_FILES_PER_APPLICATION // per + 1  # one material more than 50 files fill
    world = make_world(materials=[{"code": f"m{k:02d}", "name": f"材料{k:02d}"} for k in range(count)])
    client.force_login(citizen().account.user, backend="onewindow.org.identity.PortalAccountBackend")
    chosen = {f"file_m{k:02d}": [pdf(f"m{k:02d}-{n}.pdf") for n in range(per)] for k in range(count)}
    response = client.post(
        reverse("portal:apply", args=[world.item.code]), {"action": "save", **chosen}, **ZH
    )
    application = Application.objects.get()
    assert application.files.count() == MAX_FILES_PER_APPLICATION == 50
    assert response.status_code == 400 and "每份申请最多 50 个文件" in text(response)
    last = f"m{count - 1:02d}"
    assert not application.files.filter(material_code=last).exists()  # the material past the limit
