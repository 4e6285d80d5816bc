"""Organiser administration, one module per area."""

from . import (  # noqa: F401
    action_log,
    events,
    exports,
    matchmaking,
    meetings,
    messages,
    outgoing_mail,
    privacy,
    registrations,
    surveys,
)
