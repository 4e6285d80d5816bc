"""Events and their sessions; realistic names on purpose (Müller, Järvenpää, Łódź)."""

from datetime import datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from django.utils import timezone

from registrations.models import (
    DEFAULT_REMINDERS,
    Event,
    EventFormat,
    EventReminder,
    Session,
    SessionKind,
)

BERLIN = ZoneInfo("Europe/Berlin")
_sequence = count(1)


def make_event(**fields) -> Event:
    number = next(_sequence)
    start = fields.pop("start", None) or timezone.now().astimezone(BERLIN).replace(
        hour=9, minute=0, second=0, microsecond=0
    ) + timedelta(days=30)
    defaults = dict(
        slug=f"cluster-event-{number}",
        title=f"Cluster Policy Forum {number}",
        summary="Cluster policy at regional, national and EU level.",
        organisers="DG GROW, ECCP",
        contact_name="Eva Järvinen, ECCP events team",
        contact_email="events@eccp.example.eu",
        audience="Cluster managers and policy makers",
        format=EventFormat.HYBRID,
        venue="Estrel Congress Center",
        city="Berlin",
        country="DE",
        timezone="Europe/Berlin",
        start=start,
        end=start + timedelta(days=1, hours=4),
        is_published=True,
        onsite_capacity=10,
    )
    defaults.update(fields)
    return Event.objects.create(**defaults)


def make_open_event(**fields) -> Event:
    """An event whose registration opened an hour ago."""
    fields.setdefault("registration_opens_at", timezone.now() - timedelta(hours=1))
    return make_event(**fields)


def make_session(event: Event, **fields) -> Session:
    start: datetime = fields.pop("start", None) or event.start + timedelta(hours=1)
    defaults = dict(
        title="Opening plenary",
        kind=SessionKind.PLENARY,
        format=event.format,
        start=start,
        end=start + timedelta(hours=1),
    )
    defaults.update(fields)
    return Session.objects.create(event=event, **defaults)


def make_reminders(event: Event, *send_before: timedelta) -> list[EventReminder]:
    """The event's reminders, sent this long before it starts (the defaults if none given)."""
    return [
        EventReminder.objects.create(event=event, send_before=before)
        for before in send_before or DEFAULT_REMINDERS
    ]


def event_form_data(**overrides) -> dict:
    """A complete, valid POST of the admin's event form, without sessions; its content in
    English only (the other languages' fields left out, as an organiser leaves them empty)."""
    data = {
        "title_en": "Cluster Forum Łódź",
        "slug": "cluster-forum-lodz",
        "summary_en": "Clusters in Central Europe.",
        "description_en": "",
        "organisers": "ECCP",
        "audience_en": "Cluster managers",
        "format": "hybrid",
        "timezone": "Europe/Warsaw",
        "start_0": "2030-05-10",
        "start_1": "09:00",
        "end_0": "2030-05-11",
        "end_1": "17:00",
        "venue": "EC1",
        "city": "Łódź",
        "country": "PL",
        "onsite_capacity": "80",
        "online_capacity": "",
        "registration_opens_at_0": "",
        "registration_opens_at_1": "",
        "registration_closes_at_0": "",
        "registration_closes_at_1": "",
        "is_published": "on",
        "more_info_url": "",
        "contact_name": "Agnieszka Wójcik",
        "contact_email": "events@cluster-lodz.example.pl",
        "online_join_url": "",
        "online_access_notes_en": "",
        "join_opens_minutes_before": "30",
        "reminders-TOTAL_FORMS": "2",
        "reminders-INITIAL_FORMS": "0",
        "reminders-MIN_NUM_FORMS": "0",
        "reminders-MAX_NUM_FORMS": "1000",
        "reminders-0-send_before": "7 00:00:00",
        "reminders-1-send_before": "01:00:00",
        "sessions-TOTAL_FORMS": "0",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data
