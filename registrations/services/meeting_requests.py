"""Meeting requests between participants: send, accept (with or without a time), decline,
withdraw, and cancel an agreed meeting.

Each public function is one transaction, logged with its actor; each mail goes out after commit
with the recipient's private link. Whatever a count or a free slot decides runs under a lock on
the event's MeetingRules row (taken first, before any request row): the requests a participant
may still send, and the times and rooms still free, so two people acting at the same moment
cannot both take the last one. Declining, withdrawing and cancelling only free things, so they
lock the request alone. One active request per pair is also a database constraint, answered with
the same words when a twin request wins the race.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from registrations import selectors
from registrations.agendas import meeting_cancellation_calendar
from registrations.emails import Attachment, absolute_url, send_templated_email_on_commit
from registrations.models import (
    Event,
    Meeting,
    MeetingRequest,
    MeetingRequestStatus,
    MeetingRules,
    MeetingSlot,
    ParticipantProfile,
    RegistrationStatus,
    ScheduleState,
)

from .action_log import Actor, field_changes, log_action, snapshot
from .errors import ServiceError, TransitionRefused
from .meeting_slots import agendas_changed, lock_rules
from .participants import check_participant, meeting_rules_of

MESSAGE_LIMIT = 500
LOGGED_FIELDS = ["status"]
AUTO_ACCEPT = Actor.system("requests are accepted automatically at this event")


class SlotTaken(ServiceError):
    """The chosen time cannot take this meeting (any more)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="slot")


def _participant(profile: ParticipantProfile) -> ParticipantProfile:
    return ParticipantProfile.objects.select_related("registration__event").get(pk=profile.pk)


def _lock_request(request: MeetingRequest) -> MeetingRequest:
    return (
        MeetingRequest.objects.select_for_update(of=("self",))
        .select_related("event", "sender__registration", "receiver__registration")
        .get(pk=request.pk)
    )


def _check_not_over(event: Event, now: datetime) -> None:
    if event.is_over(now):
        raise TransitionRefused(_("This event has taken place."))


def _name(profile: ParticipantProfile) -> str:
    return profile.registration.organisation


# Room links ----------------------------------------------------------------------------------


def meeting_room_link(*, rules: MeetingRules, taken: set[str]) -> str:
    """The video-meeting room for a new meeting: the pattern with an unguessable room name, or
    the first pasted link no meeting of the event uses yet, or "" when there is neither."""
    if "{room}" in rules.room_link_pattern:
        return rules.room_link_pattern.replace("{room}", secrets.token_urlsafe(16))
    for line in rules.room_links.splitlines():
        link = line.strip()
        if link and link not in taken:
            return link
    return ""


def _new_room_link(rules: MeetingRules) -> str:
    """Called under the rules' lock, so two new meetings never get the same pasted link."""
    taken = set(
        Meeting.objects.filter(request__event_id=rules.event_id)
        .exclude(room_link="")
        .values_list("room_link", flat=True)
    )
    return meeting_room_link(rules=rules, taken=taken)


# Sending -------------------------------------------------------------------------------------


class DuplicateRequest(ServiceError):
    """An active request between the two already exists, whoever sent it."""

    @classmethod
    def between(
        cls, sender: ParticipantProfile, receiver: ParticipantProfile
    ) -> "DuplicateRequest":
        existing = selectors.active_request_between(sender, receiver)
        name = {"name": _name(receiver)}
        if existing is not None and existing.status == MeetingRequestStatus.ACCEPTED:
            return cls(_("You already have a meeting with %(name)s.") % name)
        if existing is not None and existing.sender_id == receiver.pk:
            return cls(
                _(
                    "%(name)s has already asked you for a meeting: please answer that request "
                    "instead."
                )
                % name
            )
        return cls(
            _("You have already asked %(name)s for a meeting; it is waiting for an answer.") % name
        )


def _send_refusal(
    rules: MeetingRules, sender: ParticipantProfile, receiver: ParticipantProfile, message: str
) -> ServiceError | None:
    """Whatever the request's parties and words say against it (no count, no lock)."""
    event = rules.event
    if sender.pk == receiver.pk:
        return ServiceError(_("You cannot ask your own organisation for a meeting."))
    if rules.schedule_state == ScheduleState.FINAL:
        return TransitionRefused(
            _("The meeting schedule is final, so no new requests can be sent.")
        )
    if (
        receiver.registration.event_id != event.pk
        or receiver.registration.status != RegistrationStatus.CONFIRMED
        or not receiver.is_listed
    ):
        return ServiceError(
            _(
                "This organisation is not in the catalogue of this event, so it cannot be asked "
                "for a meeting."
            )
        )
    if len(message) > MESSAGE_LIMIT:
        return ServiceError(
            _("Please keep the message to %(limit)s characters.") % {"limit": MESSAGE_LIMIT},
            field="message",
        )
    return None


