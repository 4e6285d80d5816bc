"""Meeting slots: the organiser's rules, the slots cut from the matchmaking sessions, each
participant's availability, and meetings the organiser places by hand.

Each public function is one transaction, logged with its actor. Every change that concerns an
event's slots or the meetings placed in them first locks the event's MeetingRules row
(`lock_rules`), so two organisers (or an organiser and a participant) never check against a
state the other is changing: the last free room of a slot goes to one meeting only, and a
participant cannot mark a slot unavailable while a meeting is being placed in it.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from registrations.models import (
    Event,
    Meeting,
    MeetingRequestStatus,
    MeetingRules,
    MeetingSlot,
    ParticipantProfile,
    RegistrationStatus,
    ScheduleState,
    Session,
    SessionKind,
)
from registrations.tasks.meetings import enqueue_agenda_emails

from .action_log import Actor, field_changes, log_action, snapshot
from .errors import InvalidInput, ServiceError, TransitionRefused
from .participants import MeetingsNotSetUp


def lock_rules(event_id: int) -> MeetingRules:
    """Lock the event's meeting rules until the transaction ends: the event-level row every
    change of its slots, availability and placed meetings takes first.

    Meeting requests take it too (their limit, a time picked when accepting), and so does the
    schedule builder. A module-level function on purpose: the concurrency control tests replace
    it with a plain read to show that without it the last free room is given twice and the
    request limit is overrun.
    """
    rules = (
        MeetingRules.objects.select_for_update(of=("self",))
        .select_related("event")
        .filter(event_id=event_id)
        .first()
    )
    if rules is None:
        raise MeetingsNotSetUp(
            _(
                "This event has no meeting rules yet: set them up first (meeting length, breaks "
                "and rooms)."
            )
        )
    return rules


def agendas_changed(
    *,
    rules: MeetingRules,
    profile_ids: Collection[int],
    taken_off: Collection[tuple[int, int, int]] = (),
) -> None:
    """Once the schedule is published, these participants get their changed agenda (after
    commit): the same calendar entries, updated, and a cancellation for each meeting taken off
    an agenda (`taken_off`: profile id, meeting id, its former slot id)."""
    if rules.schedule_state != ScheduleState.DRAFT and profile_ids:
        ids = sorted(set(profile_ids))
        removed = [list(row) for row in sorted(taken_off)]
        transaction.on_commit(
            lambda: enqueue_agenda_emails(
                event_id=rules.event_id, profile_ids=ids, taken_off=removed
            )
        )


def _slot_words(slot: MeetingSlot) -> str:
    """A slot as people read it: "10 Jun 10:00-10:20" in the event's time zone (the month
    in the reader's language)."""
    local = slot.event.tzinfo
    start, end = slot.start.astimezone(local), slot.end.astimezone(local)
    return f"{date_format(start, 'd M H:i')}-{date_format(end, 'H:i')}"


def _time_words(event: Event, moment: datetime) -> str:
    return date_format(moment.astimezone(event.tzinfo), "d M Y H:i")


def _overlapping(event: Event, start: datetime, end: datetime) -> list[MeetingSlot]:
    """The event's slots that share some time with [start, end)."""
    return list(
        MeetingSlot.objects.filter(event=event, start__lt=end, end__gt=start).select_related(
            "event"
        )
    )


# Rules ---------------------------------------------------------------------------------------


def _has_matchmaking_session(event: Event) -> bool:
    return event.sessions.filter(kind=SessionKind.MATCHMAKING).exists()


