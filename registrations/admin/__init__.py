"""Organiser administration, one module per area."""

from . import action_log, events, exports, matchmaking, registrations, surveys  # noqa: F401
