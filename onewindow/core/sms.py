"""Text messages to mobile phones (短信): one outbox, one provider interface, two backends.

`send(mobile=…, text=…, purpose=…, params=…)` writes a `core.SmsMessage` row in the caller's
transaction and, once that commits, hands it to the configured backend
(`settings.SMS_BACKEND`), so a rolled-back action never texts anybody (STYLE.md, "side effects
after commit"). A backend is a class with `send(sms) -> provider id`:

* `LocalBackend` ("local", the default and the demo's): delivers nothing; the message stays in
  the table, readable by operators in the admin (the number masked), as the phone would show
  it. It is delivered inline right after the commit: nothing can be slow or fail.
* `AliyunBackend` ("aliyun"): Alibaba Cloud's SMS service (阿里云短信服务), the `SendSms` action
  of its RPC API (version 2017-05-25) over HTTPS, signed with HMAC-SHA1 (signature version 1.0).
  Chinese gateways send only approved templates under an approved signature (签名): a message
  is a template code plus its parameters (`{"code": "123456"}`), chosen by the message's
  purpose (`settings.SMS_ALIYUN_TEMPLATES`). It runs in the task worker (`core.tasks.
  sms_send_task`), never in a request, and forgets the text once the gateway has taken it.

A try that fails for a reason a later try may not meet (the network, a timeout, the gateway's
flow control) is made again by the periodic `core.tasks.sms_retry_task` with backoff, up to
`settings.SMS_SEND_ATTEMPTS` tries; then, or at once for a refusal no retry changes, the message
is failed for good. A message with `expires_at` (a code) is never sent after it. The periodic
`core.tasks.sms_prune_task` erases the texts of finished messages after `SMS_KEEP_TEXT_DAYS`.

docs/decisions/0024-binding-codes-and-sms.md says why; docs/operations.md lists the settings.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol

from django.conf import settings
from django.db import models, transaction
from django.utils.module_loading import import_string

from onewindow.core import clock
from onewindow.core.fields import personal_digest
from onewindow.core.models import SmsMessage
from onewindow.core.validators import normalise_mobile

ERROR_MAX = 500


@dataclass(frozen=True)
class Sms:
    """What a backend sends: the number, the text, and for template gateways the purpose and
    the template's parameters."""

    mobile: str
    text: str
    purpose: str = ""
    params: dict[str, str] = field(default_factory=dict)


class SmsError(Exception):
    """The gateway refused or could not be reached; `code` is the gateway's (or HTTP_*, NETWORK)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")


class SmsBackend(Protocol):
    name: str
    inline: bool  # delivered in the committing process (no network), not by the worker
    keeps_text: bool  # the text stays in the outbox after sending (the demo's phone)

    def send(self, sms: Sms) -> str:
        """Hand the message over; the gateway's id for it. Raises SmsError."""
        ...


class LocalBackend:
    """The demo's phone: the outbox row is the message; operators read it in the admin."""

    name = "local"
    inline = True
    keeps_text = True

    def send(self, sms: Sms) -> str:
        return "local-" + secrets.token_hex(8)


def percent_encode(value: str) -> str:
    """Aliyun's POP encoding: RFC 3986 (only A-Z a-z 0-9 - _ . ~ unescaped; a space is %20)."""
    return urllib.parse.quote(value, safe="-_.~")


