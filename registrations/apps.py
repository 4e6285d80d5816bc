from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registrations"
    verbose_name = "Events and registrations"

    def ready(self) -> None:
        from registrations import rate_limits  # noqa: F401 - registers the check of the rates
