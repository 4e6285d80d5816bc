"""Test data, made through the real services where there is one. Import from here:

from tests.factories import make_open_event, register
"""

from tests.factories.events import (
    BERLIN,
    event_form_data,
    make_event,
    make_open_event,
    make_reminders,
    make_session,
)
from tests.factories.exports import make_registration, make_stored_application
from tests.factories.matchmaking import (
    application_details,
    application_form_data,
    invitation_form_data,
    make_application,
    make_call,
    sectors,
)
from tests.factories.meetings import (
    make_invited_registration,
    make_meeting_event,
    make_participant,
    make_slots,
)
from tests.factories.messages import make_message
from tests.factories.organisers import give_team_role, make_organiser, make_totp_device
from tests.factories.people import PEOPLE, make_checkin_staff, person
from tests.factories.public_forms import bot_trap_fields
from tests.factories.registrations import register, registrant, registration_form_data
from tests.factories.surveys import (
    make_response,
    make_survey,
    make_survey_response,
    survey_answer,
    survey_change_data,
    survey_form_data,
)

__all__ = [
    "BERLIN",
    "PEOPLE",
    "application_details",
    "application_form_data",
    "bot_trap_fields",
    "event_form_data",
    "give_team_role",
    "invitation_form_data",
    "make_application",
    "make_call",
    "make_checkin_staff",
    "make_event",
    "make_invited_registration",
    "make_meeting_event",
    "make_message",
    "make_open_event",
    "make_organiser",
    "make_participant",
    "make_registration",
    "make_reminders",
    "make_response",
    "make_session",
    "make_slots",
    "make_stored_application",
    "make_survey",
    "make_survey_response",
    "make_totp_device",
    "person",
    "register",
    "registrant",
    "registration_form_data",
    "sectors",
    "survey_answer",
    "survey_change_data",
    "survey_form_data",
]
