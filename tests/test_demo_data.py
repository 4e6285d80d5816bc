"""The demo loader creates the announcement's two events and a working sample matchmaking
(organisations, requests, a published schedule), idempotently."""

import re
from collections import Counter
from datetime import UTC, datetime
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from registrations.demo import (
    CONFERENCE_SLUG,
    DEMO_TEAMS,
    MATCHMAKING_SLUG,
    NOT_ELIGIBLE_REASON,
    SAMPLE_PARTICIPANTS,
    default_demo_year,
    request_plan,
)
from registrations.demo_past_edition import PAST_EDITION_SLUG
from registrations.event_report import event_funnel
from registrations.models import (
    ActionLogEntry,
    ApplicationCall,
    Event,
    ExpressionOfInterest,
    Invitation,
    Meeting,
    MeetingRequest,
    MeetingRules,
    MeetingSlot,
    MessageSegment,
    MessageState,
    OrganiserMessage,
    ParticipantProfile,
    Registration,
    ScheduleRun,
    Session,
)
from registrations.scheduling.validator import validate
from registrations.services.meeting_schedule import schedule_instance

pytestmark = pytest.mark.django_db


def load(year: int = 2020, *extra: str) -> str:
    out = StringIO()
    call_command("load_demo", "--year", str(year), "--solver-seconds", "2", *extra, stdout=out)
    return out.getvalue()


def snapshot():
    return (
        list(Event.objects.values_list("slug", "title", "start", "end").order_by("slug")),
        list(Session.objects.values_list("event__slug", "title", "start").order_by("pk")),
        ApplicationCall.objects.get().declarations.count(),
        Counter(ExpressionOfInterest.objects.values_list("status", flat=True)),
        Invitation.objects.count(),
        Registration.objects.count(),
        ParticipantProfile.objects.filter(is_listed=True).count(),
        Counter(MeetingRequest.objects.values_list("status", flat=True)),
        sorted(Meeting.objects.values_list("pk", "slot_id", "room_link")),
        list(MeetingSlot.objects.values_list("pk", "start").order_by("pk")),
        list(ScheduleRun.objects.values_list("pk", "status")),
        list(MeetingRules.objects.values_list("schedule_state", "schedule_published_at")),
        ActionLogEntry.objects.count(),
    )


def test_loading_twice_gives_the_same_rows():
    load()
    past = Event.objects.get(slug=PAST_EDITION_SLUG)
    # the conference's team runs last year's edition too, from the first load (its report)
    assert past.team_roles.get().team.name == DEMO_TEAMS["conference"]
    first = snapshot()
    load()

    assert snapshot() == first
    assert Event.objects.count() == 3  # the two events and last year's conference
    matchmaking = Registration.objects.filter(event__slug=MATCHMAKING_SLUG)
    assert matchmaking.count() == len(SAMPLE_PARTICIPANTS)
    assert_last_years_conference_took_place()


def assert_last_years_conference_took_place():
    """The report's funnel has something to show: intent, every status, and attendance."""
    past = Event.objects.get(slug=PAST_EDITION_SLUG)
    assert past.is_over()
    lines = {line.label: line for line in event_funnel(event=past).modes}
    on_site, online = lines["On site"], lines["Online"]
    assert on_site.intended and online.intended and lines["Not sure yet"].intended
    assert on_site.confirmed == past.onsite_capacity and on_site.waitlisted
    assert on_site.cancelled + online.cancelled == 3
    assert 0 < on_site.attended < on_site.confirmed and 0 < online.attended < online.confirmed
    (draft,) = OrganiserMessage.objects.filter(event=past)
    assert draft.state == MessageState.DRAFT and draft.segment == MessageSegment.ONLINE


