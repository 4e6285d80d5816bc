"""Organisers send again the mails the worker gave up on (the mail server was down too long)."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registrations.models import OutgoingMail, OutgoingMailStatus
from registrations.services.action_log import Actor, log_action


@transaction.atomic
def outgoing_mail_retry(*, mails: "QuerySet[OutgoingMail]", actor: Actor) -> int:
    """Run again, now, the tasks of these mails not sent; the mails they sent meanwhile stay
    sent (registrations.mail_delivery). Returns how many mails go out again."""
    not_sent = list(mails.exclude(status=OutgoingMailStatus.SENT).select_for_update(of=("self",)))
    task_ids = {mail.task_result_id for mail in not_sent if mail.task_result_id}
    retried_tasks = set(
        DBTaskResult.objects.filter(pk__in=task_ids, status="FAILED").values_list("pk", flat=True)
    )
    DBTaskResult.objects.filter(pk__in=retried_tasks).update(
        status="READY", run_after=timezone.now(), finished_at=None
    )
    retried_ids = {str(task_id) for task_id in retried_tasks}
    retried = [mail for mail in not_sent if mail.task_result_id in retried_ids]
    OutgoingMail.objects.filter(pk__in=[mail.pk for mail in retried]).update(
        status=OutgoingMailStatus.RETRYING
    )
    for mail in retried:
        log_action(subject=mail, event=mail.event, action="mail sent again", actor=actor)
    return len(retried)
