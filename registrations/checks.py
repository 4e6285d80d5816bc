"""System checks that catch misconfiguration at start-up."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def secret_key_is_configured(app_configs, **kwargs):
    if settings.SECRET_KEY_FROM_ENVIRONMENT:
        return []
    return [
        Warning(
            "SECRET_KEY is not set, so every process uses a random key of its own.",
            hint="Set SECRET_KEY in the environment (see .env.example).",
            id="registrations.W001",
        )
    ]
