"""Organiser administration, one module per area."""

from . import events, exports, matchmaking, registrations, surveys  # noqa: F401
