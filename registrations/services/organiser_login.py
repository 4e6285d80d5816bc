"""Two-factor login for organisers: setting up an authenticator app (TOTP, django-otp).

An organiser scans the secret of a not yet confirmed device into an app and proves it with the
code the app shows; only then does the device count and every later login need a code.
"""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from registrations.services.action_log import Actor, log_action
from registrations.services.errors import ServiceError

AUTHENTICATOR_APP = "Authenticator app"
SET_UP_TWO_FACTOR_LOGIN = "set up two-factor login"


class WrongCode(ServiceError):
    default_message = gettext_lazy(
        "That is not the code your app shows now. Enter the current 6-digit code."
    )


@transaction.atomic
def totp_device_to_set_up(*, user: User) -> TOTPDevice:
    """The device being set up: the same secret on every visit until it is confirmed.

    Not logged: an unconfirmed device lets nobody in and changes nothing about the login.
    """
    device: TOTPDevice | None = (
        TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    )
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_APP, confirmed=False)
    return device


def totp_device_confirm(*, device: TOTPDevice, code: str, actor: Actor) -> None:
    """Confirm the device with the code its app shows; from now on logging in needs a code.

    The code is checked before the transaction: a wrong code is counted on the device (and
    repeated wrong codes slow down further tries), which a rollback would undo.
    """
    if not device.verify_token(code):
        raise WrongCode(field="code")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        log_action(subject=device.user, action=SET_UP_TWO_FACTOR_LOGIN, actor=actor)
