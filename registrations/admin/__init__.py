"""Organiser administration, one module per area."""

from . import action_log, events, exports, matchmaking, meetings, registrations, surveys  # noqa: F401
