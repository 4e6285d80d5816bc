"""Background tasks (django-tasks, run by `manage.py db_worker`), one module per area."""