def _check_limit(rules: MeetingRules, sender: ParticipantProfile) -> None:
    """Called under the rules' lock."""
    limit = rules.requests_per_participant
    if selectors.sent_request_count(sender) >= limit:
        raise ServiceError(
            ngettext(
                "You have already sent %(limit)s meeting request, the most this event allows.",
                "You have already sent %(limit)s meeting requests, the most this event allows.",
                limit,
            )
            % {"limit": limit}
            + " "
            + _(
                "Requests that were declined or withdrawn, and meetings cancelled, no longer count."
            )
        )


@transaction.atomic
def meeting_request_send(
    *,
    sender: ParticipantProfile,
    receiver: ParticipantProfile,
    message: str,
    actor: Actor,
    now: datetime | None = None,
) -> MeetingRequest:
    """Ask another listed participant for a meeting; at events whose requests need no answer,
    the meeting is agreed at once (without a time: the schedule places it)."""
    now = now or timezone.now()
    sender, receiver = _participant(sender), _participant(receiver)
    message = message.strip()
    rules = meeting_rules_of(sender.registration.event_id)
    check_participant(sender.registration)
    if refusal := _send_refusal(rules, sender, receiver, message):
        raise refusal
    _check_not_over(rules.event, now)
    if selectors.active_request_between(sender, receiver) is not None:
        raise DuplicateRequest.between(sender, receiver)

    rules = lock_rules(rules.event_id)
    if rules.schedule_state == ScheduleState.FINAL:  # finalised a moment ago
        raise TransitionRefused(_("The meeting schedule is final, so no new requests can be sent."))
    _check_limit(rules, sender)
    try:
        with transaction.atomic():  # a savepoint: a twin request's win is answered as a duplicate
            request = MeetingRequest.objects.create(
                event=rules.event,
                sender=sender,
                receiver=receiver,
                pair=MeetingRequest.pair_of(sender.pk, receiver.pk),
                message=message,
            )
    except IntegrityError as race:
        raise DuplicateRequest.between(sender, receiver) from race
    log_action(
        subject=request,
        event=rules.event,
        action="meeting request sent",
        actor=actor,
        changes={"status": [None, request.status], "to": [None, _name(receiver)]},
    )
    if rules.requests_need_acceptance:
        _mail(request, to=receiver, template="meeting_request_received")
        return request

    meeting = _agree(
        request, rules=rules, actor=AUTO_ACCEPT, now=now, action="accepted automatically"
    )
    _mail(request, to=receiver, template="meeting_request_agreed", meeting=meeting)
    _mail(request, to=sender, template="meeting_request_agreed", meeting=meeting)
    return request


# Answering -----------------------------------------------------------------------------------


def _agree(
    request: MeetingRequest,
    *,
    rules: MeetingRules,
    actor: Actor,
    now: datetime,
    action: str,
    slot: MeetingSlot | None = None,
) -> Meeting:
    """Accept the request and make its meeting; called under the rules' lock."""
    before = snapshot(request, LOGGED_FIELDS)
    request.status = MeetingRequestStatus.ACCEPTED
    request.answered_at = now
    request.save(update_fields=["status", "answered_at"])
    log_action(
        subject=request,
        event=rules.event,
        action=action,
        actor=actor,
        changes=field_changes(before, request),
    )
    meeting = Meeting.objects.create(
        request=request,
        slot=slot,
        fixed_by_hand=slot is not None,
        room_link=_new_room_link(rules),
    )
    log_action(
        subject=meeting,
        event=rules.event,
        action="meeting agreed",
        actor=actor,
        changes={"slot": [None, str(slot) if slot else None]},
    )
    return meeting


def _check_answerer(request: MeetingRequest, by: ParticipantProfile) -> None:
    if by.pk != request.receiver_id:
        raise TransitionRefused(
            _("Only the organisation that was asked for this meeting can answer the request.")
        )
    if request.status != MeetingRequestStatus.PENDING:
        raise TransitionRefused(
            _("This request is no longer waiting for an answer (it is %(status)s).")
            % {"status": request.get_status_display().lower()}
        )


