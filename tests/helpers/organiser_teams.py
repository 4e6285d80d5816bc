"""Two teams' events full of people, to show that one team finds nothing of the other's."""

from datetime import timedelta

from registrations.models import Event, ScheduleRun
from registrations.services.action_log import Actor
from registrations.services.exports import export_record_create
from registrations.services.meeting_requests import meeting_request_accept, meeting_request_send
from tests.factories import (
    make_application,
    make_meeting_event,
    make_message,
    make_participant,
    make_registration,
    make_reminders,
    make_slots,
    make_survey,
    make_survey_response,
)


def an_event_full_of_people(marker: str) -> Event:
    """A matchmaking event whose every row (survey answer, registration, application,
    invitation, profile, meeting request, meeting, slot, message, reminder, schedule run, export
    record, log entry) names `marker` where it names anything."""
    lower = marker.lower()
    event = make_meeting_event(
        title=f"{marker} Cluster Matchmaking",
        slug=f"{lower}-matchmaking",
        organisers=f"{marker} secretariat",
        contact_email=f"events@{lower}.example.eu",
    )
    make_survey(event, intro=f"Will you come to {marker}?")
    make_survey_response(
        event, last_name=f"{marker}-Müller", email=f"anna.muller@{lower}.example.eu"
    )
    make_registration(event, last_name=f"{marker}-Järvenpää", email=f"jukka@{lower}.example.fi")
    make_application(
        event.call, legal_name=f"{marker} Agro Cluster", contact_email=f"agro@{lower}.example.pt"
    )
    first, second = (
        make_participant(
            event,
            organisation=f"{marker} Klaster Łódź {number}",
            contact_last_name=f"{marker}-Wójcik",
            contact_email=f"lukasz{number}@{lower}.example.pl",
        )
        for number in (1, 2)
    )
    make_slots(event, per_session=1)
    request = meeting_request_send(
        sender=first, receiver=second, message=f"Meet {marker}?", actor=Actor.person()
    )
    meeting_request_accept(request=request, by=second, actor=Actor.person())
    make_message(event, subject=f"{marker} stream starts at 9:00")
    make_reminders(event, timedelta(days=7))
    ScheduleRun.objects.create(event=event)
    export_record_create(
        kind="registrations",
        via="command",
        actor=Actor.system("test"),
        event=event,
        filters=f"{marker} export",
    )
    return event
