"""Every portal URL really requested as every visitor, for every owner's object and every notice
kind (tests/portal/access_matrix.py)."""

from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from onewindow.cases import channels, services
from onewindow.cases.documents.notice import NoticeKind
from onewindow.catalog.drafts import material_files_set
from onewindow.catalog.models import CatalogList, ServiceItem
from onewindow.catalog.services import catalog_import, version_draft_create, version_publish
from onewindow.org.accounts import (
    account_bind,
    account_create,
    account_declare_applicant,
    binding_code_current,
)
from tests.factories.cases import accepted_case, delivered_case, make_world, submit
from tests.factories.catalog import BundleFactory, BundleItemFactory, catalog_document
from tests.factories.org import (
    DepartmentFactory,
    SectorFactory,
    ServiceCenterFactory,
    StaffFactory,
    with_id_check_digit,
)
from tests.portal.access_matrix import (
    ANONYMOUS,
    APPLICATION,
    APPLICATION_OWNER,
    BOUND,
    CASE,
    CASE_OWNER,
    DELIVERED_CASE,
    NOTICE,
    NOTICES,
    ONLINE_CASE,
    OTHER,
    OTHER_CASE,
    REFUSED_CASE,
    ROUTES,
    STAFF,
    SUPPLEMENT_CASE,
    UNBOUND,
    WINDOW_CASE,
    Thing,
    expected,
)
from tests.portal.conftest import PDF

PASSWORD = "qiuju-daguansi-1992"


def portal_names() -> set[str]:
    namespace = get_resolver().namespace_dict["portal"][1]
    return {name for name in namespace.reverse_dict if isinstance(name, str)}


def test_every_portal_url_has_its_line_in_the_matrix():
    assert portal_names() == {route.name for route in ROUTES if route.namespace == "portal"}


def bound_account(mobile, applicant):
    account = account_create(mobile=mobile, password=PASSWORD)
    account_bind(account=account, code=binding_code_current(applicant=applicant).code, address="matrix")
    return account


def published_catalog(settings, tmp_path):
    """A catalog imported as a center publishes it (a list), one item's form with a template."""
    settings.MEDIA_ROOT = tmp_path / "media"
    center = ServiceCenterFactory(code="XTX")
    DepartmentFactory(center=center, code="SCJG")
    SectorFactory(center=center, code="SSFW")
    catalog_import(center=center, data=catalog_document())
    item = ServiceItem.objects.filter(center=center).order_by("code").first()
    draft = version_draft_create(item=item)
    material_files_set(
        material=draft.materials.get(code="application_form"),
        template=ContentFile(b"%PDF-1.4 blank", name="申请书.pdf"),
    )
    version_publish(version=draft, actor=None)
    return item, CatalogList.objects.filter(center=center, published_on__isnull=False).get()


