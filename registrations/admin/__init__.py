"""Organiser administration, one module per area."""

from . import action_log, events, exports, matchmaking, meetings, messages, registrations, surveys  # noqa: F401
