"""Organiser administration, one module per area."""

from . import events, registrations, surveys  # noqa: F401
