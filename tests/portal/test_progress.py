"""The public progress page: a case opens only with its number and the query code on its notice
(or the applicant's name and the ID number's last four), never shows a name, and rate-limits guesses."""

import re
import threading

import pytest
from django.db import connection
from django.urls import reverse

from onewindow.cases.models import QUERY_CODE_ALPHABET, Case
from onewindow.core.models import RateBucket
from tests.factories.cases import accepted_case, make_world
from tests.workbench.helpers import text

PROGRESS = "/progress/"


@pytest.fixture
def case(db):
    world = make_world()
    world.applicant.name = "张三丰"
    world.applicant.save(update_fields=["name"])
    return accepted_case(world)


def look_up(client, **params):
    return client.get(PROGRESS, params, HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_number_and_query_code_open_the_case_with_its_steps_and_no_name(client, case):
    response = look_up(client, number=case.number, code=case.query_code)
    body = response.content.decode()
    assert response.status_code == 200
    assert case.number in body and case.item.name in body
    assert "已受理" in body  # the accept step, in Chinese
    assert "张三丰" not in body and "张**" not in body  # never a name, not even masked
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_number_alone_opens_nothing_and_asks_for_the_code(client, case):
    response = look_up(client, number=case.number)
    assert response.status_code == 200
    body = response.content.decode()
    assert case.item.name not in body
    assert "查询码" in body


def test_an_old_qr_address_with_the_number_in_the_path_asks_for_the_code(client, case):
    response = client.get(reverse("portal:progress_case", args=[case.number]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'value="{case.number}"' in body and case.item.name not in body


def test_a_wrong_code_and_an_unknown_number_get_the_same_answer(client, case):
    wrong = "".join(c for c in QUERY_CODE_ALPHABET if c not in case.query_code)[:8]
    a = look_up(client, number=case.number, code=wrong)
    b = look_up(client, number="NOPE-20260101-000001", code=case.query_code)
    assert a.status_code == b.status_code == 404
    assert case.item.name not in a.content.decode()
    message = "没有与该编号和查询码"
    assert message in a.content.decode() and message in b.content.decode()


def test_lower_case_and_spaces_are_forgiven(client, case):
    response = look_up(client, number=f"  {case.number.lower()} ", code=f" {case.query_code.lower()} ")
    assert response.status_code == 200 and case.item.name in response.content.decode()


def test_name_and_the_id_numbers_last_four_open_the_case_too(client, case):
    applicant = case.application.applicant
    last4 = applicant.id_number[-4:]
    assert look_up(client, number=case.number, name="张三丰", id_last4=last4.lower()).status_code == 200
    assert look_up(client, number=case.number, name="张三", id_last4=last4).status_code == 404
    other = "0000" if last4 != "0000" else "1111"
    assert look_up(client, number=case.number, name="张三丰", id_last4=other).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params,field",
    [
        ({"number": "a/b", "code": "ABCDEFGH"}, "number"),
        ({"number": "x" * 10_000, "code": "ABCDEFGH"}, "number"),
        ({"number": "办件😀", "code": "ABCDEFGH"}, "number"),
        ({"number": "AHX-1", "code": "abc"}, "code"),
        ({"number": "AHX-1", "code": "OOOOOOOO"}, "code"),  # O is not in the alphabet
        ({"number": "AHX-1", "code": "A" * 5000}, "code"),
        ({"number": "AHX-1", "name": "张三", "id_last4": "12"}, "id_last4"),
        ({"number": "AHX-1", "name": "张三"}, "id_last4"),
    ],
)
def test_malformed_input_names_the_field_in_chinese_and_asks_nothing_of_the_database(
    client, params, field, django_assert_max_num_queries
):
    with django_assert_max_num_queries(0):
        response = look_up(client, **params)
    assert response.status_code == 400
    assert f'data-testid="error-{field}"' in response.content.decode()


@pytest.mark.django_db
def test_a_blank_form_is_the_form_again_asking_for_the_number(client):
    # The home page's form leaves validation to the server (no browser bubble in the browser's
    # language): sent blank, it comes back asking for the number beside its field.
    response = look_up(client, number="   ", code="")
    assert response.status_code == 400
    assert 'name="code"' in response.content.decode()
    assert "请填写通知书上印的办件编号" in text(response)


def test_guesses_are_limited_per_address_and_the_limit_holds_for_the_right_code_too(client, case, settings):
    settings.ONEWINDOW_TRACKING_LIMIT = 3
    for _ in range(3):
        assert look_up(client, number=case.number, code="ABCDEFGH").status_code in (200, 404)
    limited = look_up(client, number=case.number, code=case.query_code)
    assert limited.status_code == 429
    assert "查询过于频繁" in limited.content.decode()
    other = client.get(PROGRESS, {"number": case.number, "code": case.query_code}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200  # another address is not limited


@pytest.mark.django_db
def test_progress_page_queries_are_bounded(client, case, django_assert_max_num_queries):
    look_up(client, number=case.number, code=case.query_code)  # opens this window's rate bucket
    with django_assert_max_num_queries(3):  # the rate bucket's count, the case, its events
        assert look_up(client, number=case.number, code=case.query_code).status_code == 200


def test_every_case_gets_its_own_code(db):
    world = make_world()
    codes = {accepted_case(world).query_code for _ in range(5)}
    assert len(codes) == 5 and all(len(c) == 8 and set(c) <= set(QUERY_CODE_ALPHABET) for c in codes)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_guesses_from_one_address_never_exceed_the_limit(client, settings):
    settings.ONEWINDOW_TRACKING_LIMIT = 5
    from django.test import Client

    answers: list[int] = []
    lock = threading.Lock()

    def guess():
        try:
            status = Client().get(PROGRESS, {"number": "AHX-20260101-000001", "code": "ABCDEFGH"}).status_code
            with lock:
                answers.append(status)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers.count(404) == 5 and answers.count(429) == 7
    assert RateBucket.objects.get().hits == 5


@pytest.mark.django_db
def test_home_page_asks_for_the_number_and_the_query_code(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = response.content.decode()
    assert response.status_code == 200 and 'name="code"' in body and "办件进度查询" in body


def test_the_notices_qr_code_carries_the_number_and_the_code(case):
    from onewindow.cases.documents.notice import qr_url

    url = qr_url(case.number, case.query_code)
    assert url.endswith(f"/progress/?number={case.number}&code={case.query_code}")
    assert Case.objects.filter(query_code=case.query_code).count() == 1


def test_the_steps_name_each_change_of_state_once(client, db):
    """The back office's task events (claim, agree…) keep the case 办理中: the list says so once,
    in the order the case went, each with the time it got there."""
    from tests.factories.cases import decided_case

    case = decided_case(make_world())
    states = list(case.events.order_by("seq").values_list("to_state", flat=True))
    assert states.count("in_progress") > 1  # the case's own trail repeats the state
    body = look_up(client, number=case.number, code=case.query_code).content.decode()
    steps = re.findall(r'<li class="list-group-item[^"]*"><span>([^<]+)</span>', body)
    assert steps.count("办理中") == 1
    assert steps[-2:] == ["办理中", "已决定"]
    assert all(a != b for a, b in zip(steps, steps[1:], strict=False))
