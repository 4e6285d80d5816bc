"""Test data for the matchmaking call, made through the real services where there is one."""

from itertools import count

from registrations.demo import (
    COSME_PARTICIPATING_COUNTRIES,
    ELIGIBILITY_DECLARATIONS,
    EU_MEMBER_STATES,
)
from registrations.forms.matchmaking import ExpressionOfInterestForm
from registrations.forms.registration import RegistrationForm
from registrations.models import (
    ApplicationCall,
    EligibilityDeclaration,
    EventFormat,
    ExpressionOfInterest,
    Sector,
)
from registrations.services.action_log import Actor
from registrations.services.matchmaking import ApplicationDetails, application_submit
from tests.factories.events import make_event
from tests.factories.public_forms import bot_trap_fields

_sequence = count(1)


def make_call(*, is_open: bool = True, **event_fields) -> ApplicationCall:
    """An invitation-only online event with an ECCP-style call: EU + COSME, three declarations."""
    event = make_event(
        **{
            "format": EventFormat.ONLINE,
            "venue": "",
            "city": "",
            "country": "",
            "invitation_only": True,
            "onsite_capacity": None,
            "online_capacity": 150,
            **event_fields,
        }
    )
    call = ApplicationCall.objects.create(
        event=event,
        is_open=is_open,
        eligible_countries=EU_MEMBER_STATES + COSME_PARTICIPATING_COUNTRIES,
        intro="Open to cluster organisations from the EU and COSME countries.",
    )
    EligibilityDeclaration.objects.bulk_create(
        EligibilityDeclaration(call=call, text=text, position=position)
        for position, text in enumerate(ELIGIBILITY_DECLARATIONS, start=1)
    )
    return call


def sectors(*names: str) -> list[Sector]:
    return [Sector.objects.get_or_create(name=name)[0] for name in names or ("Digital",)]


def application_details(call: ApplicationCall, **overrides) -> ApplicationDetails:
    """What application_submit takes, for a Finnish cluster by default."""
    number = next(_sequence)
    answers = dict(
        legal_name=f"Järvenpää Digital Cluster {number} ry",
        country="FI",
        eccp_profile_url="https://clustercollaboration.eu/cluster-organisations/jarvenpaa-digital",
        eccp_registration_requested=False,
        organisation_type="cluster",
        sectors=sectors("Digital", "Health"),
        members_count=84,
        offers="Access to 84 SMEs in health tech.",
        seeks="Partners in Łódź and Berlin for joint projects.",
        contact_first_name="Aino",
        contact_last_name="Järvenpää",
        contact_job_title="Cluster manager",
        contact_email=f"aino.jarvenpaa{number}@example.fi",
        declarations=list(call.declarations.all()),
    )
    answers.update(overrides)
    return ApplicationDetails(**answers)


def make_application(call: ApplicationCall, **overrides) -> ExpressionOfInterest:
    """An expression of interest sent to the call through application_submit, by its contact."""
    return application_submit(
        call=call, details=application_details(call, **overrides), actor=Actor.person()
    )


def application_form_data(call: ApplicationCall, **overrides) -> dict:
    """A complete, valid POST of the public application form; a None value leaves a field out."""
    digital, health = sectors("Digital", "Health")
    data = {
        "legal_name": "Klaster Łódź Innowacje sp. z o.o.",
        "country": "PL",
        "organisation_type": "cluster",
        "eccp_profile_url": "https://clustercollaboration.eu/cluster-organisations/lodz",
        "sectors": [str(digital.pk), str(health.pk)],
        "members_count": "120",
        "offers": "Textile and digital SMEs from the Łódź region.",
        "seeks": "Partners for a joint Horizon Europe proposal.",
        "contact_first_name": "Łukasz",
        "contact_last_name": "Wójcik",
        "contact_job_title": "Cluster manager",
        "contact_email": "lukasz.wojcik@example.pl",
        "declarations": [str(pk) for pk in call.declarations.values_list("pk", flat=True)],
        "consent": "on",
        **bot_trap_fields(ExpressionOfInterestForm),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def invitation_form_data(invitation, **overrides) -> dict:
    """A complete, valid POST of the registration form behind an invitation (every session)."""
    sessions = invitation.application.event.sessions.all()
    data = {
        "first_name": "Łukasz",
        "last_name": "Wójcik",
        "organisation": "Klaster Łódź Innowacje",
        "organisation_type": "cluster",
        "job_title": "Cluster manager",
        "country": "PL",
        "attendance_mode": "online",
        "sessions": [str(session.pk) for session in sessions],
        "consent": "on",
        **bot_trap_fields(RegistrationForm),
    }
    data.update(overrides)
    return data
