"""Organiser administration, one module per area."""

from . import events, matchmaking, registrations, reporting, surveys  # noqa: F401
