"""Matchmaking meetings: participant profiles, meeting requests, slots and the meetings placed in
them. A participant is a confirmed registration of the matchmaking event; it acts through the
registration's private link (no accounts)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .events import Event, Session
from .matchmaking import Sector
from .registrations import Registration


class ScheduleState(models.TextChoices):
    DRAFT = "draft", _("Not published")
    PRELIMINARY = "preliminary", _("Published as preliminary")
    FINAL = "final", _("Published as final")


class MeetingRules(models.Model):
    """An event's rules for one-to-one meetings, set by the organiser."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="meeting_rules")
    requests_per_participant = models.PositiveSmallIntegerField(
        _("meeting requests a participant may send"), default=10
    )
    requests_need_acceptance = models.BooleanField(
        _("requests must be accepted"),
        default=True,
        help_text=_("Off: a request is accepted as soon as it is sent."),
    )
    meeting_minutes = models.PositiveSmallIntegerField(_("meeting length (minutes)"), default=20)
    break_minutes = models.PositiveSmallIntegerField(
        _("break between meetings (minutes)"), default=5
    )
    rooms_limit = models.PositiveIntegerField(
        _("meetings at the same time"),
        null=True,
        blank=True,
        help_text=_("How many virtual rooms run at once. Empty means unlimited."),
    )
    room_link_pattern = models.CharField(
        _("room link pattern"),
        max_length=300,
        blank=True,
        help_text=_(
            "A video-meeting address with {room} where a unique, unguessable room name goes, "
            "e.g. https://meet.example.org/eccp-{room}."
        ),
    )
    room_links = models.TextField(
        _("room links"),
        blank=True,
        help_text=_("Or paste one room link per line; each meeting gets the next unused one."),
    )
    schedule_state = models.CharField(
        _("schedule"), max_length=16, choices=ScheduleState.choices, default=ScheduleState.DRAFT
    )
    schedule_published_at = models.DateTimeField(_("schedule published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting rules")
        verbose_name_plural = _("meeting rules")

    def __str__(self) -> str:
        return f"Meeting rules: {self.event}"


class MeetingSlot(models.Model):
    """A time in a matchmaking session of the programme when one-to-one meetings take place."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_slots")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="meeting_slots")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("meeting slot")
        verbose_name_plural = _("meeting slots")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="slot_ends_after_start"),
            models.UniqueConstraint("event", "start", name="one_slot_per_start"),
        ]

    def __str__(self) -> str:
        local = self.event.tzinfo
        return f"{self.start.astimezone(local):%d %b %H:%M}-{self.end.astimezone(local):%H:%M}"


class ParticipantProfile(models.Model):
    """A registered organisation as the other participants see it; filled in from its
    expression of interest and kept by the organisation itself."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="profile"
    )
    description = models.TextField(_("about the organisation"), max_length=2000, blank=True)
    offers = models.TextField(_("what the organisation offers"), max_length=2000, blank=True)
    seeks = models.TextField(_("what the organisation seeks"), max_length=2000, blank=True)
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), blank=True, related_name="+"
    )
    website = models.URLField(_("website"), blank=True)
    attendees = models.TextField(
        _("who will attend"), max_length=500, blank=True, help_text=_("Names and roles.")
    )
    is_listed = models.BooleanField(
        _("listed in the catalogue"),
        default=False,
        help_text=_("Other participants can find this organisation and ask it for meetings."),
    )
    unavailable_slots = models.ManyToManyField(
        MeetingSlot,
        verbose_name=_("slots it cannot meet in"),
        blank=True,
        related_name="unavailable_profiles",
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["registration__organisation", "pk"]
        verbose_name = _("participant profile")
        verbose_name_plural = _("participant profiles")

    def __str__(self) -> str:
        return self.registration.organisation

    def private_path(self) -> str:
        """The participant's meetings page, under its registration's private link."""
        return reverse("registrations:meetings", kwargs={"token": self.registration.token})


class MeetingRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_REQUEST_STATUSES = [MeetingRequestStatus.PENDING, MeetingRequestStatus.ACCEPTED]


class MeetingRequest(models.Model):
    """One participant asks another for a meeting; at most one active request per pair."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_requests")
    sender = models.ForeignKey(
        ParticipantProfile, on_delete=models.CASCADE, related_name="requests_sent"
    )
    receiver = models.ForeignKey(
        ParticipantProfile, on_delete=models.CASCADE, related_name="requests_received"
    )
    pair = models.CharField(
        max_length=41, editable=False, help_text=_("Both profile ids, smaller first.")
    )
    message = models.TextField(_("message"), max_length=500, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MeetingRequestStatus.choices,
        default=MeetingRequestStatus.PENDING,
        editable=False,
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        constraints = [
            models.CheckConstraint(
                condition=~Q(sender=F("receiver")), name="meeting_request_not_to_oneself"
            ),
            models.UniqueConstraint(
                "event",
                "pair",
                condition=Q(status__in=ACTIVE_REQUEST_STATUSES),
                name="one_active_meeting_request_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender} → {self.receiver}"

    @staticmethod
    def pair_of(first_id: int, second_id: int) -> str:
        """The same key whichever of the two asked."""
        low, high = sorted((first_id, second_id))
        return f"{low}-{high}"


class Meeting(models.Model):
    """An accepted request, placed in a slot (or not yet), with its video-meeting room."""

    request = models.OneToOneField(MeetingRequest, on_delete=models.CASCADE, related_name="meeting")
    slot = models.ForeignKey(
        MeetingSlot,
        verbose_name=_("slot"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    room_link = models.CharField(_("room link"), max_length=500, blank=True)
    fixed_by_hand = models.BooleanField(
        _("placed by hand"),
        default=False,
        help_text=_("The schedule builder keeps this meeting where it is."),
    )
    unplaced_reason = models.CharField(_("why it has no slot"), max_length=200, blank=True)

    class Meta:
        ordering = ["slot__start", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return str(self.request)


class ScheduleRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ScheduleRun(models.Model):
    """One build of an event's meeting schedule: who asked, how it went, its figures."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedule_runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ScheduleRunStatus.choices,
        default=ScheduleRunStatus.QUEUED,
    )
    progress = models.CharField(_("progress"), max_length=200, blank=True)
    proven_optimal = models.BooleanField(_("proven optimal"), null=True, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    problems = models.JSONField(
        _("validation problems"), default=list, blank=True, help_text=_("Empty when valid.")
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("schedule run")
        verbose_name_plural = _("schedule runs")

    def __str__(self) -> str:
        return f"Schedule run {self.pk} for {self.event} ({self.get_status_display()})"