def check_slot(
    *, rules: MeetingRules, slot: MeetingSlot, request: MeetingRequest, by: ParticipantProfile
) -> None:
    """Refuse a time that either side cannot meet in, or whose rooms are all taken.

    Called under the rules' lock, so the free rooms and the two agendas it reads stay as they are
    until the meeting is written.
    """
    if slot.event_id != rules.event_id:
        raise SlotTaken(_("Please choose one of this event's meeting times."))
    other = request.sender
    sides = [request.sender_id, request.receiver_id]
    unavailable = set(
        ParticipantProfile.unavailable_slots.through.objects.filter(
            meetingslot_id=slot.pk, participantprofile_id__in=sides
        ).values_list("participantprofile_id", flat=True)
    )
    if by.pk in unavailable:
        raise SlotTaken(_("You have said you cannot meet at that time; please choose another."))
    if other.pk in unavailable:
        raise SlotTaken(
            _("%(name)s cannot meet at that time; please choose another.") % {"name": _name(other)}
        )
    busy = set(
        Meeting.objects.filter(slot=slot)
        .filter(Q(request__sender_id__in=sides) | Q(request__receiver_id__in=sides))
        .values_list("request__sender_id", "request__receiver_id")
    )
    busy_ids = {pk for pair in busy for pk in pair}
    if by.pk in busy_ids:
        raise SlotTaken(
            _(
                "You already have a meeting at that time (the schedule may place meetings "
                "before it is published); please choose another."
            )
        )
    if other.pk in busy_ids:
        raise SlotTaken(
            _("%(name)s already has a meeting at that time; please choose another.")
            % {"name": _name(other)}
        )
    if rules.rooms_limit is not None and Meeting.objects.filter(slot=slot).count() >= (
        rules.rooms_limit
    ):
        raise SlotTaken(
            _(
                "All meeting rooms are taken at that time. Please choose another time, or accept "
                "without one: the schedule will then find a time."
            )
        )


@transaction.atomic
def meeting_request_accept(
    *,
    request: MeetingRequest,
    by: ParticipantProfile,
    actor: Actor,
    slot: MeetingSlot | None = None,
    now: datetime | None = None,
) -> Meeting:
    """The organisation asked agrees to meet: in `slot` if it picks a free time, else the
    schedule places the meeting later. The sender is emailed."""
    now = now or timezone.now()
    rules = lock_rules(request.event_id)
    request = _lock_request(request)
    _check_answerer(request, by)
    _check_not_over(rules.event, now)
    check_participant(request.receiver.registration)
    if request.sender.registration.status != RegistrationStatus.CONFIRMED:
        raise TransitionRefused(
            _("%(name)s no longer takes part in this event, so the meeting cannot take place.")
            % {"name": _name(request.sender)}
        )
    if slot is not None:
        slot = MeetingSlot.objects.get(pk=slot.pk)
        check_slot(rules=rules, slot=slot, request=request, by=request.receiver)
    meeting = _agree(request, rules=rules, actor=actor, now=now, action="accepted", slot=slot)
    _mail(request, to=request.sender, template="meeting_request_accepted", meeting=meeting)
    if slot is not None:
        agendas_changed(rules=rules, profile_ids=[request.sender_id, request.receiver_id])
    return meeting


def _set_status(
    request: MeetingRequest,
    status: MeetingRequestStatus,
    *,
    at: str,
    action: str,
    actor: Actor,
    now: datetime,
) -> None:
    """Move the request to `status`, stamp the time field `at`, and log it."""
    before = snapshot(request, LOGGED_FIELDS)
    request.status = status
    setattr(request, at, now)
    request.save(update_fields=["status", at])
    log_action(
        subject=request,
        event=request.event,
        action=action,
        actor=actor,
        changes=field_changes(before, request),
    )


@transaction.atomic
def meeting_request_decline(
    *,
    request: MeetingRequest,
    by: ParticipantProfile,
    actor: Actor,
    now: datetime | None = None,
) -> MeetingRequest:
    """The organisation asked says no; the sender is emailed."""
    now = now or timezone.now()
    request = _lock_request(request)
    _check_answerer(request, by)
    _set_status(
        request,
        MeetingRequestStatus.DECLINED,
        at="answered_at",
        action="declined",
        actor=actor,
        now=now,
    )
    _mail(request, to=request.sender, template="meeting_request_declined")
    return request


