"""The SMS outbox and its backends: the local one (the admin's table), and Aliyun's SendSms spoken
to a real local HTTP server that checks the request the way the gateway does."""

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction

from onewindow.core import sms
from onewindow.core.models import SmsMessage

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
    FakeAliyun.seen, FakeAliyun.nonces, FakeAliyun.answer = [], set(), None
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
    ("answer", "code"),
    [
        ({"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控"}, "isv.BUSINESS_LIMIT_CONTROL"),
        ({"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"}, "isv.MOBILE_NUMBER_ILLEGAL"),
        (["not", "an", "object"], "UNKNOWN"),
    ],
)
def test_gateway_refusals_fail_the_message_with_the_gateways_code(gateway, answer, code):
    gateway.answer = answer
    message = sms.send(mobile="13800138000", text="x", purpose="signup_code", params={"code": "1"})
    sms.sms_deliver(message.pk)
    message.refresh_from_db()
    assert message.state == "failed" and message.error.startswith(code)


def test_an_unreachable_gateway_or_a_missing_template_fails_cleanly(gateway, settings):
    settings.SMS_ALIYUN_ENDPOINT = "http://127.0.0.1:9/"  # discard port: nothing listens
    message = sms.send(mobile="13800138000", text="x", purpose="signup_code", params={"code": "1"})
    sms.sms_deliver(message.pk)
    message.refresh_from_db()
    assert message.state == "failed" and message.error.startswith("NETWORK")
    other = sms.send(mobile="13800138000", text="x", purpose="reset_code", params={"code": "1"})
    sms.sms_deliver(other.pk)
    other.refresh_from_db()
    assert other.state == "failed" and other.error.startswith("NO_TEMPLATE")
