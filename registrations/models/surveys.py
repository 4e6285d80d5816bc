"""The interest survey an event runs before its registration opens."""

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .common import (
    AttendanceIntent,
    ConsentRecord,
    ContactDetails,
    EntryLanguage,
    private_token_field,
)
from .events import Event


class InterestSurvey(models.Model):
    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="survey")
    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("Shown above the survey form."),
    )
    is_open = models.BooleanField(_("open"), default=False)

    class Meta:
        verbose_name = _("interest survey")
        verbose_name_plural = _("interest surveys")

    def __str__(self) -> str:
        return f"Interest survey: {self.event}"


class SurveyResponse(ContactDetails, ConsentRecord, EntryLanguage):
    """One person's answer; one per email (case-insensitive) and survey."""

    survey = models.ForeignKey(InterestSurvey, on_delete=models.CASCADE, related_name="responses")
    intent = models.CharField(
        _("attendance intent"), max_length=16, choices=AttendanceIntent.choices
    )
    notify_when_registration_opens = models.BooleanField(
        _("email me when registration opens"), default=False
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    token = private_token_field()
    registration_notice_sent_at = models.DateTimeField(
        _("registration-open notice sent at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint("survey", Lower("email"), name="one_survey_response_per_email"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_intent_display()})"

    def private_path(self) -> str:
        """The private page where the person changes or withdraws this answer."""
        return reverse("registrations:survey_private", kwargs={"token": self.token})
