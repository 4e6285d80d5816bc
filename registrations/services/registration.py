"""Registration: open and close it, register, change, cancel, and move people off the waiting list.

Every status change of a Registration happens here, and is logged with its actor. Seats of a mode
with a limit are counted and taken while the Event row is locked (`select_for_update`), so
concurrent registrations for the same event queue up on that lock and never overbook. Only the
seat decision and the writes run under the lock: checks and reads come before it, and the mails
are rendered by the worker after commit. A mode without a limit takes no lock at all. The
one-per-email rule is a database constraint, answered clearly.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registrations import selectors
from registrations.emails import absolute_url
from registrations.models import (
    ActionLogEntry,
    AttendanceMode,
    Event,
    ParticipantProfile,
    Registration,
    RegistrationSource,
    RegistrationStatus,
    Session,
    consent_given,
)
from registrations.tasks.registration import (
    enqueue_registration_email,
    enqueue_registration_open_notices,
)

from .action_log import Actor, field_changes, log_action, snapshot
from .errors import AlreadyEntered, RegistrationClosed, ServiceError, TransitionRefused
from .meeting_requests import participant_leave_meetings
from .private_links import email_private_link, emails_private_link_again
from .reminders import reminders_schedule

logger = logging.getLogger(__name__)

# What a registration's log entries compare: the fields its state changes touch.
LOGGED_FIELDS = ["status", "attendance_mode", "accessibility_needs", "dietary_needs"]


@dataclass(frozen=True)
class RegistrantDetails:
    """What a person gives on the registration form (or the invitation's)."""

    first_name: str
    last_name: str
    email: str
    organisation: str
    organisation_type: str
    job_title: str
    country: str
    attendance_mode: str
    sessions: Sequence[Session] = ()
    accessibility_needs: str = ""
    dietary_needs: str = ""
    join_waiting_list: bool = False


class AlreadyRegistered(AlreadyEntered):
    default_message = gettext_lazy(
        "This email address is already registered for this event, so nothing new was stored. "
        "We have emailed the private link to that address (again), to see, change or cancel "
        "the registration."
    )

    def __init__(self, *, event: Event, email: str) -> None:
        super().__init__(
            email_link_again=lambda: _email_link_again(event=event, email=email),
        )


class SeatsTaken(ServiceError):
    """No place left in the chosen attendance mode.

    For a newcomer (`for_newcomer`) the message offers what they can do instead: the waiting list,
    and each other mode that still has places.
    """

    def __init__(self, attendance_mode: str, message: str | None = None) -> None:
        self.attendance_mode = attendance_mode
        if attendance_mode == AttendanceMode.ON_SITE:
            taken = _("All on-site seats are taken.")
        else:
            taken = _("All online places are taken.")
        super().__init__(f"{taken} {message}" if message else taken, field="attendance_mode")

    @classmethod
    def for_newcomer(cls, attendance_mode: str, seats: dict[str, selectors.Seats]) -> "SeatsTaken":
        other = [
            mode for mode, count in seats.items() if mode != attendance_mode and not count.full
        ]
        if not other:
            return cls(attendance_mode, _("You can join the waiting list."))
        if other[0] == AttendanceMode.ON_SITE:
            return cls(attendance_mode, _("Join the waiting list or attend on site."))
        return cls(attendance_mode, _("Join the waiting list or attend online."))


def lock_event(event_id: int) -> Event:
    """Lock the event row until the transaction ends: the one place seat counts are serialised.

    A module-level function on purpose: the concurrency control test replaces it with a no-op
    to show that without it the seats really are overbooked.
    """
    return Event.objects.select_for_update().get(pk=event_id)


def lock_registration(registration: Registration) -> tuple[Event, Registration]:
    """Lock the event first (always the same order), then read the registration afresh."""
    event = lock_event(registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    registration.event = event
    return event, registration


# Opening and closing -------------------------------------------------------------------------

REGISTRATION_TIMES = ["registration_opens_at", "registration_closes_at"]


@transaction.atomic
def registration_open(
    *, event: Event, actor: Actor, at: datetime | None = None, now: datetime | None = None
) -> Event:
    """Open registration now, or schedule it for `at`; notices go out when it opens.

    The state is computed from the stored times (Event.registration_is_open), so a scheduled
    opening takes effect by itself; the survey notices are queued to run at that time, the
    reminders at theirs.
    """
    now = now or timezone.now()
    event = lock_event(event.pk)
    before = snapshot(event, REGISTRATION_TIMES)
    opens_at = max(at, now) if at else now
    if event.is_over(now) or opens_at >= event.end:
        raise TransitionRefused(_("This event is over (or ends before that time)."))
    if event.registration_is_open(now):
        raise TransitionRefused(_("Registration for this event is already open."))
    event.registration_opens_at = opens_at
    if event.registration_closes_at and event.registration_closes_at <= opens_at:
        event.registration_closes_at = None
    event.registration_opened_at = now
    event.registration_opened_by = actor.user
    event.save(
        update_fields=[
            *REGISTRATION_TIMES,
            "registration_opened_at",
            "registration_opened_by",
            "updated_at",
        ]
    )
    log_action(
        subject=event,
        event=event,
        action="registration opened" if opens_at <= now else "registration opening scheduled",
        actor=actor,
        changes=field_changes(before, event),
    )
    transaction.on_commit(
        lambda: enqueue_registration_open_notices(event_id=event.pk, opens_at=opens_at)
    )
    reminders_schedule(event=event, actor=actor)
    logger.info("Registration for %s set to open at %s by %s", event.slug, opens_at, actor)
    return event


@transaction.atomic
def registration_close(
    *, event: Event, actor: Actor, at: datetime | None = None, now: datetime | None = None
) -> Event:
    """Close registration now, or schedule the closing for `at`.

    Without a time, a scheduled opening is called off; with one, a scheduled opening stays and
    registration closes at that time (which must come after the opening).
    """
    now = now or timezone.now()
    event = lock_event(event.pk)
    before = snapshot(event, REGISTRATION_TIMES)
    closes_at = max(at, now) if at else now
    opens_at = event.registration_opens_at
    opening_scheduled = event.registration_opening_scheduled(now)
    if event.registration_is_open(now):
        event.registration_closes_at = closes_at
    elif opening_scheduled and at is None:
        event.registration_opens_at = None
    elif opening_scheduled and opens_at is not None and closes_at > opens_at:
        event.registration_closes_at = closes_at
    elif opening_scheduled:
        raise TransitionRefused(
            _(
                "Registration opens only after that time: choose a later time, or none to call off "
                "the opening."
            )
        )
    else:
        raise TransitionRefused(_("Registration for this event is not open."))
    event.save(update_fields=[*REGISTRATION_TIMES, "updated_at"])
    log_action(
        subject=event,
        event=event,
        action="registration closed",
        actor=actor,
        changes=field_changes(before, event),
    )
    logger.info("Registration for %s set to close at %s by %s", event.slug, closes_at, actor)
    return event


# Registering ---------------------------------------------------------------------------------


def _check_sessions(event: Event, sessions: Iterable[Session]) -> list[Session]:
    sessions = list(sessions)
    if any(session.event_id != event.pk for session in sessions):
        raise ServiceError(_("Please choose only sessions of this event."), field="sessions")
    return sessions


def _check_mode(event: Event, attendance_mode: str) -> None:
    if attendance_mode not in event.offered_modes:
        raise ServiceError(
            _("This event does not offer that attendance mode."), field="attendance_mode"
        )


def _onsite_needs(attendance_mode: str, needs: str) -> str:
    """Accessibility and dietary needs concern the venue: kept only for on-site attendance."""
    return needs if attendance_mode == AttendanceMode.ON_SITE else ""


@emails_private_link_again
def registration_create(
    *,
    event: Event,
    details: RegistrantDetails,
    actor: Actor,
    source: str = RegistrationSource.DIRECT,
    language: str = settings.LANGUAGE_CODE,
    now: datetime | None = None,
) -> Registration:
    """Register one person: confirmed while places are left, else on the waiting list if asked.
    `language` is the form's: every mail to the person is in it.

    An address already registered is refused with AlreadyRegistered, and its private link is
    emailed again. Someone who cancelled may register again (the constraint keeps one row per
    email): their cancelled row is taken up again with the new answers, fresh consent and a fresh
    place in the seat and waiting-list order, and keeps its token, so their link still works.
    """
    return register(
        event=event, details=details, actor=actor, source=source, language=language, now=now
    )


def register(
    *,
    event: Event,
    details: RegistrantDetails,
    actor: Actor,
    source: str,
    language: str = settings.LANGUAGE_CODE,
    now: datetime | None = None,
) -> Registration:
    """registration_create's work, for services that register inside their own transaction."""
    now = now or timezone.now()
    if event.invitation_only and source != RegistrationSource.INVITATION:
        raise RegistrationClosed(_("This event is by invitation only."))
    if not event.registration_is_open(now):
        raise RegistrationClosed.for_event(event, now)
    _check_mode(event, details.attendance_mode)
    sessions = _check_sessions(event, details.sessions)
    earlier = selectors.registration_for_email(event=event, email=details.email)
    if earlier is not None and earlier.status != RegistrationStatus.CANCELLED:
        _refuse_seat_as_for_a_newcomer(event, details)
        raise AlreadyRegistered(event=event, email=details.email)

    fields = {
        "first_name": details.first_name,
        "last_name": details.last_name,
        "email": details.email,
        "organisation": details.organisation,
        "organisation_type": details.organisation_type,
        "job_title": details.job_title,
        "country": details.country,
        "attendance_mode": details.attendance_mode,
        "status": RegistrationStatus.CONFIRMED,  # until the seat decision says otherwise
        "accessibility_needs": _onsite_needs(details.attendance_mode, details.accessibility_needs),
        "dietary_needs": _onsite_needs(details.attendance_mode, details.dietary_needs),
        "source": source,
        "language": language,
        "waitlisted_at": None,
        "cancelled_at": None,
        **consent_given(now),
    }
    # Where the mode has a limit, the seat decision runs under the event's lock. A new row and
    # its log entry are written before the lock is taken (nobody else sees them before the
    # commit), so the lock lasts one count and the commit.
    limited = event.capacity_for(details.attendance_mode) is not None
    if earlier is not None:
        if limited:
            event = lock_event(event.pk)  # the event before the row, as every service locks
        registration, before = _take_up_cancelled(earlier, fields)
        registration.sessions.set(sessions)
        action = "registered again"
    else:
        registration = _insert(event, fields, sessions)
        before, action = dict.fromkeys(LOGGED_FIELDS), "registered"
    registration.event = event
    entry = log_action(
        subject=registration,
        event=event,
        action=action,
        actor=actor,
        changes=field_changes(before, registration),
    )
    if limited:
        if earlier is None:
            event = registration.event = lock_event(event.pk)
        if _newcomer_status(event, details, registration) == RegistrationStatus.WAITLISTED:
            _move_to_waiting_list(registration, entry, now)
    _email(registration, "registration_confirmation")
    return registration


def _insert(event: Event, fields: dict[str, object], sessions: list[Session]) -> Registration:
    try:
        registration = Registration.objects.create(event=event, **fields)
    except IntegrityError as race:  # a twin request committed first; this one rolls back
        raise AlreadyRegistered(event=event, email=str(fields["email"])) from race
    Registration.sessions.through.objects.bulk_create(
        Registration.sessions.through(registration=registration, session=session)
        for session in sessions
    )
    return registration


def _newcomer_status(event: Event, details: RegistrantDetails, registration: Registration) -> str:
    """Confirmed while a newcomer may take a place (not counting their own new row); else the
    waiting list, if they asked. Called under the event's lock."""
    mode = details.attendance_mode
    seats = selectors.registration_seats(event=event, other_than=registration)
    if not seats[mode].full:
        return RegistrationStatus.CONFIRMED
    if not details.join_waiting_list:
        raise SeatsTaken.for_newcomer(mode, seats)
    return RegistrationStatus.WAITLISTED


def _refuse_seat_as_for_a_newcomer(event: Event, details: RegistrantDetails) -> None:
    """A registered address meets the seat refusal a newcomer would meet: the form's answer
    must not tell anyone whether an address is registered."""
    if event.capacity_for(details.attendance_mode) is None or details.join_waiting_list:
        return
    seats = selectors.registration_seats(event=event)
    if seats[details.attendance_mode].full:
        raise SeatsTaken.for_newcomer(details.attendance_mode, seats)


def _move_to_waiting_list(registration: Registration, entry: ActionLogEntry, now: datetime) -> None:
    """The seat decision put a newcomer on the waiting list: the row and its log entry say so."""
    registration.status = RegistrationStatus.WAITLISTED
    registration.waitlisted_at = now
    registration.save(update_fields=["status", "waitlisted_at", "updated_at"])
    entry.changes["status"] = [entry.changes.get("status", [None])[0], registration.status]
    entry.save(update_fields=["changes"])


def _take_up_cancelled(
    earlier: Registration, fields: dict[str, object]
) -> tuple[Registration, dict[str, object]]:
    """The cancelled row, locked and still cancelled, updated with the new answers."""
    registration = (
        Registration.objects.select_for_update()
        .filter(pk=earlier.pk, status=RegistrationStatus.CANCELLED)
        .first()
    )
    if registration is None:  # registered again by a twin request a moment ago
        raise AlreadyRegistered(event=earlier.event, email=earlier.email)
    before = snapshot(registration, LOGGED_FIELDS)
    for name, value in fields.items():
        setattr(registration, name, value)
    registration.save()
    return registration, before


def _save_and_log(
    registration: Registration, *, before: dict[str, object], action: str, actor: Actor
) -> None:
    """Save the registration and log what changed since `before` (a snapshot of LOGGED_FIELDS)."""
    registration.save()
    log_action(
        subject=registration,
        event=registration.event,
        action=action,
        actor=actor,
        changes=field_changes(before, registration),
    )


def _email_link_again(*, event: Event, email: str) -> None:
    registration = selectors.registration_for_email(event=event, email=email)
    if registration is not None:
        email_private_link(
            to=registration.email,
            token=registration.token,
            template="registration_link_again",
            context={
                "registration": registration,
                "event": event,
                "manage_url": absolute_url(registration.private_path()),
            },
            language=registration.language,
        )


# Changing and cancelling ---------------------------------------------------------------------


def _lock_changeable(registration: Registration, now: datetime) -> tuple[Event, Registration]:
    """Lock as lock_registration does; refuse a cancelled registration or a past event."""
    event, registration = lock_registration(registration)
    if not selectors.registration_is_changeable(registration=registration, now=now):
        raise TransitionRefused(
            _("This registration has been cancelled.")
            if registration.status == RegistrationStatus.CANCELLED
            else _("This event has taken place; the registration can't change.")
        )
    return event, registration


@transaction.atomic
def registration_change_mode(
    *,
    registration: Registration,
    attendance_mode: str,
    actor: Actor,
    now: datetime | None = None,
) -> Registration:
    """Switch between on site and online, if the other mode has a place; frees the old place."""
    now = now or timezone.now()
    event, registration = _lock_changeable(registration, now)
    _check_mode(event, attendance_mode)
    if attendance_mode == registration.attendance_mode:
        raise TransitionRefused(_("You are already registered in this attendance mode."))
    if not selectors.has_place_for_newcomer(event=event, attendance_mode=attendance_mode):
        raise SeatsTaken(attendance_mode)
    before = snapshot(registration, LOGGED_FIELDS)
    old_mode, old_status = registration.attendance_mode, registration.status
    registration.attendance_mode = attendance_mode
    registration.status = RegistrationStatus.CONFIRMED
    registration.waitlisted_at = None
    registration.accessibility_needs = _onsite_needs(
        attendance_mode, registration.accessibility_needs
    )
    registration.dietary_needs = _onsite_needs(attendance_mode, registration.dietary_needs)
    _save_and_log(registration, before=before, action="attendance mode changed", actor=actor)
    _email(registration, "registration_mode_changed", previous_mode=old_mode)
    if old_status == RegistrationStatus.CONFIRMED:
        _promote_first_in_line(event, old_mode, now)
    return registration


@transaction.atomic
def registration_change_sessions(
    *,
    registration: Registration,
    sessions: Iterable[Session],
    actor: Actor,
    now: datetime | None = None,
) -> Registration:
    now = now or timezone.now()
    event, registration = _lock_changeable(registration, now)
    chosen = _check_sessions(event, sessions)
    before = [str(session) for session in registration.sessions.all()]
    registration.sessions.set(chosen)
    registration.save(update_fields=["updated_at"])
    after = [str(session) for session in chosen]
    log_action(
        subject=registration,
        event=event,
        action="sessions changed",
        actor=actor,
        changes={"sessions": [before, after]} if before != after else {},
    )
    return registration


@transaction.atomic
def registration_cancel(
    *, registration: Registration, actor: Actor, now: datetime | None = None
) -> Registration:
    """Cancel; a freed seat goes to the first person waiting for that mode, who is emailed."""
    now = now or timezone.now()
    event, registration = _lock_changeable(registration, now)
    before = snapshot(registration, LOGGED_FIELDS)
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    _save_and_log(registration, before=before, action="cancelled", actor=actor)
    _email(registration, "registration_cancelled")
    profile = ParticipantProfile.objects.filter(registration=registration).first()
    if profile is not None:  # a matchmaking participant: its meetings end with it
        participant_leave_meetings(profile=profile, actor=actor, now=now)
    if was_confirmed:
        _promote_first_in_line(event, registration.attendance_mode, now)
    return registration


# The waiting list ----------------------------------------------------------------------------

WAITING_LIST = Actor.system("a place became free: first on the waiting list")


def _confirm_waitlisted(registration: Registration, actor: Actor) -> Registration:
    before = snapshot(registration, LOGGED_FIELDS)
    registration.status = RegistrationStatus.CONFIRMED
    _save_and_log(
        registration, before=before, action="confirmed from the waiting list", actor=actor
    )
    _email(registration, "registration_promoted")
    return registration


def _promote_first_in_line(
    event: Event, attendance_mode: str, now: datetime
) -> Registration | None:
    if event.is_over(now) or not selectors.has_free_seat(
        event=event, attendance_mode=attendance_mode
    ):
        return None
    first = (
        Registration.objects.select_for_update()
        .filter(event=event, attendance_mode=attendance_mode, status=RegistrationStatus.WAITLISTED)
        .order_by("waitlisted_at", "pk")
        .first()
    )
    if first is None:
        return None
    first.event = event
    return _confirm_waitlisted(first, WAITING_LIST)


@transaction.atomic
def registration_fill_free_seats(
    *, event: Event, now: datetime | None = None
) -> list[Registration]:
    """Give every free place to the people waiting for it, in order, each emailed.

    Called when an organiser has saved the event (more seats, or a limit removed); each
    promotion is the system's (the waiting list's order), logged as such.
    """
    now = now or timezone.now()
    event = lock_event(event.pk)
    promoted = []
    for attendance_mode in event.offered_modes:
        while registration := _promote_first_in_line(event, attendance_mode, now):
            promoted.append(registration)
    return promoted


@transaction.atomic
def registration_confirm_from_waitlist(*, registration: Registration, actor: Actor) -> Registration:
    """An organiser confirms this person from the waiting list, if a place is free."""
    event, registration = lock_registration(registration)
    if registration.status != RegistrationStatus.WAITLISTED:
        raise TransitionRefused(
            _("%(name)s is not on the waiting list.") % {"name": registration.full_name}
        )
    if not selectors.has_free_seat(event=event, attendance_mode=registration.attendance_mode):
        raise SeatsTaken(registration.attendance_mode)
    return _confirm_waitlisted(registration, actor)


# Email ---------------------------------------------------------------------------------------


@transaction.atomic
def registration_resend_confirmation(*, registration: Registration, actor: Actor) -> Registration:
    registration = Registration.objects.select_related("event").get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        raise TransitionRefused(_("This registration has been cancelled."))
    log_action(
        subject=registration,
        event=registration.event,
        action="confirmation email resent",
        actor=actor,
    )
    _email(registration, "registration_confirmation")
    return registration


def _email(registration: Registration, template: str, *, previous_mode: str = "") -> None:
    """The worker renders and sends it after commit, from the registration as it is then."""
    registration_id, status = registration.pk, registration.status
    transaction.on_commit(
        lambda: enqueue_registration_email(
            registration_id=registration_id,
            template=template,
            status=status,
            previous_mode=previous_mode,
        )
    )
