"""Queued tasks as a worker would see them: with settings.TASKS set to django-tasks'
DummyBackend (it supports run_after), tasks are only recorded; these run them."""

from django_tasks.base import Task, TaskResult

from tests.helpers.clock import clock_at


def queued(task: Task) -> list[TaskResult]:
    """The results of `task` queued so far (the dummy backend keeps them in order)."""
    return [result for result in task.get_backend().results if result.task.func is task.func]


def run_queued_on_time(task: Task) -> list:
    """Run each queued `task` at its run_after time, earliest first, as a worker would, and
    take them off the queue; returns what each returned."""
    backend = task.get_backend()
    due = sorted(queued(task), key=lambda result: result.task.run_after)
    for result in due:
        backend.results.remove(result)
    outcomes = []
    for result in due:
        with clock_at(result.task.run_after):
            outcomes.append(task.call(*result.args, **result.kwargs))
    return outcomes


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def run_mail_worker(worker_id: str = "test-worker") -> None:
    """The project's worker (registrations.worker) in this process, until no task is ready."""
    from registrations.worker import LeasedWorker

    LeasedWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()
