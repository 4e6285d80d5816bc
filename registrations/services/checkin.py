"""Checking attendees in at the venue: by the code they show, or found by name at the desk.

Several desks may scan the same person at once: the registration row is locked
(`select_for_update`), so exactly one of them checks the person in and the others are told
"already checked in at ...". Only confirmed on-site attendees are checked in. An online
attendee who turns up is refused too: their place is not one of the counted seats, so staff
send them to an organiser, who can switch them to on site while seats are free.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registrations.models import AttendanceMode, Event, Registration, RegistrationStatus
from registrations.tokens import is_well_formed_token

from .action_log import Actor, log_action
from .errors import ServiceError


class CheckInRefused(ServiceError):
    """This code or person cannot be checked in here."""


@dataclass(frozen=True)
class CheckIn:
    """The outcome of one scan: `now` is False when someone had already checked them in."""

    registration: Registration
    now: bool


def check_in_refusal(registration: Registration, event: Event) -> CheckInRefused | None:
    """Why this registration cannot be checked in at this event, or None if it can."""
    name = registration.full_name
    if registration.event_id != event.pk:
        return CheckInRefused(
            _("This code is for another event: %(event)s.") % {"event": registration.event}
        )
    if registration.status == RegistrationStatus.CANCELLED:
        return CheckInRefused(_("%(name)s cancelled their registration.") % {"name": name})
    if registration.status == RegistrationStatus.WAITLISTED:
        return CheckInRefused(
            _("%(name)s is on the waiting list and has no confirmed seat.") % {"name": name}
        )
    if registration.attendance_mode == AttendanceMode.ONLINE:
        return CheckInRefused(
            _(
                "%(name)s registered to attend online, so has no seat at the venue. An organiser "
                "can switch the registration to on site while seats are free."
            )
            % {"name": name}
        )
    return None


@transaction.atomic
def attendee_check_in(
    *,
    event: Event,
    actor: Actor,
    token: str = "",
    registration_id: int | None = None,
    now: datetime | None = None,
) -> CheckIn:
    """Check in the person with this check-in code (scanned) or registration id (searched)."""
    registrations = Registration.objects.select_for_update(of=("self",)).select_related(
        "event", "checked_in_by"
    )
    if registration_id is not None:
        registration = registrations.filter(pk=registration_id).first()
    else:
        token = token.strip()
        registration = (
            registrations.filter(checkin_token=token).first()
            if is_well_formed_token(token)
            else None
        )
    if registration is None:
        raise CheckInRefused(_("This code is not a check-in code of ours."))
    refusal = check_in_refusal(registration, event)
    if refusal is not None:
        raise refusal
    if registration.checked_in_at is not None:
        return CheckIn(registration=registration, now=False)
    registration.checked_in_at = now or timezone.now()
    registration.checked_in_by = actor.user
    registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
    log_action(
        subject=registration,
        event=event,
        action="checked in",
        actor=actor,
        changes={"checked_in_at": [None, registration.checked_in_at]},
    )
    return CheckIn(registration=registration, now=True)
