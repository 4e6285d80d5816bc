"""The authentication backend behind django-axes' lockout check (AUTHENTICATION_BACKENDS)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice


class OrganiserBackend(ModelBackend):
    """Django's own backend; the logged-in user also knows whether it has set up two-factor login.

    `has_second_factor` is read with the user, in the same query, so the admin's check on every
    page costs nothing more.
    """

    def get_user(self, user_id: Any) -> Any:
        confirmed_devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        user = (
            get_user_model()
            ._default_manager.annotate(has_second_factor=Exists(confirmed_devices))
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