@transaction.atomic
def meeting_rules_set_up(*, event: Event, actor: Actor) -> MeetingRules:
    """The event's meeting rules, created with the defaults if it has none yet.

    Only an event with a matchmaking session in its programme has one-to-one meetings.
    """
    existing = MeetingRules.objects.filter(event=event).first()
    if existing is not None:
        return existing
    if not _has_matchmaking_session(event):
        raise ServiceError(
            _(
                "%(event)s has no matchmaking session in its programme, so it has no one-to-one "
                "meetings. Add a session of the kind “Matchmaking session” first."
            )
            % {"event": event}
        )
    Event.objects.select_for_update().get(pk=event.pk)  # a twin request waits, then finds them
    rules, created = MeetingRules.objects.get_or_create(event=event)
    if created:
        log_action(subject=rules, event=event, action="meeting rules set up", actor=actor)
    return rules


@dataclass(frozen=True)
class MeetingRulesDetails:
    """What the organiser sets on the rules page."""

    requests_per_participant: int
    requests_need_acceptance: bool
    meeting_minutes: int
    break_minutes: int
    rooms_limit: int | None
    room_link_pattern: str
    room_links: str


RULES_FIELDS = [field.name for field in fields(MeetingRulesDetails)]


def _is_web_address(text: str) -> bool:
    return text.startswith(("https://", "http://")) and " " not in text and len(text) > 8


def _rules_errors(rules: MeetingRules, details: MeetingRulesDetails) -> list[ServiceError]:
    errors = []
    if details.meeting_minutes < 1:
        errors.append(
            ServiceError(_("A meeting lasts at least one minute."), field="meeting_minutes")
        )
    if details.rooms_limit is not None:
        if details.rooms_limit < 1:
            errors.append(
                ServiceError(
                    _(
                        "At least one meeting must be able to run at a time; leave it empty for "
                        "no limit."
                    ),
                    field="rooms_limit",
                )
            )
        else:
            crowded = _slots_with_more_meetings_than(rules.event_id, details.rooms_limit)
            if crowded:
                errors.append(
                    ServiceError(
                        _(
                            "More meetings than that are already placed in %(slots)s; move "
                            "some of them first."
                        )
                        % {"slots": ", ".join(_slot_words(slot) for slot in crowded)},
                        field="rooms_limit",
                    )
                )
    pattern = details.room_link_pattern.strip()
    if pattern and ("{room}" not in pattern or not _is_web_address(pattern)):
        errors.append(
            ServiceError(
                _(
                    "Give a web address with {room} where each meeting's own room name goes, "
                    "e.g. https://meet.example.org/eccp-{room}."
                ),
                field="room_link_pattern",
            )
        )
    lines = [line.strip() for line in details.room_links.splitlines() if line.strip()]
    if pattern and lines:
        errors.append(
            ServiceError(
                _("Give either a room link pattern or a list of room links, not both."),
                field="room_links",
            )
        )
    bad = [line for line in lines if not _is_web_address(line)]
    if bad:
        errors.append(
            ServiceError(
                _("These lines are not web addresses: %(lines)s.") % {"lines": ", ".join(bad)},
                field="room_links",
            )
        )
    repeated = sorted({line for line in lines if lines.count(line) > 1})
    if repeated:
        errors.append(
            ServiceError(
                _("Each meeting needs its own room; these links are given twice: %(lines)s.")
                % {"lines": ", ".join(repeated)},
                field="room_links",
            )
        )
    return errors


def _slots_with_more_meetings_than(event_id: int, limit: int) -> list[MeetingSlot]:
    crowded = []
    for slot in MeetingSlot.objects.filter(event_id=event_id).select_related("event"):
        if rooms_taken(slot_id=slot.pk) > limit:
            crowded.append(slot)
    return crowded


@transaction.atomic
def meeting_rules_change(
    *, rules: MeetingRules, details: MeetingRulesDetails, actor: Actor
) -> MeetingRules:
    """Change the meeting rules; slots already cut keep their times (cut or delete them again to
    follow a new meeting length)."""
    rules = lock_rules(rules.event_id)
    InvalidInput.raise_if_any(_rules_errors(rules, details))
    before = snapshot(rules, RULES_FIELDS)
    for name in RULES_FIELDS:
        setattr(rules, name, getattr(details, name))
    rules.room_link_pattern = details.room_link_pattern.strip()
    rules.room_links = "\n".join(
        line.strip() for line in details.room_links.splitlines() if line.strip()
    )
    rules.save()
    changes = field_changes(before, rules)
    if changes:
        log_action(
            subject=rules,
            event=rules.event,
            action="meeting rules changed",
            actor=actor,
            changes=changes,
        )
    return rules


