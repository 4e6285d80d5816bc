"""Organiser administration, one module per area."""

from . import events, matchmaking, surveys  # noqa: F401
