"""Organiser administration, one module per area."""

from . import events, matchmaking  # noqa: F401
