"""Reminder mails to an event's confirmed attendees, each sent when it falls due.

One task per reminder is queued with run_after = its due time (services.reminders schedules
them when registration opens and again whenever the event's start or its reminders change). A
queued task carries the due time it was queued for: once the time moves, the old task finds a
different due time and sends nothing, and the task queued for the new time does the work.

Who gets a reminder: everyone confirmed when it goes out who registered before its due time. A
person who registers after that got the confirmation mail with the same details instead. Each
person gets each reminder once (a ReminderDelivery row per person, marked in the transaction that
mails it), however often the task runs, however many workers run it, and however often the event
moves.
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from registrations.emails import absolute_url, mail_each_once
from registrations.joining import joining_for
from registrations.models import (
    AttendanceMode,
    Event,
    EventReminder,
    Registration,
    RegistrationStatus,
    ReminderDelivery,
)
from registrations.services.action_log import Actor, log_action

# A mail that goes out later than this share of its lead time after its due time (a worker was
# down, or the event moved closer) names the time actually left rather than the planned one.
LATE_SHARE = 0.1

_UNITS = (
    (timedelta(days=1), lambda n: ngettext("%(n)d day", "%(n)d days", n)),
    (timedelta(hours=1), lambda n: ngettext("%(n)d hour", "%(n)d hours", n)),
    (timedelta(minutes=1), lambda n: ngettext("%(n)d minute", "%(n)d minutes", n)),
)


def lead_time_in_words(lead: timedelta) -> str:
    """ "7 days", "1 hour", "1 day and 12 hours": the two largest units, to the minute."""
    left = timedelta(minutes=round(lead / timedelta(minutes=1)))
    parts = []
    for unit, words in _UNITS:
        count, left = divmod(left, unit)
        if count:
            parts.append(words(count) % {"n": count})
    return _(" and ").join(parts[:2]) or _("a moment")


def enqueue_reminders(*, reminders: list[EventReminder]) -> None:
    """Queue one task per reminder at its due time (at once where the backend cannot defer:
    the task then finds it too early and sends nothing)."""
    now = timezone.now()
    for reminder in reminders:
        due_at = reminder.due_at()
        queued = send_reminder
        if due_at > now and queued.get_backend().supports_defer:
            queued = queued.using(run_after=due_at)
        queued.enqueue(reminder_id=reminder.pk, due_at=due_at.isoformat())


def _should_send(reminder: EventReminder, due_at: str, now: datetime) -> bool:
    if reminder.due_at() != datetime.fromisoformat(due_at):
        return False  # deleted, or moved: the task queued for the new time sends it
    event = reminder.event
    if now < reminder.due_at() or now >= event.start or not event.registration_has_opened(now):
        return False
    # Overtaken: a shorter reminder is due as well (the event moved closer, or the worker was
    # down), so the people get that one alone.
    return not any(
        other.due_at() <= now
        for other in event.reminders.all()
        if other.send_before < reminder.send_before
    )


# In words only when a mail is rendered, in its reader's language (emails.render_templated_email).
lazy_lead_time_in_words = lazy(lead_time_in_words, str)


def _lead(reminder: EventReminder, now: datetime) -> timedelta:
    left = reminder.event.start - now
    late = now - reminder.due_at() > reminder.send_before * LATE_SHARE
    return left if late else reminder.send_before


def _pending_deliveries(reminder: EventReminder):
    """Not yet mailed, to people still confirmed (a cancelled person's row stays unsent)."""
    return ReminderDelivery.objects.filter(
        reminder=reminder,
        sent_at__isnull=True,
        registration__status=RegistrationStatus.CONFIRMED,
    ).select_related("registration__event")


def reminder_context(
    registration: Registration, *, event: Event, lead: timedelta
) -> dict[str, object]:
    """What the reminder mail shows one person: their mode's part, never the online address
    itself (the personal join link leads there, and only in time)."""
    return {
        "registration": registration,
        "event": event,
        "lead_time": lazy_lead_time_in_words(lead),
        "on_site": registration.attendance_mode == AttendanceMode.ON_SITE,
        "joining": joining_for(registration),
        "manage_url": absolute_url(registration.private_path()),
    }


@task()
def send_reminder(reminder_id: int, due_at: str) -> int:
    """Mail one reminder, if it is still due at `due_at` (ISO time), to each person once;
    returns how many were sent."""
    now = timezone.now()
    reminder = (
        EventReminder.objects.select_related("event")
        .prefetch_related("event__reminders")
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None or not _should_send(reminder, due_at, now):
        return 0
    event = reminder.event
    confirmed_in_time = Registration.objects.filter(
        event=event, status=RegistrationStatus.CONFIRMED, created_at__lte=reminder.due_at()
    ).values_list("pk", flat=True)
    ReminderDelivery.objects.bulk_create(
        [ReminderDelivery(reminder=reminder, registration_id=pk) for pk in confirmed_in_time],
        ignore_conflicts=True,
    )
    lead = _lead(reminder, now)
    sent = mail_each_once(
        _pending_deliveries(reminder),
        sent_at_field="sent_at",
        mail=lambda delivery: {
            "to": delivery.registration.email,
            "template": "reminder",
            "context": reminder_context(delivery.registration, event=event, lead=lead),
            "language": delivery.registration.language,
        },
    )
    if sent:
        log_action(
            subject=event,
            event=event,
            action="reminder sent",
            actor=Actor.system(
                f"reminder {lead_time_in_words(reminder.send_before)} before the start"
            ),
            changes={"reminders sent": [0, sent]},
        )
    return sent
