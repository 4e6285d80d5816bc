"""Meeting slots: the rules, cutting matchmaking sessions into slots, slots by hand, each
participant's availability and meetings the organiser places by hand, including the last free
room when two organisers place a meeting in it at once (PostgreSQL)."""

import time
from datetime import timedelta

import pytest
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
    ScheduleState,
)
from registrations.services import meeting_slots as services
from registrations.services.action_log import Actor
from registrations.services.errors import InvalidInput, ServiceError, TransitionRefused
from registrations.services.meeting_slots import (
    MeetingRulesDetails,
    availability_set,
    meeting_place_by_hand,
    meeting_rules_change,
    meeting_rules_set_up,
    meeting_slot_create,
    meeting_slot_delete,
    meeting_slots_generate,
    meeting_unfix,
)
from registrations.services.registration import registration_create
from tests.factories import BERLIN, make_call, make_session, registrant
from tests.helpers import run_together

ORGANISER = Actor.system("test organiser")


# Test data: a matchmaking event, its participants and their accepted requests -----------------


def matchmaking_event(*, hours: int = 2):
    """An invitation-only online event whose matchmaking session runs 10:00 to 10:00 + hours
    (Berlin), with a preparatory webinar before it."""
    call = make_call(registration_opens_at=timezone.now() - timedelta(days=1))
    event = call.event
    day = event.start.astimezone(BERLIN)
    make_session(
        event,
        title="Preparatory webinar",
        kind="webinar",
        start=day.replace(hour=9),
        end=day.replace(hour=9, minute=45),
    )
    make_session(
        event,
        title="Matchmaking session 1",
        kind="matchmaking",
        start=day.replace(hour=10),
        end=day.replace(hour=10) + timedelta(hours=hours),
    )
    return event


def matchmaking_session(event):
    return event.sessions.get(kind="matchmaking")


def webinar(event):
    return event.sessions.get(kind="webinar")


def at(event, hour: int, minute: int = 0):
    """A time on the event's first day, in Berlin."""
    return event.start.astimezone(BERLIN).replace(hour=hour, minute=minute)


def participant(event, organisation: str) -> ParticipantProfile:
    """A confirmed registration through an invitation, with its profile."""
    registration = registration_create(
        event=event,
        details=registrant(attendance_mode="online", organisation=organisation),
        actor=Actor.person(),
        source=RegistrationSource.INVITATION,
    )
    return ParticipantProfile.objects.create(registration=registration, is_listed=True)


def meeting_between(sender: ParticipantProfile, receiver: ParticipantProfile) -> Meeting:
    request = MeetingRequest.objects.create(
        event=sender.registration.event,
        sender=sender,
        receiver=receiver,
        pair=MeetingRequest.pair_of(sender.pk, receiver.pk),
        status=MeetingRequestStatus.ACCEPTED,
    )
    return Meeting.objects.create(request=request)


def slotted_event(**rules):
    """A matchmaking event with its rules (the defaults, or these) and its five slots."""
    event = matchmaking_event()
    MeetingRules.objects.filter(pk=meeting_rules_set_up(event=event, actor=ORGANISER).pk).update(
        **rules
    )
    slots = meeting_slots_generate(session=matchmaking_session(event), actor=ORGANISER)
    return event, slots


def times(slots) -> list[str]:
    return [str(slot) for slot in slots]


def logged(action: str) -> int:
    return ActionLogEntry.objects.filter(action=action).count()


