"""Applications, cases, their back-office tasks and the hash-chained event trail.

An `Application` is what one applicant submits (one form, one set of materials); it holds
one `Case` per item. The case row carries everything supervision needs as plain indexed
columns (state, stage, deadlines), updated by the engine on every transition, so "what is
due when" never scans events. Every change to a case appends exactly one `CaseEvent` whose
hash covers the previous event's hash (kept on the case row, so appending needs no read).
"""

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.models import (
    Bundle,
    CaseKind,
    DeliveryMethod,
    LimitUnit,
    MaterialRequirement,
    ServiceItem,
    ServiceItemVersion,
    StageTask,
)
from onewindow.core.fields import EncryptedJSONField, EncryptedTextField, mask_id_number, mask_phone
from onewindow.core.inputs import DocumentKind
from onewindow.org.models import Applicant, Department, ServiceCenter, Staff

GENESIS_HASH = "0" * 64


class Channel(models.TextChoices):
    WINDOW = "window", _("intake window")
    PORTAL = "portal", _("online portal")
    PROXY = "proxy", _("proxy agent")
    BATCH = "batch", _("batch intake")


class Application(models.Model):
    """One applicant's submission: one unified form, one set of materials, one case per item."""

    number = models.CharField(_("application number"), max_length=40, unique=True)
    center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("center"),
        on_delete=models.PROTECT,
        related_name="applications",
        db_index=False,  # (center, -created_at) leads with it
    )
    applicant = models.ForeignKey(
        Applicant,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="applications",
        db_index=False,  # (applicant, -created_at) leads with it
    )
    bundle = models.ForeignKey(
        Bundle,
        verbose_name=_("bundle"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    # The form's answers, split when stored (`cases.form.form_columns`): the personal ones
    # (applicant name, phone, ID number, address…) only in `form_personal`, encrypted.
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    form_personal = EncryptedJSONField(_("personal answers"), default=dict, blank=True, editable=False)
    # The 情形 answers (question code → choice code) that picked which materials apply.
    situation_answers = models.JSONField(_("situation answers"), default=dict, blank=True)
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=64, null=True, blank=True, unique=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submitted_applications",
    )
    proxy_agent = models.ForeignKey(
        Staff,
        verbose_name=_("proxy agent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proxied_applications",
    )
    delivery_method = models.CharField(
        _("delivery method"), max_length=12, choices=DeliveryMethod.choices, blank=True
    )
    delivery_address = EncryptedTextField(_("delivery address"), blank=True)
    # 经办人: the person who came to the window for an organisation (or on someone's behalf).
    agent_name = models.CharField(_("agent's name"), max_length=50, blank=True)
    agent_document_kind = models.CharField(
        _("agent's identity document"), max_length=20, choices=DocumentKind.choices, blank=True
    )
    agent_document_number = EncryptedTextField(_("agent's document number"), blank=True)
    agent_mobile = EncryptedTextField(_("agent's mobile phone"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["center", "-created_at"]),
            models.Index(fields=["applicant", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def masked_agent_document_number(self) -> str:
        return mask_id_number(self.agent_document_number)

    @property
    def masked_agent_mobile(self) -> str:
        return mask_phone(self.agent_mobile)

    @property
    def form(self) -> dict[str, Any]:
        """The whole form as filled in: the plain answers and the personal ones, decrypted.
        For the engine and documents; screens show `form_data` and masked personal answers."""
        return {**(self.form_data or {}), **(self.form_personal or {})}


class ApplicationMaterial(models.Model):
    """A material handed in once for the whole application (shared by every case needing its code)."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        PENDING = "pending", _("pending (tolerated)")
        MISSING = "missing", _("missing")
        REJECTED = "rejected", _("rejected")
        COMMITTED = "committed", _("replaced by a commitment (告知承诺)")

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="materials",
        db_index=False,  # the unique (application, code) leads with it
    )
    code = models.CharField(_("material code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    file = models.FileField(_("file"), upload_to="materials/%Y/%m/", blank=True)
    licence_number = models.CharField(_("e-licence number"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    class Meta:
        ordering = ["application", "id"]
        verbose_name = _("application material")
        verbose_name_plural = _("application materials")
        constraints = [
            models.UniqueConstraint(fields=["application", "code"], name="application_material_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class MaterialFile(models.Model):
    """A scan of a material, kept under a generated name outside the web root (cases.files).

    Uploaded at the window before the application exists (`application` empty, seen only by
    who uploaded it), then attached to the application the intake creates; from then on it
    is seen by whoever may see one of the application's cases."""

    center = models.ForeignKey(
        ServiceCenter, verbose_name=_("center"), on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="files",
    )
    material_code = models.CharField(_("material code"), max_length=40)
    original_name = models.CharField(_("file name"), max_length=200)
    stored_name = models.CharField(max_length=80, unique=True, editable=False)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64, editable=False)
    # Who uploaded it: a member of staff at the window, or the applicant on the portal (one of the two).
    uploaded_by = models.ForeignKey(
        Staff,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_by_applicant = models.ForeignKey(
        Applicant,
        verbose_name=_("uploaded by the applicant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    # A file of a material a one-time notice sent back, once a replacement came (cases.files
    # `material_files_supersede`): kept for the trail, no longer counted for the material.
    superseded_at = models.DateTimeField(_("replaced at"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("material file")
        verbose_name_plural = _("material files")
        constraints = [
            models.CheckConstraint(
                condition=Q(uploaded_by__isnull=False, uploaded_by_applicant__isnull=True)
                | Q(uploaded_by__isnull=True, uploaded_by_applicant__isnull=False),
                name="material_file_one_uploader",
            ),
            models.CheckConstraint(
                condition=Q(superseded_at__isnull=True, superseded_by__isnull=True)
                | Q(superseded_at__isnull=False, superseded_by__isnull=False),
                name="material_file_superseded_both",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class ToleranceCommitment(models.Model):
    """The applicant's signed 容缺受理承诺书: the materials tolerated at acceptance, their due
    dates, and how the signature was recorded: a scan of the signed letter (`file`, one of
    the application's `MaterialFile`s, checked by its content) or the clerk's confirmation
    that the applicant signed it at the window (`confirmed`), at least one of the two.

    One per application (unique), written by `cases.actions.intake.application_intake` in
    the transaction that accepts with pending materials: a window acceptance with 容缺
    materials without one is refused (COMMITMENT_REQUIRED)."""

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="commitment"
    )
    # [{"code": …, "name": …, "due": "YYYY-MM-DD"}, …] as promised at acceptance.
    materials = models.JSONField(_("materials"), default=list)
    confirmed = models.BooleanField(_("signature confirmed by the clerk"), default=False)
    file = models.ForeignKey(
        MaterialFile,
        verbose_name=_("scan of the signed letter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        Staff, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("tolerance commitment")
        verbose_name_plural = _("tolerance commitments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confirmed=True) | models.Q(file__isnull=False),
                name="commitment_signed_somehow",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}"


class CaseState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    PREREVIEW = "prereview", _("in pre-review")
    PENDING_SUPPLEMENT = "pending_supplement", _("waiting for supplement")
    ACCEPTED = "accepted", _("accepted")
    IN_PROGRESS = "in_progress", _("in progress")
    SUSPENDED = "suspended", _("suspended")
    DECIDED = "decided", _("decided")
    COMPLETED = "completed", _("completed")
    DELIVERED = "delivered", _("delivered")
    CLOSED = "closed", _("closed")
    REFUSED = "refused", _("refused")
    RETURNED = "returned", _("returned")
    WITHDRAWN = "withdrawn", _("withdrawn")
    # A mistaken intake (wrong applicant, wrong item, typed twice) undone with a reason.
    VOIDED = "voided", _("voided")


OPEN_STATES = (
    CaseState.ACCEPTED,
    CaseState.IN_PROGRESS,
    CaseState.SUSPENDED,
    CaseState.DECIDED,
)


class Decision(models.TextChoices):
    GRANTED = "granted", _("granted")
    DENIED = "denied", _("denied")


# The query code printed on a case's notices: with the number, it opens the public progress page.
# No 0/O, 1/I/L: it is read off paper and typed on a phone. 31^8 ≈ 8.5 × 10^11 codes.
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 8


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


class Case(models.Model):
    """One item's handling inside an application. Written only by the engine (cases.services)."""

    number = models.CharField(_("case number"), max_length=40, unique=True)
    query_code = models.CharField(
        _("query code"),
        max_length=QUERY_CODE_LENGTH,
        default=new_query_code,
        editable=False,
        help_text=_("Printed on the notices: with the case number it opens the public progress page."),
    )
    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="cases"
    )
    center = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("center"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,  # (center, state, deadline) leads with it
    )
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("service item"), on_delete=models.PROTECT, related_name="cases"
    )
    version = models.ForeignKey(
        ServiceItemVersion, verbose_name=_("item version"), on_delete=models.PROTECT, related_name="cases"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,  # (department, state) leads with it
    )
    kind = models.CharField(_("case kind"), max_length=12, choices=CaseKind.choices)
    state = models.CharField(_("state"), max_length=20, choices=CaseState.choices, default=CaseState.DRAFT)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    stage_order = models.PositiveSmallIntegerField(_("current stage"), default=0)
    open_tasks = models.PositiveSmallIntegerField(_("open tasks in the stage"), default=0)
    # Tasks of the current stage finished with outcome "reject": the procedure stops after the stage.
    rejections = models.PositiveSmallIntegerField(_("rejecting opinions in the stage"), default=0)
    reported_to = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("reported to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_cases",
    )
    # The clock. Stored on every change so supervision is an indexed range query.
    limit_days = models.PositiveSmallIntegerField(_("promised limit"), default=0)
    limit_unit = models.CharField(
        _("limit unit"), max_length=16, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        Staff,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accepted_cases",
    )
    suspended_days = models.PositiveSmallIntegerField(_("days suspended"), default=0)
    extended_days = models.PositiveSmallIntegerField(_("days extended"), default=0)
    suspended_since = models.DateTimeField(_("suspended since"), null=True, blank=True)
    deadline = models.DateTimeField(_("promised deadline"), null=True, blank=True)
    legal_deadline = models.DateTimeField(_("legal deadline"), null=True, blank=True)
    pending_materials_due = models.DateField(_("tolerated materials due"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        Staff,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decided_cases",
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    delivery_method = models.CharField(
        _("delivery method"), max_length=12, choices=DeliveryMethod.choices, blank=True
    )
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    signed_by = models.CharField(_("signed for by"), max_length=50, blank=True)
    # The event chain head: appending an event needs no read of the previous one.
    event_count = models.PositiveIntegerField(_("events"), default=0)
    last_event_hash = models.CharField(max_length=64, default=GENESIS_HASH, editable=False)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["center", "state", "deadline"]),
            models.Index(fields=["department", "state"]),
            models.Index(fields=["state", "deadline"]),
            models.Index(fields=["center", "-created_at"]),
            # Cases accepted on a day (the intake clerk's home, the search's accepted-between).
            models.Index(fields=["center", "accepted_at"], name="case_center_accepted"),
            # The order of every case list (`case_list`, newest first) and its keyset pages:
            # a scoped search reads the index backwards and stops after one page.
            models.Index(fields=["-created_at", "-id"], name="case_created_keyset"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="decided") | ~models.Q(decision=""),
                name="decided_case_has_decision",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class CaseMaterial(models.Model):
    """Which of the application's materials a case requires, against its pinned version."""

    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="materials",
        db_index=False,  # the unique (case, requirement) leads with it
    )
    requirement = models.ForeignKey(
        MaterialRequirement,
        verbose_name=_("requirement"),
        on_delete=models.PROTECT,
        related_name="case_materials",
    )
    material = models.ForeignKey(
        ApplicationMaterial,
        verbose_name=_("material"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_links",
    )

    class Meta:
        verbose_name = _("case material")
        verbose_name_plural = _("case materials")
        constraints = [models.UniqueConstraint(fields=["case", "requirement"], name="case_material_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.requirement_id}"


class CaseTask(models.Model):
    """A department's piece of work on a case in one stage; a stage's tasks run in parallel."""

    class State(models.TextChoices):
        # A later stage's task, created when the case is routed and opened when its stage starts.
        WAITING = "waiting", _("waiting for its stage")
        OPEN = "open", _("open")
        CLAIMED = "claimed", _("claimed")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("approve")
        REJECT = "reject", _("reject")

    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="tasks",
        db_index=False,  # (case, stage_order) leads with it
    )
    stage_order = models.PositiveSmallIntegerField(_("stage"))
    stage_name = models.CharField(_("stage name"), max_length=100)
    stage_task = models.ForeignKey(
        StageTask,
        verbose_name=_("procedure task"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_tasks",
    )
    name = models.CharField(_("name"), max_length=100)
    action = models.CharField(_("action"), max_length=12, choices=StageTask.Action.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="case_tasks",
        db_index=False,  # (department, state, due_at) leads with it
    )
    role = models.CharField(_("role"), max_length=24)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    assignee = models.ForeignKey(
        Staff,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_tasks",
        db_index=False,  # (assignee, state) leads with it
    )
    opinion = models.TextField(_("opinion"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["case", "stage_order", "id"]
        verbose_name = _("case task")
        verbose_name_plural = _("case tasks")
        indexes = [
            models.Index(fields=["department", "state", "due_at"]),
            models.Index(fields=["assignee", "state"]),
            models.Index(fields=["case", "stage_order"]),
            # Department staff see the cases with an opened task in their department
            # (`org.access.scope_cases`): the search hashes those case ids from this index
            # alone (an index-only scan) instead of visiting every task row of the department.
            models.Index(
                fields=["department", "case"],
                condition=~Q(state="waiting"),
                name="casetask_scope_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.name}"


class CaseEvent(models.Model):
    """Append-only trail (全程留痕). `hash` = sha256(prev_hash + canonical JSON of the event)."""

    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,  # the unique (case, seq) leads with it
    )
    seq = models.PositiveIntegerField(_("sequence"))
    action = models.CharField(_("action"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=100, blank=True)
    from_state = models.CharField(_("from state"), max_length=20, blank=True)
    to_state = models.CharField(_("to state"), max_length=20)
    at = models.DateTimeField(_("time"))
    opinion = models.TextField(_("opinion"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["case", "seq"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique")]
        indexes = [models.Index(fields=["at"]), models.Index(fields=["action", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.action}"


class Suspension(models.Model):
    """A special procedure (特别程序) during which the clock stops."""

    class Reason(models.TextChoices):
        HEARING = "hearing", _("hearing")
        TESTING = "testing", _("testing or inspection")
        EXPERT_REVIEW = "expert_review", _("expert review")
        PUBLICITY = "publicity", _("public notice")
        OTHER = "other", _("other special procedure")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="suspensions"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True)
    started_at = models.DateTimeField(_("started at"))
    expected_end = models.DateField(_("expected end"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # In the limit's unit: working days for a working-day item, calendar days for a calendar-day one.
    days = models.PositiveSmallIntegerField(_("days suspended"), default=0)

    class Meta:
        ordering = ["case", "started_at"]
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(ended_at__isnull=True), name="one_open_suspension"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.reason}"


class Extension(models.Model):
    """An authorised extension of the promised limit (延期)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="extensions"
    )
    days = models.PositiveSmallIntegerField(_("days"))
    reason = models.TextField(_("reason"))
    authorised_by = models.ForeignKey(
        Staff, verbose_name=_("authorised by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["case", "at"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [models.CheckConstraint(condition=models.Q(days__gte=1), name="extension_positive")]

    def __str__(self) -> str:
        return f"{self.case_id}:+{self.days}"


class BatchJobRow(models.Model):
    """What one row of a batch sheet came to in one run of a batch intake (a `core.Job`).

    One row per sheet row per job (unique): a resumed run skips the rows it finds here, and a
    report is read from these rows, so no row is ever reported twice. The row that took an
    application in has `took_in` and the row's idempotency key, unique among such rows: of
    concurrent runs of one sheet, one takes the row in, and the others, waiting on that
    unique key, record it as already imported with the same application. Written only by
    `cases.channels.batchrun`, each row in the transaction that takes it in (or refuses it)."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        PENDING = "accepted_with_pending", _("accepted with pending materials")
        COMPLETED = "completed", _("accepted and completed")
        SUPPLEMENT = "supplement_requested", _("supplement requested")
        IMPORTED = "already_imported", _("already imported")
        REFUSED = "refused", _("refused")

    job = models.ForeignKey(
        "core.Job",
        verbose_name=_("job"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique (job, row) leads with it
    )
    row = models.PositiveIntegerField(_("row"))
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices)
    took_in = models.BooleanField(_("taken in by this job"), default=False)
    key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    applicant_name = models.CharField(_("applicant name"), max_length=200, blank=True)
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case_number = models.CharField(_("case number"), max_length=40, blank=True)
    # A refused row's cells: [{"column": header, "code": CODE, "message": why}, …]
    errors = models.JSONField(_("errors"), default=list, blank=True)

    class Meta:
        ordering = ["job", "row"]
        verbose_name = _("batch row")
        verbose_name_plural = _("batch rows")
        constraints = [
            models.UniqueConstraint(fields=["job", "row"], name="batch_job_row_unique"),
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(took_in=True), name="batch_row_taken_in_once"
            ),
        ]
        indexes = [models.Index(fields=["job", "outcome", "row"], name="batch_job_row_outcome")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.row} {self.outcome}"