# Slots ---------------------------------------------------------------------------------------


def _check_matchmaking_session(event: Event, session: Session) -> None:
    if session.event_id != event.pk:
        raise ServiceError(
            _("That session is not part of this event's programme."), field="session"
        )
    if session.kind != SessionKind.MATCHMAKING:
        raise ServiceError(
            _("Meeting slots go only in matchmaking sessions; “%(session)s” is not one.")
            % {"session": session},
            field="session",
        )


def _overlap_error(event: Event, slots: Iterable[MeetingSlot]) -> ServiceError:
    return ServiceError(
        _("This overlaps slots the event already has: %(slots)s.")
        % {"slots": ", ".join(f"{_slot_words(slot)} ({slot.session})" for slot in slots)}
    )


def session_slot_times(
    *, start: datetime, end: datetime, meeting_minutes: int, break_minutes: int
) -> list[tuple[datetime, datetime]]:
    """From the start, one meeting after another with a break between, while a whole meeting
    still fits before the end."""
    if meeting_minutes < 1:
        return []
    meeting, pause = timedelta(minutes=meeting_minutes), timedelta(minutes=break_minutes)
    times = []
    begins = start
    while begins + meeting <= end:
        times.append((begins, begins + meeting))
        begins += meeting + pause
    return times


@transaction.atomic
def meeting_slots_generate(*, session: Session, actor: Actor) -> list[MeetingSlot]:
    """Cut a matchmaking session into slots of the rules' meeting length with their breaks.

    Running it again gives the same slots (the missing ones are added, none twice); a session
    that already has other slots overlapping these is refused, naming them.
    """
    event = session.event
    _check_matchmaking_session(event, session)
    rules = lock_rules(event.pk)
    times = session_slot_times(
        start=session.start,
        end=session.end,
        meeting_minutes=rules.meeting_minutes,
        break_minutes=rules.break_minutes,
    )
    if not times:
        raise ServiceError(
            _("“%(session)s” is shorter than one meeting (%(minutes)d minutes): no slot fits.")
            % {"session": session, "minutes": rules.meeting_minutes}
        )
    existing = {
        (slot.start, slot.end): slot for slot in _overlapping(event, times[0][0], times[-1][1])
    }
    clashing = [
        slot
        for (start, end), slot in existing.items()
        if ((start, end) not in times or slot.session_id != session.pk)
        and any(start < new_end and new_start < end for new_start, new_end in times)
    ]
    if clashing:
        raise _overlap_error(event, clashing)
    slots = []
    for start, end in times:
        slot = existing.get((start, end))
        if slot is None:
            slot = MeetingSlot.objects.create(event=event, session=session, start=start, end=end)
            log_action(
                subject=slot,
                event=event,
                action="slot cut from the session",
                actor=actor,
                changes={"start": [None, start], "end": [None, end]},
            )
        slots.append(slot)
    return slots


@transaction.atomic
def meeting_slot_create(
    *, event: Event, session: Session, start: datetime, end: datetime, actor: Actor
) -> MeetingSlot:
    """One slot set by hand, inside a matchmaking session and clear of the event's other slots."""
    _check_matchmaking_session(event, session)
    if end <= start:
        raise ServiceError(_("The slot must end after it starts."), field="end")
    if start < session.start or end > session.end:
        raise ServiceError(
            _("The slot must lie within “%(session)s”, %(start)s to %(end)s (%(zone)s).")
            % {
                "session": session,
                "start": _time_words(event, session.start),
                "end": _time_words(event, session.end),
                "zone": event.timezone,
            },
            field="start",
        )
    lock_rules(event.pk)
    clashing = _overlapping(event, start, end)
    if clashing:
        raise _overlap_error(event, clashing)
    slot = MeetingSlot.objects.create(event=event, session=session, start=start, end=end)
    log_action(
        subject=slot,
        event=event,
        action="slot added by hand",
        actor=actor,
        changes={"start": [None, start], "end": [None, end]},
    )
    return slot


