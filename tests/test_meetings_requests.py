"""Meeting requests: sending within the limit, answering, withdrawing, cancelling an agreed meeting;
each refusal stores nothing; mail after commit with the recipient's private link; the limit and
the last free slot hold under concurrency on PostgreSQL."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from registrations import selectors
from registrations.emails import absolute_url
from registrations.models import (
    ActionLogEntry,
    ActorKind,
    Meeting,
    MeetingRequest,
    MeetingRequestStatus,
    MeetingRules,
    MeetingSlot,
    ScheduleState,
)
from registrations.services import meeting_requests as service
from registrations.services.action_log import Actor, action_log_for
from registrations.services.errors import ServiceError, TransitionRefused
from registrations.services.meeting_requests import (
    DuplicateRequest,
    SlotTaken,
    meeting_cancel,
    meeting_request_accept,
    meeting_request_decline,
    meeting_request_send,
    meeting_request_withdraw,
    meeting_room_link,
)
from registrations.services.participants import MeetingsNotSetUp, NotAParticipant
from registrations.services.registration import registration_cancel
from tests.factories import make_meeting_event, make_participant, make_slots
from tests.helpers import run_together

PERSON = Actor.person()
HELLO = "Hyvää päivää! We would like to talk about clinical testbeds in Łódź."


def send(sender, receiver, message=HELLO, **kwargs):
    return meeting_request_send(
        sender=sender, receiver=receiver, message=message, actor=PERSON, **kwargs
    )


def accept(request, **kwargs):
    kwargs.setdefault("by", request.receiver)
    return meeting_request_accept(request=request, actor=PERSON, **kwargs)


def rules_of(event, **fields):
    MeetingRules.objects.filter(event=event).update(**fields)


def stored():
    """What a refusal must leave as it was."""
    return (
        MeetingRequest.objects.count(),
        Meeting.objects.count(),
        ActionLogEntry.objects.count(),
        sorted(MeetingRequest.objects.values_list("status", flat=True)),
    )


# The test data ------------------------------------------------------------------------------


@pytest.fixture
def event(db):
    return make_meeting_event()


@pytest.fixture
def aino(event):
    return make_participant(
        event, organisation="Järvenpää Health Tech", country="FI", contact_first_name="Aino"
    )


@pytest.fixture
def lukasz(event):
    return make_participant(
        event, organisation="Klaster Łódź Innowacje", country="PL", contact_first_name="Łukasz"
    )


@pytest.fixture
def anna(event):
    return make_participant(
        event, organisation="Cluster Müller Automotive", country="DE", contact_first_name="Anna"
    )


@pytest.fixture
def slots(event):
    return make_slots(event)


@pytest.fixture
def quiet():
    mail.outbox.clear()


def mails_to(profile):
    return [message for message in mail.outbox if message.to == [profile.registration.email]]


# Sending ------------------------------------------------------------------------------------


def test_a_request_waits_for_an_answer_and_the_receiver_is_emailed_after_commit(
    aino, lukasz, quiet, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request = send(aino, lukasz)
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()

    assert request.status == MeetingRequestStatus.PENDING
    assert (request.sender, request.receiver, request.message) == (aino, lukasz, HELLO)
    assert request.pair == MeetingRequest.pair_of(lukasz.pk, aino.pk)
    assert not Meeting.objects.exists()
    (message,) = mail.outbox
    assert message.to == [lukasz.registration.email]
    assert message.subject.startswith("Järvenpää Health Tech asks for a meeting")
    assert HELLO in message.body
    assert absolute_url(lukasz.private_path()) in message.body
    assert aino.registration.token not in message.body
    html = message.alternatives[0][0]
    assert "Järvenpää Health Tech" in html
    assert lukasz.registration.token in html
    (entry,) = action_log_for(request)
    assert entry.action == "meeting request sent"
    assert entry.actor_kind == ActorKind.PERSON
    assert entry.changes["status"] == [None, "pending"]
    assert entry.changes["to"] == [None, "Klaster Łódź Innowacje"]


def test_where_requests_need_no_answer_the_meeting_is_agreed_at_once(
    event, aino, lukasz, quiet, django_capture_on_commit_callbacks
):
    rules_of(event, requests_need_acceptance=False)

    with django_capture_on_commit_callbacks(execute=True):
        request = send(aino, lukasz)

    request.refresh_from_db()
    assert request.status == MeetingRequestStatus.ACCEPTED
    assert request.answered_at is not None
    meeting = Meeting.objects.get(request=request)
    assert meeting.slot is None  # the schedule places it
    assert meeting.fixed_by_hand is False
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [aino.registration.email, lukasz.registration.email]
    )
    (to_lukasz,) = mails_to(lukasz)
    assert to_lukasz.subject.startswith("Meeting agreed with Järvenpää Health Tech")
    assert HELLO in to_lukasz.body
    assert absolute_url(lukasz.private_path()) in to_lukasz.body
    (to_aino,) = mails_to(aino)
    assert to_aino.subject.startswith("Meeting agreed with Klaster Łódź Innowacje")
    assert absolute_url(aino.private_path()) in to_aino.body
    actions = [(entry.action, entry.actor_kind) for entry in action_log_for(request)]
    assert ("accepted automatically", ActorKind.SYSTEM) in actions
    assert ("meeting request sent", ActorKind.PERSON) in actions


def test_an_automatically_accepted_request_counts_against_the_limit(event, aino, lukasz, anna):
    rules_of(event, requests_need_acceptance=False, requests_per_participant=1)
    send(aino, lukasz)

    with pytest.raises(ServiceError, match="already sent 1 meeting request, the most"):
        send(aino, anna)


def test_the_limit_counts_pending_and_accepted_requests_sent(event, aino, lukasz, anna):
    rules_of(event, requests_per_participant=2)
    others = [make_participant(event) for _ in range(2)]
    accept(send(aino, lukasz))
    send(aino, anna)
    send(others[0], aino)  # received requests do not count
    assert selectors.sent_request_count(aino) == 2
    before = stored()

    with pytest.raises(ServiceError, match="the most this event allows") as refusal:
        send(aino, others[1])

    assert refusal.value.field is None
    assert stored() == before


def test_a_declined_or_withdrawn_request_no_longer_counts(event, aino, lukasz, anna):
    rules_of(event, requests_per_participant=1)
    first = send(aino, lukasz)
    meeting_request_decline(request=first, by=lukasz, actor=PERSON)
    second = send(aino, anna)
    meeting_request_withdraw(request=second, by=aino, actor=PERSON)

    third = send(aino, lukasz)

    assert selectors.sent_request_count(aino) == 1
    assert third.status == MeetingRequestStatus.PENDING


def test_no_request_to_oneself(aino):
    with pytest.raises(ServiceError, match="your own organisation"):
        send(aino, aino)

    assert not MeetingRequest.objects.exists()


def test_no_request_to_an_unlisted_participant(event, aino):
    hidden = make_participant(event, listed=False)

    with pytest.raises(ServiceError, match="not in the catalogue"):
        send(aino, hidden)

    assert not MeetingRequest.objects.exists()


def test_no_request_to_a_cancelled_registration(aino, lukasz):
    registration_cancel(registration=lukasz.registration, actor=PERSON)

    with pytest.raises(ServiceError, match="not in the catalogue"):
        send(aino, lukasz)

    assert not MeetingRequest.objects.exists()


def test_no_request_to_a_participant_of_another_event(aino):
    elsewhere = make_participant(make_meeting_event())

    with pytest.raises(ServiceError, match="not in the catalogue of this event"):
        send(aino, elsewhere)

    assert not MeetingRequest.objects.exists()


def test_a_cancelled_registration_sends_nothing(aino, lukasz):
    registration_cancel(registration=aino.registration, actor=PERSON)

    with pytest.raises(NotAParticipant, match="cancelled"):
        send(aino, lukasz)

    assert not MeetingRequest.objects.exists()


def test_no_request_where_meetings_are_not_set_up(event, aino, lukasz):
    MeetingRules.objects.filter(event=event).delete()

    with pytest.raises(MeetingsNotSetUp, match="not set up"):
        send(aino, lukasz)

    assert not MeetingRequest.objects.exists()


def test_no_new_request_once_the_schedule_is_final(event, aino, lukasz):
    rules_of(event, schedule_state=ScheduleState.FINAL)

    with pytest.raises(TransitionRefused, match="schedule is final"):
        send(aino, lukasz)

    assert not MeetingRequest.objects.exists()


def test_a_preliminary_schedule_still_takes_requests(event, aino, lukasz):
    rules_of(event, schedule_state=ScheduleState.PRELIMINARY)

    assert send(aino, lukasz).status == MeetingRequestStatus.PENDING


def test_no_request_after_the_event(event, aino, lukasz):
    with pytest.raises(TransitionRefused, match="taken place"):
        send(aino, lukasz, now=event.end + timedelta(minutes=1))

    assert not MeetingRequest.objects.exists()


def test_a_message_too_long_is_refused_on_its_field(aino, lukasz):
    with pytest.raises(ServiceError, match="500 characters") as refusal:
        send(aino, lukasz, message="Łódź " * 101)

    assert refusal.value.field == "message"
    assert not MeetingRequest.objects.exists()


@pytest.mark.parametrize(
    ("first", "then", "words"),
    [
        ("aino→lukasz", "aino→lukasz", "You have already asked Klaster Łódź Innowacje"),
        ("lukasz→aino", "aino→lukasz", "has already asked you for a meeting"),
        ("aino→lukasz accepted", "lukasz→aino", "already have a meeting with Järvenpää"),
    ],
)
def test_duplicates_in_either_direction_are_refused(aino, lukasz, quiet, first, then, words):
    people = {"aino": aino, "lukasz": lukasz}
    sender, receiver = (people[name] for name in first.split()[0].split("→"))
    request = send(sender, receiver)
    if first.endswith("accepted"):
        accept(request)
    before, mails = stored(), len(mail.outbox)
    sender, receiver = (people[name] for name in then.split("→"))

    with pytest.raises(DuplicateRequest, match=words):
        send(sender, receiver)

    assert stored() == before
    assert len(mail.outbox) == mails


def test_a_duplicate_that_slips_past_the_check_is_answered_the_same(aino, lukasz, monkeypatch):
    """A twin request committed between the check and the insert: the database's constraint
    refuses the insert, and the person reads the same words."""
    send(lukasz, aino)
    real = selectors.active_request_between
    calls = []

    def missed_once(first, second):
        calls.append(1)
        return None if len(calls) == 1 else real(first, second)

    monkeypatch.setattr(selectors, "active_request_between", missed_once)
    before = stored()

    with pytest.raises(DuplicateRequest, match="has already asked you for a meeting"):
        send(aino, lukasz)

    assert stored() == before


def test_after_a_cancelled_meeting_the_two_may_ask_again(aino, lukasz):
    request = send(aino, lukasz)
    accept(request)
    meeting_cancel(request=request, by=aino, actor=PERSON)

    again = send(lukasz, aino)

    assert again.status == MeetingRequestStatus.PENDING


# Accepting ----------------------------------------------------------------------------------


def test_the_receiver_accepts_and_the_sender_is_emailed(
    aino, lukasz, quiet, django_capture_on_commit_callbacks
):
    request = send(aino, lukasz)
    mail.outbox.clear()
    now = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_request_accept(request=request, by=lukasz, actor=PERSON, now=now)

    request.refresh_from_db()
    assert (request.status, request.answered_at) == (MeetingRequestStatus.ACCEPTED, now)
    assert meeting.request == request
    assert meeting.slot is None
    assert meeting.fixed_by_hand is False
    (message,) = mail.outbox
    assert message.to == [aino.registration.email]
    assert message.subject.startswith("Klaster Łódź Innowacje accepted your meeting request")
    assert absolute_url(aino.private_path()) in message.body
    assert "The meeting schedule will give it a time" in message.body
    entry = action_log_for(request).first()
    assert entry.action == "accepted"
    assert entry.changes == {"status": ["pending", "accepted"]}
    assert action_log_for(meeting).get().action == "meeting agreed"


def test_the_receiver_may_pick_a_free_time(
    event, aino, lukasz, slots, django_capture_on_commit_callbacks
):
    request = send(aino, lukasz)

    with django_capture_on_commit_callbacks(execute=True):
        meeting = accept(request, slot=slots[1])

    meeting.refresh_from_db()
    assert meeting.slot == slots[1]
    assert meeting.fixed_by_hand is True
    (message,) = mail.outbox
    local = slots[1].start.astimezone(event.tzinfo)
    assert f"When: {local:%A} {local.day} {local:%B %Y, %H:%M}" in message.body
    assert "Europe/Berlin time" in message.body
    assert action_log_for(meeting).get().changes == {"slot": [None, str(slots[1])]}


def test_only_the_receiver_answers(aino, lukasz, anna):
    request = send(aino, lukasz)
    before = stored()

    for someone in (aino, anna):
        with pytest.raises(TransitionRefused, match="Only the organisation that was asked"):
            accept(request, by=someone)
        with pytest.raises(TransitionRefused, match="Only the organisation that was asked"):
            meeting_request_decline(request=request, by=someone, actor=PERSON)

    assert stored() == before


def test_only_a_pending_request_is_answered(aino, lukasz, anna):
    declined = send(aino, lukasz)
    meeting_request_decline(request=declined, by=lukasz, actor=PERSON)
    accepted = send(aino, anna)
    accept(accepted)
    before = stored()

    with pytest.raises(
        TransitionRefused, match=r"no longer waiting for an answer \(it is declined\)"
    ):
        accept(declined)
    with pytest.raises(TransitionRefused, match="it is accepted"):
        accept(accepted)
    with pytest.raises(TransitionRefused, match="it is accepted"):
        meeting_request_decline(request=accepted, by=anna, actor=PERSON)

    assert stored() == before


def test_no_meeting_with_a_sender_who_has_cancelled(aino, lukasz):
    """Cancelling the registration withdrew the request: there is nothing left to accept."""
    request = send(aino, lukasz)
    registration_cancel(registration=aino.registration, actor=PERSON)
    before = stored()

    with pytest.raises(TransitionRefused):
        accept(request)

    request.refresh_from_db()
    assert request.status == MeetingRequestStatus.CANCELLED
    assert stored() == before


def test_a_time_of_another_event_is_refused(aino, lukasz):
    elsewhere = make_meeting_event()
    (other_slot, *_) = make_slots(elsewhere)
    request = send(aino, lukasz)
    before = stored()

    with pytest.raises(SlotTaken, match="one of this event's meeting times") as refusal:
        accept(request, slot=other_slot)

    assert refusal.value.field == "slot"
    assert stored() == before


def test_a_time_either_side_cannot_meet_in_is_refused(aino, lukasz, slots):
    aino.unavailable_slots.add(slots[0])
    lukasz.unavailable_slots.add(slots[1])
    request = send(aino, lukasz)
    before = stored()

    with pytest.raises(SlotTaken, match="Järvenpää Health Tech cannot meet at that time"):
        accept(request, slot=slots[0])
    with pytest.raises(SlotTaken, match="You have said you cannot meet at that time"):
        accept(request, slot=slots[1])

    assert stored() == before
    assert accept(request, slot=slots[2]).slot == slots[2]


def test_a_time_either_side_already_meets_in_is_refused(event, aino, lukasz, anna, slots):
    zoe = make_participant(event, organisation="Ó Briain Marine Cluster")
    accept(send(aino, anna), slot=slots[0])
    accept(send(zoe, lukasz), slot=slots[1])
    request = send(aino, lukasz)
    before = stored()

    with pytest.raises(SlotTaken, match="Järvenpää Health Tech already has a meeting at that"):
        accept(request, slot=slots[0])
    with pytest.raises(SlotTaken, match="You already have a meeting at that time"):
        accept(request, slot=slots[1])

    assert stored() == before


def test_a_time_whose_rooms_are_all_taken_is_refused(event, aino, lukasz, anna, slots):
    rules_of(event, rooms_limit=1)
    zoe = make_participant(event, organisation="Ó Briain Marine Cluster")
    accept(send(aino, lukasz), slot=slots[0])
    request = send(anna, zoe)
    before = stored()

    with pytest.raises(SlotTaken, match="All meeting rooms are taken at that time"):
        accept(request, slot=slots[0])

    assert stored() == before
    assert accept(request).slot is None  # without a time it is still agreed


# Declining, withdrawing, cancelling ---------------------------------------------------------


def test_the_receiver_declines_and_the_sender_is_emailed(
    aino, lukasz, quiet, django_capture_on_commit_callbacks
):
    request = send(aino, lukasz)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        meeting_request_decline(request=request, by=lukasz, actor=PERSON)

    request.refresh_from_db()
    assert request.status == MeetingRequestStatus.DECLINED
    assert request.answered_at is not None
    assert not Meeting.objects.exists()
    (message,) = mail.outbox
    assert message.to == [aino.registration.email]
    assert "Klaster Łódź Innowacje has declined" in message.body
    assert absolute_url(aino.private_path()) in message.body
    entry = action_log_for(request).first()
    assert (entry.action, entry.changes) == ("declined", {"status": ["pending", "declined"]})


def test_the_sender_withdraws_a_pending_request_and_the_receiver_is_told(
    aino, lukasz, quiet, django_capture_on_commit_callbacks
):
    request = send(aino, lukasz)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        meeting_request_withdraw(request=request, by=aino, actor=PERSON)

    request.refresh_from_db()
    assert request.status == MeetingRequestStatus.CANCELLED
    assert request.cancelled_at is not None
    (message,) = mail.outbox
    assert message.to == [lukasz.registration.email]
    assert "Järvenpää Health Tech has withdrawn its request" in message.body
    assert action_log_for(request).first().action == "withdrawn"


def test_only_the_sender_withdraws_and_only_a_pending_request(aino, lukasz):
    request = send(aino, lukasz)
    with pytest.raises(TransitionRefused, match="Only the organisation that sent"):
        meeting_request_withdraw(request=request, by=lukasz, actor=PERSON)
    accept(request)
    before = stored()

    with pytest.raises(TransitionRefused, match="cannot be withdrawn"):
        meeting_request_withdraw(request=request, by=aino, actor=PERSON)

    assert stored() == before


@pytest.mark.parametrize("cancelled_by", ["sender", "receiver"])
def test_either_side_cancels_a_meeting_its_time_is_freed_and_the_other_is_told(
    event, aino, lukasz, anna, slots, quiet, django_capture_on_commit_callbacks, cancelled_by
):
    rules_of(event, rooms_limit=1)
    request = send(aino, lukasz)
    accept(request, slot=slots[0])
    mail.outbox.clear()
    by, other = (aino, lukasz) if cancelled_by == "sender" else (lukasz, aino)

    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(request=request, by=by, actor=PERSON)

    request.refresh_from_db()
    assert request.status == MeetingRequestStatus.CANCELLED
    assert request.cancelled_at is not None
    assert not Meeting.objects.filter(request=request).exists()
    assert MeetingSlot.objects.filter(pk=slots[0].pk).exists()
    (message,) = mail.outbox
    assert message.to == [other.registration.email]
    assert f"{by.registration.organisation} has cancelled your one-to-one meeting" in message.body
    assert "(Europe/Berlin time). That time is free again" in message.body
    assert absolute_url(other.private_path()) in message.body
    entry = action_log_for(request).first()
    assert entry.action == "meeting cancelled"
    assert entry.changes == {"status": ["accepted", "cancelled"], "slot": [str(slots[0]), None]}
    # The only room at that time is free again.
    assert accept(send(anna, aino), slot=slots[0]).slot == slots[0]


def test_only_the_two_sides_cancel_and_only_an_agreed_meeting(aino, lukasz, anna):
    pending = send(aino, lukasz)
    agreed = send(anna, aino)
    accept(agreed)
    before = stored()

    with pytest.raises(TransitionRefused, match="Only an agreed meeting"):
        meeting_cancel(request=pending, by=aino, actor=PERSON)
    with pytest.raises(TransitionRefused, match="Only the two organisations"):
        meeting_cancel(request=agreed, by=lukasz, actor=PERSON)

    assert stored() == before


# What each side sees ------------------------------------------------------------------------


def test_both_sides_see_all_their_requests_with_the_other_side_and_state(aino, lukasz, anna):
    to_lukasz = send(aino, lukasz)
    from_anna = send(anna, aino)
    accept(from_anna)

    seen_by_aino = selectors.requests_of(aino)
    seen_by_lukasz = selectors.requests_of(lukasz)

    assert [(row.request, row.sent, row.other, row.status) for row in seen_by_aino] == [
        (from_anna, False, anna, MeetingRequestStatus.ACCEPTED),
        (to_lukasz, True, lukasz, MeetingRequestStatus.PENDING),
    ]
    assert seen_by_aino[0].meeting == Meeting.objects.get(request=from_anna)
    assert seen_by_aino[1].meeting is None
    assert [(row.sent, row.other, row.status) for row in seen_by_lukasz] == [
        (False, aino, MeetingRequestStatus.PENDING)
    ]


# Room links ---------------------------------------------------------------------------------


def test_a_room_link_from_the_pattern_is_unguessable():
    rules = MeetingRules(room_link_pattern="https://meet.example.org/eccp-{room}")

    links = {meeting_room_link(rules=rules, taken=set()) for _ in range(50)}

    assert len(links) == 50
    assert all(link.startswith("https://meet.example.org/eccp-") for link in links)
    assert all(len(link.removeprefix("https://meet.example.org/eccp-")) >= 20 for link in links)


def test_room_links_pasted_are_given_out_in_turn_until_none_is_left():
    rules = MeetingRules(room_links="https://meet.example.org/a\n\n  https://meet.example.org/b \n")

    assert meeting_room_link(rules=rules, taken=set()) == "https://meet.example.org/a"
    assert (
        meeting_room_link(rules=rules, taken={"https://meet.example.org/a"})
        == "https://meet.example.org/b"
    )
    taken = {"https://meet.example.org/a", "https://meet.example.org/b"}
    assert meeting_room_link(rules=rules, taken=taken) == ""
    assert meeting_room_link(rules=MeetingRules(), taken=set()) == ""


def test_each_new_meeting_gets_the_next_unused_room(event, aino, lukasz, anna):
    rules_of(event, room_links="https://meet.example.org/a\nhttps://meet.example.org/b")
    zoe = make_participant(event)

    first = accept(send(aino, lukasz))
    second = accept(send(anna, zoe))
    third = accept(send(aino, anna))

    assert [first.room_link, second.room_link, third.room_link] == [
        "https://meet.example.org/a",
        "https://meet.example.org/b",
        "",
    ]
    meeting_cancel(request=first.request, by=aino, actor=PERSON)
    assert accept(send(lukasz, zoe)).room_link == "https://meet.example.org/a"


def test_a_meeting_agreed_at_once_gets_its_room_too(
    event, aino, lukasz, django_capture_on_commit_callbacks
):
    rules_of(
        event,
        requests_need_acceptance=False,
        room_link_pattern="https://meet.example.org/eccp-{room}",
    )

    with django_capture_on_commit_callbacks(execute=True):
        request = send(aino, lukasz)

    link = Meeting.objects.get(request=request).room_link
    assert link.startswith("https://meet.example.org/eccp-")
    assert [link in message.body for message in mail.outbox] == [True, True]


# Under concurrency (PostgreSQL) -------------------------------------------------------------


def plain_read_of_the_rules(event_id):
    return MeetingRules.objects.select_related("event").get(event_id=event_id)


@pytest.fixture
def slow_count(monkeypatch):
    """Widen the window between counting the requests sent and storing the new one."""
    real = selectors.sent_request_count

    def slowed(profile):
        answer = real(profile)
        time.sleep(0.05)
        return answer

    monkeypatch.setattr(selectors, "sent_request_count", slowed)


@pytest.fixture
def slow_slot_check(monkeypatch):
    """Widen the window between checking the time is free and placing the meeting there."""
    real = service.check_slot

    def slowed(**kwargs):
        real(**kwargs)
        time.sleep(0.05)

    monkeypatch.setattr(service, "check_slot", slowed)


def sending_at_once(sender, receivers):
    return run_together(
        [lambda receiver=receiver: send(sender, receiver, "Hei!") for receiver in receivers]
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_requests_at_once_with_a_limit_of_three_store_three(on_postgresql, slow_count):
    event = make_meeting_event(requests_per_participant=3)
    aino = make_participant(event)
    receivers = [make_participant(event) for _ in range(8)]

    outcomes = sending_at_once(aino, receivers)

    assert sum(isinstance(outcome, MeetingRequest) for outcome in outcomes) == 3
    refusals = [outcome for outcome in outcomes if not isinstance(outcome, MeetingRequest)]
    assert len(refusals) == 5
    assert all(
        isinstance(refusal, ServiceError) and "the most this event allows" in refusal.message
        for refusal in refusals
    ), refusals
    assert MeetingRequest.objects.filter(sender=aino).count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_control_without_the_lock_the_limit_is_overrun(on_postgresql, slow_count, monkeypatch):
    """Shows the test above can fail: the lock on the rules is what keeps the limit."""
    monkeypatch.setattr(service, "lock_rules", plain_read_of_the_rules)
    event = make_meeting_event(requests_per_participant=3)
    aino = make_participant(event)
    receivers = [make_participant(event) for _ in range(8)]

    sending_at_once(aino, receivers)

    assert MeetingRequest.objects.filter(sender=aino).count() > 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_asking_each_other_at_once_make_one_request(on_postgresql):
    event = make_meeting_event()
    aino, lukasz = make_participant(event), make_participant(event)

    outcomes = run_together([lambda: send(aino, lukasz), lambda: send(lukasz, aino)] * 3)

    assert MeetingRequest.objects.count() == 1
    assert sum(isinstance(outcome, MeetingRequest) for outcome in outcomes) == 1
    assert all(isinstance(outcome, MeetingRequest | DuplicateRequest) for outcome in outcomes), (
        outcomes
    )


def two_requests_for_the_last_room(**rules):
    """Two pending requests between four participants, one meeting time with one room."""
    event = make_meeting_event(rooms_limit=1, **rules)
    slot = make_slots(event, per_session=1)[0]
    first = send(make_participant(event), make_participant(event))
    second = send(make_participant(event), make_participant(event))
    return slot, first, second


def accepting_at_once(slot, *requests):
    return run_together(
        [lambda request=request: accept(request, slot=slot) for request in requests]
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_accepts_into_the_last_free_room_at_once_one_wins(on_postgresql, slow_slot_check):
    slot, first, second = two_requests_for_the_last_room()

    outcomes = accepting_at_once(slot, first, second)

    winners = [outcome for outcome in outcomes if isinstance(outcome, Meeting)]
    losers = [outcome for outcome in outcomes if not isinstance(outcome, Meeting)]
    assert len(winners) == 1
    assert len(losers) == 1
    assert isinstance(losers[0], SlotTaken), losers
    assert "All meeting rooms are taken" in losers[0].message
    assert Meeting.objects.filter(slot=slot).count() == 1
    assert Meeting.objects.count() == 1
    lost = first if winners[0].request_id == second.pk else second
    lost.refresh_from_db()
    assert lost.status == MeetingRequestStatus.PENDING  # nothing stored for the loser


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_control_without_the_lock_both_take_the_last_room(
    on_postgresql, slow_slot_check, monkeypatch
):
    """Shows the test above can fail: the lock on the rules is what keeps the rooms limit."""
    monkeypatch.setattr(service, "lock_rules", plain_read_of_the_rules)
    slot, first, second = two_requests_for_the_last_room()

    accepting_at_once(slot, first, second)

    assert Meeting.objects.filter(slot=slot).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_participant_accepting_two_meetings_into_one_time_at_once_gets_one(
    on_postgresql, slow_slot_check
):
    event = make_meeting_event()
    slot = make_slots(event, per_session=1)[0]
    lukasz = make_participant(event)
    first = send(make_participant(event), lukasz)
    second = send(make_participant(event), lukasz)

    outcomes = accepting_at_once(slot, first, second)

    assert sum(isinstance(outcome, Meeting) for outcome in outcomes) == 1
    assert [outcome.message for outcome in outcomes if isinstance(outcome, SlotTaken)] == [
        "You already have a meeting at that time (the schedule may place meetings "
        "before it is published); please choose another."
    ]
    assert Meeting.objects.filter(slot=slot).count() == 1
    assert connection.vendor == "postgresql"


# A participant whose registration ends ------------------------------------------------------


@pytest.mark.django_db
def test_cancelling_a_registration_ends_its_meetings_and_tells_the_other_sides(
    django_capture_on_commit_callbacks,
):
    event = make_meeting_event()
    leaving = make_participant(event, organisation="Järvenpää Battery Cluster ry")
    agreed = make_participant(event, organisation="Klaster Łódź Tekstylia")
    asking = make_participant(event, organisation="Cluster Açores Mar")
    asked = make_participant(event, organisation="Berlin Digital Health e.V.")
    meeting = meeting_request_send(
        sender=leaving, receiver=agreed, message="", actor=Actor.person()
    )
    meeting_request_accept(request=meeting, by=agreed, actor=Actor.person())
    waiting_for_us = meeting_request_send(
        sender=asking, receiver=leaving, message="", actor=Actor.person()
    )
    ours = meeting_request_send(sender=leaving, receiver=asked, message="", actor=Actor.person())
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=leaving.registration, actor=Actor.person())

    statuses = {
        request.pk: request.status
        for request in MeetingRequest.objects.filter(
            pk__in=[meeting.pk, waiting_for_us.pk, ours.pk]
        )
    }
    assert statuses == {
        meeting.pk: MeetingRequestStatus.CANCELLED,
        waiting_for_us.pk: MeetingRequestStatus.DECLINED,
        ours.pk: MeetingRequestStatus.CANCELLED,
    }
    assert not Meeting.objects.filter(request=meeting).exists()
    leaving.refresh_from_db()
    assert leaving.is_listed is False
    told = {message.to[0] for message in mail.outbox}
    for other in (agreed, asking, asked):
        assert other.registration.email in told
