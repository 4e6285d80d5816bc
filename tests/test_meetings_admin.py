"""The organisers' meeting pages: rules, slots (cut from the sessions, added or deleted one by
one), read-only profiles, requests and schedule runs, and meetings placed by hand, every change
going through the services, their refusals shown on the page, their actions in the log."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from registrations.models import (
    ActionLogEntry,
    ActorKind,
    Meeting,
    MeetingRequest,
    MeetingRequestStatus,
    MeetingRules,
    MeetingSlot,
    ParticipantProfile,
    RegistrationSource,
    ScheduleRun,
    ScheduleRunStatus,
)
from registrations.services.action_log import Actor
from registrations.services.meeting_slots import (
    meeting_place_by_hand,
    meeting_rules_set_up,
    meeting_slot_create,
    meeting_slots_generate,
)
from registrations.services.registration import registration_create
from tests.factories import make_call, make_session, registrant
from tests.helpers import run_admin_action

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("test set-up")


def matchmaking_event(**event_fields):
    """An online matchmaking event, its session 10:00-12:00 in the event's zone, a webinar."""
    call = make_call(registration_opens_at=timezone.now() - timedelta(days=1), **event_fields)
    event = call.event
    day = event.start.astimezone(event.tzinfo)
    make_session(event, title="Preparatory webinar", kind="webinar", start=day.replace(hour=8))
    make_session(
        event,
        title="Matchmaking session 1",
        kind="matchmaking",
        start=day.replace(hour=10),
        end=day.replace(hour=12),
    )
    return event


def at(event, hour: int, minute: int = 0):
    return event.start.astimezone(event.tzinfo).replace(hour=hour, minute=minute)


def participant(event, organisation: str) -> ParticipantProfile:
    registration = registration_create(
        event=event,
        details=registrant(attendance_mode="online", organisation=organisation),
        actor=Actor.person(),
        source=RegistrationSource.INVITATION,
    )
    return ParticipantProfile.objects.create(registration=registration, is_listed=True)


def meeting_between(sender, receiver) -> Meeting:
    request = MeetingRequest.objects.create(
        event=sender.registration.event,
        sender=sender,
        receiver=receiver,
        pair=MeetingRequest.pair_of(sender.pk, receiver.pk),
        status=MeetingRequestStatus.ACCEPTED,
    )
    return Meeting.objects.create(request=request)


@pytest.fixture
def event():
    event = matchmaking_event()
    meeting_rules_set_up(event=event, actor=SYSTEM)
    return event


@pytest.fixture
def slots(event):
    return meeting_slots_generate(session=event.sessions.get(kind="matchmaking"), actor=SYSTEM)


@pytest.fixture
def meeting(event, slots):
    return meeting_between(
        participant(event, "Müller Cluster GmbH"), participant(event, "Klaster Łódź Innowacje")
    )


def url(obj_or_model, view: str = "change") -> str:
    meta = obj_or_model._meta
    name = f"admin:{meta.app_label}_{meta.model_name}_{view}"
    return reverse(name, args=[obj_or_model.pk] if view in ("change", "delete") else [])


def page_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def form_errors(response) -> list[str]:
    form = response.context["adminform"].form
    return [error for errors in form.errors.values() for error in errors]


# The pages open ------------------------------------------------------------------------------

MODELS = [MeetingRules, MeetingSlot, ParticipantProfile, MeetingRequest, Meeting, ScheduleRun]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_each_list_and_change_page_opens(admin_client_for, organiser, meeting, model):
    ScheduleRun.objects.create(
        event=meeting.request.event, started_by=organiser, status=ScheduleRunStatus.DONE
    )
    row = model.objects.first()

    assert admin_client_for.get(url(model, "changelist")).status_code == 200
    assert admin_client_for.get(url(row)).status_code == 200


@pytest.mark.parametrize("model", [MeetingRules, MeetingSlot], ids=lambda model: model.__name__)
def test_the_add_pages_of_rules_and_slots_open(admin_client_for, model):
    assert admin_client_for.get(url(model, "add")).status_code == 200


@pytest.mark.parametrize(
    "model", [ParticipantProfile, MeetingRequest, Meeting, ScheduleRun], ids=lambda m: m.__name__
)
def test_rows_owned_by_participants_and_services_cannot_be_added(admin_client_for, model):
    assert admin_client_for.get(url(model, "add")).status_code == 403


def test_a_profile_is_read_only_for_organisers(admin_client_for, meeting):
    profile = meeting.request.sender

    response = admin_client_for.post(url(profile), {"is_listed": ""})

    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.is_listed


