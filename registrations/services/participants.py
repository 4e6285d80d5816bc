"""Participants of the matchmaking meetings: each confirmed registration of an event with meeting
rules has one profile, which the organisation keeps through its private link.

A new profile starts from the organisation's expression of interest (when it registered through
its invitation) and stays out of the catalogue until the organisation lists it. Country and
organisation type are the registration's, never copied onto the profile.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registrations.models import (
    ExpressionOfInterest,
    Invitation,
    MeetingRules,
    ParticipantProfile,
    Registration,
    RegistrationStatus,
    Sector,
)

from .action_log import Actor, field_changes, log_action, snapshot
from .errors import InvalidInput, ServiceError

# The profile's own text fields, logged with their old and new values.
PROFILE_FIELDS = ["description", "offers", "seeks", "website", "attendees", "is_listed"]

# The longest text each field keeps (the models' max_length, which TextField leaves unchecked).
TEXT_LIMITS = {"description": 2000, "offers": 2000, "seeks": 2000, "attendees": 500}


@dataclass(frozen=True)
class ProfileDetails:
    """What the organisation gives on its profile form."""

    description: str
    offers: str
    seeks: str
    sectors: Sequence[Sector]
    website: str
    attendees: str
    is_listed: bool
    country: str = ""  # empty: unchanged (the registration's country is the organisation's)


class MeetingsNotSetUp(ServiceError):
    default_message = gettext_lazy("One-to-one meetings are not set up for this event.")


class NotAParticipant(ServiceError):
    """Only a confirmed registration takes part in the meetings."""


def meeting_rules_of(event_id: int) -> MeetingRules:
    """The event's meeting rules, or the refusal that meetings are not set up."""
    rules = MeetingRules.objects.filter(event_id=event_id).select_related("event").first()
    if rules is None:
        raise MeetingsNotSetUp()
    return rules


def check_participant(registration: Registration) -> None:
    """Refuse a registration that is cancelled or on the waiting list."""
    if registration.status == RegistrationStatus.CONFIRMED:
        return
    if registration.status == RegistrationStatus.CANCELLED:
        raise NotAParticipant(
            _("This registration has been cancelled, so it takes no part in the meetings.")
        )
    raise NotAParticipant(
        _(
            "This registration is on the waiting list: meetings open to it once its place is "
            "confirmed."
        )
    )


def _application_of(registration: Registration) -> ExpressionOfInterest | None:
    """The expression of interest behind the invitation this registration came through."""
    invitation = (
        Invitation.objects.select_related("application").filter(registration=registration).first()
    )
    return invitation.application if invitation else None


def _attendees_of(registration: Registration) -> str:
    if registration.job_title:
        return f"{registration.full_name}, {registration.job_title}"
    return registration.full_name


@transaction.atomic
def participant_profile_for(*, registration: Registration, actor: Actor) -> ParticipantProfile:
    """The registration's profile, made on first use from its expression of interest.

    Two first uses at the same moment make one profile: the one-per-registration constraint
    answers the second, which then reads the first's.
    """
    registration = Registration.objects.select_related("event").get(pk=registration.pk)
    meeting_rules_of(registration.event_id)
    check_participant(registration)
    profile = ParticipantProfile.objects.filter(registration=registration).first()
    if profile is not None:
        profile.registration = registration
        return profile

    application = _application_of(registration)
    try:
        with transaction.atomic():  # a savepoint: losing the race to a twin keeps this one going
            profile = ParticipantProfile.objects.create(
                registration=registration,
                offers=application.offers if application else "",
                seeks=application.seeks if application else "",
                website=application.eccp_profile_url if application else "",
                attendees=_attendees_of(registration),
                is_listed=False,
            )
    except IntegrityError:
        return ParticipantProfile.objects.select_related("registration__event").get(
            registration=registration
        )
    sectors = list(application.sectors.all()) if application else []
    profile.sectors.set(sectors)
    before: dict[str, Any] = dict.fromkeys(PROFILE_FIELDS)
    changes = field_changes(before, profile)
    if sectors:
        changes["sectors"] = [[], sorted(sector.name for sector in sectors)]
    log_action(
        subject=profile,
        event=registration.event,
        action="participant profile created",
        actor=actor,
        changes=changes,
    )
    return profile


def _input_errors(details: ProfileDetails) -> list[ServiceError]:
    errors = []
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(details, name)) > limit:
            errors.append(
                ServiceError(
                    _("Please keep this to %(limit)s characters.") % {"limit": limit}, field=name
                )
            )
    if details.website:
        try:
            URLValidator(schemes=["http", "https"])(details.website)
        except ValidationError:
            errors.append(
                ServiceError(
                    _("Please give the full address of the website, starting with https://."),
                    field="website",
                )
            )
    return errors


@transaction.atomic
def participant_profile_update(
    *, profile: ParticipantProfile, details: ProfileDetails, actor: Actor
) -> ParticipantProfile:
    """Save the organisation's profile, listed in the catalogue if it says so."""
    profile = (
        ParticipantProfile.objects.select_for_update(of=("self",))
        .select_related("registration__event")
        .get(pk=profile.pk)
    )
    registration = profile.registration
    meeting_rules_of(registration.event_id)
    check_participant(registration)
    InvalidInput.raise_if_any(_input_errors(details))

    before = snapshot(profile, PROFILE_FIELDS)
    sectors_before = sorted(sector.name for sector in profile.sectors.all())
    for name in PROFILE_FIELDS:
        value = getattr(details, name)
        setattr(profile, name, value.strip() if isinstance(value, str) else value)
    profile.save()
    profile.sectors.set(details.sectors)
    changes = field_changes(before, profile)
    if details.country and details.country != registration.country.code:
        changes["country"] = [registration.country.code, details.country]
        registration.country = details.country
        registration.save(update_fields=["country", "updated_at"])
    sectors_after = sorted(sector.name for sector in details.sectors)
    if sectors_after != sectors_before:
        changes["sectors"] = [sectors_before, sectors_after]
    log_action(
        subject=profile,
        event=registration.event,
        action="participant profile changed",
        actor=actor,
        changes=changes,
    )
    return profile
