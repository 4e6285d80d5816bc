"""Registrations for an event."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .common import (
    AttendanceMode,
    ConsentRecord,
    ContactDetails,
    EntryLanguage,
    private_token_field,
)
from .events import Event, Session


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationSource(models.TextChoices):
    DIRECT = "direct", _("Direct")
    SURVEY = "survey", _("From the interest survey")
    INVITATION = "invitation", _("From an invitation")


class Registration(ContactDetails, ConsentRecord, EntryLanguage):
    """One person's place at an event; one per email (case-insensitive) and event.

    Status changes only through registrations.services.registration.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    attendance_mode = models.CharField(
        _("attendance mode"), max_length=16, choices=AttendanceMode.choices
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RegistrationStatus.choices, editable=False
    )
    sessions = models.ManyToManyField(
        Session, verbose_name=_("sessions"), blank=True, related_name="registrations"
    )
    accessibility_needs = models.CharField(_("accessibility needs"), max_length=500, blank=True)
    dietary_needs = models.CharField(_("dietary needs"), max_length=500, blank=True)
    source = models.CharField(
        _("source"),
        max_length=16,
        choices=RegistrationSource.choices,
        default=RegistrationSource.DIRECT,
        editable=False,
    )
    token = private_token_field()
    waitlisted_at = models.DateTimeField(
        _("joined the waiting list at"), null=True, blank=True, editable=False
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    join_token = private_token_field(_("join link token"))
    first_joined_at = models.DateTimeField(
        _("first joined online at"), null=True, blank=True, editable=False
    )
    checkin_token = private_token_field(_("check-in code"))
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True, editable=False)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint("event", Lower("email"), name="one_registration_per_email"),
        ]
        indexes = [
            models.Index(
                fields=["event", "attendance_mode", "status"], name="registration_seats_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.event}"

    def private_path(self) -> str:
        """The private page where the person sees, changes or cancels this registration."""
        return reverse("registrations:registration_manage", kwargs={"token": self.token})

    def join_path(self) -> str:
        """The personal join link: leads an attendee entitled to it to the online access."""
        return reverse("registrations:join", kwargs={"token": self.join_token})

    def may_join_online(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED and (
            self.attendance_mode == AttendanceMode.ONLINE or self.event.join_link_for_on_site
        )
