"""Organiser administration, one module per area."""

from . import events, registrations, reporting, surveys  # noqa: F401
