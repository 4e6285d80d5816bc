"""Organiser administration, one module per area."""

from . import (
    events,  # noqa: F401
    reporting,  # noqa: F401
)
