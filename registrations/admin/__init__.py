"""Organiser administration, one module per area."""

from . import events, surveys  # noqa: F401
