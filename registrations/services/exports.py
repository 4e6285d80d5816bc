"""Exports: every export is recorded (who took which data, when, with which filters)."""

from django.db import transaction

from registrations.models import Event, ExportRecord

from .action_log import Actor


@transaction.atomic
def export_record_create(
    *,
    kind: str,
    via: str,
    actor: Actor,
    event: Event | None = None,
    filters: str = "",
) -> ExportRecord:
    """Record that an export of `kind` was taken, from the admin (by an organiser) or a command
    (the system's: whoever runs commands has the server)."""
    return ExportRecord.objects.create(
        kind=kind, via=via, user=actor.user, event=event, filters=filters
    )
