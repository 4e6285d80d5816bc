"""Registrations made through the service, for people with realistic names."""

from registrations.models import AttendanceMode, Registration
from registrations.services.registration import registration_create
from tests.factories.people import person


def register(event, *, attendance_mode=AttendanceMode.ON_SITE, **fields) -> Registration:
    """Register a new person (`fields` override their details) through registration_create."""
    return registration_create(event=event, **person(**fields), attendance_mode=attendance_mode)


def registration_form_data(**fields) -> dict:
    """A complete, valid POST of the public registration form; a None value leaves a field out."""
    data = {
        **person(),
        "attendance_mode": AttendanceMode.ON_SITE,
        "consent": "on",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}