# Rules ---------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestRules:
    def test_set_up_with_the_defaults_once(self):
        event = matchmaking_event()

        rules = meeting_rules_set_up(event=event, actor=ORGANISER)
        again = meeting_rules_set_up(event=event, actor=ORGANISER)

        assert again == rules
        assert (rules.meeting_minutes, rules.break_minutes, rules.rooms_limit) == (20, 5, None)
        assert rules.schedule_state == ScheduleState.DRAFT
        assert logged("meeting rules set up") == 1

    def test_an_event_without_a_matchmaking_session_has_no_meetings(self):
        event = matchmaking_event()
        matchmaking_session(event).delete()

        with pytest.raises(ServiceError, match="no matchmaking session"):
            meeting_rules_set_up(event=event, actor=ORGANISER)

        assert not MeetingRules.objects.exists()

    def test_change_is_logged_with_old_and_new_values(self):
        rules = meeting_rules_set_up(event=matchmaking_event(), actor=ORGANISER)
        details = MeetingRulesDetails(
            requests_per_participant=8,
            requests_need_acceptance=True,
            meeting_minutes=25,
            break_minutes=5,
            rooms_limit=30,
            room_link_pattern=" https://meet.example.org/eccp-{room} ",
            room_links="",
        )

        rules = meeting_rules_change(rules=rules, details=details, actor=ORGANISER)

        rules.refresh_from_db()
        assert rules.meeting_minutes == 25
        assert rules.room_link_pattern == "https://meet.example.org/eccp-{room}"
        entry = ActionLogEntry.objects.get(action="meeting rules changed")
        assert entry.changes["meeting_minutes"] == [20, 25]
        assert entry.changes["rooms_limit"] == [None, 30]

    def test_bad_rules_are_refused_all_at_once_and_nothing_changes(self):
        rules = meeting_rules_set_up(event=matchmaking_event(), actor=ORGANISER)
        details = MeetingRulesDetails(
            requests_per_participant=10,
            requests_need_acceptance=True,
            meeting_minutes=0,
            break_minutes=5,
            rooms_limit=0,
            room_link_pattern="https://meet.example.org/eccp",
            room_links="https://meet.example.org/a\nhttps://meet.example.org/a\nroom b",
        )

        with pytest.raises(InvalidInput) as refused:
            meeting_rules_change(rules=rules, details=details, actor=ORGANISER)

        assert {error.field for error in refused.value.errors} == {
            "meeting_minutes",
            "rooms_limit",
            "room_link_pattern",
            "room_links",
        }
        rules.refresh_from_db()
        assert rules.meeting_minutes == 20
        assert logged("meeting rules changed") == 0

    def test_the_rooms_limit_cannot_drop_below_meetings_already_placed(self):
        event, slots = slotted_event()
        a, b, c, d = (participant(event, name) for name in ("Müller", "Järvenpää", "Łódź", "Porto"))
        meeting_place_by_hand(meeting=meeting_between(a, b), slot=slots[0], actor=ORGANISER)
        meeting_place_by_hand(meeting=meeting_between(c, d), slot=slots[0], actor=ORGANISER)
        rules = MeetingRules.objects.get(event=event)
        details = MeetingRulesDetails(
            **{name: getattr(rules, name) for name in services.RULES_FIELDS} | {"rooms_limit": 1}
        )

        with pytest.raises(InvalidInput, match=str(slots[0])):
            meeting_rules_change(rules=rules, details=details, actor=ORGANISER)


# Cutting sessions into slots -----------------------------------------------------------------


