import pytest

from onewindow.demo import steps
from onewindow.demo.steps import DemoStep, load_demo, register_step


@pytest.fixture
def saved_steps():
    before = list(steps.STEPS)
    yield
    steps.STEPS[:] = before


def test_a_later_app_can_append_or_insert_a_step(saved_steps):
    ran = []
    register_step(DemoStep("tickets", lambda ctx: ran.append("tickets")))
    register_step(DemoStep("queue", lambda ctx: ran.append("queue")), after="catalog")
    names = [s.name for s in steps.STEPS]
    assert names[-1] == "tickets"
    assert names.index("queue") == names.index("catalog") + 1
    register_step(DemoStep("tickets", lambda ctx: ran.append("tickets v2")))  # same name replaces
    assert [s.name for s in steps.STEPS].count("tickets") == 1


@pytest.mark.django_db
def test_only_runs_the_named_steps(saved_steps):
    ran = []
    register_step(DemoStep("probe", lambda ctx: ran.append(ctx.hall)))
    ctx = load_demo(only=["probe"])
    assert ran == [None]  # the hall step did not run, so there is no hall
    assert ctx.created == {}
