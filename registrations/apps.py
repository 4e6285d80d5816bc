from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registrations"
    verbose_name = _("Events and registrations")

    def ready(self) -> None:
        from django_tasks.signals import task_finished, task_started

        from registrations import mail_delivery, rate_limits  # noqa: F401 - rate_limits: its check

        # The running task's id names its mails, so that a retry of the task finds them sent.
        task_started.connect(mail_delivery.task_started, dispatch_uid="mail_delivery_started")
        task_finished.connect(mail_delivery.task_finished, dispatch_uid="mail_delivery_finished")
