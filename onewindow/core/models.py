import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.core.fields import EncryptedJSONField, EncryptedTextField, mask_phone


class CalendarDay(models.Model):
    """An override of the official calendar for one date.

    The `chinesecalendar` package carries the State Council's published schedule up to its
    last year; a center enters next year's holidays and make-up working days (调休) here as
    soon as they are announced, and corrects any local closure. An override always wins.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("is a working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        kind = _("working day") if self.is_working_day else _("day off")
        return f"{self.date} {kind} {self.note}".strip()


class Counter(models.Model):
    """A named sequence for human-readable numbers (case numbers, tickets).

    Incremented under a row lock, so two clerks never get the same number.
    """

    name = models.CharField(_("name"), max_length=80, unique=True)
    value = models.BigIntegerField(_("value"), default=0)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class PersonalDataAccess(models.Model):
    """One view of personal data in the clear (访问日志): who saw whose what, when and why.

    Written only by `core.personal.personal_data_reveal`, which refuses to return a value
    without writing this row; never changed or deleted (the admin only lists them). `whose`
    is a masked label of the person, so the log itself holds no personal data in the clear."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("viewed by"), on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("viewer"), max_length=150)
    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of record"), on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(_("record"))
    subject_label = models.CharField(_("whose"), max_length=200)
    what = models.CharField(_("field"), max_length=64)
    what_label = models.CharField(_("what"), max_length=100)
    why = models.CharField(_("reason"), max_length=500)
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "-at"], name="personal_access_subject"),
            models.Index(fields=["actor", "-at"], name="personal_access_actor"),
            models.Index(fields=["-at"], name="personal_access_at"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.what_label} {self.subject_label}"


class RateBucket(models.Model):
    """How often one key (a client address and a page) was used in one window of time
    (`core.ratelimit`). Rows of windows long past are deleted as new ones open."""

    key = models.CharField(_("key"), max_length=120)
    window_start = models.DateTimeField(_("window start"))
    hits = models.PositiveIntegerField(_("hits"), default=0)

    class Meta:
        verbose_name = _("rate limit bucket")
        verbose_name_plural = _("rate limit buckets")
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="core_ratebucket_one_per_window")
        ]
        indexes = [models.Index(fields=["window_start"], name="core_ratebucket_window")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.hits}"


class Job(models.Model):
    """A long piece of work run by the task worker (后台任务): a batch intake, a catalog import.

    Created by a page or a command with its input file stored apart (`core.jobs`), run by
    `core.tasks.job_task` in the worker (or inline by the command, the same function), and
    kept with its final `report` for the page that shows it. `attempt` names the run that
    owns the job: resuming a job whose worker died raises it, and a run of an older attempt
    stops at its next step. What the work wrote (the rows of a batch) lives in the app that
    owns it; this row holds only what every kind shares. Written only by `core.jobs`."""

    class Kind(models.TextChoices):
        BATCH_INTAKE = "batch_intake", _("batch intake")
        CATALOG_IMPORT = "catalog_import", _("catalog import")
        CASE_EXPORT = "case_export", _("case search export")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    center = models.ForeignKey(
        "org.ServiceCenter",
        verbose_name=_("center"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # (center, -created_at) leads with it
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # (created_by, -created_at) leads with it
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.QUEUED)
    language = models.CharField(_("language"), max_length=16, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    file_name = models.CharField(_("stored file"), max_length=80, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    phase = models.CharField(_("phase"), max_length=32, blank=True)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    attempt = models.PositiveIntegerField(_("attempt"), default=1)
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task result"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [
            models.Index(fields=["center", "-created_at"], name="job_center_created"),
            models.Index(fields=["created_by", "-created_at"], name="job_creator_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["queued", "running", "done", "failed"]), name="job_state_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M} {self.get_state_display()}"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class SmsMessage(models.Model):
    """One text message to a mobile phone: the outbox row (`core.sms`). Written in the transaction
    of the action that sends it, delivered by the configured backend once that commits, so a
    rolled-back action never texts anybody. The number and the text are encrypted at rest; the
    local backend (the demo's "phone") keeps the text readable by operators in the admin, a
    gateway backend forgets the text once the gateway took it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        EXPIRED = "expired", _("expired before it was sent")

    mobile = EncryptedTextField(_("mobile phone"))
    mobile_digest = models.CharField(max_length=64, db_index=True, editable=False)
    purpose = models.CharField(_("purpose"), max_length=32)
    text = EncryptedTextField(_("text"), blank=True)
    # What a template gateway needs (Aliyun's TemplateParam): {"code": "123456"}.
    params = EncryptedJSONField(_("template parameters"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.QUEUED)
    backend = models.CharField(_("backend"), max_length=32, blank=True)
    provider_id = models.CharField(_("gateway's message id"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # A message whose content stops being worth sending (a code that expired) is not sent after this.
    expires_at = models.DateTimeField(_("send no later than"), null=True, blank=True)
    # A failed try that may succeed later (network, the gateway's flow control): when to try again.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    # The text and parameters were erased after the retention period (core.sms.sms_bodies_prune).
    erased_at = models.DateTimeField(_("text erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        indexes = [
            models.Index(fields=["-created_at"], name="core_sms_newest"),
            models.Index(fields=["state", "next_attempt_at"], name="core_sms_due"),
        ]

    def __str__(self) -> str:
        from onewindow.core.sms import purpose_label  # sms imports this module

        return f"{self.masked_mobile} · {purpose_label(self.purpose)} · {self.get_state_display()}"

    @property
    def masked_mobile(self) -> str:
        return mask_phone(self.mobile)
