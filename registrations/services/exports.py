"""Reporting: every export is recorded (who took which data, when, with which filters)."""

from django.contrib.auth.models import User
from django.db import transaction

from registrations.models import Event, ExportRecord


@transaction.atomic
def export_record_create(
    *,
    kind: str,
    via: str,
    user: User | None = None,
    event: Event | None = None,
    filters: str = "",
) -> ExportRecord:
    """Record that an export of `kind` was taken, from the admin or a command."""
    return ExportRecord.objects.create(kind=kind, via=via, user=user, event=event, filters=filters)
