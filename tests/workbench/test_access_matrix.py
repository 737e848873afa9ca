"""Every workbench URL as every role, inside and outside its scope (see access_matrix.py)."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from onewindow.org.models import Role
from onewindow.org.services import staff_create
from tests.factories.access import county_network
from tests.factories.org import UserFactory
from tests.factories.scans import pdf
from tests.workbench.access_matrix import (
    ABOVE,
    AGENT_ACTORS,
    AGENT_OBJECT_ROUTES,
    BELOW,
    BESIDE,
    OWN,
    ROUTES,
    Route,
    agent_expected,
)

PASSWORD = "onewindow-test"


@pytest.fixture
def net(db):
    """The network, with a member of staff in every role at the township hall."""
    network = county_network()
    hall = network.township
    actors = {
        role: staff_create(
            center=hall.center,
            department=hall.department if role in {Role.APPROVER, Role.CHIEF_REPRESENTATIVE} else None,
            username=f"matrix_{role}",
            name=f"矩阵{role}",
            roles=[role],
            password=PASSWORD,
            mobile="13700000000",
        )
        for role in Role.values
    }
    UserFactory(username="matrix_outsider")
    return network, actors


def workbench_names() -> set[str]:
    namespace = get_resolver().namespace_dict["workbench"][1]
    return {name for name in namespace.reverse_dict if isinstance(name, str)}


def test_every_workbench_url_has_its_line_in_the_matrix():
    assert workbench_names() == {route.name for route in ROUTES}


def call(client, route: Route, hall):
    url = reverse(f"workbench:{route.name}", kwargs=route.kwargs(hall) if route.kwargs else None)
    if route.method == "POST":
        return client.post(url, route.data(hall))
    return client.get(url)


def sign_in(client, username: str) -> None:
    response = client.post("/workbench/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, username


def expected(route: Route, role: str | None, where: str) -> set[int]:
    if route.public:
        return {200, 302}
    if role is None:
        return {302}
    if role not in route.roles:
        return {403}
    if route.kwargs is not None and not route.visible(role, where):
        return {404}
    return {200, 302} | ({400} if route.method == "POST" or route.bad_input else set())


def test_each_role_opens_only_what_its_scope_holds(client, net):
    """One network for every route (it takes a while to build); the failures name the route."""
    network, actors = net
    township = network.township
    # Own center and the village below it are in scope; the county above and the other township are not.
    every_hall = [
        (township, OWN),
        (network.village, BELOW),
        (network.county, ABOVE),
        (network.other_township, BESIDE),
    ]
    failures = []
    for route in ROUTES:
        halls = every_hall if route.kwargs is not None else every_hall[:1]
        for hall, where in halls:
            response = call(client, route, hall)
            if response.status_code not in expected(route, None, where):
                failures.append(f"{route.name}: anonymous → {hall.center.code}: {response.status_code}")
    outsider = client.post("/workbench/login/", {"username": "matrix_outsider", "password": PASSWORD})
    assert outsider.status_code == 200  # not staff: refused at the door
    for role, staff in actors.items():
        sign_in(client, staff.user.username)
        for route in ROUTES:
            halls = every_hall if route.kwargs is not None else every_hall[:1]
            for hall, where in halls:
                if route.name == "logout":
                    continue  # it would end the session the loop runs in (checked above, anonymously)
                response = call(client, route, hall)
                if response.status_code not in expected(route, role, where):
                    failures.append(f"{route.name}: {role} → {hall.center.code}: {response.status_code}")
        client.post("/workbench/logout/")
    assert not failures, "\n".join(failures)


def test_a_filed_application_opens_only_for_its_agent(client, db, settings, tmp_path):
    """The agent's pages of a filed proxy application, as every actor of AGENT_ACTORS."""
    import io

    from onewindow.cases import channels, files
    from onewindow.org.models import ServiceCenter
    from tests.factories.org import ApplicantFactory, RegionFactory, ServiceCenterFactory

    settings.ONEWINDOW_FILES_DIR = tmp_path / "files"
    network = county_network()
    county, township, other_township = network.county, network.township, network.other_township

    def person(center, role, name, department=None):
        return staff_create(
            center=center,
            department=department,
            username=f"agents_{name}",
            name=name,
            roles=[role],
            password=PASSWORD,
            mobile="13700000000",
        )

    def village(parent, code):
        return ServiceCenterFactory(
            code=code, tier=ServiceCenter.Tier.VILLAGE, parent=parent, region=RegionFactory()
        )

    actors = {
        "filing_agent": person(network.village.center, Role.PROXY_AGENT, "filing_agent"),
        "other_village_agent": person(village(township.center, "AHX-T01-V02"), Role.PROXY_AGENT, "ova"),
        "township_agent": person(township.center, Role.PROXY_AGENT, "township_agent"),
        "other_township_agent": person(
            village(other_township.center, "AHX-T02-V01"), Role.PROXY_AGENT, "ota"
        ),
        "township_clerk": township.clerk,
        "township_admin": township.admin,
        "township_approver": person(township.center, Role.APPROVER, "t_approver", township.department),
        "village_clerk": network.village.clerk,
        "other_township_clerk": other_township.clerk,
        "county_clerk": county.clerk,
        "approver": person(county.center, Role.APPROVER, "approver", county.department),
        "center_admin": county.admin,
    }
    assert set(actors) == set(AGENT_ACTORS)
    agent = actors["filing_agent"]
    applicant = ApplicantFactory()
    row = files.material_file_store(
        upload=io.BytesIO(pdf(b"scan")), name="scan.pdf", material_code="id_card", actor=agent
    )
    application = channels.proxy_application_submit(
        actor=agent,
        applicant=applicant,
        items=[county.item],
        form_data={"applicant_name": applicant.name, "contact_phone": "13912345678"},
        materials=["id_card"],
        consent=True,
    )
    files.material_files_attach(application=application, file_ids=[row.pk], actor=agent)
    failures = []
    for name, staff in actors.items():
        client.logout()
        sign_in(client, staff.user.username)
        for route in AGENT_OBJECT_ROUTES:
            kwargs = {"pk": row.pk} if route == "file" else {"number": application.number}
            url = reverse(f"workbench:{route}", kwargs=kwargs)
            method = "POST" if route == "agent_supplement" else "GET"
            response = client.post(url) if method == "POST" else client.get(url)
            if response.status_code not in agent_expected(route, name, method):
                failures.append(f"{route}: {name}: {response.status_code}")
    assert not failures, "\n".join(failures)
