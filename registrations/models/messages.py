"""Mail to an event's people beyond their own sign-up: reminders and organiser messages.

Each recipient is a row of its own with a sent_at time, so a send that several workers run, or
that runs again, mails each person once (registrations.emails.mail_each_once).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .events import Event, EventReminder
from .registrations import Registration
from .surveys import SurveyResponse


class ReminderDelivery(models.Model):
    """One person's copy of one reminder: created when the reminder falls due."""

    reminder = models.ForeignKey(EventReminder, on_delete=models.CASCADE, related_name="deliveries")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="reminder_deliveries"
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "registration"], name="one_reminder_delivery_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reminder} to {self.registration}"


class MessageSegment(models.TextChoices):
    ON_SITE = "on_site", _("Confirmed on site")
    ONLINE = "online", _("Confirmed online")
    WAITING_LIST = "waiting_list", _("Waiting list")
    MATCHMAKING = "matchmaking", _("Matchmaking participants")
    SURVEY_NOTIFY = "survey_notify", _("Survey respondents who asked to be told")
    SELECTION = "selection", _("Selected registrations")


class MessageState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")


class OrganiserMessage(models.Model):
    """A mail the organisers write to a segment of an event's people."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="messages")
    segment = models.CharField(_("to"), max_length=16, choices=MessageSegment.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("message"),
        help_text=_("Plain text. {first_name}, {last_name} and {organisation} are filled in."),
    )
    state = models.CharField(
        _("state"),
        max_length=16,
        choices=MessageState.choices,
        default=MessageState.DRAFT,
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    send_started_at = models.DateTimeField(
        _("sending started"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message to attendees")
        verbose_name_plural = _("messages to attendees")

    def __str__(self) -> str:
        return self.subject


class MessageRecipient(models.Model):
    """One person a message goes to, fixed when it is sent (or selected, for a selection)."""

    message = models.ForeignKey(
        OrganiserMessage, on_delete=models.CASCADE, related_name="recipients"
    )
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    survey_response = models.ForeignKey(
        SurveyResponse, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(_("email"), max_length=254)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            models.UniqueConstraint("message", Lower("email"), name="one_copy_per_address"),
            models.CheckConstraint(
                condition=Q(registration__isnull=False) ^ Q(survey_response__isnull=False),
                name="recipient_is_a_registration_or_a_survey_response",
            ),
        ]

    def __str__(self) -> str:
        return self.email