@transaction.atomic
def meeting_slot_delete(*, slot: MeetingSlot, actor: Actor) -> None:
    """Delete a slot in which no meeting is placed (participants' marks on it go with it)."""
    event = slot.event
    lock_rules(event.pk)
    placed = list(
        Meeting.objects.filter(slot_id=slot.pk).select_related(
            "request__sender__registration", "request__receiver__registration"
        )
    )
    if placed:
        raise ServiceError(
            _("Meetings are placed in %(slot)s: %(meetings)s. Move them to other slots first.")
            % {"slot": _slot_words(slot), "meetings": "; ".join(str(meeting) for meeting in placed)}
        )
    log_action(
        subject=slot,
        event=event,
        action="slot deleted",
        actor=actor,
        changes={"start": [slot.start, None], "end": [slot.end, None]},
    )
    slot.delete()


# Availability --------------------------------------------------------------------------------


def _meetings_of(profile: ParticipantProfile) -> "Q":
    return Q(request__sender=profile) | Q(request__receiver=profile)


@transaction.atomic
def availability_set(
    *, profile: ParticipantProfile, available_slot_ids: Collection[int], actor: Actor
) -> ParticipantProfile:
    """The participant marks the slots in which it can meet; it cannot meet in all the others.

    Refused once the schedule is final, and for a slot in which it already has a meeting.
    """
    registration = profile.registration
    event = registration.event
    if registration.status != RegistrationStatus.CONFIRMED:
        raise TransitionRefused(_("This registration is not confirmed, so it has no meetings."))
    rules = lock_rules(event.pk)
    if rules.schedule_state == ScheduleState.FINAL:
        raise TransitionRefused(
            _(
                "The meeting schedule is final, so availability can no longer change. Please "
                "write to the organisers if you cannot attend a meeting."
            )
        )
    event_slots = {
        slot.pk: slot for slot in MeetingSlot.objects.filter(event=event).select_related("event")
    }
    chosen = set(available_slot_ids)
    if not chosen <= set(event_slots):
        raise ServiceError(
            _("Please choose only meeting slots of this event."), field="available_slots"
        )
    unavailable = [slot for pk, slot in event_slots.items() if pk not in chosen]
    busy = list(
        Meeting.objects.filter(_meetings_of(profile), slot__in=unavailable)
        .select_related(
            "slot__event", "request__sender__registration", "request__receiver__registration"
        )
        .order_by("slot__start")
    )
    if busy:
        raise ServiceError(
            _("You already have a meeting in %(meetings)s: keep these slots available.")
            % {
                "meetings": "; ".join(
                    _("%(slot)s (%(meeting)s)")
                    % {"slot": _slot_words(meeting.slot), "meeting": meeting}
                    for meeting in busy
                    if meeting.slot is not None
                )
            },
            field="available_slots",
        )
    before = set(profile.unavailable_slots.values_list("pk", flat=True))
    if before == {slot.pk for slot in unavailable}:
        return profile
    was = sorted((slot for pk, slot in event_slots.items() if pk in before), key=_start)
    profile.unavailable_slots.set(unavailable)
    profile.save(update_fields=["updated_at"])
    log_action(
        subject=profile,
        event=event,
        action="availability changed",
        actor=actor,
        changes={
            "unavailable_slots": [
                [str(slot) for slot in was],
                [str(slot) for slot in sorted(unavailable, key=_start)],
            ]
        },
    )
    return profile


