"""Building, checking and publishing an event's meeting schedule (the Django side of the solver)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from registrations.models import (
    ActionLogEntry,
    Meeting,
    MeetingRequest,
    MeetingRequestStatus,
    MeetingRules,
    MeetingSlot,
    ParticipantProfile,
    RegistrationSource,
    ScheduleRun,
    ScheduleRunStatus,
    ScheduleState,
    SessionKind,
)
from registrations.scheduling.validator import validate
from registrations.services.action_log import Actor
from registrations.services.errors import TransitionRefused
from registrations.services.meeting_requests import meeting_cancel
from registrations.services.meeting_schedule import (
    schedule_build_request,
    schedule_instance,
    schedule_publish,
)
from registrations.services.registration import registration_create
from tests.factories import make_call, make_session, registrant

pytestmark = pytest.mark.django_db

ORGANISATIONS = [
    ("Järvenpää Battery Cluster ry", "FI", "aino@battery-cluster.example.fi"),
    ("Klaster Łódź Tekstylia", "PL", "lukasz@tekstylia.example.pl"),
    ("Berlin Digital Health e.V.", "DE", "anna.mueller@digital-health.example.de"),
    ("Cluster Açores Mar", "PT", "ines@acores-mar.example.pt"),
]


@pytest.fixture
def meeting_event(db):
    """A matchmaking event with meeting rules and one session cut into four 20-minute slots."""
    call = make_call(registration_opens_at=timezone.now() - timedelta(days=1))
    event = call.event
    session = make_session(
        event, title="Networking session 1", kind=SessionKind.MATCHMAKING, format="online"
    )
    MeetingRules.objects.create(event=event, room_link_pattern="https://meet.example.org/{room}")
    for number in range(4):
        start = session.start + timedelta(minutes=25 * number)
        MeetingSlot.objects.create(
            event=event, session=session, start=start, end=start + timedelta(minutes=20)
        )
    return event


def participant(event, organisation: str, country: str, email: str) -> ParticipantProfile:
    registration = registration_create(
        event=event,
        details=registrant(
            email=email,
            organisation=organisation,
            country=country,
            attendance_mode="online",
        ),
        actor=Actor.person(),
        source=RegistrationSource.INVITATION,
    )
    return ParticipantProfile.objects.create(registration=registration, is_listed=True)


def accepted_meeting(first, second, **fields) -> Meeting:
    request = MeetingRequest.objects.create(
        event=first.registration.event,
        sender=first,
        receiver=second,
        pair=MeetingRequest.pair_of(first.pk, second.pk),
        status=MeetingRequestStatus.ACCEPTED,
        answered_at=timezone.now(),
    )
    return Meeting.objects.create(
        request=request, room_link=f"https://meet.example.org/{request.pk}", **fields
    )


@pytest.fixture
def four(meeting_event):
    return [participant(meeting_event, *organisation) for organisation in ORGANISATIONS]


def build(event, organiser) -> ScheduleRun:
    """Ask for a build and let the worker run it (the test settings run tasks at commit)."""
    run = schedule_build_request(event=event, actor=Actor.organiser(organiser))
    return ScheduleRun.objects.get(pk=run.pk)


def test_a_build_places_every_meeting_it_can_and_the_validator_agrees(
    meeting_event, four, organiser, django_capture_on_commit_callbacks
):
    pairs = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    for first, second in pairs:
        accepted_meeting(four[first], four[second])

    with django_capture_on_commit_callbacks(execute=True):
        run = build(meeting_event, organiser)

    run.refresh_from_db()
    assert run.status == ScheduleRunStatus.DONE
    assert run.proven_optimal is True
    assert run.problems == []
    assert run.figures["placed"] == 6  # a round robin of four fits three slots
    instance, _rows = schedule_instance(meeting_event)
    placements = dict(Meeting.objects.values_list("pk", "slot_id"))
    assert validate(instance, placements) == []
    entry = ActionLogEntry.objects.filter(action="schedule built").get()
    assert entry.actor_kind == "system"


def test_a_meeting_placed_by_hand_stays_and_an_impossible_one_says_why(
    meeting_event, four, organiser, django_capture_on_commit_callbacks
):
    last_slot = MeetingSlot.objects.order_by("-start").first()
    fixed = accepted_meeting(four[0], four[1], slot=last_slot, fixed_by_hand=True)
    four[3].unavailable_slots.set(MeetingSlot.objects.all())  # Açores cannot meet at all
    impossible = accepted_meeting(four[2], four[3])

    with django_capture_on_commit_callbacks(execute=True):
        build(meeting_event, organiser)

    fixed.refresh_from_db()
    impossible.refresh_from_db()
    assert fixed.slot == last_slot
    assert impossible.slot is None
    assert impossible.unplaced_reason


def test_publishing_emails_each_participant_its_agenda_with_a_calendar_entry_per_meeting(
    meeting_event, four, organiser, django_capture_on_commit_callbacks
):
    accepted_meeting(four[0], four[1])
    with django_capture_on_commit_callbacks(execute=True):
        build(meeting_event, organiser)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        schedule_publish(
            event=meeting_event, state=ScheduleState.PRELIMINARY, actor=Actor.organiser(organiser)
        )

    by_address = {message.to[0]: message for message in mail.outbox}
    assert len(by_address) == 4
    finnish = by_address["aino@battery-cluster.example.fi"]
    assert "preliminary" in finnish.subject
    assert "Klaster Łódź Tekstylia" in finnish.body
    assert "https://meet.example.org/" in finnish.body
    (calendar,) = [a for a in finnish.attachments if a[0].endswith(".ics")]
    assert calendar[1].count("BEGIN:VEVENT") == 1
    assert "no meeting" in by_address["anna.mueller@digital-health.example.de"].body


def test_after_the_final_schedule_no_rebuild_and_no_second_final(
    meeting_event, four, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        schedule_publish(
            event=meeting_event, state=ScheduleState.FINAL, actor=Actor.organiser(organiser)
        )

    with pytest.raises(TransitionRefused):
        schedule_build_request(event=meeting_event, actor=Actor.organiser(organiser))
    with pytest.raises(TransitionRefused):
        schedule_publish(
            event=meeting_event, state=ScheduleState.FINAL, actor=Actor.organiser(organiser)
        )


def test_a_rebuild_after_publishing_mails_only_those_whose_agenda_changed(
    meeting_event, four, organiser, django_capture_on_commit_callbacks
):
    accepted_meeting(four[0], four[1])
    with django_capture_on_commit_callbacks(execute=True):
        build(meeting_event, organiser)
        schedule_publish(
            event=meeting_event, state=ScheduleState.PRELIMINARY, actor=Actor.organiser(organiser)
        )
    kept = Meeting.objects.get()
    accepted_meeting(four[2], four[3])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        build(meeting_event, organiser)

    kept_slot = kept.slot_id
    kept.refresh_from_db()
    assert kept.slot_id == kept_slot  # the earlier placement stays
    assert sorted(message.to[0] for message in mail.outbox) == [
        "anna.mueller@digital-health.example.de",
        "ines@acores-mar.example.pt",
    ]
    assert all("has changed" in message.subject for message in mail.outbox)


def test_the_admin_page_builds_shows_the_grid_and_publishes(
    meeting_event, four, admin_client_for, django_capture_on_commit_callbacks
):
    accepted_meeting(four[0], four[1])
    url = reverse("admin:registrations_event_meeting_schedule", args=[meeting_event.pk])

    with django_capture_on_commit_callbacks(execute=True):
        admin_client_for.post(url, {"build": "1"})
    page = admin_client_for.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        published = admin_client_for.post(url, {"publish": "final"}, follow=True)

    assert "Järvenpää Battery Cluster ry" in page
    assert "Meetings placed: 1" in page
    assert "Published" in published.content.decode()
    assert MeetingRules.objects.get().schedule_state == ScheduleState.FINAL
    change_page = admin_client_for.get(
        reverse("admin:registrations_event_change", args=[meeting_event.pk])
    ).content.decode()
    assert url in change_page


def test_meetings_fixed_by_hand_that_clash_fail_the_build_with_the_reason(
    meeting_event, four, organiser, django_capture_on_commit_callbacks
):
    slot = MeetingSlot.objects.first()
    accepted_meeting(four[0], four[1], slot=slot, fixed_by_hand=True)
    accepted_meeting(four[0], four[2], slot=slot, fixed_by_hand=True)  # Järvenpää twice at once

    with django_capture_on_commit_callbacks(execute=True):
        run = build(meeting_event, organiser)

    run.refresh_from_db()
    assert run.status == ScheduleRunStatus.FAILED
    assert run.problems
    assert run.finished_at is not None


def test_a_meeting_cancelled_after_publishing_is_taken_off_the_other_sides_calendar(
    meeting_event, four, organiser, django_capture_on_commit_callbacks
):
    meeting = accepted_meeting(four[0], four[1])
    with django_capture_on_commit_callbacks(execute=True):
        build(meeting_event, organiser)
    with django_capture_on_commit_callbacks(execute=True):
        schedule_publish(
            event=meeting_event, state=ScheduleState.PRELIMINARY, actor=Actor.organiser(organiser)
        )
    (agenda,) = [
        m for m in mail.outbox if m.to[0] == "lukasz@tekstylia.example.pl" and "agenda" in m.subject
    ]
    (published,) = [a[1] for a in agenda.attachments if a[0].endswith(".ics")]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(request=meeting.request, by=four[0], actor=Actor.person())

    (told,) = mail.outbox
    assert told.to == ["lukasz@tekstylia.example.pl"]
    (cancellation,) = [a[1] for a in told.attachments if a[0].endswith(".ics")]
    uid = f"UID:meeting-{meeting.pk}-{four[1].pk}@eventsite"
    assert uid in published and uid in cancellation
    assert "METHOD:CANCEL" in cancellation and "STATUS:CANCELLED" in cancellation


def test_a_build_whose_data_changed_while_it_solved_stores_nothing(
    meeting_event, four, organiser, monkeypatch
):
    """A time picked while the solver ran must not be double-booked by the solver's answer."""
    from registrations.services import meeting_schedule

    MeetingSlot.objects.exclude(pk=MeetingSlot.objects.first().pk).delete()  # one slot only
    slot = MeetingSlot.objects.get()
    waiting = accepted_meeting(four[0], four[1])
    real_solve = meeting_schedule.solve

    def solve_while_someone_picks_the_slot(instance, **options):
        schedule = real_solve(instance, **options)
        accepted_meeting(four[0], four[2], slot=slot, fixed_by_hand=True)  # Järvenpää, meanwhile
        return schedule

    monkeypatch.setattr(meeting_schedule, "solve", solve_while_someone_picks_the_slot)
    run = ScheduleRun.objects.create(event=meeting_event, started_by=organiser)

    run = meeting_schedule.schedule_build(run=run)

    assert run.status == ScheduleRunStatus.FAILED
    assert "changed while the schedule was built" in run.problems[0]
    waiting.refresh_from_db()
    assert waiting.slot is None


