"""What the mail worker sent, and which workers are alive: the two records that let a mail be
sent once even when a worker dies in the middle of it (registrations.mail_delivery)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .events import Event


class OutgoingMailStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Not sent yet: will try again")
    FAILED = "failed", _("Not sent: gave up")


class OutgoingMail(models.Model):
    """One mail, by a key that stays the same when its task runs again.

    The row is written, locked, in the transaction that hands the mail to the mail server, and
    that transaction commits only once the server has accepted it: a worker killed before then
    leaves no "sent" row, so the retry sends it; a retry finds "sent" and sends nothing.
    """

    key = models.CharField(_("key"), max_length=200, unique=True, editable=False)
    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outgoing_mails",
        verbose_name=_("event"),
    )
    recipient = models.EmailField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255)
    status = models.CharField(_("status"), max_length=16, choices=OutgoingMailStatus.choices)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    task_result_id = models.CharField(_("task"), max_length=64, blank=True, editable=False)
    first_attempt_at = models.DateTimeField(_("first attempt"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        ordering = ["-first_attempt_at", "-pk"]
        indexes = [models.Index(fields=["status", "event"], name="outgoing_mail_status_event")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"


class WorkerHeartbeat(models.Model):
    """A running mail worker says it is alive every few seconds; a task whose worker has been
    silent for longer than the lease is taken up again by another worker."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("mail worker")
        verbose_name_plural = _("mail workers")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}, pid {self.pid})"
