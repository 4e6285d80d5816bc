"""The iCalendar (.ics) files of an event, built with the icalendar library.

Two files: the public one of the event (event_calendar, no personal data) and a person's own
(registration_calendar, attached to their confirmation and their cancellation).

Entries: one per programme session; where there is none to show (the event has no sessions, or
the person chose none), one per calendar day of the event instead, never one block across the
night (see event_days). Times are in the event's time zone (TZID, with its VTIMEZONE in the
file). UIDs are stable, so a later file updates (higher SEQUENCE) or cancels (METHOD:CANCEL)
the very entries an earlier one brought.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from registrations.joining import Joining, joining_for
from registrations.models import AttendanceMode, Event, EventFormat, Registration, Session
from registrations.services.action_log import action_log_for

# A day of a multi-day event without sessions ends at this local time (or at the event's own
# daily end, if later), so Wednesday 09:00 to Thursday 13:00 becomes Wednesday 09:00-17:00 and
# Thursday 09:00-13:00.
DAY_END = time(17, 0)


def event_location(event: Event) -> str:
    if event.format == EventFormat.ONLINE:
        return _("Online")
    place = venue_of(event)
    if event.format == EventFormat.HYBRID:
        return _("%(place)s (and online)") % {"place": place}
    return place


def venue_of(event: Event) -> str:
    return ", ".join(part for part in (event.venue, event.city, event.country.name) if part)


@dataclass(frozen=True)
class CalendarItem:
    key: str  # "session-<id>" or "day-<yyyymmdd>": the stable part of the UID
    title: str
    start: datetime
    end: datetime
    online_only: bool


def event_days(event: Event) -> list[CalendarItem]:
    """The event split by calendar day in its own time zone.

    Rule: the first day starts at the event's start, each later day at the same local time; each
    day but the last ends at DAY_END (or at the event's local end time, if later); the last day
    ends at the event's end. Where that would leave a day empty (an evening event running past
    midnight, or a last day ending before the usual start), the day is cut at local midnight
    instead.
    """
    zone = event.tzinfo
    start, end = event.start.astimezone(zone), event.end.astimezone(zone)
    day_end_clock = max(DAY_END, end.timetz().replace(tzinfo=None))
    items = []
    day = start.date()
    while day <= end.date():
        midnight = datetime.combine(day, time(0), tzinfo=zone)
        next_midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
        first, last = day == start.date(), day == end.date()
        opens = start if first else datetime.combine(day, start.time(), tzinfo=zone)
        closes = end if last else datetime.combine(day, day_end_clock, tzinfo=zone)
        if closes <= opens:
            if last:
                opens = midnight
            else:
                closes = next_midnight
        if closes > opens:
            items.append(
                CalendarItem(
                    key=f"day-{day:%Y%m%d}",
                    title=event.title,
                    start=opens,
                    end=closes,
                    online_only=event.format == EventFormat.ONLINE,
                )
            )
        day += timedelta(days=1)
    return items


def _session_items(event: Event, sessions: Iterable[Session]) -> list[CalendarItem]:
    return [
        CalendarItem(
            key=f"session-{session.pk}",
            title=f"{session.title} ({event.title})",
            start=session.start,
            end=session.end,
            online_only=(
                session.format == EventFormat.ONLINE or event.format == EventFormat.ONLINE
            ),
        )
        for session in sorted(sessions, key=lambda session: (session.start, session.pk))
    ]


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//eventsite//European cluster events//EN")
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def _entry(
    item: CalendarItem,
    *,
    uid: str,
    event: Event,
    location: str,
    description: str,
    url: str = "",
) -> CalendarEvent:
    zone = event.tzinfo
    entry = CalendarEvent()
    entry.add("uid", uid)
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", item.start.astimezone(zone))
    entry.add("dtend", item.end.astimezone(zone))
    entry.add("summary", item.title)
    entry.add("description", description)
    entry.add("location", location)
    entry.add("url", url or f"{settings.SITE_URL}{event.get_absolute_url()}")
    return entry


def _to_bytes(calendar: Calendar) -> bytes:
    """Each TZID used is defined in the file too, as RFC 5545 asks."""
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def event_calendar(event: Event) -> bytes:
    """The public file: one entry per programme session, or per day without sessions."""
    items = _session_items(event, event.sessions.all()) or event_days(event)
    calendar = _calendar()
    url = f"{settings.SITE_URL}{event.get_absolute_url()}"
    for item in items:
        calendar.add_component(
            _entry(
                item,
                uid=f"{event.slug}-{item.key}@eventsite",
                event=event,
                location="Online" if item.online_only else event_location(event),
                description=f"{event.summary}\n\n{url}",
            )
        )
    return _to_bytes(calendar)


def registration_uid(registration: Registration, item: CalendarItem) -> str:
    return f"registration-{registration.pk}-{item.key}@eventsite"


def registration_calendar(registration: Registration, *, method: str = "PUBLISH") -> bytes:
    """A person's own file: one entry per session they chose (per day if they chose none).

    PUBLISH adds or updates the entries, CANCEL removes the same entries. SEQUENCE is the
    number of changes logged for the registration (each change is logged), so the file a later
    change brings (a switch of attendance mode, a cancellation) always counts higher than the
    one before, even within the same second.

    LOCATION is the venue for on-site attendance, and "Online" for online attendance or an
    online-only session; where the person may join online, the entry carries the personal
    join link (as its URL where the entry is online, and in the description) and when it opens.
    """
    if method not in ("PUBLISH", "CANCEL"):
        raise ValueError(f"Unknown calendar method {method!r}")
    event = registration.event
    items = _session_items(event, registration.sessions.all()) or event_days(event)
    calendar = _calendar(method)
    sequence = action_log_for(registration).count()
    on_site = registration.attendance_mode == AttendanceMode.ON_SITE
    joining = joining_for(registration)
    your_registration = _("Your registration: %(url)s") % {
        "url": f"{settings.SITE_URL}{registration.private_path()}"
    }
    description = f"{event.summary}\n\n{_join_text(event, joining)}{your_registration}"
    for item in items:
        online = item.online_only or not on_site
        entry = _entry(
            item,
            uid=registration_uid(registration, item),
            event=event,
            location=_("Online") if online else venue_of(event),
            description=description,
            url=joining.join_url if online else "",
        )
        entry.add("sequence", sequence)
        if method == "CANCEL":
            entry.pop("summary")
            entry.add("summary", _("Cancelled: %(title)s") % {"title": item.title})
            entry.add("status", "CANCELLED")
        calendar.add_component(entry)
    return _to_bytes(calendar)


def _join_text(event: Event, joining: Joining) -> str:
    if not joining.join_url:
        return ""
    opens = joining.window.opens.astimezone(event.tzinfo)
    link = _("Join online through your personal link: %(url)s") % {"url": joining.join_url}
    when = _("It opens at %(time)s on %(day)s (%(zone)s time).") % {
        "time": formats.time_format(opens, "TIME_FORMAT"),
        "day": formats.date_format(opens, "WEEKDAY_DATE_FORMAT"),
        "zone": event.timezone,
    }
    return f"{link}\n{when}\n\n"
