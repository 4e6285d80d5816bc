"""Reads of the meeting schedule: a participant's agenda (a list and a calendar file) and the
organiser's grid of participants by slots."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from registrations.models import (
    Event,
    Meeting,
    MeetingRequestStatus,
    MeetingSlot,
    ParticipantProfile,
)


@dataclass(frozen=True)
class AgendaItem:
    meeting_id: int
    partner: str
    partner_country: str
    start: datetime
    end: datetime
    room_link: str


def agenda_of(profile: ParticipantProfile) -> list[AgendaItem]:
    """The participant's placed meetings, earliest first, each with the other organisation."""
    meetings = (
        Meeting.objects.filter(
            Q(request__sender=profile) | Q(request__receiver=profile),
            request__status=MeetingRequestStatus.ACCEPTED,
            slot__isnull=False,
        )
        .select_related("slot", "request__sender__registration", "request__receiver__registration")
        .order_by("slot__start", "pk")
    )
    items = []
    for meeting in meetings:
        request = meeting.request
        partner = request.receiver if request.sender_id == profile.pk else request.sender
        assert meeting.slot is not None  # noqa: S101 (filtered above)
        items.append(
            AgendaItem(
                meeting_id=meeting.pk,
                partner=partner.registration.organisation,
                partner_country=partner.registration.country.name,
                start=meeting.slot.start,
                end=meeting.slot.end,
                room_link=meeting.room_link,
            )
        )
    return items


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//eventsite//European cluster events//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return calendar


def _meeting_uid(meeting_id: int, profile: ParticipantProfile) -> str:
    """The same entry in the same participant's calendar, whichever file brings it."""
    return f"meeting-{meeting_id}-{profile.pk}@eventsite"


def meeting_cancellation_calendar(
    profile: ParticipantProfile, *, meeting_id: int, start: datetime, end: datetime, partner: str
) -> bytes:
    """A calendar file that removes a cancelled meeting's entry from the participant's calendar."""
    calendar = _calendar("CANCEL")
    entry = CalendarEvent()
    entry.add("uid", _meeting_uid(meeting_id, profile))
    entry.add("sequence", int(timezone.now().timestamp()))
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", start)
    entry.add("dtend", end)
    entry.add(
        "summary",
        _("Cancelled: meeting with %(partner)s") % {"partner": partner}
        if partner
        else _("Cancelled meeting"),
    )
    entry.add("status", "CANCELLED")
    calendar.add_component(entry)
    return _with_time_zones(calendar)


def _with_time_zones(calendar: Calendar) -> bytes:
    """Each TZID used is defined in the file too, as RFC 5545 asks (clients misplace times
    otherwise)."""
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def agenda_calendar(profile: ParticipantProfile, items: list[AgendaItem]) -> bytes:
    """One calendar entry per meeting, with a stable UID: a later file updates the same entries
    (its SEQUENCE is higher). A meeting taken off the agenda gets a cancellation of its own
    (meeting_cancellation_calendar)."""
    event = profile.registration.event
    calendar = _calendar("PUBLISH")
    sequence = int(timezone.now().timestamp())
    for item in items:
        entry = CalendarEvent()
        entry.add("uid", _meeting_uid(item.meeting_id, profile))
        entry.add("sequence", sequence)
        entry.add("dtstamp", timezone.now())
        entry.add("dtstart", item.start.astimezone(event.tzinfo))
        entry.add("dtend", item.end.astimezone(event.tzinfo))
        entry.add(
            "summary",
            _("Meeting: %(partner)s (%(title)s)") % {"partner": item.partner, "title": event.title},
        )
        entry.add("location", item.room_link or _("Online"))
        with_whom = _("One-to-one meeting with %(partner)s, %(country)s.") % {
            "partner": item.partner,
            "country": item.partner_country,
        }
        entry.add(
            "description",
            f"{with_whom}\n{item.room_link}\n\n{settings.SITE_URL}{profile.private_path()}",
        )
        calendar.add_component(entry)
    return _with_time_zones(calendar)


@dataclass(frozen=True)
class GridCell:
    partner: str  # "" where the slot is free
    unavailable: bool


@dataclass(frozen=True)
class GridRow:
    participant: str
    cells: list[GridCell]


@dataclass(frozen=True)
class ScheduleGrid:
    slots: list[MeetingSlot]
    rows: list[GridRow]
    unplaced: list[tuple[str, str, str]]  # (first, second, why)


def schedule_grid(event: Event) -> ScheduleGrid:
    """Participants by slots, as the organiser checks the schedule; unplaced meetings with why."""
    slots = list(MeetingSlot.objects.filter(event=event).order_by("start", "pk"))
    column = {slot.pk: index for index, slot in enumerate(slots)}
    profiles = list(
        ParticipantProfile.objects.filter(registration__event=event)
        .select_related("registration")
        .prefetch_related("unavailable_slots")
        .order_by("registration__organisation", "pk")
    )
    cells = {profile.pk: [""] * len(slots) for profile in profiles}
    unplaced = []
    meetings = Meeting.objects.filter(
        request__event=event, request__status=MeetingRequestStatus.ACCEPTED
    ).select_related("request__sender__registration", "request__receiver__registration")
    for meeting in meetings:
        first, second = meeting.request.sender, meeting.request.receiver
        if meeting.slot_id is None:
            unplaced.append(
                (
                    first.registration.organisation,
                    second.registration.organisation,
                    meeting.unplaced_reason,
                )
            )
            continue
        for side, other in ((first, second), (second, first)):
            if side.pk in cells:
                cells[side.pk][column[meeting.slot_id]] = other.registration.organisation
    rows = []
    for profile in profiles:
        cannot_meet = {slot.pk for slot in profile.unavailable_slots.all()}
        rows.append(
            GridRow(
                participant=profile.registration.organisation,
                cells=[
                    GridCell(partner=partner, unavailable=slot.pk in cannot_meet)
                    for partner, slot in zip(cells[profile.pk], slots, strict=True)
                ],
            )
        )
    return ScheduleGrid(slots=slots, rows=rows, unplaced=unplaced)