def aliyun_signature(params: dict[str, str], secret: str, method: str = "POST") -> str:
    """The `Signature` of an Aliyun RPC request (signature version 1.0, HMAC-SHA1): the sorted,
    percent-encoded query, prefixed with the method and the encoded path "/", keyed with the
    AccessKey secret followed by "&"."""
    canonical = "&".join(
        f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()) if k != "Signature"
    )
    to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunBackend:
    """阿里云短信服务 SendSms (dysmsapi, 2017-05-25), signed with HMAC-SHA1."""

    name = "aliyun"
    inline = False
    keeps_text = False
    VERSION = "2017-05-25"

    def __init__(self) -> None:
        self.endpoint = settings.SMS_ALIYUN_ENDPOINT
        self.key_id = settings.SMS_ALIYUN_ACCESS_KEY_ID
        self.secret = settings.SMS_ALIYUN_ACCESS_KEY_SECRET
        self.sign_name = settings.SMS_ALIYUN_SIGN_NAME
        self.templates: dict[str, str] = dict(settings.SMS_ALIYUN_TEMPLATES)
        self.region = settings.SMS_ALIYUN_REGION
        self.timeout = settings.SMS_TIMEOUT_SECONDS

    def request_params(self, sms: Sms) -> dict[str, str]:
        template = self.templates.get(sms.purpose)
        if not template:
            raise SmsError("NO_TEMPLATE", f"no template configured for {sms.purpose!r}")
        params = {
            "AccessKeyId": self.key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": sms.mobile,
            "RegionId": self.region,
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": secrets.token_hex(16),
            "SignatureVersion": "1.0",
            "TemplateCode": template,
            "TemplateParam": json.dumps(sms.params, ensure_ascii=False, separators=(",", ":")),
            "Timestamp": clock.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": self.VERSION,
        }
        params["Signature"] = aliyun_signature(params, self.secret)
        return params

    def send(self, sms: Sms) -> str:
        body = urllib.parse.urlencode(self.request_params(sms), quote_via=urllib.parse.quote).encode()
        request = urllib.request.Request(  # noqa: S310 (the endpoint is the operator's setting)
            self.endpoint,
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read(64 * 1024) or b"{}")
        except urllib.error.HTTPError as exc:
            try:
                answer = json.loads(exc.read(64 * 1024) or b"{}")
            except ValueError:
                raise SmsError(f"HTTP_{exc.code}", str(exc.reason)) from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise SmsError("NETWORK", str(exc)) from exc
        if not isinstance(answer, dict) or answer.get("Code") != "OK":
            code = str(answer.get("Code", "UNKNOWN")) if isinstance(answer, dict) else "UNKNOWN"
            message = str(answer.get("Message", "")) if isinstance(answer, dict) else ""
            raise SmsError(code, message)
        return str(answer.get("BizId") or answer.get("RequestId") or "")


BACKENDS = {"local": "onewindow.core.sms.LocalBackend", "aliyun": "onewindow.core.sms.AliyunBackend"}


def backend() -> SmsBackend:
    """The configured backend: "local", "aliyun" or the dotted path of a class."""
    path = BACKENDS.get(settings.SMS_BACKEND, settings.SMS_BACKEND)
    instance: SmsBackend = import_string(path)()
    return instance


def send(
    *,
    mobile: str,
    text: str,
    purpose: str,
    params: dict[str, str] | None = None,
    expires_at: dt.datetime | None = None,
) -> SmsMessage:
    """Queue a text message: the outbox row now, the delivery after the transaction commits.
    A message with `expires_at` (a code valid ten minutes) is never sent after that time."""
    mobile = normalise_mobile(mobile)
    stored: dict[str, Any] = dict(params or {})
    message = SmsMessage.objects.create(
        mobile=mobile,
        mobile_digest=personal_digest(mobile),
        purpose=purpose[:32],
        text=text,
        params=stored,
        created_at=clock.now(),
        expires_at=expires_at,
    )
    transaction.on_commit(partial(_dispatch, message.pk))
    return message


def _dispatch(message_id: int) -> None:
    if backend().inline:
        sms_deliver(message_id)
    else:
        from onewindow.core.tasks import sms_send_task

        sms_send_task.enqueue(message_id)