@pytest.mark.django_db
class TestGenerate:
    def test_two_hours_of_20_minute_meetings_with_5_minute_breaks_make_five_slots(self):
        event = matchmaking_event(hours=2)
        meeting_rules_set_up(event=event, actor=ORGANISER)

        slots = meeting_slots_generate(session=matchmaking_session(event), actor=ORGANISER)

        # 10:00, 10:25, 10:50, 11:15, 11:40; the last one ends exactly at 12:00.
        local = [slot.start.astimezone(BERLIN).strftime("%H:%M") for slot in slots]
        assert local == ["10:00", "10:25", "10:50", "11:15", "11:40"]
        assert all(slot.end - slot.start == timedelta(minutes=20) for slot in slots)
        assert slots[-1].end == matchmaking_session(event).end
        assert MeetingSlot.objects.filter(event=event).count() == 5
        entries = ActionLogEntry.objects.filter(action="slot cut from the session")
        assert entries.count() == 5
        assert {entry.actor_kind for entry in entries} == {ActorKind.SYSTEM}

    def test_a_meeting_that_would_not_end_before_the_session_ends_is_left_out(self):
        event = matchmaking_event(hours=1)  # 10:00, 10:25 fit; 10:50 would end at 11:10
        meeting_rules_set_up(event=event, actor=ORGANISER)

        slots = meeting_slots_generate(session=matchmaking_session(event), actor=ORGANISER)

        assert len(slots) == 2

    def test_generating_again_gives_the_same_slots_and_adds_only_missing_ones(self):
        event, slots = slotted_event()
        slots[2].delete()

        again = meeting_slots_generate(session=matchmaking_session(event), actor=ORGANISER)

        assert times(again) == times(slots)
        assert [slot.pk for slot in again if slot.pk in {s.pk for s in slots}] == [
            slots[0].pk,
            slots[1].pk,
            slots[3].pk,
            slots[4].pk,
        ]
        assert MeetingSlot.objects.filter(event=event).count() == 5
        assert logged("slot cut from the session") == 6

    def test_a_session_that_is_not_a_matchmaking_session_is_refused(self):
        event = matchmaking_event()
        meeting_rules_set_up(event=event, actor=ORGANISER)

        with pytest.raises(ServiceError, match="only in matchmaking sessions"):
            meeting_slots_generate(session=webinar(event), actor=ORGANISER)

        assert not MeetingSlot.objects.exists()

    def test_an_event_without_rules_is_refused(self):
        event = matchmaking_event()

        with pytest.raises(ServiceError, match="no meeting rules"):
            meeting_slots_generate(session=matchmaking_session(event), actor=ORGANISER)

        assert not MeetingSlot.objects.exists()

    def test_slots_overlapping_the_new_ones_are_refused_and_named(self):
        event = matchmaking_event()
        meeting_rules_set_up(event=event, actor=ORGANISER)
        session = matchmaking_session(event)
        by_hand = meeting_slot_create(
            event=event,
            session=session,
            start=at(event, 10, 10),
            end=at(event, 10, 30),
            actor=ORGANISER,
        )

        with pytest.raises(ServiceError, match=f"{by_hand}.*Matchmaking session 1"):
            meeting_slots_generate(session=session, actor=ORGANISER)

        assert list(MeetingSlot.objects.all()) == [by_hand]

    def test_a_slot_in_a_break_does_not_stop_the_cut(self):
        event = matchmaking_event()
        meeting_rules_set_up(event=event, actor=ORGANISER)
        session = matchmaking_session(event)
        meeting_slot_create(
            event=event,
            session=session,
            start=at(event, 10, 20),
            end=at(event, 10, 25),
            actor=ORGANISER,
        )

        assert len(meeting_slots_generate(session=session, actor=ORGANISER)) == 5
        assert MeetingSlot.objects.count() == 6

    def test_a_session_shorter_than_one_meeting_is_refused(self):
        event = matchmaking_event()
        rules = meeting_rules_set_up(event=event, actor=ORGANISER)
        MeetingRules.objects.filter(pk=rules.pk).update(meeting_minutes=180)

        with pytest.raises(ServiceError, match="shorter than one meeting"):
            meeting_slots_generate(session=matchmaking_session(event), actor=ORGANISER)

        assert not MeetingSlot.objects.exists()


# One slot by hand, and deleting ---------------------------------------------------------------