def test_a_run_lost_with_its_worker_does_not_block_the_next_build(meeting_event, organiser):
    lost = ScheduleRun.objects.create(
        event=meeting_event, started_by=organiser, status=ScheduleRunStatus.RUNNING
    )
    ScheduleRun.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=1))

    again = schedule_build_request(event=meeting_event, actor=Actor.organiser(organiser))

    lost.refresh_from_db()
    assert lost.status == ScheduleRunStatus.FAILED
    assert again.pk != lost.pk


def test_a_run_already_built_or_given_up_is_never_built_twice(meeting_event, four, organiser):
    from registrations.services.meeting_schedule import schedule_build

    accepted_meeting(four[0], four[1])
    run = ScheduleRun.objects.create(
        event=meeting_event, started_by=organiser, status=ScheduleRunStatus.FAILED
    )

    assert schedule_build(run=run).status == ScheduleRunStatus.FAILED
    assert Meeting.objects.get().slot is None


def test_calendar_files_define_the_time_zone_they_use(
    meeting_event, four, organiser, django_capture_on_commit_callbacks
):
    accepted_meeting(four[0], four[1])
    with django_capture_on_commit_callbacks(execute=True):
        build(meeting_event, organiser)
    with django_capture_on_commit_callbacks(execute=True):
        schedule_publish(
            event=meeting_event, state=ScheduleState.PRELIMINARY, actor=Actor.organiser(organiser)
        )

    (agenda,) = [
        m
        for m in mail.outbox
        if m.to[0] == "aino@battery-cluster.example.fi" and "agenda" in m.subject
    ]
    (calendar,) = [a[1] for a in agenda.attachments if a[0].endswith(".ics")]
    assert "DTSTART;TZID=Europe/Berlin" in calendar
    assert "BEGIN:VTIMEZONE" in calendar and "TZID:Europe/Berlin" in calendar


