"""Scheduling an event's reminder mails (sent by registrations.tasks.reminders)."""

from django.db import transaction
from django.utils import formats, timezone

from registrations.models import Event
from registrations.tasks.reminders import enqueue_reminders

from .action_log import Actor, log_action


@transaction.atomic
def reminders_schedule(*, event: Event, actor: Actor) -> list[str]:
    """Queue each reminder of the event for its due time, once the transaction has committed.

    Called when registration opens and whenever the event's start or its reminders change; the
    tasks queued before for other times then send nothing. Nothing is queued for an event whose
    registration was never opened (nor scheduled to open), that has started, or that has no
    reminders. Returns the due times queued, in the event's time zone, as logged.
    """
    if event.registration_opens_at is None or timezone.now() >= event.start:
        return []
    reminders = list(event.reminders.all())
    if not reminders:
        return []
    due_times = [
        formats.date_format(timezone.localtime(reminder.due_at(), event.tzinfo), "j M Y, H:i")
        for reminder in reminders
    ]
    log_action(
        subject=event,
        event=event,
        action="reminders scheduled",
        actor=actor,
        changes={f"reminders due ({event.timezone})": [None, due_times]},
    )
    transaction.on_commit(lambda: enqueue_reminders(reminders=reminders))
    return due_times
