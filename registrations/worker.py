"""The mail worker: django-tasks' database worker, plus what it lacks to lose nothing.

- A lease: each worker writes a heartbeat every WORKER_HEARTBEAT_SECONDS. A task still marked
  running by a worker silent for TASK_LEASE_SECONDS (killed, its machine gone) is made ready
  again, and any worker takes it up; its mails already sent are not sent again
  (registrations.mail_delivery).
- Retries: a task that fails (the mail server down, the database restarting) runs again after
  TASK_RETRY_DELAY_SECONDS, doubling each time up to an hour, TASK_MAX_ATTEMPTS times in all;
  then it stays failed, and its mails show as given up in the admin's outgoing mail list.
"""

import logging
import os
import socket
import threading
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from registrations.mail_delivery import give_up_on_task_mail
from registrations.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

MAX_RETRY_DELAY = timedelta(hours=1)


def attempts_of(result: DBTaskResult) -> int:
    """How many times a worker took the task (each claim adds the worker's id)."""
    return len(result.worker_ids)


def retry_delay(attempts: int) -> timedelta:
    """The wait before the next attempt after `attempts` failed ones."""
    delay = timedelta(seconds=settings.TASK_RETRY_DELAY_SECONDS) * 2 ** max(attempts - 1, 0)
    return min(delay, MAX_RETRY_DELAY)


def _ready_again(result: DBTaskResult, *, run_after: datetime) -> None:
    result.status = "READY"
    result.run_after = run_after
    result.finished_at = None
    result.save(update_fields=["status", "run_after", "finished_at"])


def _give_up(result: DBTaskResult) -> None:
    """The task stays failed: its mails not sent show as given up."""
    given_up = give_up_on_task_mail(str(result.id))
    logger.error(
        "Task %s %s given up after %d attempts; %d mail(s) not sent (admin: outgoing mail)",
        result.task_name,
        result.id,
        attempts_of(result),
        given_up,
    )


class TaskAbandoned(Exception):
    """Its worker stopped sending heartbeats while it ran the task, TASK_MAX_ATTEMPTS times."""


def heartbeat(worker_id: str, *, now: datetime | None = None) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "last_seen_at": now or timezone.now(),
            "host": socket.gethostname(),
            "pid": os.getpid(),
        },
    )


def requeue_abandoned_tasks(*, now: datetime | None = None) -> int:
    """Make the running tasks of workers silent for longer than the lease ready again (or failed,
    after TASK_MAX_ATTEMPTS); forget long-dead workers. Returns how many were made ready."""
    now = now or timezone.now()
    silent_since = now - timedelta(seconds=settings.TASK_LEASE_SECONDS)
    alive = set(
        WorkerHeartbeat.objects.filter(last_seen_at__gte=silent_since).values_list(
            "worker_id", flat=True
        )
    )
    requeued = 0
    with transaction.atomic():
        running = DBTaskResult.objects.running().select_for_update(skip_locked=True)
        for result in running:
            if result.worker_ids and result.worker_ids[-1] in alive:
                continue
            if result.started_at and result.started_at >= silent_since:
                continue  # claimed just now by a worker whose first heartbeat is on its way
            if attempts_of(result) >= settings.TASK_MAX_ATTEMPTS:
                result.set_failed(TaskAbandoned(f"worker {result.worker_ids[-1]} went silent"))
                _give_up(result)
                continue
            logger.warning(
                "Task %s %s of silent worker %s taken up again",
                result.task_name,
                result.id,
                result.worker_ids[-1] if result.worker_ids else "?",
            )
            _ready_again(result, run_after=now)
            requeued += 1
        WorkerHeartbeat.objects.filter(last_seen_at__lt=now - timedelta(days=1)).delete()
    return requeued


def retry_or_give_up(result: DBTaskResult, *, now: datetime | None = None) -> None:
    """After a failed run: ready again after the back-off, or failed for good."""
    result.refresh_from_db()
    if result.status != "FAILED":
        return
    attempts = attempts_of(result)
    if attempts >= settings.TASK_MAX_ATTEMPTS:
        _give_up(result)
        return
    run_after = (now or timezone.now()) + retry_delay(attempts)
    logger.warning(
        "Task %s %s failed (attempt %d); again at %s",
        result.task_name,
        result.id,
        attempts,
        run_after.isoformat(),
    )
    _ready_again(result, run_after=run_after)


class LeasedWorker(Worker):
    """django-tasks-db's worker with a heartbeat, the lease sweep and retries."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._stopped = threading.Event()

    def _beat(self) -> None:
        """In its own thread (and database connection): heartbeat, then the sweep."""
        while not self._stopped.wait(settings.WORKER_HEARTBEAT_SECONDS):
            self._beat_once()
        connection.close()

    def _beat_once(self) -> None:
        try:
            close_old_connections()
            heartbeat(self.worker_id)
            requeue_abandoned_tasks()
        except DatabaseError:
            logger.exception("Heartbeat of worker %s failed; trying again", self.worker_id)

    def run(self) -> None:
        self._beat_once()  # alive, and any task a dead worker left behind is ready again
        beat = threading.Thread(target=self._beat, name="worker-heartbeat", daemon=True)
        beat.start()
        try:
            super().run()
        finally:
            self._stopped.set()
            beat.join(timeout=5)
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        retry_or_give_up(db_task_result)
