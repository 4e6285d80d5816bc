"""The iCalendar (.ics) file of an event, built with the icalendar library."""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from registrations.models import Event, EventFormat


def event_location(event: Event) -> str:
    if event.format == EventFormat.ONLINE:
        return "Online"
    place = ", ".join(part for part in (event.venue, event.city, event.country.name) if part)
    return f"{place} (and online)" if event.format == EventFormat.HYBRID else place


def event_calendar(event: Event) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//eventsite//European cluster events//EN")
    calendar.add("version", "2.0")
    entry = CalendarEvent()
    entry.add("uid", f"{event.slug}@eventsite")
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", event.start)
    entry.add("dtend", event.end)
    entry.add("summary", event.title)
    url = f"{settings.SITE_URL}{event.get_absolute_url()}"
    entry.add("description", f"{event.summary}\n\n{url}")
    entry.add("location", event_location(event))
    entry.add("url", url)
    calendar.add_component(entry)
    return calendar.to_ical()
