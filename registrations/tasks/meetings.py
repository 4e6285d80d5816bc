"""Background work of the meetings: building the schedule, mailing each participant its agenda."""

from django_tasks import task

from registrations.agendas import agenda_calendar, agenda_of
from registrations.emails import Attachment, absolute_url, send_templated_email
from registrations.models import (
    MeetingRules,
    ParticipantProfile,
    RegistrationStatus,
    ScheduleRun,
)


def enqueue_schedule_build(*, run_id: int) -> None:
    build_meeting_schedule.enqueue(run_id=run_id)


def enqueue_agenda_emails(*, event_id: int, profile_ids: list[int] | None = None) -> None:
    """Everyone's agenda (on publishing), or the changed agendas of these participants."""
    send_agendas.enqueue(event_id=event_id, profile_ids=profile_ids)


@task()
def build_meeting_schedule(*, run_id: int) -> str:
    from registrations.services.meeting_schedule import schedule_build  # the service enqueues us

    run = ScheduleRun.objects.select_related("event").get(pk=run_id)
    return schedule_build(run=run).status


@task()
def send_agendas(*, event_id: int, profile_ids: list[int] | None) -> int:
    """Each confirmed participant with a profile gets its agenda; with `profile_ids`, only those
    participants get their changed agenda."""
    rules = MeetingRules.objects.select_related("event").get(event_id=event_id)
    profiles = ParticipantProfile.objects.filter(
        registration__event_id=event_id, registration__status=RegistrationStatus.CONFIRMED
    ).select_related("registration__event")
    if profile_ids is not None:
        profiles = profiles.filter(pk__in=profile_ids)
    sent = 0
    for profile in profiles:
        items = agenda_of(profile)
        registration = profile.registration
        send_templated_email(
            to=registration.email,
            template="meeting_agenda",
            context={
                "registration": registration,
                "event": rules.event,
                "items": items,
                "update": profile_ids is not None,
                "final": rules.schedule_state == "final",
                "manage_url": absolute_url(profile.private_path()),
            },
            attachments=[
                Attachment(
                    f"{rules.event.slug}-meetings.ics",
                    agenda_calendar(profile, items),
                    "text/calendar",
                )
            ]
            if items
            else [],
        )
        sent += 1
    return sent
