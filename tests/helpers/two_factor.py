"""Codes of an authenticator app (TOTP), as the organiser's phone would show them."""

from django_otp.oath import TOTP, hotp


def _codes_around_now(device, tolerance: int) -> list[str]:
    """The codes of the time steps from `tolerance` before now to `tolerance` after."""
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    return [
        f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"
        for step in range(now - tolerance, now + tolerance + 1)
    ]


def current_code(device) -> str:
    """The code the app shows now."""
    return _codes_around_now(device, 0)[0]


def wrong_code(device) -> str:
    """A code of the right form that the device refuses: none of those it accepts around now."""
    accepted = set(_codes_around_now(device, device.tolerance))
    return next(code for code in (f"{n:06d}" for n in range(10)) if code not in accepted)
