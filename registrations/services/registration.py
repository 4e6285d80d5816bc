"""Registration: open and close it, register, change, cancel, and move people off the waiting list.

Every status change of a Registration happens here. Seats are counted and taken while the Event row
is locked (`select_for_update`), so concurrent registrations for the same event queue up on that
lock and never overbook; the one-per-email rule is a database constraint, answered clearly.
"""

import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from registrations import selectors
from registrations.calendar import event_calendar
from registrations.emails import (
    Attachment,
    absolute_url,
    link_again_allowed,
    send_templated_email_on_commit,
)
from registrations.models import (
    AttendanceMode,
    Event,
    Registration,
    RegistrationSource,
    RegistrationStatus,
    Session,
)
from registrations.tasks.registration import enqueue_registration_open_notices

logger = logging.getLogger(__name__)


class RegistrationError(Exception):
    """A registration that cannot be made or changed; the message is meant for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RegistrationClosed(RegistrationError):
    pass


class AlreadyRegistered(RegistrationError):
    pass


class SeatsTaken(RegistrationError):
    """No place left in the chosen attendance mode.

    For a newcomer (`for_newcomer`) the message offers what they can do instead: the waiting list,
    and each other mode that still has places.
    """

    def __init__(self, attendance_mode: str, message: str | None = None):
        self.attendance_mode = attendance_mode
        if attendance_mode == AttendanceMode.ON_SITE:
            taken = _("All on-site seats are taken.")
        else:
            taken = _("All online places are taken.")
        super().__init__(f"{taken} {message}" if message else taken)

    @classmethod
    def for_newcomer(cls, attendance_mode: str, seats: dict[str, selectors.Seats]) -> "SeatsTaken":
        other = [
            mode for mode, count in seats.items() if mode != attendance_mode and not count.full
        ]
        if not other:
            return cls(attendance_mode, _("You can join the waiting list."))
        return cls(
            attendance_mode,
            _("Join the waiting list or attend %(mode)s.")
            % {"mode": AttendanceMode(other[0]).label.lower()},
        )


class TransitionRefused(RegistrationError):
    """A status change that makes no sense for the registration's current state."""


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


@transaction.atomic
def registration_open(*, event: Event, by: AbstractBaseUser, at: datetime | None = None) -> Event:
    """Open registration now, or schedule it for `at`; notices go out when it opens.

    The state is computed from the stored times (Event.registration_is_open), so a scheduled
    opening takes effect by itself; the survey notices are queued to run at that time.
    """
    now = timezone.now()
    event = lock_event(event.pk)
    opens_at = max(at, now) if at else now
    if event.is_over(now) or opens_at >= event.end:
        raise TransitionRefused(_("This event is over (or ends before that time)."))
    if event.registration_is_open(now):
        raise TransitionRefused(_("Registration for this event is already open."))
    event.registration_opens_at = opens_at
    if event.registration_closes_at and event.registration_closes_at <= opens_at:
        event.registration_closes_at = None
    event.registration_opened_at = now
    event.registration_opened_by = by
    event.save(
        update_fields=[
            "registration_opens_at",
            "registration_closes_at",
            "registration_opened_at",
            "registration_opened_by",
            "updated_at",
        ]
    )
    transaction.on_commit(
        lambda: enqueue_registration_open_notices(event_id=event.pk, opens_at=opens_at)
    )
    logger.info("Registration for %s set to open at %s by %s", event.slug, opens_at, by)
    return event


@transaction.atomic
def registration_close(*, event: Event, by: AbstractBaseUser, at: datetime | None = None) -> Event:
    """Close registration now, or schedule the closing for `at`.

    Without a time, a scheduled opening is called off; with one, a scheduled opening stays and
    registration closes at that time (which must come after the opening).
    """
    now = timezone.now()
    event = lock_event(event.pk)
    closes_at = max(at, now) if at else now
    opening_scheduled = event.registration_opens_at and event.registration_opens_at > now
    if event.registration_is_open(now):
        event.registration_closes_at = closes_at
    elif opening_scheduled and at is None:
        event.registration_opens_at = None
    elif opening_scheduled and closes_at > event.registration_opens_at:
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
    event.save(update_fields=["registration_opens_at", "registration_closes_at", "updated_at"])
    logger.info("Registration for %s set to close at %s by %s", event.slug, closes_at, by)
    return event


def closed_reason(event: Event, now: datetime) -> str:
    """Why nobody can register right now, in words for the public."""
    if event.is_over(now):
        return _("This event has taken place; registration is closed.")
    if not event.registration_has_opened(now):
        return _("Registration for this event is not open yet.")
    return _("Registration for this event is closed.")


# Registering ---------------------------------------------------------------------------------


