"""The SMS outbox and its backends: the local one (the admin's table), and Aliyun's SendSms spoken
to a real local HTTP server that checks the request the way the gateway does."""

import datetime as dt
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from onewindow.core import clock, sms
from onewindow.core.models import SmsMessage
from onewindow.core.scheduler import Scheduler, load_schedule

pytestmark = pytest.mark.django_db(transaction=True)

KEY_ID, SECRET = "LTAI-test-key", "test-secret/with+odd=chars"
REQUIRED = {
    "AccessKeyId", "Action", "Format", "PhoneNumbers", "RegionId", "SignName", "SignatureMethod",
    "SignatureNonce", "SignatureVersion", "TemplateCode", "TemplateParam", "Timestamp", "Version", "Signature",
}  # fmt: skip


class FakeAliyun(BaseHTTPRequestHandler):
    """dysmsapi as far as SendSms goes: the signature recomputed with the shared secret, every
    required field, the nonce never reused; answers as the gateway does."""

    seen: list[dict[str, str]] = []
    nonces: set[str] = set()
    answer: dict | None = None
    # Answers given before the usual ones, one a request: (HTTP status, payload), or a number of
    # seconds to wait without answering (a gateway that times out).
    script: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        params = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
        type(self).seen.append(params)
        if set(params) != REQUIRED:
            return self._reply(400, {"Code": "MissingParameter", "Message": str(REQUIRED ^ set(params))})
        if params["AccessKeyId"] != KEY_ID:
            return self._reply(404, {"Code": "InvalidAccessKeyId.NotFound", "Message": "no key"})
        expected = sms.aliyun_signature({k: v for k, v in params.items() if k != "Signature"}, SECRET, "POST")
        if params["Signature"] != expected:
            return self._reply(400, {"Code": "SignatureDoesNotMatch", "Message": "bad signature"})
        if params["SignatureNonce"] in type(self).nonces:
            return self._reply(400, {"Code": "SignatureNonceUsed", "Message": "nonce reused"})
        type(self).nonces.add(params["SignatureNonce"])
        if type(self).script:
            step = type(self).script.pop(0)
            if isinstance(step, (int, float)):
                time.sleep(step)
                return self._reply(200, {"Code": "OK", "Message": "too late", "BizId": "late"})
            return self._reply(*step)
        if type(self).answer is not None:
            return self._reply(200, type(self).answer)
        return self._reply(
            200, {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "F655A8D5"}
        )

    def _reply(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    FakeAliyun.seen, FakeAliyun.nonces, FakeAliyun.answer, FakeAliyun.script = [], set(), None, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeAliyun)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "aliyun"
    settings.SMS_ALIYUN_ENDPOINT = f"http://127.0.0.1:{server.server_port}/"
    settings.SMS_ALIYUN_ACCESS_KEY_ID = KEY_ID
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = SECRET
    settings.SMS_ALIYUN_SIGN_NAME = "一窗通"
    settings.SMS_ALIYUN_TEMPLATES = {"signup_code": "SMS_1001"}
    settings.SMS_TIMEOUT_SECONDS = 5
    yield FakeAliyun
    server.shutdown()
    server.server_close()


def test_the_signature_matches_aliyuns_documented_example():
    # The example of Alibaba Cloud's "RPC signature" documentation (signature version 1.0).
    params = {
        "AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML", "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26",
    }  # fmt: skip
    assert sms.aliyun_signature(params, "testsecret", "GET") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_local_backend_keeps_the_message_after_commit_only(settings):
    settings.SMS_BACKEND = "local"
    with pytest.raises(RuntimeError), transaction.atomic():
        sms.send(mobile="13800138000", text="rolled back", purpose="signup_code")
        raise RuntimeError
    assert not SmsMessage.objects.exists()  # a rolled-back action texts nobody
    with transaction.atomic():
        message = sms.send(mobile="+86 138-0013-8000", text="验证码 123456", purpose="signup_code")
        assert SmsMessage.objects.get().state == "queued"  # not yet: the transaction is open
    message.refresh_from_db()
    assert message.state == "sent" and message.backend == "local" and message.text == "验证码 123456"
    assert str(message).startswith("138****8000")
    assert sms.message_list(mobile="13800138000")[0].pk == message.pk


def test_aliyun_backend_sends_a_signed_sendsms_and_forgets_the_text(gateway):
    message = sms.send(
        mobile="13800138000", text="验证码 654321", purpose="signup_code", params={"code": "654321"}
    )
    message.refresh_from_db()
    assert message.state == "queued"  # the gateway is the worker's job, not the request's
    sms.sms_deliver(message.pk)
    message.refresh_from_db()
    assert message.state == "sent" and message.provider_id == "900619746936498440^0", message.error
    assert message.text == "" and message.params == {}
    [request] = gateway.seen
    assert request["Action"] == "SendSms" and request["PhoneNumbers"] == "13800138000"
    assert request["TemplateCode"] == "SMS_1001" and json.loads(request["TemplateParam"]) == {
        "code": "654321"
    }
    assert request["SignName"] == "一窗通" and request["Version"] == "2017-05-25"
    sms.sms_deliver(message.pk)  # delivered once, whoever asks again
    assert len(gateway.seen) == 1


