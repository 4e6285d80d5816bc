"""Read queries shared by public pages, the admin and the exports."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from registrations.models import Event


def published_events() -> QuerySet[Event]:
    return Event.objects.filter(is_published=True)


def upcoming_and_past_events(*, now: datetime | None = None) -> tuple[list[Event], list[Event]]:
    """Published events: those not yet over (soonest first), then past ones (latest first)."""
    now = now or timezone.now()
    events = published_events()
    return (
        list(events.filter(end__gt=now).order_by("start")),
        list(events.filter(end__lte=now).order_by("-start")),
    )


def published_event(*, slug: str) -> Event:
    """The published event with this slug, or 404."""
    return get_object_or_404(
        published_events().prefetch_related("sessions"),
        slug=slug,
    )


@dataclass(frozen=True)
class NextStep:
    """The one thing the public can do next for an event, shown in a box on its page."""

    message: str
    action_label: str = ""
    action_url: str = ""


def event_next_step(*, event: Event, now: datetime | None = None) -> NextStep:
    now = now or timezone.now()
    if event.is_over(now):
        return NextStep(message=_("This event has taken place."))
    return NextStep(
        message=_("Registration is not open yet. Details will follow here."),
    )