@pytest.mark.django_db
class TestSlotByHand:
    @pytest.fixture
    def event(self):
        event = matchmaking_event()
        meeting_rules_set_up(event=event, actor=ORGANISER)
        return event

    def create(self, event, start, end, session=None):
        return meeting_slot_create(
            event=event,
            session=session or matchmaking_session(event),
            start=start,
            end=end,
            actor=ORGANISER,
        )

    def test_a_slot_inside_the_session_is_stored_and_logged(self, event):
        slot = self.create(event, at(event, 11, 0), at(event, 11, 30))

        assert str(slot) == f"{at(event, 11):%d %b} 11:00-11:30"
        assert logged("slot added by hand") == 1

    @pytest.mark.parametrize(
        ("start", "end", "words"),
        [
            ((9, 50), (10, 10), "must lie within “Matchmaking session 1”"),
            ((11, 50), (12, 10), "must lie within"),
            ((11, 0), (11, 0), "must end after it starts"),
            ((11, 0), (10, 40), "must end after it starts"),
        ],
    )
    def test_times_outside_the_session_or_backwards_are_refused(self, event, start, end, words):
        with pytest.raises(ServiceError, match=words):
            self.create(event, at(event, *start), at(event, *end))

        assert not MeetingSlot.objects.exists()

    def test_a_webinar_or_another_events_session_is_refused(self, event):
        other = matchmaking_event()

        with pytest.raises(ServiceError, match="only in matchmaking sessions"):
            self.create(event, at(event, 9, 0), at(event, 9, 20), session=webinar(event))
        with pytest.raises(ServiceError, match="not part of this event"):
            self.create(event, at(other, 10), at(other, 10, 20), session=matchmaking_session(other))

        assert not MeetingSlot.objects.exists()

    def test_an_overlapping_slot_is_refused_and_named(self, event):
        first = self.create(event, at(event, 10, 0), at(event, 10, 20))

        with pytest.raises(ServiceError, match=str(first)):
            self.create(event, at(event, 10, 15), at(event, 10, 35))

        assert list(MeetingSlot.objects.all()) == [first]

    def test_touching_slots_do_not_overlap(self, event):
        self.create(event, at(event, 10, 0), at(event, 10, 20))
        self.create(event, at(event, 10, 20), at(event, 10, 40))

        assert MeetingSlot.objects.count() == 2

    def test_deleting_a_free_slot_takes_the_participants_marks_with_it(self, event):
        slot = self.create(event, at(event, 10, 0), at(event, 10, 20))
        profile = participant(event, "Müller Cluster GmbH")
        profile.unavailable_slots.add(slot)

        meeting_slot_delete(slot=slot, actor=ORGANISER)

        assert not MeetingSlot.objects.exists()
        assert not profile.unavailable_slots.exists()
        assert logged("slot deleted") == 1

    def test_a_slot_with_a_meeting_in_it_is_not_deleted(self, event):
        slot = self.create(event, at(event, 10, 0), at(event, 10, 20))
        meeting = meeting_between(participant(event, "Müller"), participant(event, "Järvenpää"))
        meeting_place_by_hand(meeting=meeting, slot=slot, actor=ORGANISER)

        with pytest.raises(ServiceError, match="Meetings are placed in"):
            meeting_slot_delete(slot=slot, actor=ORGANISER)

        assert MeetingSlot.objects.filter(pk=slot.pk).exists()


# Availability --------------------------------------------------------------------------------


@pytest.mark.django_db
class TestAvailability:
    @pytest.fixture
    def setting(self):
        event, slots = slotted_event()
        return event, slots, participant(event, "Klaster Łódź Innowacje")

    def test_every_slot_is_available_by_default(self, setting):
        _, _, profile = setting

        assert not profile.unavailable_slots.exists()

    def test_the_slots_not_marked_become_unavailable(self, setting):
        _, slots, profile = setting

        availability_set(
            profile=profile, available_slot_ids=[slots[0].pk, slots[2].pk], actor=Actor.person()
        )

        assert set(profile.unavailable_slots.all()) == {slots[1], slots[3], slots[4]}
        entry = ActionLogEntry.objects.get(action="availability changed")
        assert entry.actor_kind == ActorKind.PERSON
        assert entry.changes["unavailable_slots"] == [[], times([slots[1], slots[3], slots[4]])]

    def test_marking_everything_available_again_clears_the_marks(self, setting):
        _, slots, profile = setting
        availability_set(profile=profile, available_slot_ids=[], actor=Actor.person())

        availability_set(
            profile=profile, available_slot_ids=[slot.pk for slot in slots], actor=Actor.person()
        )

        assert not profile.unavailable_slots.exists()
        assert logged("availability changed") == 2

    def test_the_same_marks_again_change_nothing(self, setting):
        _, slots, profile = setting

        availability_set(
            profile=profile, available_slot_ids=[slot.pk for slot in slots], actor=Actor.person()
        )

        assert logged("availability changed") == 0

    def test_a_slot_of_another_event_is_refused(self, setting):
        _, slots, profile = setting
        _, other_slots = slotted_event()

        with pytest.raises(ServiceError, match="only meeting slots of this event") as refused:
            availability_set(
                profile=profile,
                available_slot_ids=[slots[0].pk, other_slots[0].pk],
                actor=Actor.person(),
            )

        assert refused.value.field == "available_slots"
        assert not profile.unavailable_slots.exists()

    def test_after_the_final_schedule_nothing_changes(self, setting):
        event, _, profile = setting
        MeetingRules.objects.filter(event=event).update(schedule_state=ScheduleState.FINAL)

        with pytest.raises(TransitionRefused, match="schedule is final"):
            availability_set(profile=profile, available_slot_ids=[], actor=Actor.person())

        assert not profile.unavailable_slots.exists()

    def test_a_preliminary_schedule_still_allows_changes(self, setting):
        event, _, profile = setting
        MeetingRules.objects.filter(event=event).update(schedule_state=ScheduleState.PRELIMINARY)

        availability_set(profile=profile, available_slot_ids=[], actor=Actor.person())

        assert profile.unavailable_slots.count() == 5

    def test_a_slot_with_its_meeting_cannot_be_marked_unavailable(self, setting):
        event, slots, profile = setting
        partner = participant(event, "Müller Cluster GmbH")
        meeting = meeting_between(partner, profile)
        meeting_place_by_hand(meeting=meeting, slot=slots[1], actor=ORGANISER)

        with pytest.raises(ServiceError, match=f"{slots[1]} \\(Müller Cluster GmbH → Klaster"):
            availability_set(
                profile=profile, available_slot_ids=[slots[0].pk], actor=Actor.person()
            )

        assert not profile.unavailable_slots.exists()


