"""Background tasks (django-tasks, run by `manage.py run_worker`), one module per area."""