@pytest.fixture
def people(db, settings, tmp_path):
    settings.ONEWINDOW_FILES_DIR = tmp_path / "files"
    world = make_world()
    other_world = make_world()
    window_case = accepted_case(world)  # at the window, for the bound account's applicant
    refused = submit(world).cases.get()
    refused = services.case_refuse(
        case=refused, actor=world.clerk, reasons="不属于本中心", legal_basis="《条例》"
    )
    waiting = services.application_intake(application=submit(world, materials=[]), actor=world.clerk).cases[0]
    delivered = delivered_case(world)
    other_case = accepted_case(other_world)
    bound = bound_account("13800138001", world.applicant)
    other = bound_account("13800138002", other_world.applicant)
    unbound = account_create(mobile="13800138003", password=PASSWORD)
    declared = account_declare_applicant(
        account=unbound, name="秋菊", id_number=with_id_check_digit("11010519491231002")
    )
    application = services.application_create(
        center=world.center,
        applicant=declared,
        items=[world.item],
        channel="portal",
        actor=declared,
        state="draft",
    )
    upload = channels.portal_material_upload(
        application=application,
        actor=declared,
        material_code="id_card",
        upload=SimpleUploadedFile("身份证.pdf", PDF, content_type="application/pdf"),
        name="身份证.pdf",
    )
    for code in sorted(m.code for m in world.version.materials.all() if m.code != "id_card"):
        channels.portal_material_upload(
            application=application,
            actor=declared,
            material_code=code,
            upload=SimpleUploadedFile(f"{code}.pdf", PDF, content_type="application/pdf"),
            name=f"{code}.pdf",
        )
    services.application_submit(application=application, actor=declared)
    online_case = services.application_intake(application=application, actor=world.clerk).cases[0]
    assert online_case.state == "accepted" and waiting.state == "pending_supplement"
    bundle = BundleFactory(center=world.center, is_active=True)
    BundleItemFactory(bundle=bundle, item=world.item)
    listed, catalog_list = published_catalog(settings, tmp_path)
    staff = StaffFactory(center=world.center, roles=["intake_clerk"])
    visitors = {
        ANONYMOUS: None,
        STAFF: staff.user,
        UNBOUND: unbound.user,
        BOUND: bound.user,
        OTHER: other.user,
    }
    cases = {
        WINDOW_CASE: window_case,
        REFUSED_CASE: refused,
        SUPPLEMENT_CASE: waiting,
        DELIVERED_CASE: delivered,
        ONLINE_CASE: online_case,
        OTHER_CASE: other_case,
    }
    applications = {
        ONLINE_CASE: Thing(online_case, application, upload.pk),
        WINDOW_CASE: Thing(window_case, window_case.application, 0),
        OTHER_CASE: Thing(other_case, other_case.application, 0),
    }
    site = SimpleNamespace(
        item=world.item, bundle=bundle, listed=listed, catalog_list=catalog_list, cases=cases
    )
    return visitors, site, applications


def requests(route, site, applications):
    """(what, owner, URL kwargs, whether the case has had that notice) for each object the route names."""
    if route.of == CASE:
        return [
            (what, CASE_OWNER[what], route.kwargs(Thing(case, None)), True)
            for what, case in site.cases.items()
        ]
    if route.of == NOTICE:
        return [
            (f"{what}/{kind}", CASE_OWNER[what], {"number": case.number, "kind": kind}, kind in NOTICES[what])
            for what, case in site.cases.items()
            for kind in NoticeKind.values
        ]
    if route.of == APPLICATION:
        return [
            (what, APPLICATION_OWNER[what], route.kwargs(thing), True)
            for what, thing in applications.items()
            if thing.file_id or route.name not in ("file", "application_file_remove")
        ]
    return [("", None, route.kwargs(site) if route.kwargs else None, True)]


@pytest.mark.django_db
def test_every_portal_url_as_every_visitor_for_every_owner_and_notice(client, people):
    visitors, site, applications = people
    failures = []
    # Every GET first, the POSTs after; the owner last on each (its POSTs change nothing of a
    # submitted application, the matrix checks that they reach it).
    order = sorted(ROUTES, key=lambda r: r.method != "GET")
    for route in order:
        if route.name == "logout":
            continue  # its own tests: it would end the session the loop runs in
        for visitor in (ANONYMOUS, STAFF, OTHER, BOUND, UNBOUND):
            user = visitors[visitor]
            client.logout()
            if user is not None:
                client.force_login(user)  # the sign-in pages have their own tests
            for what, owner, kwargs, has_notice in requests(route, site, applications):
                name = f"{route.namespace}:{route.name}" if route.namespace else route.name
                url = reverse(name, kwargs=kwargs)
                response = client.post(url, route.data) if route.method == "POST" else client.get(url)
                want = expected(route, visitor, owner, has_notice=has_notice)
                if response.status_code not in want:
                    failures.append(
                        f"{route.method} {route.name}: {visitor} → {what or '-'}: {response.status_code} (want {want})"
                    )
    assert not failures, "\n".join(failures)
    assert applications[ONLINE_CASE].application.files.filter(pk=applications[ONLINE_CASE].file_id).exists()
    assert site.cases[ONLINE_CASE].__class__.objects.get(pk=site.cases[ONLINE_CASE].pk).state == "accepted"
