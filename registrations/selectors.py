"""Read queries shared by public pages, the admin and the exports."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from registrations.models import ApplicationCall, Event, Invitation
from registrations.tokens import is_well_formed_token


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
    return NextStep(
        message=_("Registration is not open yet. Details will follow here."),
    )


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
    """The invitation behind a private link; unknown and malformed tokens give the same 404."""
    if not is_well_formed_token(token):
        raise Http404
    return get_object_or_404(Invitation.objects.select_related("application__event"), token=token)
