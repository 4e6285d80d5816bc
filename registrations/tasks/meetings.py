"""Background work of the meetings: building the schedule, mailing each participant its agenda."""

from django.utils import translation
from django_tasks import task

from registrations.agendas import agenda_calendar, agenda_of, meeting_cancellation_calendar
from registrations.emails import Attachment, absolute_url, send_templated_email
from registrations.models import (
    MeetingRules,
    MeetingSlot,
    ParticipantProfile,
    RegistrationStatus,
    ScheduleRun,
)


def enqueue_schedule_build(*, run_id: int) -> None:
    build_meeting_schedule.enqueue(run_id=run_id)


def enqueue_agenda_emails(
    *, event_id: int, profile_ids: list[int] | None = None, taken_off: list[list[int]] | None = None
) -> None:
    """Everyone's agenda (on publishing), or the changed agendas of these participants;
    `taken_off` lists [profile id, meeting id, slot id] of meetings no longer on an agenda."""
    send_agendas.enqueue(event_id=event_id, profile_ids=profile_ids, taken_off=taken_off or [])


@task()
def build_meeting_schedule(*, run_id: int) -> str:
    from registrations.services.meeting_schedule import schedule_build  # the service enqueues us

    run = ScheduleRun.objects.select_related("event").get(pk=run_id)
    return schedule_build(run=run).status


@task()
def send_agendas(
    *, event_id: int, profile_ids: list[int] | None, taken_off: list[list[int]] | None = None
) -> int:
    """Each confirmed participant with a profile gets its agenda; with `profile_ids`, only those
    participants get their changed agenda, with a cancellation of each meeting taken off it."""
    rules = MeetingRules.objects.select_related("event").get(event_id=event_id)
    profiles = ParticipantProfile.objects.filter(
        registration__event_id=event_id, registration__status=RegistrationStatus.CONFIRMED
    ).select_related("registration__event")
    if profile_ids is not None:
        profiles = profiles.filter(pk__in=profile_ids)
    sent = 0
    slots = {slot.pk: slot for slot in MeetingSlot.objects.filter(event_id=event_id)}
    for profile in profiles:
        with translation.override(profile.registration.language):  # the calendar files' words
            _send_agenda(rules, profile, slots, update=profile_ids is not None, taken_off=taken_off)
        sent += 1
    return sent


def _send_agenda(
    rules: MeetingRules,
    profile: ParticipantProfile,
    slots: dict[int, MeetingSlot],
    *,
    update: bool,
    taken_off: list[list[int]] | None,
) -> None:
    items = agenda_of(profile)
    registration = profile.registration
    attachments = []
    if items:
        calendar = agenda_calendar(profile, items)
        attachments.append(
            Attachment(f"{rules.event.slug}-meetings.ics", calendar, "text/calendar")
        )
    for profile_id, meeting_id, slot_id in taken_off or []:
        if profile_id == profile.pk and slot_id in slots:
            slot = slots[slot_id]
            calendar = meeting_cancellation_calendar(
                profile, meeting_id=meeting_id, start=slot.start, end=slot.end, partner=""
            )
            attachments.append(
                Attachment(f"cancelled-meeting-{meeting_id}.ics", calendar, "text/calendar")
            )
    send_templated_email(
        to=registration.email,
        template="meeting_agenda",
        context={
            "registration": registration,
            "event": rules.event,
            "items": items,
            "update": update,
            "final": rules.schedule_state == "final",
            "manage_url": absolute_url(profile.private_path()),
        },
        language=registration.language,
        attachments=attachments,
    )