# Placing by hand -----------------------------------------------------------------------------


@pytest.mark.django_db
class TestPlaceByHand:
    @pytest.fixture
    def setting(self):
        event, slots = slotted_event()
        names = ["Müller Cluster GmbH", "Järvenpää Digital ry", "Klaster Łódź", "Porto Tech"]
        profiles = [participant(event, name) for name in names]
        return event, slots, profiles

    def test_placed_and_fixed_with_a_log_entry(self, setting):
        _, slots, (a, b, *_) = setting
        meeting = meeting_between(a, b)
        Meeting.objects.filter(pk=meeting.pk).update(unplaced_reason="No common free slot.")

        placed = meeting_place_by_hand(meeting=meeting, slot=slots[2], actor=ORGANISER)

        placed.refresh_from_db()
        assert (placed.slot, placed.fixed_by_hand, placed.unplaced_reason) == (slots[2], True, "")
        entry = ActionLogEntry.objects.get(action="placed by hand")
        assert entry.changes["slot"] == [None, str(slots[2])]
        assert entry.changes["fixed_by_hand"] == [False, True]

    def test_moving_a_placed_meeting_to_another_slot(self, setting):
        _, slots, (a, b, *_) = setting
        meeting = meeting_place_by_hand(
            meeting=meeting_between(a, b), slot=slots[0], actor=ORGANISER
        )

        meeting_place_by_hand(meeting=meeting, slot=slots[1], actor=ORGANISER)

        meeting.refresh_from_db()
        assert meeting.slot == slots[1]

    def test_a_slot_of_another_event_is_refused(self, setting):
        _, _, (a, b, *_) = setting
        _, other_slots = slotted_event()
        meeting = meeting_between(a, b)

        with pytest.raises(ServiceError, match="another event"):
            meeting_place_by_hand(meeting=meeting, slot=other_slots[0], actor=ORGANISER)

        meeting.refresh_from_db()
        assert (meeting.slot, meeting.fixed_by_hand) == (None, False)

    @pytest.mark.parametrize("side", [0, 1])
    def test_either_side_unavailable_is_refused(self, setting, side):
        _, slots, profiles = setting
        meeting = meeting_between(profiles[0], profiles[1])
        profiles[side].unavailable_slots.add(slots[3])

        with pytest.raises(ServiceError, match=f"{profiles[side]} cannot meet in {slots[3]}"):
            meeting_place_by_hand(meeting=meeting, slot=slots[3], actor=ORGANISER)

        meeting.refresh_from_db()
        assert meeting.slot is None

    @pytest.mark.parametrize("side", [0, 1])
    def test_either_side_already_meeting_someone_in_that_slot_is_refused(self, setting, side):
        _, slots, (a, b, c, _) = setting
        meeting = meeting_between(a, b)
        busy = meeting_between((a, b)[side], c)
        meeting_place_by_hand(meeting=busy, slot=slots[0], actor=ORGANISER)

        with pytest.raises(ServiceError, match=f"already has a meeting in {slots[0]}: {busy}"):
            meeting_place_by_hand(meeting=meeting, slot=slots[0], actor=ORGANISER)

        meeting.refresh_from_db()
        assert meeting.slot is None

    def test_the_rooms_limit_of_a_slot(self, setting):
        event, slots, (a, b, c, d) = setting
        MeetingRules.objects.filter(event=event).update(rooms_limit=1)
        first = meeting_place_by_hand(meeting=meeting_between(a, b), slot=slots[0], actor=ORGANISER)
        second = meeting_between(c, d)

        with pytest.raises(ServiceError, match="The only room of"):
            meeting_place_by_hand(meeting=second, slot=slots[0], actor=ORGANISER)
        meeting_place_by_hand(meeting=second, slot=slots[1], actor=ORGANISER)
        meeting_place_by_hand(meeting=first, slot=slots[0], actor=ORGANISER)  # its own room

        assert Meeting.objects.filter(slot=slots[0]).get() == first

    def test_unlimited_rooms_by_default(self, setting):
        _, slots, (a, b, c, d) = setting

        meeting_place_by_hand(meeting=meeting_between(a, b), slot=slots[0], actor=ORGANISER)
        meeting_place_by_hand(meeting=meeting_between(c, d), slot=slots[0], actor=ORGANISER)

        assert Meeting.objects.filter(slot=slots[0]).count() == 2

    def test_a_request_no_longer_accepted_is_refused(self, setting):
        _, slots, (a, b, *_) = setting
        meeting = meeting_between(a, b)
        MeetingRequest.objects.filter(pk=meeting.request_id).update(
            status=MeetingRequestStatus.CANCELLED
        )

        with pytest.raises(TransitionRefused):
            meeting_place_by_hand(meeting=meeting, slot=slots[0], actor=ORGANISER)

    def test_unfix_keeps_the_slot_and_lets_the_builder_move_it(self, setting):
        _, slots, (a, b, *_) = setting
        meeting = meeting_place_by_hand(
            meeting=meeting_between(a, b), slot=slots[0], actor=ORGANISER
        )

        meeting_unfix(meeting=meeting, actor=ORGANISER)

        meeting.refresh_from_db()
        assert (meeting.slot, meeting.fixed_by_hand) == (slots[0], False)
        assert logged("no longer fixed by hand") == 1
        with pytest.raises(TransitionRefused, match="not placed by hand"):
            meeting_unfix(meeting=meeting, actor=ORGANISER)


