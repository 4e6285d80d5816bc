"""Events and their programme."""

import zoneinfo
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .common import AttendanceMode

if TYPE_CHECKING:
    # django-modeltranslation swaps in its own managers at run time (registrations/translation.py);
    # mypy's Django plugin resolves them only once it has read their module.
    import modeltranslation.manager  # noqa: F401


def validate_timezone_name(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a known time zone; use a name like Europe/Berlin."),
            params={"value": value},
        )


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("On site")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid: on site and online")


class Event(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    organisers = models.CharField(_("organisers"), max_length=300)
    audience = models.CharField(_("audience"), max_length=300, blank=True)
    format = models.CharField(_("format"), max_length=16, choices=EventFormat.choices)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Berlin",
        validators=[validate_timezone_name],
        help_text=_("IANA name, e.g. Europe/Berlin. Dates are shown in this zone."),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    more_info_url = models.URLField(_("more information (URL)"), blank=True)
    contact_name = models.CharField(
        _("organiser contact name"),
        max_length=200,
        help_text=_("Who answers attendees' questions; named in every mail's footer."),
    )
    contact_email = models.EmailField(
        _("organiser contact email"),
        help_text=_("Replies to every mail of this event go here."),
    )
    online_join_url = models.URLField(
        _("online access address"),
        max_length=500,
        blank=True,
        help_text=_(
            "The stream or webinar address. Never shown on public pages: attendees reach it "
            "through their personal join link."
        ),
    )
    online_access_notes = models.TextField(
        _("online access notes"),
        blank=True,
        help_text=_("Dial-in numbers, meeting ID, passcode: shown only to those entitled to join."),
    )
    join_opens_minutes_before = models.PositiveIntegerField(
        _("join link opens (minutes before the start)"), default=30
    )
    join_link_for_on_site = models.BooleanField(
        _("on-site attendees get the join link too"), default=False
    )
    is_published = models.BooleanField(_("published"), default=False)
    invitation_only = models.BooleanField(
        _("invitation only"),
        default=False,
        help_text=_("Registration only through invitation links sent to eligible applicants."),
    )
    onsite_capacity = models.PositiveIntegerField(
        _("on-site seats"), null=True, blank=True, help_text=_("Empty means unlimited.")
    )
    online_capacity = models.PositiveIntegerField(
        _("online places"), null=True, blank=True, help_text=_("Empty means unlimited.")
    )
    registration_opens_at = models.DateTimeField(
        _("registration opens at"),
        null=True,
        blank=True,
        help_text=_("Empty: registration is not open. A future time opens it then by itself."),
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes at"), null=True, blank=True
    )
    registration_opened_at = models.DateTimeField(
        _("registration opened (action taken) at"), null=True, blank=True, editable=False
    )
    registration_opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registration opened by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="event_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("registrations:event_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The event must end after it starts.")})
        if self.format != EventFormat.ONLINE and not (self.venue and self.city):
            raise ValidationError(
                {"venue": _("An event with on-site attendance needs a venue and a city.")}
            )
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            raise ValidationError(
                {"registration_closes_at": _("Registration must close after it opens.")}
            )

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def offered_modes(self) -> list[AttendanceMode]:
        """The attendance modes this event's format allows, on site first."""
        return {
            EventFormat.IN_PERSON: [AttendanceMode.ON_SITE],
            EventFormat.ONLINE: [AttendanceMode.ONLINE],
            EventFormat.HYBRID: [AttendanceMode.ON_SITE, AttendanceMode.ONLINE],
        }[EventFormat(self.format)]

    def capacity_for(self, mode: str) -> int | None:
        return self.onsite_capacity if mode == AttendanceMode.ON_SITE else self.online_capacity

    def is_over(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.end

    def registration_has_opened(self, now: datetime | None = None) -> bool:
        """Registration opened at some point (it may have closed since)."""
        now = now or timezone.now()
        return self.registration_opens_at is not None and self.registration_opens_at <= now

    def registration_opening_scheduled(self, now: datetime | None = None) -> bool:
        """An opening time is set and still ahead."""
        now = now or timezone.now()
        return self.registration_opens_at is not None and self.registration_opens_at > now

    def registration_is_open(self, now: datetime | None = None) -> bool:
        """Open between the opening and closing times, and never after the event ended.

        Computed from stored times, so a scheduled opening takes effect without a cron job.
        """
        now = now or timezone.now()
        return (
            self.registration_has_opened(now)
            and (self.registration_closes_at is None or now < self.registration_closes_at)
            and not self.is_over(now)
        )


class SessionKind(models.TextChoices):
    PLENARY = "plenary", _("Plenary")
    WEBINAR = "webinar", _("Webinar")
    MATCHMAKING = "matchmaking", _("Matchmaking session")
    OTHER = "other", _("Other")


class Session(models.Model):
    """A programme item of an event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=SessionKind.choices)
    description = models.TextField(_("description"), blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    format = models.CharField(_("format"), max_length=16, choices=EventFormat.choices)
    online_join_url = models.URLField(
        _("online access address"),
        max_length=500,
        blank=True,
        help_text=_("Only where this session differs from the event's address."),
    )
    online_access_notes = models.TextField(
        _("online access notes"),
        blank=True,
        help_text=_("Only where this session differs from the event's notes."),
    )

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("programme session")
        verbose_name_plural = _("programme sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The session must end after it starts.")})
        event: Event | None = getattr(self, "event", None)
        if event is None or not (event.start and event.end and self.start and self.end):
            return
        if self.start < event.start or self.end > event.end:
            local = event.tzinfo
            raise ValidationError(
                _("The session must take place within the event (%(start)s to %(end)s, %(zone)s)."),
                params={
                    "start": event.start.astimezone(local).strftime("%d %b %Y %H:%M"),
                    "end": event.end.astimezone(local).strftime("%d %b %Y %H:%M"),
                    "zone": event.timezone,
                },
            )


class EventReminder(models.Model):
    """A reminder mail to an event's confirmed attendees, sent this long before it starts.

    Sending it: registrations.tasks.reminders, once per person (ReminderDelivery).
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reminders")
    send_before = models.DurationField(
        _("send this long before the start"),
        help_text=_("For example “7 00:00:00” for seven days, “01:00:00” for one hour."),
    )

    class Meta:
        ordering = ["event", "-send_before"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["event", "send_before"], name="one_reminder_per_time"),
            models.CheckConstraint(
                condition=Q(send_before__gt=timedelta(0)), name="reminder_before_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.send_before} before"

    def due_at(self) -> datetime:
        return self.event.start - self.send_before


DEFAULT_REMINDERS = (timedelta(days=7), timedelta(hours=1))
