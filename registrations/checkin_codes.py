"""The QR code an on-site attendee shows at the venue: the check-in token and nothing else.

It never holds the private link (that is a password for the registration): the staff who scan
it learn only a code that checks this person in. Pages get it as inline SVG; mail gets a PNG
attached inline (most mail clients block SVG), referred to from the HTML as `cid:`.
"""

import io

import segno
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from registrations.emails import Attachment
from registrations.models import AttendanceMode, Registration, RegistrationStatus

MAIL_IMAGE_CONTENT_ID = "checkin-code"
# The end of the token, for staff to type where the camera cannot read the code.
MANUAL_CODE_LENGTH = 8


def _qr(registration: Registration) -> segno.QRCode:
    return segno.make_qr(registration.checkin_token, error="m")


def shows_checkin_code(registration: Registration) -> bool:
    """Only a confirmed on-site attendee has a code to show at the venue."""
    return (
        registration.status == RegistrationStatus.CONFIRMED
        and registration.attendance_mode == AttendanceMode.ON_SITE
    )


def checkin_code_svg(registration: Registration) -> SafeString:
    """The QR code as an <svg> element for a page (segno writes only its own markup)."""
    svg = _qr(registration).svg_inline(
        scale=6, border=4, svgclass="checkin-code", lineclass=None, title=_("Your check-in code")
    )
    # segno writes only its own markup around our token: no user text in it.
    return mark_safe(svg)  # noqa: S308


def manual_code(registration: Registration) -> str:
    return registration.checkin_token[-MANUAL_CODE_LENGTH:]


def checkin_code_mail_image(registration: Registration) -> Attachment:
    """The PNG for the HTML mail, shown where the HTML says <img src="cid:checkin-code">."""
    png = io.BytesIO()
    _qr(registration).save(png, kind="png", scale=6, border=4)
    return Attachment(
        "check-in-code.png", png.getvalue(), "image/png", content_id=MAIL_IMAGE_CONTENT_ID
    )
