"""The guide page: every element of the standard guide, printable; templates and samples
download from the published version only."""

import pytest
from django.core.files.base import ContentFile

from onewindow.catalog.drafts import material_files_set
from onewindow.catalog.errors import CatalogError
from onewindow.catalog.models import MaterialRequirement, ServiceItem, ServiceItemVersion
from onewindow.catalog.services import item_update, version_draft_create, version_publish
from tests.factories.org import WindowFactory

CODE = "371082-XK-0001"


def get(client, url, **params):
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="zh-hans")


@pytest.fixture
def with_files(catalog, settings, tmp_path):
    """The licence's application form gets a template and a sample through a new draft,
    which is then published."""
    settings.MEDIA_ROOT = tmp_path
    item = ServiceItem.objects.get(code=CODE)
    draft = version_draft_create(item=item)
    material = draft.materials.get(code="application_form")
    material_files_set(
        material=material,
        template=ContentFile(b"%PDF-1.4 blank", name="申请书.pdf"),
        sample=ContentFile(b"%PDF-1.4 sample", name="申请书示例.pdf"),
    )
    version_publish(version=draft, actor=None)
    return item


def test_every_element_of_the_guide_is_on_the_page(catalog, client):
    window = WindowFactory(center=catalog, number="3", name="商事登记窗口", kind="intake")
    window.sectors.add(catalog.sectors.get())
    body = get(client, f"/services/{CODE}/").content.decode()
    for text in [
        "营业执照核发",
        "设定依据",
        "《中华人民共和国行政许可法》第十二条",
        "受理条件",
        "符合法定条件的申请人",
        "申请材料",
        "申请人身份证明",
        "原件",
        "纸质份数",
        "可容缺",
        "法定办结时限",
        "20 工作日",
        "承诺时限",
        "5 工作日",
        "不收费",
        "办理流程",
        "材料审查",
        "审批决定",
        "县政务服务中心一楼综合受理窗口",
        "工作日 9:00-17:00",
        "0538-1234567",
        "3 号窗口",
        "0538-7212315",  # the factory's complaint phone (the page's default is 12345)
        "最多跑一次",
        "可网上申办",
        "常见问题",
        "可以网上办理吗",
        "portal/print.css",
    ]:
        assert text in body, text


def test_the_code_is_found_in_any_case_and_an_unknown_code_is_404(catalog, client):
    assert get(client, f"/services/{CODE.lower()}/").status_code == 200
    response = get(client, "/services/NOPE-0000/")
    assert response.status_code == 404
    assert get(client, "/services/" + "x" * 5000 + "/").status_code == 404


def test_a_withdrawn_item_has_no_guide(catalog, client):
    item = ServiceItem.objects.get(code=CODE)
    item_update(
        item=item, name=item.name, category=item.category, department=item.department, is_active=False
    )
    assert get(client, f"/services/{CODE}/").status_code == 404


def test_templates_and_samples_download_from_the_published_version(with_files, client):
    body = get(client, f"/services/{CODE}/").content.decode()
    assert "空白表格" in body and "示例样表" in body
    response = get(client, f"/services/{CODE}/materials/application_form/template/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 blank"
    assert "attachment" in response["Content-Disposition"]
    sample = get(client, f"/services/{CODE}/materials/application_form/sample/")
    assert b"".join(sample.streaming_content) == b"%PDF-1.4 sample"


def test_a_draft_file_is_never_served(with_files, client):
    draft = version_draft_create(item=with_files)
    material = draft.materials.get(code="id_card")
    material_files_set(material=material, template=ContentFile(b"secret draft", name="draft.pdf"))
    assert get(client, f"/services/{CODE}/materials/id_card/template/").status_code == 404
    for kind in ("notes", "../../settings", "template%00"):
        assert get(client, f"/services/{CODE}/materials/application_form/{kind}/").status_code in (400, 404)
    assert get(client, "/services/NOPE-0000/materials/application_form/template/").status_code == 404


def test_a_published_material_takes_no_file_and_a_bad_type_is_named(with_files):
    published = ServiceItemVersion.objects.get(item=with_files, status="published")
    with pytest.raises(CatalogError) as exc:
        material_files_set(material=published.materials.first(), template=ContentFile(b"x", name="a.pdf"))
    assert exc.value.code == "VERSION_FROZEN"
    draft = version_draft_create(item=with_files)
    with pytest.raises(CatalogError) as exc:
        material_files_set(material=draft.materials.first(), sample=ContentFile(b"x", name="run.exe"))
    assert exc.value.errors[0]["field"] == "sample"
    assert not MaterialRequirement.objects.get(pk=draft.materials.first().pk).sample


def test_the_guide_costs_a_bounded_number_of_queries(catalog, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        assert get(client, f"/services/{CODE}/").status_code == 200


def test_the_guide_switches_to_english(catalog, client):
    body = client.get(f"/en/services/{CODE}/").content.decode()
    assert "Legal basis" in body and 'lang="en"' in body


def test_a_zero_visit_item_says_so_instead_of_at_most_one_visit(catalog, client):
    item = ServiceItem.objects.get(code=CODE)
    draft = version_draft_create(item=item)
    ServiceItemVersion.objects.filter(pk=draft.pk).update(max_visits=0)  # 零跑动, as a catalog sets it
    draft.refresh_from_db()
    version_publish(version=draft, actor=None)
    body = get(client, f"/services/{CODE}/").content.decode()
    assert "零跑动" in body and "最多跑一次" not in body
