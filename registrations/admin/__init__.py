"""Organiser administration, one module per area."""

from . import events, registrations  # noqa: F401