def _check_sessions(event: Event, sessions: Iterable[Session]) -> list[Session]:
    sessions = list(sessions)
    if any(session.event_id != event.pk for session in sessions):
        raise RegistrationError(_("Please choose only sessions of this event."))
    return sessions


def _check_mode(event: Event, attendance_mode: str) -> None:
    if attendance_mode not in event.offered_modes:
        raise RegistrationError(_("This event does not offer that attendance mode."))


def _onsite_needs(attendance_mode: str, needs: str) -> str:
    """Accessibility and dietary needs concern the venue: kept only for on-site attendance."""
    return needs if attendance_mode == AttendanceMode.ON_SITE else ""


@transaction.atomic
def registration_create(
    *,
    event: Event,
    first_name: str,
    last_name: str,
    email: str,
    organisation: str,
    organisation_type: str,
    job_title: str,
    country: str,
    attendance_mode: str,
    sessions: Iterable[Session] = (),
    accessibility_needs: str = "",
    dietary_needs: str = "",
    join_waiting_list: bool = False,
    source: str = RegistrationSource.DIRECT,
    now: datetime | None = None,
) -> Registration:
    """Register one person: confirmed while places are left, else on the waiting list if asked.

    Someone who cancelled may register again (the constraint keeps one row per email): their
    cancelled row is taken up again with the new answers, fresh consent and a fresh place in the
    seat and waiting-list order, and keeps its token, so the link they already have still works.
    """
    now = now or timezone.now()
    event = lock_event(event.pk)
    if not event.registration_is_open(now):
        raise RegistrationClosed(closed_reason(event, now))
    if event.invitation_only and source != RegistrationSource.INVITATION:
        raise RegistrationClosed(_("This event is by invitation only."))
    _check_mode(event, attendance_mode)
    sessions = _check_sessions(event, sessions)
    registration = _cancelled_registration(event, email)
    if registration is None and email_registered(event, email):
        raise AlreadyRegistered(_already_registered_message())

    status = RegistrationStatus.CONFIRMED
    seats = selectors.registration_seats(event=event)
    if seats[attendance_mode].full:
        if not join_waiting_list:
            raise SeatsTaken.for_newcomer(attendance_mode, seats)
        status = RegistrationStatus.WAITLISTED
    fields = dict(
        first_name=first_name,
        last_name=last_name,
        email=email,
        organisation=organisation,
        organisation_type=organisation_type,
        job_title=job_title,
        country=country,
        attendance_mode=attendance_mode,
        status=status,
        accessibility_needs=_onsite_needs(attendance_mode, accessibility_needs),
        dietary_needs=_onsite_needs(attendance_mode, dietary_needs),
        source=source,
        waitlisted_at=now if status == RegistrationStatus.WAITLISTED else None,
        cancelled_at=None,
        consent_version=settings.PRIVACY_NOTICE_VERSION,
        consented_at=now,
    )
    if registration is not None:
        registration.event = event
        for name, value in fields.items():
            setattr(registration, name, value)
        registration.save()
    else:
        try:
            with transaction.atomic():  # a savepoint: the race on the email constraint is answered
                registration = Registration.objects.create(event=event, **fields)
        except IntegrityError as error:
            raise AlreadyRegistered(_already_registered_message()) from error
    registration.sessions.set(sessions)
    _send_confirmation(registration)
    return registration


def _cancelled_registration(event: Event, email: str) -> Registration | None:
    """This email's cancelled registration for the event, locked (the event is locked already)."""
    return (
        Registration.objects.select_for_update()
        .alias(lower_email=Lower("email"))
        .filter(event=event, lower_email=email.lower(), status=RegistrationStatus.CANCELLED)
        .first()
    )


def email_registered(event: Event, email: str, *, other_than: Registration | None = None) -> bool:
    """The friendly pre-check; the unique constraint still decides under a race."""
    registrations = Registration.objects.alias(lower_email=Lower("email"))  # as in the index
    if other_than is not None:
        registrations = registrations.exclude(pk=other_than.pk)
    return registrations.filter(event=event, lower_email=email.lower()).exists()


def _already_registered_message() -> str:
    return _(
        "This email address is already registered for this event, so nothing new was stored. "
        "We have emailed the private link to that address (again), to see, change or cancel "
        "the registration."
    )


