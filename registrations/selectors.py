"""Read queries shared by public pages, the admin and the exports."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from registrations.models import Event, Registration, RegistrationStatus


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
    if event.registration_is_open(now) and not event.invitation_only:
        return NextStep(
            message=_("Registration is open."),
            action_label=_("Register"),
            action_url=reverse("registrations:register", kwargs={"slug": event.slug}),
        )
    return NextStep(
        message=_("Registration is not open yet. Details will follow here."),
    )


@dataclass(frozen=True)
class Seats:
    """Places of one attendance mode: capacity None means unlimited."""

    capacity: int | None
    confirmed: int
    waiting: int

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)


def registration_seats(*, event: Event) -> dict[str, Seats]:
    """Seats used, waiting and left per offered mode, in one aggregate query."""
    counts = {
        f"{mode}_{status}": Count("pk", filter=Q(attendance_mode=mode, status=status))
        for mode in event.offered_modes
        for status in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
    }
    totals = Registration.objects.filter(event=event).aggregate(**counts)
    return {
        mode: Seats(
            capacity=event.capacity_for(mode),
            confirmed=totals[f"{mode}_{RegistrationStatus.CONFIRMED}"],
            waiting=totals[f"{mode}_{RegistrationStatus.WAITLISTED}"],
        )
        for mode in event.offered_modes
    }


def has_free_seat(*, event: Event, attendance_mode: str) -> bool:
    """A confirmed place is free in this mode (for the first person waiting)."""
    seats = registration_seats(event=event)[attendance_mode]
    return seats.left is None or seats.left > 0


def has_place_for_newcomer(*, event: Event, attendance_mode: str) -> bool:
    """A newcomer gets a confirmed place only if nobody is waiting ahead of them."""
    seats = registration_seats(event=event)[attendance_mode]
    return seats.left is None or seats.left > seats.waiting


def waiting_list_position(*, registration: Registration) -> int | None:
    """1 for the first person waiting for this mode; None if not on the waiting list."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id,
        attendance_mode=registration.attendance_mode,
        status=RegistrationStatus.WAITLISTED,
    ).filter(
        Q(waitlisted_at__lt=registration.waitlisted_at)
        | Q(waitlisted_at=registration.waitlisted_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1