# Refusals that no later try can change (a wrong number, template, signature or key): failed at once.
# Anything else (the network, a timeout, the gateway's flow control or an answer it garbled) is
# tried again with backoff, up to settings.SMS_SEND_ATTEMPTS tries in all.
PERMANENT_ERRORS = frozenset(
    {
        "NO_TEMPLATE",
        "isv.MOBILE_NUMBER_ILLEGAL",
        "isv.INVALID_PARAMETERS",
        "isv.SMS_TEMPLATE_ILLEGAL",
        "isv.SMS_SIGNATURE_ILLEGAL",
        "isv.TEMPLATE_MISSING_PARAMETERS",
        "isv.PARAM_LENGTH_LIMIT",
        "isv.BLACK_KEY_CONTROL_LIMIT",
        "isv.ACCOUNT_NOT_EXISTS",
        "isv.ACCOUNT_ABNORMAL",
        "MissingParameter",
        "SignatureDoesNotMatch",
        "InvalidAccessKeyId.NotFound",
        "InvalidAccessKeyId.Inactive",
        "Forbidden.RAM",
    }
)
# A message queued this long without a try lost its task (a worker that died before taking it):
# the retry task picks it up.
STALE_QUEUED = dt.timedelta(minutes=2)


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failed try: settings.SMS_RETRY_SECONDS, doubled
    for each try before it, at most an hour (30 s, 1, 2, 4 minutes with the defaults)."""
    seconds = settings.SMS_RETRY_SECONDS * 2 ** max(0, min(attempts - 1, 16))
    return dt.timedelta(seconds=min(seconds, 3600))


def _erase(message: SmsMessage) -> None:
    message.text = ""
    message.params = {}


def sms_deliver(message_id: int) -> SmsMessage | None:
    """Hand one queued message to the backend: locks the row, so two workers (or the send task and
    the retry task) given the same message send it once; a message not due yet (its next try is
    later) is left alone. A message that expired before it could be sent is not sent (state
    expired, its text erased). A refusal no retry can change fails it for good; any other error
    (a backend that raises something else counts as BACKEND_ERROR)
    keeps it queued with the next try's time, until settings.SMS_SEND_ATTEMPTS tries were made. The
    last error and the number of tries stay on the row (the admin shows them)."""
    chosen = backend()
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.state != SmsMessage.State.QUEUED:
            return message
        now = clock.now()
        if message.next_attempt_at is not None and message.next_attempt_at > now:
            return message
        message.next_attempt_at = None
        if message.expires_at is not None and message.expires_at <= now:
            message.state = SmsMessage.State.EXPIRED
            message.error = f"EXPIRED: not sent, its content expired at {message.expires_at.isoformat()}"
            _erase(message)
            message.save()
            return message
        message.attempts += 1
        message.backend = chosen.name
        sms = Sms(mobile=message.mobile, text=message.text, purpose=message.purpose, params=message.params)
        try:
            message.provider_id = chosen.send(sms)[:100]
        except Exception as exc:  # noqa: BLE001 - any failure is kept on the row and retried, bounded
            if not isinstance(exc, SmsError):  # a backend's own bug or an unexpected library error
                exc = SmsError("BACKEND_ERROR", f"{type(exc).__name__}: {exc}")
            message.error = str(exc)[:ERROR_MAX]
            if exc.code in PERMANENT_ERRORS or message.attempts >= settings.SMS_SEND_ATTEMPTS:
                message.state = SmsMessage.State.FAILED
            else:
                message.next_attempt_at = clock.now() + retry_delay(message.attempts)
        else:
            message.state = SmsMessage.State.SENT
            message.sent_at = clock.now()
            message.error = ""
            if not chosen.keeps_text:
                _erase(message)
        message.save()
        return message


def sms_due(*, limit: int = 200) -> list[int]:
    """Queued messages whose next try is due, and queued ones never tried that waited longer than
    STALE_QUEUED (their task was lost), oldest first."""
    now = clock.now()
    qs = SmsMessage.objects.filter(state=SmsMessage.State.QUEUED).filter(
        models.Q(next_attempt_at__lte=now)
        | models.Q(next_attempt_at=None, attempts=0, created_at__lte=now - STALE_QUEUED)
    )
    return list(qs.order_by("created_at", "pk").values_list("pk", flat=True)[:limit])


def sms_retry(*, limit: int = 200) -> dict[str, int]:
    """Try again every message that is due (`sms_due`), one by one; the count of each outcome."""
    outcome: dict[str, int] = {}
    for pk in sms_due(limit=limit):
        message = sms_deliver(pk)
        state = message.state if message is not None else "missing"
        outcome[state] = outcome.get(state, 0) + 1
    return outcome


def sms_bodies_prune(*, keep_days: int) -> int:
    """Erase the text and parameters (they hold codes) of messages finished (sent, failed, expired)
    more than `keep_days` ago; the row stays (number encrypted, state, tries, error). The count."""
    cutoff = clock.now() - dt.timedelta(days=keep_days)
    # One UPDATE: an empty value is stored as empty, not encrypted (core.fields). A queued message
    # is left alone, so a send under way never loses its text.
    erased: int = (
        SmsMessage.objects.filter(erased_at=None, created_at__lt=cutoff)
        .exclude(state=SmsMessage.State.QUEUED)
        .update(text="", params={}, erased_at=clock.now())
    )
    return erased


# What each purpose reads as in the admin's outbox. Core sends for others and knows none of their
# purposes: the app that sends one names it from its AppConfig.ready (`purpose_label_set`).
_PURPOSE_LABELS: dict[str, Any] = {}


def purpose_label_set(purpose: str, label: Any) -> None:
    """Name a purpose (a translatable string: it is read in the viewer's language)."""
    _PURPOSE_LABELS[purpose] = label


def purpose_label(purpose: str) -> str:
    """The purpose's name in the active language; an unnamed purpose reads as its code."""
    label = _PURPOSE_LABELS.get(purpose)
    return str(label) if label is not None else purpose


def message_list(*, mobile: str, purpose: str = "", limit: int = 10) -> list[SmsMessage]:
    """The latest messages to a number (the local backend's inbox), newest first."""
    qs = SmsMessage.objects.filter(mobile_digest=personal_digest(normalise_mobile(mobile)))
    if purpose:
        qs = qs.filter(purpose=purpose)
    return list(qs.order_by("-created_at", "-pk")[:limit])