@transaction.atomic
def registration_private_link_resend(*, event: Event, email: str) -> None:
    """Email the private link again to an address that is already registered.

    Called after AlreadyRegistered (whose transaction rolled back), for someone who lost the
    confirmation email; at most once per interval per registration, and nothing is revealed on
    the page beyond what the person typed.
    """
    registration = (
        Registration.objects.alias(lower_email=Lower("email"))
        .filter(event=event, lower_email=email.lower())
        .select_related("event")
        .first()
    )
    if registration is not None and link_again_allowed(registration.token):
        send_templated_email_on_commit(
            to=registration.email,
            template="registration_link_again",
            context={
                "registration": registration,
                "event": registration.event,
                "manage_url": absolute_url(registration_manage_path(registration)),
            },
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
    *, registration: Registration, attendance_mode: str, now: datetime | None = None
) -> Registration:
    """Switch between on site and online, if the other mode has a place; frees the old place."""
    now = now or timezone.now()
    event, registration = _lock_changeable(registration, now)
    _check_mode(event, attendance_mode)
    if attendance_mode == registration.attendance_mode:
        raise TransitionRefused(_("You are already registered in this attendance mode."))
    if not selectors.has_place_for_newcomer(event=event, attendance_mode=attendance_mode):
        raise SeatsTaken(attendance_mode)
    old_mode, old_status = registration.attendance_mode, registration.status
    registration.attendance_mode = attendance_mode
    registration.status = RegistrationStatus.CONFIRMED
    registration.waitlisted_at = None
    for needs in ("accessibility_needs", "dietary_needs"):
        setattr(registration, needs, _onsite_needs(attendance_mode, getattr(registration, needs)))
    registration.save()
    _send_confirmation(registration)
    if old_status == RegistrationStatus.CONFIRMED:
        _promote_first_in_line(event, old_mode, now)
    return registration


@transaction.atomic
def registration_change_sessions(
    *, registration: Registration, sessions: Iterable[Session], now: datetime | None = None
) -> Registration:
    now = now or timezone.now()
    event, registration = _lock_changeable(registration, now)
    registration.sessions.set(_check_sessions(event, sessions))
    registration.save(update_fields=["updated_at"])
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, now: datetime | None = None) -> Registration:
    """Cancel; a freed seat goes to the first person waiting for that mode, who is emailed."""
    now = now or timezone.now()
    event, registration = _lock_changeable(registration, now)
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.save()
    _send(registration, "registration_cancelled")
    if was_confirmed:
        _promote_first_in_line(event, registration.attendance_mode, now)
    return registration


# The waiting list ----------------------------------------------------------------------------


def _confirm_waitlisted(registration: Registration) -> Registration:
    registration.status = RegistrationStatus.CONFIRMED
    registration.save()
    _send(registration, "registration_promoted", with_calendar=True)
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
    return _confirm_waitlisted(first) if first else None


@transaction.atomic
def registration_fill_free_seats(
    *, event: Event, now: datetime | None = None
) -> list[Registration]:
    """Give every free place to the people waiting for it, in order, each emailed.

    Called when an organiser has saved the event (more seats, or a limit removed).
    """
    now = now or timezone.now()
    event = lock_event(event.pk)
    promoted = []
    for attendance_mode in event.offered_modes:
        while registration := _promote_first_in_line(event, attendance_mode, now):
            promoted.append(registration)
    return promoted


@transaction.atomic
def registration_confirm_from_waitlist(*, registration: Registration) -> Registration:
    """An organiser confirms this person from the waiting list, if a place is free."""
    event, registration = lock_registration(registration)
    if registration.status != RegistrationStatus.WAITLISTED:
        raise TransitionRefused(
            _("%(name)s is not on the waiting list.") % {"name": registration.full_name}
        )
    if not selectors.has_free_seat(event=event, attendance_mode=registration.attendance_mode):
        raise SeatsTaken(registration.attendance_mode)
    return _confirm_waitlisted(registration)


# Email ---------------------------------------------------------------------------------------


@transaction.atomic
def registration_resend_confirmation(*, registration: Registration) -> Registration:
    registration = Registration.objects.select_related("event").get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        raise TransitionRefused(_("This registration has been cancelled."))
    _send_confirmation(registration)
    return registration


def _send_confirmation(registration: Registration) -> None:
    _send(
        registration,
        "registration_confirmation",
        with_calendar=registration.status == RegistrationStatus.CONFIRMED,
    )


def _send(registration: Registration, template: str, *, with_calendar: bool = False) -> None:
    event = registration.event
    attachments = (
        [Attachment(f"{event.slug}.ics", event_calendar(event), "text/calendar")]
        if with_calendar
        else []
    )
    send_templated_email_on_commit(
        to=registration.email,
        template=template,
        context={
            "registration": registration,
            "event": event,
            "manage_url": absolute_url(registration_manage_path(registration)),
        },
        attachments=attachments,
    )


def registration_manage_path(registration: Registration) -> str:
    return reverse("registrations:registration_manage", kwargs={"token": registration.token})
