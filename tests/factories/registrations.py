"""Registrations made through the service, for people with realistic names."""

from registrations.forms.registration import RegistrationForm
from registrations.models import AttendanceMode, Registration
from registrations.services.action_log import Actor
from registrations.services.registration import RegistrantDetails, registration_create
from tests.factories.people import person
from tests.factories.public_forms import bot_trap_fields

CHOICES = ["sessions", "accessibility_needs", "dietary_needs", "join_waiting_list"]


def registrant(*, attendance_mode: str = AttendanceMode.ON_SITE, **fields) -> RegistrantDetails:
    """A new person's registration form, as the service takes it; `fields` override any part."""
    choices = {name: fields.pop(name) for name in CHOICES if name in fields}
    return RegistrantDetails(**person(**fields), attendance_mode=attendance_mode, **choices)


def register(event, *, actor: Actor | None = None, language: str = "en", **fields) -> Registration:
    """Register a new person through registration_create (by the person, unless `actor`), with
    the form in `language`."""
    return registration_create(
        event=event, details=registrant(**fields), actor=actor or Actor.person(), language=language
    )


def registration_form_data(**fields) -> dict:
    """A complete, valid POST of the public registration form; a None value leaves a field out."""
    data = {
        **person(),
        "attendance_mode": AttendanceMode.ON_SITE,
        "consent": "on",
        **bot_trap_fields(RegistrationForm),
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}
