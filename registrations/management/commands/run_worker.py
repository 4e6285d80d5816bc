"""`manage.py run_worker`: the mail worker (registrations.worker), with every option of
django-tasks-db's `db_worker`, which it extends with a lease and retries."""

import os
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from registrations.worker import LeasedWorker


class Command(db_worker.Command):
    help = "Run the mail worker: a lease for the tasks of dead workers, and retries."

    def handle(self, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        worker = LeasedWorker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=[name for name in options["exclude_queues"].split(",") if name],
        )
        if options["reload"] and not options["batch"]:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the child process runs tasks
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
