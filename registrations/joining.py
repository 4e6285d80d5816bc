"""Joining online: when a personal join link works and where it leads (one place for both).

The window: from `join_opens_minutes_before` minutes before the event's start until its end,
[event.start - minutes, event.end).

The access (address and notes): the person's chosen session that is running at that moment,
else the next of their sessions to start, provided it has an access of its own; otherwise the
event's. A session's own access is taken as a pair: a session with its own address brings its
own notes (even none), because the event's dial-in belongs to the event's address; a session
with only notes of its own takes the event's address with those notes. Someone who chose no
session, or whose sessions are all over, joins through the event's access.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.utils import timezone

from registrations.emails import absolute_url
from registrations.models import Event, Registration, Session


class WindowState(StrEnum):
    NOT_YET = "not_yet"
    OPEN = "open"
    OVER = "over"


@dataclass(frozen=True)
class JoinWindow:
    opens: datetime
    closes: datetime

    def state(self, now: datetime) -> WindowState:
        if now < self.opens:
            return WindowState.NOT_YET
        return WindowState.OPEN if now < self.closes else WindowState.OVER


def join_window(event: Event) -> JoinWindow:
    return JoinWindow(
        opens=event.start - timedelta(minutes=event.join_opens_minutes_before), closes=event.end
    )


@dataclass(frozen=True)
class OnlineAccess:
    url: str
    notes: str
    session: Session | None  # the session whose own access this is; None: the event's


def _current_or_next(sessions: Iterable[Session], now: datetime) -> Session | None:
    ahead = [session for session in sessions if session.end > now]
    return min(ahead, key=lambda session: (session.start, session.pk), default=None)


def online_access(registration: Registration, now: datetime) -> OnlineAccess:
    """The address and notes that fit this person at `now` (the rule: see the module)."""
    event = registration.event
    session = _current_or_next(registration.sessions.all(), now)
    if session is not None and session.online_join_url:
        return OnlineAccess(session.online_join_url, session.online_access_notes, session)
    if session is not None and session.online_access_notes:
        return OnlineAccess(event.online_join_url, session.online_access_notes, session)
    return OnlineAccess(event.online_join_url, event.online_access_notes, None)


@dataclass(frozen=True)
class Joining:
    """What the private page, the mails and the calendar file say about joining online: the
    personal join link (empty where this person has none that works), its window and the
    access notes."""

    join_url: str
    window: JoinWindow
    access: OnlineAccess | None


def joining_for(registration: Registration, now: datetime | None = None) -> Joining:
    entitled = registration.may_join_online()
    return Joining(
        join_url=absolute_url(registration.join_path()) if entitled else "",
        window=join_window(registration.event),
        access=online_access(registration, now or timezone.now()) if entitled else None,
    )
