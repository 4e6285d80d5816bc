"""The use of a personal join link: who may join, when, and the first use recorded once."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registrations.joining import JoinWindow, OnlineAccess, WindowState, join_window, online_access
from registrations.models import AttendanceMode, Registration, RegistrationStatus

from .action_log import Actor, log_action
from .errors import ServiceError


class JoinRefused(ServiceError):
    """This person may not join through the link (not confirmed, or attending on site)."""

    default_message = gettext_lazy("This join link does not work for your registration.")

    @classmethod
    def for_registration(cls, registration: Registration) -> "JoinRefused":
        if registration.status == RegistrationStatus.CANCELLED:
            return cls(_("This registration is cancelled, so its join link no longer works."))
        if registration.status == RegistrationStatus.WAITLISTED:
            return cls(
                _(
                    "You are on the waiting list: the join link works once your place is "
                    "confirmed (we email you when it is)."
                )
            )
        if registration.attendance_mode == AttendanceMode.ON_SITE:
            return cls(_("You attend on site: the join link is for those who attend online."))
        return cls()


class JoinNotOpenYet(ServiceError):
    """Too early: `window` says when the link opens, `access` carries the notes to read
    beforehand (a dial-in, say)."""

    def __init__(self, window: JoinWindow, access: OnlineAccess) -> None:
        self.window, self.access = window, access
        super().__init__(_("Your join link is not open yet."))


class JoinOver(ServiceError):
    default_message = gettext_lazy("The event has ended, so the join link no longer works.")


class AccessNotPublished(ServiceError):
    default_message = gettext_lazy(
        "The organisers have not published the online access yet. Please try again a little "
        "later; the link stays the same."
    )


def join_link_check(*, registration: Registration, now: datetime) -> OnlineAccess:
    """The access to lead this person to at `now`, changing nothing.

    Refused when the person may not join (JoinRefused), before the window (JoinNotOpenYet),
    after the end (JoinOver) or while no address is set (AccessNotPublished).
    """
    if not registration.may_join_online():
        raise JoinRefused.for_registration(registration)
    window = join_window(registration.event)
    state = window.state(now)
    access = online_access(registration, now)
    if state == WindowState.NOT_YET:
        raise JoinNotOpenYet(window, access)
    if state == WindowState.OVER:
        raise JoinOver()
    if not access.url:
        raise AccessNotPublished()
    return access


@transaction.atomic
def join_link_use(
    *, registration: Registration, actor: Actor, now: datetime | None = None
) -> OnlineAccess:
    """join_link_check, and the first use recorded (once, however many clicks arrive at the
    same moment: a conditional UPDATE, so only one of them writes and logs)."""
    now = now or timezone.now()
    access = join_link_check(registration=registration, now=now)
    first_use = Registration.objects.filter(
        pk=registration.pk, first_joined_at__isnull=True
    ).update(first_joined_at=now)
    if first_use:
        registration.first_joined_at = now
        log_action(
            subject=registration,
            event=registration.event,
            action="joined online",
            actor=actor,
            changes={"first_joined_at": [None, now]},
        )
    return access
