"""Organiser administration, one module per area."""

from . import events, matchmaking, registrations, surveys  # noqa: F401
