"""The log across all cases and its signed checkpoints (docs/security.md, docs/decisions/0009).

Written only by the checkpoint task (`trail.services.checkpoint_create`), never by a case
action: a writer touches its own case row and event, no shared row. The task orders the
events committed since the last checkpoint into `LogEntry` rows (position 1, 2, 3 … across
all cases), extends the log's hash chain over them and signs the new head with an Ed25519
key that is kept outside the database; each signed head is a `Checkpoint`, also exported
outside the database as a line of JSON.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LogEntry(models.Model):
    """One case event's place in the log: the event named by its case number and seq, and its hash.

    `event_id` is a plain number, not a foreign key: the log must outlive an event or a
    case deleted behind the engine's back, so that the verifier can name what is missing.
    """

    index = models.PositiveBigIntegerField(_("position in the log"), primary_key=True)
    event_id = models.PositiveBigIntegerField(_("event id"), unique=True)
    case_number = models.CharField(_("case number"), max_length=40)
    seq = models.PositiveIntegerField(_("sequence"))
    event_hash = models.CharField(_("event hash"), max_length=64)

    class Meta:
        ordering = ["index"]
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")
        constraints = [
            models.UniqueConstraint(fields=["case_number", "seq"], name="trail_log_entry_case_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.index}: {self.case_number}#{self.seq}"


class Checkpoint(models.Model):
    """A signed head of the log: the first `size` entries hash to `head`.

    `settled_id`: every event with an id up to it had committed and was in the log when this
    checkpoint was taken, so a later run scans only above it (and the verifier reports an
    event at or below it that the log lacks). `high_id`: the highest event id in the log.
    `snapshot_xmax` (PostgreSQL): the snapshot's xmax after the run read its events;
    `snapshot_xmin`: the snapshot's xmin when the run began. A checkpoint's `high_id` is
    settled once a later run that read everything began after every transaction below its
    xmax had ended (see `services._settled_id`).
    """

    number = models.PositiveIntegerField(_("number"), primary_key=True)
    size = models.PositiveBigIntegerField(_("log size"), unique=True)
    head = models.CharField(_("log head"), max_length=64)
    at = models.DateTimeField(_("time"))
    settled_id = models.PositiveBigIntegerField(_("settled up to event id"))
    high_id = models.PositiveBigIntegerField(_("highest event id"))
    key_id = models.CharField(_("key id"), max_length=16)
    signature = models.CharField(_("signature"), max_length=100)
    snapshot_xmax = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    snapshot_xmin = models.PositiveBigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["number"]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self) -> str:
        return f"#{self.number} ({self.size})"