# The last free room under concurrency (PostgreSQL) -------------------------------------------


@pytest.fixture
def slow_room_count(monkeypatch):
    """Widen the window between counting the slot's meetings and placing one."""
    real = services.rooms_taken

    def slowed(**kwargs):
        answer = real(**kwargs)
        time.sleep(0.2)
        return answer

    monkeypatch.setattr(services, "rooms_taken", slowed)


def last_room_race():
    """Two organisers place two different meetings in a slot with one room left, at once."""
    event, slots = slotted_event(rooms_limit=1)
    a, b, c, d = (participant(event, name) for name in ("Müller", "Järvenpää", "Łódź", "Porto"))
    meetings = [meeting_between(a, b), meeting_between(c, d)]
    outcomes = run_together(
        [
            lambda meeting=meeting: meeting_place_by_hand(
                meeting=meeting, slot=slots[0], actor=ORGANISER
            )
            for meeting in meetings
        ]
    )
    return slots[0], outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_last_free_room_goes_to_one_meeting_only(on_postgresql, slow_room_count):
    slot, outcomes = last_room_race()

    assert Meeting.objects.filter(slot=slot).count() == 1
    assert sum(isinstance(outcome, Meeting) for outcome in outcomes) == 1
    (refused,) = [outcome for outcome in outcomes if not isinstance(outcome, Meeting)]
    assert isinstance(refused, ServiceError) and "The only room" in refused.message


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_control_without_the_rules_lock_the_room_is_given_twice(
    on_postgresql, slow_room_count, monkeypatch
):
    """Shows the test above can fail: the lock is what keeps the rooms limit."""
    monkeypatch.setattr(
        services, "lock_rules", lambda event_id: MeetingRules.objects.get(event_id=event_id)
    )

    slot, outcomes = last_room_race()

    assert Meeting.objects.filter(slot=slot).count() == 2
    assert all(isinstance(outcome, Meeting) for outcome in outcomes)
