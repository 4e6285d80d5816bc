"""Read queries shared by public pages, the admin and the exports."""

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from django.db.models import Count, Model, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from registrations.models import (
    ApplicationCall,
    AttendanceIntent,
    Event,
    InterestSurvey,
    Invitation,
    Registration,
    RegistrationStatus,
    SurveyResponse,
)
from registrations.tokens import is_well_formed_token

PrivateRow = TypeVar("PrivateRow", bound=Model)


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
    if event.invitation_only:
        return _invitation_only_next_step(event)
    if event.registration_is_open(now) and not event.invitation_only:
        return NextStep(
            message=_("Registration is open."),
            action_label=_("Register"),
            action_url=reverse("registrations:register", kwargs={"slug": event.slug}),
        )
    if event.registration_has_opened(now):
        return NextStep(message=_("Registration for this event is closed."))
    if event_open_survey(event=event, now=now):  # only before registration ever opened
        return NextStep(
            message=_(
                "Registration is not open yet. Tell us whether you plan to come, on site or online."
            ),
            action_label=_("Answer the interest survey"),
            action_url=reverse("registrations:survey", kwargs={"slug": event.slug}),
        )
    return NextStep(
        message=_("Registration is not open yet. Details will follow here."),
    )


def survey_accepts_answers(*, survey: InterestSurvey, now: datetime | None = None) -> bool:
    """Open, and registration has not opened yet (people then register instead, and once it
    has closed, the survey's "tell me when registration opens" would promise nothing)."""
    event = survey.event
    return survey.is_open and not event.registration_has_opened(now) and not event.is_over(now)


def event_open_survey(*, event: Event, now: datetime | None = None) -> InterestSurvey | None:
    """The event's interest survey if it accepts answers now, else None."""
    try:
        survey = event.survey
    except InterestSurvey.DoesNotExist:
        return None
    return survey if survey_accepts_answers(survey=survey, now=now) else None


def survey_intent_choices(*, event: Event) -> list[tuple[str, str]]:
    """The attendance modes the event offers, then "not sure yet"."""
    return [(mode.value, mode.label) for mode in event.offered_modes] + [
        (AttendanceIntent.UNDECIDED.value, AttendanceIntent.UNDECIDED.label)
    ]


def survey_intent_counts(*, survey: InterestSurvey) -> dict[str, int]:
    """Number of answers per intent (every intent, zeros included), in one query."""
    return survey.responses.aggregate(
        **{intent.value: Count("pk", filter=Q(intent=intent.value)) for intent in AttendanceIntent}
    )


def published_event_survey(*, slug: str) -> InterestSurvey:
    """The survey of the published event with this slug, or 404."""
    return get_object_or_404(
        InterestSurvey.objects.select_related("event"), event__slug=slug, event__is_published=True
    )


def by_private_token(queryset: QuerySet[PrivateRow], token: str) -> PrivateRow:
    """The row behind a private link; an unknown and a malformed token are the same 404.

    The format is checked first, so odd input (a NUL byte, say) never reaches the database.
    """
    if not is_well_formed_token(token):
        raise Http404
    return get_object_or_404(queryset, token=token)


def survey_response_by_token(*, token: str) -> SurveyResponse:
    return by_private_token(SurveyResponse.objects.select_related("survey__event"), token)


def registration_by_token(*, token: str) -> Registration:
    return by_private_token(
        Registration.objects.select_related("event").prefetch_related("sessions"), token
    )


def event_offers_session_choice(*, event: Event) -> bool:
    """People choose sessions only when there are several; one session is simply the event.

    The one rule for the registration form and the private registration page.
    """
    return len(event.sessions.all()) > 1  # uses prefetched sessions when there are


@dataclass(frozen=True)
class Seats:
    """Places of one attendance mode: capacity None means unlimited."""

    capacity: int | None
    confirmed: int
    waiting: int

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)

    @property
    def free_for_newcomer(self) -> int | None:
        """Places a newcomer can still get: people waiting come first. None: unlimited."""
        return None if self.left is None else max(self.left - self.waiting, 0)

    @property
    def full(self) -> bool:
        """No place for a newcomer: they may only join the waiting list."""
        return self.free_for_newcomer == 0


def registration_seats(*, event: Event) -> dict[str, Seats]:
    """Seats used, waiting and left per offered mode, in one query.

    Counted by mode and status with GROUP BY: a third of the work of building one filtered
    count per mode and status, and it runs on every view of the registration form.
    """
    counts = (
        Registration.objects.filter(event=event)
        .order_by()
        .values_list("attendance_mode", "status")
        .annotate(Count("pk"))
    )
    totals = {(mode, status): count for mode, status, count in counts}

    def count(mode: str, status: str) -> int:
        return totals.get((mode, status), 0)

    return {
        mode: Seats(
            capacity=event.capacity_for(mode),
            confirmed=count(mode, RegistrationStatus.CONFIRMED),
            waiting=count(mode, RegistrationStatus.WAITLISTED),
        )
        for mode in event.offered_modes
    }


def has_free_seat(*, event: Event, attendance_mode: str) -> bool:
    """A confirmed place is free in this mode (for the first person waiting)."""
    seats = registration_seats(event=event)[attendance_mode]
    return seats.left is None or seats.left > 0


def has_place_for_newcomer(*, event: Event, attendance_mode: str) -> bool:
    """A newcomer gets a confirmed place only if nobody is waiting ahead of them."""
    return not registration_seats(event=event)[attendance_mode].full


def registration_is_changeable(*, registration: Registration, now: datetime | None = None) -> bool:
    """The person can still switch mode, change sessions or cancel."""
    return registration.status != RegistrationStatus.CANCELLED and not registration.event.is_over(
        now
    )


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


def _invitation_only_next_step(event: Event) -> NextStep:
    call = ApplicationCall.objects.filter(event=event).first()
    if call and call.is_open:
        return NextStep(
            message=_(
                "Registration is by invitation. Cluster organisations first send an expression "
                "of interest; those that meet the eligibility criteria are invited to register."
            ),
            action_label=_("Apply"),
            action_url=reverse("registrations:application_create", kwargs={"slug": event.slug}),
        )
    return NextStep(message=invitation_only_explanation())


def invitation_only_explanation() -> str:
    return _(
        "Registration is by invitation only: it is open to the organisations found eligible in "
        "the call for expressions of interest, which is closed now. If you were invited, please "
        "use the link in your invitation email."
    )


def published_event_call(*, slug: str) -> ApplicationCall:
    """The call for expressions of interest of a published event, or 404."""
    return get_object_or_404(
        ApplicationCall.objects.select_related("event"), event__slug=slug, event__is_published=True
    )


def invitation_by_token(*, token: str) -> Invitation:
    return by_private_token(Invitation.objects.select_related("application__event"), token)