@transaction.atomic
def meeting_request_withdraw(
    *,
    request: MeetingRequest,
    by: ParticipantProfile,
    actor: Actor,
    now: datetime | None = None,
) -> MeetingRequest:
    """The sender takes back a request still waiting for an answer; the receiver is told."""
    now = now or timezone.now()
    request = _lock_request(request)
    if by.pk != request.sender_id:
        raise TransitionRefused(_("Only the organisation that sent this request can withdraw it."))
    if request.status != MeetingRequestStatus.PENDING:
        raise TransitionRefused(
            _("This request has been answered (it is %(status)s), so it cannot be withdrawn.")
            % {"status": request.get_status_display().lower()}
        )
    _set_status(
        request,
        MeetingRequestStatus.CANCELLED,
        at="cancelled_at",
        action="withdrawn",
        actor=actor,
        now=now,
    )
    _mail(request, to=request.receiver, template="meeting_request_withdrawn")
    return request


@transaction.atomic
def meeting_cancel(
    *,
    request: MeetingRequest,
    by: ParticipantProfile,
    actor: Actor,
    now: datetime | None = None,
) -> MeetingRequest:
    """Either side calls off an agreed meeting: its time and room are freed, the other side is
    emailed. The two may ask each other again later."""
    now = now or timezone.now()
    request = _lock_request(request)
    if by.pk not in (request.sender_id, request.receiver_id):
        raise TransitionRefused(_("Only the two organisations of a meeting can cancel it."))
    if request.status != MeetingRequestStatus.ACCEPTED:
        raise TransitionRefused(
            _("Only an agreed meeting can be cancelled (this request is %(status)s).")
            % {"status": request.get_status_display().lower()}
        )
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("slot").get(request=request)
    )
    slot, meeting_id = meeting.slot, meeting.pk
    before = snapshot(request, LOGGED_FIELDS)
    request.status = MeetingRequestStatus.CANCELLED
    request.cancelled_at = now
    request.save(update_fields=["status", "cancelled_at"])
    meeting.delete()
    log_action(
        subject=request,
        event=request.event,
        action="meeting cancelled",
        actor=actor,
        changes={**field_changes(before, request), "slot": [str(slot) if slot else None, None]},
    )
    other = request.receiver if by.pk == request.sender_id else request.sender
    attachments = []
    if slot is not None:  # an entry of its agenda's calendar file: this one removes it
        with translation.override(other.registration.language):  # as its mail's words
            calendar = meeting_cancellation_calendar(
                other, meeting_id=meeting_id, start=slot.start, end=slot.end, partner=_name(by)
            )
        attachments.append(Attachment("cancelled-meeting.ics", calendar, "text/calendar"))
    _mail(request, to=other, template="meeting_cancelled", attachments=attachments, slot=slot)
    return request


def participant_leave_meetings(
    *, profile: ParticipantProfile, actor: Actor, now: datetime | None = None
) -> int:
    """A participant whose registration ends: its agreed meetings are cancelled and its waiting
    requests called off (each other side is told), and it leaves the catalogue. Returns how
    many requests ended. Runs inside the cancelling service's transaction."""
    ended = 0
    for row in selectors.requests_of(profile):
        if row.status == MeetingRequestStatus.ACCEPTED:
            meeting_cancel(request=row.request, by=profile, actor=actor, now=now)
        elif row.status == MeetingRequestStatus.PENDING and row.sent:
            meeting_request_withdraw(request=row.request, by=profile, actor=actor, now=now)
        elif row.status == MeetingRequestStatus.PENDING:
            meeting_request_decline(request=row.request, by=profile, actor=actor, now=now)
        else:
            continue
        ended += 1
    if profile.is_listed:
        profile.is_listed = False
        profile.save(update_fields=["is_listed", "updated_at"])
        log_action(
            subject=profile,
            event=profile.registration.event,
            action="left the catalogue",
            actor=actor,
            changes={"is_listed": [True, False]},
        )
    return ended


# Email ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sides:
    you: ParticipantProfile
    other: ParticipantProfile


def _mail(
    request: MeetingRequest,
    *,
    to: ParticipantProfile,
    template: str,
    attachments: Sequence[Attachment] = (),
    **context: object,
) -> None:
    """One side's mail, with its own private link; rendered now, sent after commit."""
    sides = (
        _Sides(you=request.sender, other=request.receiver)
        if to.pk == request.sender_id
        else _Sides(you=request.receiver, other=request.sender)
    )
    registration = sides.you.registration
    send_templated_email_on_commit(
        to=registration.email,
        template=template,
        context={
            "event": request.event,
            "request": request,
            "registration": registration,
            "you": sides.you,
            "other": sides.other,
            "sent_by_you": sides.you.pk == request.sender_id,
            "manage_url": absolute_url(sides.you.private_path()),
            **context,
        },
        language=registration.language,
        attachments=attachments,
    )
