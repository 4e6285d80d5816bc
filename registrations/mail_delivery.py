"""Each mail sent once, even when a worker dies mid-send or the mail server is down.

Every mail the worker sends goes through `deliver_once` under a key that stays the same when its
task runs again (a retry after an error, or a task taken up again after its worker died): the
running task's id and the recipient, or the bulk row the mail is for. The OutgoingMail row for
that key is written and locked in the transaction that hands the mail to the server, and that
transaction commits only after the server accepted it. So a killed worker leaves no "sent" row
(its transaction dies with its connection) and the retry sends the mail; a retry that finds
"sent" sends nothing. The one window left is the instant between the server's "accepted" and
the commit: a worker killed exactly then sends that one mail twice, never zero times.
"""

import contextvars
import uuid
from typing import Any

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from registrations.models import OutgoingMail, OutgoingMailStatus

# The ids of the tasks running in this context, innermost last (a task run at once by the
# immediate backend may run another).
_running_tasks: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "running_tasks", default=()
)


class MailNotSent(Exception):
    """The mail server refused or could not be reached; the failure is recorded, and the task
    that raises this runs again later (registrations.worker)."""


def task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    _running_tasks.set((*_running_tasks.get(), str(task_result.id)))


def task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    _running_tasks.set(_running_tasks.get()[:-1])


def running_task_id() -> str | None:
    running = _running_tasks.get()
    return running[-1] if running else None


def task_mail_key(recipient: str) -> str:
    """The key of the running task's mail to `recipient`: the same on every run of the task.
    Outside a task (a direct call), a key of its own: nothing to send twice."""
    task_id = running_task_id()
    if task_id is None:
        return f"untracked:{uuid.uuid4()}"
    return f"task:{task_id}:{recipient.lower()}"


def _locked_record(key: str, message: EmailMessage, event_id: int | None) -> OutgoingMail:
    """The row for `key`, created if new, locked until the transaction ends (a second worker
    with the same key waits, then finds it sent)."""
    OutgoingMail.objects.bulk_create(
        [
            OutgoingMail(
                key=key,
                event_id=event_id,
                recipient=message.to[0],
                subject=str(message.subject)[:255],
                status=OutgoingMailStatus.RETRYING,
                task_result_id=running_task_id() or "",
            )
        ],
        ignore_conflicts=True,
    )
    return OutgoingMail.objects.select_for_update().get(key=key)


def deliver_once(message: EmailMessage, *, key: str, event_id: int | None = None) -> bool:
    """Send `message` unless the mail with this key was sent already. True if sent now, False if
    it had been; raises MailNotSent (after recording the error) if the server did not take it."""
    with transaction.atomic():
        record = _locked_record(key, message, event_id)
        if record.status == OutgoingMailStatus.SENT:
            return False
        record.attempts += 1
        record.last_attempt_at = timezone.now()
        try:
            message.send()
        except Exception as error:  # any transport error: recorded, tried again later
            record.status = OutgoingMailStatus.RETRYING
            record.last_error = f"{type(error).__name__}: {error}"[:2000]
            record.save()
            failure = error
        else:
            record.status = OutgoingMailStatus.SENT
            record.sent_at = record.last_attempt_at
            record.last_error = ""
            record.save()
            return True
    raise MailNotSent(f"{record.recipient}: {record.last_error}") from failure


def give_up_on_task_mail(task_id: str) -> int:
    """The worker stopped retrying this task: its mails not sent are marked as given up, which
    is what organisers look for in the admin. Returns how many."""
    return OutgoingMail.objects.filter(
        task_result_id=task_id, status=OutgoingMailStatus.RETRYING
    ).update(status=OutgoingMailStatus.FAILED)