# Rules ---------------------------------------------------------------------------------------


def test_rules_are_set_up_for_a_matchmaking_event_and_then_shown(admin_client_for):
    event = matchmaking_event()

    response = admin_client_for.post(url(MeetingRules, "add"), {"event": event.pk}, follow=True)

    rules = MeetingRules.objects.get(event=event)
    assert response.redirect_chain[-1][0] == url(rules)
    assert "Matchmaking session 1" in response.content.decode()  # its slots per session
    entry = ActionLogEntry.objects.get(action="meeting rules set up")
    assert (entry.actor_kind, entry.actor_label) == (ActorKind.ORGANISER, "organiser")


def test_rules_for_an_event_without_matchmaking_are_refused_on_the_form(admin_client_for):
    event = matchmaking_event()
    event.sessions.filter(kind="matchmaking").delete()

    response = admin_client_for.post(url(MeetingRules, "add"), {"event": event.pk})

    assert response.status_code == 200
    assert any("no matchmaking session" in error for error in form_errors(response))
    assert not MeetingRules.objects.exists()


def rules_form(**overrides) -> dict:
    data = {
        "requests_per_participant": "10",
        "requests_need_acceptance": "on",
        "meeting_minutes": "20",
        "break_minutes": "5",
        "rooms_limit": "",
        "room_link_pattern": "https://meet.example.org/eccp-{room}",
        "room_links": "",
    }
    data.update(overrides)
    return data


def test_a_rules_change_goes_through_the_service_and_is_logged(admin_client_for, event):
    rules = event.meeting_rules

    response = admin_client_for.post(url(rules), rules_form(rooms_limit="40"))

    assert response.status_code == 302
    rules.refresh_from_db()
    assert rules.rooms_limit == 40
    entry = ActionLogEntry.objects.get(action="meeting rules changed")
    assert entry.changes["rooms_limit"] == [None, 40]
    assert entry.actor_label == "organiser"
    assert not ActionLogEntry.objects.filter(action="edited in the admin").exists()


def test_a_room_link_pattern_without_room_is_refused_on_its_field(admin_client_for, event):
    rules = event.meeting_rules

    response = admin_client_for.post(
        url(rules), rules_form(room_link_pattern="https://meet.example.org/eccp")
    )

    assert response.status_code == 200
    assert "room_link_pattern" in response.context["adminform"].form.errors
    rules.refresh_from_db()
    assert rules.room_link_pattern == ""


# Slots ---------------------------------------------------------------------------------------


def test_the_generate_action_cuts_the_sessions_and_reports_refusals(admin_client_for, event):
    clashing = matchmaking_event(title="Cluster Matchmaking Łódź")
    meeting_rules_set_up(event=clashing, actor=SYSTEM)
    session = clashing.sessions.get(kind="matchmaking")
    by_hand = meeting_slot_create(
        event=clashing,
        session=session,
        start=at(clashing, 10, 5),
        end=at(clashing, 10, 15),
        actor=SYSTEM,
    )

    response = run_admin_action(
        admin_client_for,
        "generate_slots",
        list(MeetingRules.objects.filter(event__in=[event, clashing])),
    )

    assert MeetingSlot.objects.filter(event=event).count() == 5
    assert list(MeetingSlot.objects.filter(event=clashing)) == [by_hand]
    shown = page_messages(response)
    assert "1 matchmaking session(s) cut into slots (slots already there are kept)." in shown
    assert any(
        message.startswith("Matchmaking session 1: This overlaps") and str(by_hand) in message
        for message in shown
    )
    assert set(
        ActionLogEntry.objects.filter(action="slot cut from the session").values_list(
            "actor_label", flat=True
        )
    ) == {"organiser"}


def test_a_slot_is_added_in_the_events_own_time_zone(admin_client_for):
    event = matchmaking_event(timezone="Europe/Helsinki")
    meeting_rules_set_up(event=event, actor=SYSTEM)
    session = event.sessions.get(kind="matchmaking")
    day = at(event, 10).date().isoformat()

    response = admin_client_for.post(
        url(MeetingSlot, "add"),
        {
            "session": session.pk,
            "start_0": day,
            "start_1": "10:30",
            "end_0": day,
            "end_1": "10:50",
        },
    )

    assert response.status_code == 302
    slot = MeetingSlot.objects.get()
    assert (slot.start, slot.end) == (at(event, 10, 30), at(event, 10, 50))
    assert ActionLogEntry.objects.get(action="slot added by hand").actor_label == "organiser"


