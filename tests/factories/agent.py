"""The village agent's test desk: the intake desk's item at a county hall, a township center with
two village stations below it, a proxy agent at each, the township's clerk and a proxy agent
at the township itself (not a village: it may not file)."""

from __future__ import annotations

from dataclasses import dataclass

from onewindow.org.models import Role, ServiceCenter, Staff
from tests.factories.cases import World
from tests.factories.intake import intake_desk
from tests.factories.org import ServiceCenterFactory, StaffFactory


@dataclass
class AgentDesk:
    world: World
    township: ServiceCenter
    village: ServiceCenter
    agent: Staff
    other_agent: Staff  # a proxy agent of another village of the same township
    township_clerk: Staff
    township_agent: Staff


def agent_desk(settings, files_dir) -> AgentDesk:
    world = intake_desk(settings, files_dir)
    world.center.name = "安和县政务服务中心"
    world.center.save()
    township = ServiceCenterFactory(
        tier=ServiceCenter.Tier.TOWNSHIP, parent=world.center, name="李庄镇便民服务中心", code="T01"
    )
    village = ServiceCenterFactory(
        tier=ServiceCenter.Tier.VILLAGE, parent=township, name="东村便民服务站", code="T01V01"
    )
    other_village = ServiceCenterFactory(
        tier=ServiceCenter.Tier.VILLAGE, parent=township, name="西村便民服务站", code="T01V02"
    )
    return AgentDesk(
        world=world,
        township=township,
        village=village,
        agent=StaffFactory(center=village, roles=[Role.PROXY_AGENT], name="王代办"),
        other_agent=StaffFactory(center=other_village, roles=[Role.PROXY_AGENT], name="赵代办"),
        township_clerk=StaffFactory(center=township, roles=[Role.INTAKE_CLERK], name="李镇员"),
        township_agent=StaffFactory(center=township, roles=[Role.PROXY_AGENT], name="孙代办"),
    )
