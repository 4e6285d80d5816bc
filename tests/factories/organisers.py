"""Organiser accounts' second factor: an authenticator app (django-otp TOTP device)."""

from django_otp.plugins.otp_totp.models import TOTPDevice


def make_totp_device(user, *, confirmed: bool = True) -> TOTPDevice:
    """An authenticator app set up for `user` (confirmed, so logging in needs its code)."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=confirmed)