def test_a_wrong_secret_is_refused_by_the_gateway_and_kept_on_the_row(gateway, settings):
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "not-the-secret"
    message = sms.send(mobile="13800138000", text="x", purpose="signup_code", params={"code": "1"})
    sms.sms_deliver(message.pk)
    message.refresh_from_db()
    assert message.state == "failed" and "SignatureDoesNotMatch" in message.error


@pytest.mark.parametrize(
    ("answer", "code", "state"),
    [
        (
            {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控"},
            "isv.BUSINESS_LIMIT_CONTROL",
            "queued",
        ),
        (
            {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"},
            "isv.MOBILE_NUMBER_ILLEGAL",
            "failed",
        ),
        (["not", "an", "object"], "UNKNOWN", "queued"),
    ],
)
def test_gateway_refusals_keep_the_gateways_code_and_retry_only_what_may_pass(gateway, answer, code, state):
    gateway.answer = answer
    message = sms.send(mobile="13800138000", text="x", purpose="signup_code", params={"code": "1"})
    sms.sms_deliver(message.pk)
    message.refresh_from_db()
    assert message.state == state and message.error.startswith(code) and message.attempts == 1
    assert (message.next_attempt_at is not None) == (state == "queued")


def test_an_unreachable_gateway_is_retried_and_a_missing_template_fails_at_once(gateway, settings):
    settings.SMS_ALIYUN_ENDPOINT = "http://127.0.0.1:9/"  # discard port: nothing listens
    message = sms.send(mobile="13800138000", text="x", purpose="signup_code", params={"code": "1"})
    sms.sms_deliver(message.pk)
    message.refresh_from_db()
    assert message.state == "queued" and message.error.startswith("NETWORK")
    other = sms.send(mobile="13800138000", text="x", purpose="reset_code", params={"code": "1"})
    sms.sms_deliver(other.pk)
    other.refresh_from_db()
    assert other.state == "failed" and other.error.startswith("NO_TEMPLATE")


# ----------------------------------------------------------------------------- retries by the worker

RETRY = "onewindow.core.tasks.sms_retry_task"
SEND = "onewindow.core.tasks.sms_send_task"


def _worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def _retry_tick():
    """What the scheduler does when the retry task is due, then the worker running it."""
    assert Scheduler(load_schedule([(RETRY, 30)])).tick() == [RETRY]
    _worker()


def test_the_retry_task_is_scheduled_at_its_setting(settings):
    schedule = {p.path: p.every for p in load_schedule()}
    assert schedule[RETRY] == settings.SMS_RETRY_TICK_SECONDS
    assert "onewindow.core.tasks.sms_prune_task" in schedule


def test_a_failed_message_is_retried_by_the_worker_with_backoff_until_the_gateway_takes_it(gateway):
    gateway.script = [
        (200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控"}),
        (500, {"Code": "ServiceUnavailable", "Message": "try later"}),
    ]
    start = clock.now()
    with clock.frozen(start):
        message = sms.send(
            mobile="13800138000", text="验证码 135790", purpose="signup_code", params={"code": "135790"}
        )
        _worker()  # the send task: the first try, refused by the flow control
    message.refresh_from_db()
    assert message.state == "queued" and message.attempts == 1
    assert message.error.startswith("isv.BUSINESS_LIMIT_CONTROL")
    assert message.next_attempt_at == start + dt.timedelta(seconds=30)
    with clock.frozen(start + dt.timedelta(seconds=10)):
        _retry_tick()  # not due yet: nothing sent
    assert len(gateway.seen) == 1
    with clock.frozen(start + dt.timedelta(seconds=31)):
        _retry_tick()  # the second try: the gateway is down
    message.refresh_from_db()
    assert (
        message.state == "queued" and message.attempts == 2 and message.error.startswith("ServiceUnavailable")
    )
    assert message.next_attempt_at == start + dt.timedelta(seconds=31 + 60)  # doubled
    with clock.frozen(start + dt.timedelta(seconds=92)):
        _retry_tick()
    message.refresh_from_db()
    assert message.state == "sent" and message.attempts == 3 and message.error == ""
    assert message.next_attempt_at is None and message.text == "" and message.params == {}
    assert [json.loads(r["TemplateParam"]) for r in gateway.seen] == [{"code": "135790"}] * 3
    assert DBTaskResult.objects.filter(task_path=RETRY, status=TaskResultStatus.SUCCESSFUL).count() == 3
    with clock.frozen(start + dt.timedelta(hours=1)):
        _retry_tick()
    assert len(gateway.seen) == 3  # sent once: never again


def test_a_gateway_that_times_out_is_retried(gateway, settings):
    settings.SMS_TIMEOUT_SECONDS = 0.2
    gateway.script = [1.0]  # answers after the worker gave up
    start = clock.now()
    with clock.frozen(start):
        message = sms.send(
            mobile="13800138000", text="x 24680", purpose="signup_code", params={"code": "24680"}
        )
        _worker()
    message.refresh_from_db()
    assert message.state == "queued" and message.error.startswith("NETWORK")
    with clock.frozen(start + dt.timedelta(minutes=1)):
        _retry_tick()
    message.refresh_from_db()
    assert message.state == "sent" and message.attempts == 2


def test_after_the_last_allowed_try_the_message_is_failed_for_good(gateway, settings):
    settings.SMS_SEND_ATTEMPTS = 3
    gateway.answer = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发天级流控"}
    start = clock.now()
    with clock.frozen(start):
        message = sms.send(mobile="13800138000", text="x", purpose="signup_code", params={"code": "1"})
        _worker()
    for minutes in (1, 3):
        with clock.frozen(start + dt.timedelta(minutes=minutes)):
            _retry_tick()
    message.refresh_from_db()
    assert message.state == "failed" and message.attempts == 3 and message.next_attempt_at is None
    assert message.error.startswith("isv.BUSINESS_LIMIT_CONTROL")
    with clock.frozen(start + dt.timedelta(days=1)):
        _retry_tick()
    assert len(gateway.seen) == 3


def test_a_code_that_expired_before_it_could_be_sent_is_not_sent(gateway):
    gateway.script = [(200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "流控"})]
    start = clock.now()
    with clock.frozen(start):
        message = sms.send(
            mobile="13800138000",
            text="验证码 112233",
            purpose="signup_code",
            params={"code": "112233"},
            expires_at=start + dt.timedelta(seconds=20),
        )
        _worker()
    with clock.frozen(start + dt.timedelta(seconds=31)):
        _retry_tick()
    message.refresh_from_db()
    assert message.state == "expired" and message.attempts == 1 and message.error.startswith("EXPIRED")
    assert message.text == "" and message.params == {}  # the code is gone from the outbox too
    assert len(gateway.seen) == 1


def test_a_message_whose_task_was_lost_is_picked_up_by_the_retry_task(gateway):
    start = clock.now()
    with clock.frozen(start):
        with transaction.atomic():  # written without its send task (a worker that died first)
            message = SmsMessage.objects.create(
                mobile="13800138000",
                mobile_digest="x",
                purpose="signup_code",
                text="x",
                params={"code": "9"},
                created_at=start,
            )
        assert sms.sms_due() == []  # too young: its own task may still come
    with clock.frozen(start + sms.STALE_QUEUED + dt.timedelta(seconds=1)):
        assert sms.sms_due() == [message.pk]
        _retry_tick()
    message.refresh_from_db()
    assert message.state == "sent"


def test_backoff_doubles_and_stays_bounded(settings):
    settings.SMS_RETRY_SECONDS = 30
    assert [sms.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert sms.retry_delay(10_000).total_seconds() == 3600


def test_sent_texts_are_erased_after_the_retention_period_and_queued_ones_kept(settings):
    settings.SMS_BACKEND = "local"
    start = clock.now()
    with clock.frozen(start - dt.timedelta(days=2)):
        old = sms.send(
            mobile="13800138000", text="验证码 445566", purpose="signup_code", params={"code": "445566"}
        )
        queued = SmsMessage.objects.create(
            mobile="13800138000",
            mobile_digest="x",
            purpose="signup_code",
            text="keep",
            created_at=clock.now(),
        )
    recent = sms.send(
        mobile="13800138000", text="验证码 778899", purpose="signup_code", params={"code": "778899"}
    )
    with clock.frozen(start):
        assert sms.sms_bodies_prune(keep_days=1) == 1
        assert sms.sms_bodies_prune(keep_days=1) == 0  # once
    old.refresh_from_db()
    queued.refresh_from_db()
    recent.refresh_from_db()
    assert old.text == "" and old.params == {} and old.erased_at == start and old.state == "sent"
    assert old.masked_mobile == "138****8000"  # the row stays, the number still masked
    assert queued.text == "keep" and recent.text == "验证码 778899"


class FlakyBackend:
    """A backend with a bug that shows twice (not an SmsError), then sends."""

    name = "flaky"
    inline = False
    keeps_text = False
    calls = 0

    def send(self, sms_):
        type(self).calls += 1
        if type(self).calls <= 2:
            raise RuntimeError("connection pool exhausted")
        return "ok-1"


def test_a_backend_that_raises_anything_is_retried_like_a_refusal_and_bounded(settings):
    settings.SMS_BACKEND = "tests.core.test_sms.FlakyBackend"
    FlakyBackend.calls = 0
    start = clock.now()
    with clock.frozen(start):
        message = sms.send(mobile="13800138000", text="x", purpose="signup_code", params={"code": "1"})
        _worker()
    message.refresh_from_db()
    assert message.state == "queued" and message.attempts == 1
    assert message.error == "BACKEND_ERROR: RuntimeError: connection pool exhausted"
    for seconds in (31, 92):
        with clock.frozen(start + dt.timedelta(seconds=seconds)):
            _retry_tick()
    message.refresh_from_db()
    assert message.state == "sent" and message.attempts == 3 and message.provider_id == "ok-1"
