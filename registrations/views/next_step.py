"""The "Take part" box of an event page: the one thing the public can do next, in words and a link.

Wording and URLs belong here, in the view layer; the state they describe comes from the event and
the selectors.
"""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from registrations import selectors
from registrations.models import Event


@dataclass(frozen=True)
class NextStep:
    message: str
    action_label: str = ""
    action_url: str = ""


def event_next_step(*, event: Event, now: datetime | None = None) -> NextStep:
    now = now or timezone.now()
    if event.is_over(now):
        return NextStep(message=_("This event has taken place."))
    if event.invitation_only:
        return _invitation_only_next_step(event)
    if event.registration_is_open(now):
        return NextStep(
            message=_("Registration is open."),
            action_label=_("Register"),
            action_url=reverse("registrations:register", kwargs={"slug": event.slug}),
        )
    if event.registration_has_opened(now):
        return NextStep(message=_("Registration for this event is closed."))
    if selectors.event_open_survey(event=event, now=now):  # only before registration ever opened
        return NextStep(
            message=_(
                "Registration is not open yet. Tell us whether you plan to come, on site or online."
            ),
            action_label=_("Answer the interest survey"),
            action_url=reverse("registrations:survey", kwargs={"slug": event.slug}),
        )
    return NextStep(message=_("Registration is not open yet. Details will follow here."))


def _invitation_only_next_step(event: Event) -> NextStep:
    if selectors.event_open_call(event=event):
        return NextStep(
            message=_(
                "Registration is by invitation. Cluster organisations first send an expression "
                "of interest; those that meet the eligibility criteria are invited to register."
            ),
            action_label=_("Apply"),
            action_url=reverse("registrations:application_create", kwargs={"slug": event.slug}),
        )
    return NextStep(
        message=_(
            "Registration is by invitation only: it is open to the organisations found eligible "
            "in the call for expressions of interest, which is closed now. If you were invited, "
            "please use the link in your invitation email."
        )
    )
