"""Plain factory functions for test data; realistic names on purpose (Müller, Järvenpää, Łódź)."""

from datetime import datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from django.utils import timezone

from registrations.models import Event, EventFormat, Session, SessionKind

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