def test_the_announcements_real_facts_with_year_2020():
    call_command("load_demo", "--year", "2020")

    conference = Event.objects.get(slug=CONFERENCE_SLUG)
    assert conference.format == "hybrid"
    assert conference.city == "Berlin"
    assert "DG GROW" in conference.organisers
    assert "German Federal Ministry" in conference.organisers
    local = conference.tzinfo
    assert conference.start.astimezone(local).date().isoformat() == "2020-11-10"
    assert conference.end.astimezone(local).date().isoformat() == "2020-11-11"
    assert conference.survey.is_open
    with translation.override("de"):
        assert conference.title == "Europäische Clusterkonferenz 2020"
        assert conference.sessions.first().title == "Eröffnungsplenum: Clusterpolitik in Europa"
    with translation.override("fi"):  # the description is left untranslated: English shows
        assert conference.description.startswith("The European Commission's Directorate")

    matchmaking = Event.objects.get(slug=MATCHMAKING_SLUG)
    assert matchmaking.format == "online"
    assert matchmaking.invitation_only
    assert matchmaking.organisers == "European Cluster Collaboration Platform (ECCP)"
    assert matchmaking.start.astimezone(local).date().isoformat() == "2020-11-11"
    assert matchmaking.end.astimezone(local).date().isoformat() == "2020-11-12"
    kinds = list(matchmaking.sessions.values_list("kind", flat=True))
    assert kinds == ["webinar", "matchmaking", "matchmaking"]
    assert matchmaking.call.is_open
    assert "FI" in matchmaking.call.eligible_countries


def test_another_year_moves_the_same_events():
    load(2020)
    slots = MeetingSlot.objects.count()
    load(2031)

    conference = Event.objects.get(slug=CONFERENCE_SLUG)
    assert conference.start.year == 2031
    assert conference.title == "European Cluster Conference 2031"
    assert Event.objects.count() == 3
    assert Event.objects.get(slug=PAST_EDITION_SLUG).start.year == 2030
    assert conference.sessions.count() == 4
    # The meeting slots moved with their sessions; the schedule still holds.
    assert MeetingSlot.objects.count() == slots
    for slot in MeetingSlot.objects.select_related("session"):
        assert slot.session.start <= slot.start < slot.end <= slot.session.end
    matchmaking = Event.objects.get(slug=MATCHMAKING_SLUG)
    instance, meetings = schedule_instance(matchmaking)
    placements = {pk: meeting.slot_id for pk, meeting in meetings.items() if meeting.slot_id}
    assert validate(instance, placements) == []


@pytest.mark.parametrize(
    ("now", "year"),
    [
        (datetime(2026, 11, 29, tzinfo=UTC), 2027),
        (datetime(2026, 6, 1, tzinfo=UTC), 2026),
        (datetime(2026, 11, 11, 12, tzinfo=UTC), 2026),
    ],
)
def test_default_year_keeps_every_flow_ahead(now, year):
    assert default_demo_year(now=now) == year