def test_a_slot_outside_its_session_is_refused_on_the_form(admin_client_for, event):
    day = at(event, 10).date().isoformat()

    response = admin_client_for.post(
        url(MeetingSlot, "add"),
        {
            "session": event.sessions.get(kind="matchmaking").pk,
            "start_0": day,
            "start_1": "11:50",
            "end_0": day,
            "end_1": "12:10",
        },
    )

    assert response.status_code == 200
    assert any("must lie within" in error for error in form_errors(response))
    assert not MeetingSlot.objects.exists()


def test_deleting_slots_keeps_the_one_with_a_meeting(admin_client_for, event, slots, meeting):
    meeting_place_by_hand(meeting=meeting, slot=slots[0], actor=SYSTEM)

    response = run_admin_action(admin_client_for, "delete_slots", slots[:2])

    assert list(MeetingSlot.objects.filter(event=event)) == [slots[0], *slots[2:]]
    shown = page_messages(response)
    assert "1 slot(s) deleted." in shown
    assert any(message.startswith(f"{slots[0]}: Meetings are placed in") for message in shown)


def test_the_plain_delete_is_not_offered_for_slots(admin_client_for, slots):
    offered = dict(
        admin_client_for.get(url(MeetingSlot, "changelist"))
        .context["action_form"]
        .fields["action"]
        .choices
    )

    assert "delete_slots" in offered
    assert "delete_selected" not in offered
    assert admin_client_for.post(url(slots[0], "delete"), {"post": "yes"}).status_code == 403


# Meetings placed by hand ---------------------------------------------------------------------


def test_a_meeting_is_placed_by_hand_through_its_change_form(admin_client_for, slots, meeting):
    response = admin_client_for.post(
        url(meeting), {"slot": slots[2].pk, "fixed_by_hand": "on", "_save": "Save"}
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.slot, meeting.fixed_by_hand) == (slots[2], True)
    entry = ActionLogEntry.objects.get(action="placed by hand")
    assert (entry.actor_kind, entry.actor_label) == (ActorKind.ORGANISER, "organiser")


def test_a_refused_placing_is_shown_on_the_form_and_nothing_is_stored(
    admin_client_for, slots, meeting
):
    meeting.request.receiver.unavailable_slots.add(slots[2])

    response = admin_client_for.post(url(meeting), {"slot": slots[2].pk, "fixed_by_hand": "on"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slot"] == [
        f"Klaster Łódź Innowacje cannot meet in {slots[2]} (marked unavailable)."
    ]
    meeting.refresh_from_db()
    assert (meeting.slot, meeting.fixed_by_hand) == (None, False)
    assert not ActionLogEntry.objects.filter(action="placed by hand").exists()


def test_a_new_slot_without_placed_by_hand_is_refused(admin_client_for, slots, meeting):
    response = admin_client_for.post(url(meeting), {"slot": slots[2].pk})

    assert "fixed_by_hand" in response.context["adminform"].form.errors
    meeting.refresh_from_db()
    assert meeting.slot is None


def test_unticking_placed_by_hand_unfixes_the_meeting(admin_client_for, slots, meeting):
    meeting_place_by_hand(meeting=meeting, slot=slots[1], actor=SYSTEM)

    response = admin_client_for.post(url(meeting), {"slot": slots[1].pk})

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.slot, meeting.fixed_by_hand) == (slots[1], False)


def test_the_slot_choices_are_the_events_own(admin_client_for, slots, meeting):
    other = matchmaking_event()
    meeting_rules_set_up(event=other, actor=SYSTEM)
    meeting_slots_generate(session=other.sessions.get(kind="matchmaking"), actor=SYSTEM)

    form = admin_client_for.get(url(meeting)).context["adminform"].form

    assert list(form.fields["slot"].queryset) == slots


# The action log ------------------------------------------------------------------------------


def test_the_organisers_actions_are_in_the_history_and_the_log(admin_client_for, slots, meeting):
    admin_client_for.post(url(meeting), {"slot": slots[3].pk, "fixed_by_hand": "on"})

    page = admin_client_for.get(url(meeting)).content.decode()
    history = page[page.index('id="action-log"') :]
    assert "placed by hand" in history
    assert "organiser" in history
    assert f"slot: — → {slots[3]}" in history

    log = admin_client_for.get(
        reverse("admin:registrations_actionlogentry_changelist"), {"actor_kind": "organiser"}
    )
    assert "placed by hand" in log.content.decode()