def test_a_rebuild_that_takes_a_published_meeting_off_sends_its_cancellation(
    meeting_event, four, organiser, django_capture_on_commit_callbacks
):
    meeting = accepted_meeting(four[0], four[1])
    with django_capture_on_commit_callbacks(execute=True):
        build(meeting_event, organiser)
    with django_capture_on_commit_callbacks(execute=True):
        schedule_publish(
            event=meeting_event, state=ScheduleState.PRELIMINARY, actor=Actor.organiser(organiser)
        )
    four[1].unavailable_slots.set(MeetingSlot.objects.all())  # Łódź can no longer meet at all
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        build(meeting_event, organiser)

    meeting.refresh_from_db()
    assert meeting.slot is None
    (to_aino,) = [m for m in mail.outbox if m.to[0] == "aino@battery-cluster.example.fi"]
    (cancellation,) = [a[1] for a in to_aino.attachments if a[0].startswith("cancelled-meeting")]
    assert f"UID:meeting-{meeting.pk}-{four[0].pk}@eventsite" in cancellation
    assert "METHOD:CANCEL" in cancellation


def test_the_admin_page_refuses_an_unknown_publication_state(
    meeting_event, admin_client_for, django_capture_on_commit_callbacks
):
    url = reverse("admin:registrations_event_meeting_schedule", args=[meeting_event.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_for.post(url, {"publish": "draft; DROP"}, follow=True)

    assert response.status_code == 200
    assert "Choose preliminary or final." in response.content.decode()
    assert MeetingRules.objects.get().schedule_state == ScheduleState.DRAFT
    assert mail.outbox == []