def _start(slot: MeetingSlot) -> datetime:
    return slot.start


# Meetings placed by hand ---------------------------------------------------------------------


def rooms_taken(*, slot_id: int, other_than: Meeting | None = None) -> int:
    """How many meetings are placed in the slot (not counting `other_than`)."""
    placed = Meeting.objects.filter(slot_id=slot_id)
    if other_than is not None:
        placed = placed.exclude(pk=other_than.pk)
    return placed.count()


@transaction.atomic
def meeting_place_by_hand(*, meeting: Meeting, slot: MeetingSlot, actor: Actor) -> Meeting:
    """The organiser puts a meeting in a slot and fixes it there: the schedule builder keeps it.

    Both participants must be available and free in that slot, and a room must be left.
    """
    event = meeting.request.event
    if slot.event_id != event.pk:
        raise ServiceError(_("That slot belongs to another event."), field="slot")
    rules = lock_rules(event.pk)
    meeting = (
        Meeting.objects.select_for_update()
        .select_related("request__sender__registration", "request__receiver__registration")
        .get(pk=meeting.pk)
    )
    if meeting.request.status != MeetingRequestStatus.ACCEPTED:
        raise TransitionRefused(_("This meeting's request is no longer accepted."))
    if meeting.slot_id == slot.pk and meeting.fixed_by_hand:
        return meeting  # already there, fixed: nothing changes
    slot.event = event
    words = _slot_words(slot)
    for side in (meeting.request.sender, meeting.request.receiver):
        if side.unavailable_slots.filter(pk=slot.pk).exists():
            raise ServiceError(
                _("%(organisation)s cannot meet in %(slot)s (marked unavailable).")
                % {"organisation": side, "slot": words},
                field="slot",
            )
        other = (
            Meeting.objects.filter(_meetings_of(side), slot=slot)
            .exclude(pk=meeting.pk)
            .select_related("request__sender__registration", "request__receiver__registration")
            .first()
        )
        if other is not None:
            raise ServiceError(
                _("%(organisation)s already has a meeting in %(slot)s: %(meeting)s.")
                % {"organisation": side, "slot": words, "meeting": other},
                field="slot",
            )
    if rules.rooms_limit is not None and (
        rooms_taken(slot_id=slot.pk, other_than=meeting) >= rules.rooms_limit
    ):
        raise ServiceError(
            ngettext(
                "The only room of %(slot)s is taken.",
                "All %(rooms)d rooms of %(slot)s are taken.",
                rules.rooms_limit,
            )
            % {"rooms": rules.rooms_limit, "slot": words},
            field="slot",
        )
    before = snapshot(meeting, ["slot", "fixed_by_hand", "unplaced_reason"])
    meeting.slot = slot
    meeting.fixed_by_hand = True
    meeting.unplaced_reason = ""
    meeting.save(update_fields=["slot", "fixed_by_hand", "unplaced_reason"])
    log_action(
        subject=meeting,
        event=event,
        action="placed by hand",
        actor=actor,
        changes=field_changes(before, meeting),
    )
    if before["slot"] != str(slot):
        request = meeting.request
        agendas_changed(rules=rules, profile_ids=[request.sender_id, request.receiver_id])
    return meeting


@transaction.atomic
def meeting_unfix(*, meeting: Meeting, actor: Actor) -> Meeting:
    """The schedule builder may move the meeting again; it stays in its slot until then."""
    event = meeting.request.event
    lock_rules(event.pk)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not meeting.fixed_by_hand:
        raise TransitionRefused(_("This meeting is not placed by hand."))
    before = snapshot(meeting, ["fixed_by_hand"])
    meeting.fixed_by_hand = False
    meeting.save(update_fields=["fixed_by_hand"])
    log_action(
        subject=meeting,
        event=event,
        action="no longer fixed by hand",
        actor=actor,
        changes=field_changes(before, meeting),
    )
    return meeting