def test_the_sample_matchmaking_can_be_tried_at_once():
    output = load()
    event = Event.objects.get(slug=MATCHMAKING_SLUG)

    # Registration is open by invitation; the conference keeps its survey, not yet registration.
    assert event.registration_opened_at is not None
    conference = Event.objects.get(slug=CONFERENCE_SLUG)
    assert conference.registration_opens_at is None
    assert conference.survey.is_open

    rules = event.meeting_rules
    assert (rules.meeting_minutes, rules.break_minutes, rules.rooms_limit) == (20, 5, None)
    assert rules.room_link_pattern == "https://meet.jit.si/eccp-demo-{room}"
    # 15:30-18:00 gives six 20-minute meetings with 5-minute breaks, 10:00-13:00 seven.
    assert MeetingSlot.objects.filter(event=event).count() == 13

    profiles = ParticipantProfile.objects.filter(registration__event=event)
    assert profiles.count() == 40
    assert profiles.filter(is_listed=True).count() == 36
    assert len(set(profiles.values_list("registration__country", flat=True))) == 17
    anna = profiles.get(registration__email="anna.mueller@de.example.org")
    assert anna.registration.organisation == "Berlin Digital Health e.V."
    assert "digital health" in anna.offers
    assert list(anna.sectors.values_list("name", flat=True)) == ["Digital", "Health"]
    assert anna.unavailable_slots.count() == 2
    assert profiles.get(registration__organisation="Klaster Łódź Tekstylia").registration.email == (
        "agnieszka.kaminska@pl.example.org"
    )

    statuses = Counter(MeetingRequest.objects.filter(event=event).values_list("status", flat=True))
    assert statuses == {"accepted": 60, "pending": 15, "declined": 5}
    received = Counter(receiver for _sender, receiver, _outcome in request_plan())
    popular = {sample.legal_name for sample in SAMPLE_PARTICIPANTS if sample.popular}
    listed = [sample.legal_name for sample in SAMPLE_PARTICIPANTS if sample.listed]
    others = [name for name in listed if name not in popular]
    assert sum(received[name] for name in popular) / len(popular) > 2 * (
        sum(received[name] for name in others) / len(others)
    )

    run = ScheduleRun.objects.get(event=event)
    assert run.status == "done"
    instance, meetings = schedule_instance(event)
    placements = {pk: meeting.slot_id for pk, meeting in meetings.items() if meeting.slot_id}
    assert len(placements) == 60
    assert validate(instance, placements) == []
    assert all(m.room_link.startswith("https://meet.jit.si/eccp-demo-") for m in meetings.values())
    assert rules.schedule_state == "preliminary"

    left_to_review = ExpressionOfInterest.objects.filter(event=event, status="submitted")
    assert left_to_review.count() == 3
    refused = ExpressionOfInterest.objects.get(event=event, status="not_eligible")
    assert refused.decision_reason == NOT_ELIGIBLE_REASON

    assert (
        "Matchmaking demo: 40 organisations from 17 countries, 60 accepted meetings (60 placed "
        "in 13 slots)"
    ) in output
    links = re.findall(r"Try the meetings as .*?: (\S+)", output)
    assert len(links) == 2
    page = Client().get(urlsplit(links[0]).path)
    assert page.status_code == 200
    assert "https://meet.jit.si/eccp-demo-" in page.content.decode()  # its agreed meetings


@pytest.mark.django_db(transaction=True)
def test_the_worker_is_left_no_second_build_and_a_reload_queues_nothing(settings):
    """With the real queue the build request commits its job; the demo takes it over, and the
    mails the services queued for the sample organisations are dropped."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    load()

    jobs = Counter(
        (path.rsplit(".", 1)[1], status)
        for path, status in DBTaskResult.objects.values_list("task_path", "status")
    )
    assert jobs[("build_meeting_schedule", "SUCCESSFUL")] == 1
    assert jobs[("build_meeting_schedule", "READY")] == 0
    # The sample's mails stay unsent: no job is left waiting for the worker.
    assert not [job for job in jobs if job[1] == "READY"]
    assert ScheduleRun.objects.get().status == "done"

    queued = DBTaskResult.objects.count()
    load()
    assert DBTaskResult.objects.count() == queued


@pytest.mark.django_db(transaction=True)
def test_a_task_backend_that_runs_the_build_at_once_builds_it_once():
    """The test settings' immediate backend builds as the request commits; the demo does not
    build the same run again."""
    load()

    assert ScheduleRun.objects.get().status == "done"
    assert ActionLogEntry.objects.filter(action="schedule built").count() == 1
    assert MeetingRules.objects.get().schedule_state == "preliminary"


def test_events_only_leaves_out_the_sample_matchmaking():
    load(2020, "--events-only")

    assert Event.objects.count() == 2
    assert not ExpressionOfInterest.objects.exists()
    assert not MeetingRules.objects.exists()
    assert Event.objects.get(slug=MATCHMAKING_SLUG).registration_opens_at is None
