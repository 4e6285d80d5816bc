"""Matchmaking meetings: an event with meeting rules, participants registered through their
invitations (the real services), and meeting slots."""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from registrations.models import (
    Event,
    Invitation,
    MeetingRules,
    MeetingSlot,
    ParticipantProfile,
    Registration,
    SessionKind,
)
from registrations.services.action_log import Actor
from registrations.services.matchmaking import (
    application_mark_eligible,
    invitation_accept,
    invitations_send,
)
from registrations.services.participants import (
    ProfileDetails,
    participant_profile_for,
    participant_profile_update,
)
from registrations.services.registration import RegistrantDetails
from tests.factories.events import make_session
from tests.factories.matchmaking import make_application, make_call, sectors

_sequence = count(1)
TEST_ORGANISER = Actor.system("test data")
RULES_FIELDS = {field.name for field in MeetingRules._meta.get_fields()} - {"id", "event"}

# Each participant's organisation, country and contact person, in turn.
ORGANISATIONS = [
    ("Järvenpää Health Tech Cluster", "FI", "Aino", "Järvenpää"),
    ("Klaster Łódź Innowacje", "PL", "Łukasz", "Wójcik"),
    ("Cluster Müller Automotive Bayern", "DE", "Anna", "Müller"),
    ("Polo Gonçalves Agro-Food", "PT", "Inês", "Gonçalves"),
    ("Ó Briain Marine Cluster", "IE", "Zoë", "Ó Briain"),
]


def make_meeting_event(**fields) -> Event:
    """An online matchmaking event, registration open, with a preparatory webinar and then two
    matchmaking sessions; `fields` set its MeetingRules or the event."""
    rules = {name: fields.pop(name) for name in list(fields) if name in RULES_FIELDS}
    fields.setdefault("registration_opens_at", timezone.now() - timedelta(days=1))
    event = make_call(**fields).event
    make_session(
        event,
        title="Preparatory webinar",
        kind=SessionKind.WEBINAR,
        start=event.start,
        end=event.start + timedelta(hours=1),
    )
    for number, hour in enumerate((2, 5), start=1):
        start = event.start + timedelta(hours=hour)
        make_session(
            event,
            title=f"Matchmaking session {number}",
            kind=SessionKind.MATCHMAKING,
            start=start,
            end=start + timedelta(hours=2),
        )
    MeetingRules.objects.create(event=event, **rules)
    return event


def make_invited_registration(
    event: Event, *, organisation_type: str = "cluster", **application_fields
) -> Registration:
    """A confirmed registration made through the organisation's invitation: it applied, was found
    eligible, was invited, and registered with the link."""
    number = next(_sequence)
    organisation, country, first, last = ORGANISATIONS[number % len(ORGANISATIONS)]
    answers = {
        "legal_name": f"{organisation} {number}",
        "country": country,
        "contact_first_name": first,
        "contact_last_name": last,
        "contact_email": f"meetings{number}@cluster-{country.lower()}.example.eu",
        **application_fields,
    }
    application = make_application(event.call, **answers)
    application_mark_eligible(application=application, actor=TEST_ORGANISER)
    invitations_send(applications=[application], actor=TEST_ORGANISER)
    invitation = Invitation.objects.get(application=application)
    details = RegistrantDetails(
        first_name=application.contact_first_name,
        last_name=application.contact_last_name,
        email=application.contact_email,
        organisation=application.legal_name,
        organisation_type=organisation_type,
        job_title=application.contact_job_title,
        country=str(application.country),
        attendance_mode="online",
        sessions=list(event.sessions.all()),
    )
    return invitation_accept(invitation=invitation, details=details, actor=Actor.person())


def make_participant(
    event: Event,
    *,
    listed: bool = True,
    description: str = "",
    organisation_type: str = "cluster",
    sector_names: tuple[str, ...] = ("Digital", "Health"),
    **application_fields,
) -> ParticipantProfile:
    """A confirmed registration (through its invitation) and its profile, listed or not;
    `application_fields` (organisation, country, offers, seeks ...) set its expression of
    interest, which the profile starts from; `organisation_type` is the registration's."""
    application_fields.setdefault("sectors", sectors(*sector_names))
    if "organisation" in application_fields:
        application_fields["legal_name"] = application_fields.pop("organisation")
    registration = make_invited_registration(
        event, organisation_type=organisation_type, **application_fields
    )
    profile = participant_profile_for(registration=registration, actor=Actor.person())
    if listed or description:
        profile = participant_profile_update(
            profile=profile,
            details=ProfileDetails(
                description=description,
                offers=profile.offers,
                seeks=profile.seeks,
                sectors=list(profile.sectors.all()),
                website=profile.website,
                attendees=profile.attendees,
                is_listed=listed,
            ),
            actor=Actor.person(),
        )
    return profile


def make_slots(event: Event, *, per_session: int = 3) -> list[MeetingSlot]:
    """Meeting slots at the start of each matchmaking session, one meeting length plus the break
    apart (made directly)."""
    rules = event.meeting_rules
    step = timedelta(minutes=rules.meeting_minutes + rules.break_minutes)
    length = timedelta(minutes=rules.meeting_minutes)
    slots = []
    for session in event.sessions.filter(kind=SessionKind.MATCHMAKING):
        for number in range(per_session):
            start = session.start + number * step
            slots.append(
                MeetingSlot.objects.create(
                    event=event, session=session, start=start, end=start + length
                )
            )
    return slots
