"""Rows stored directly, as the exports and the event report read them: any status, any
creation time, an application without a call."""

from datetime import datetime
from itertools import count

from django.conf import settings
from django.utils import timezone

from registrations.models import (
    ApplicantType,
    AttendanceMode,
    Event,
    ExpressionOfInterest,
    Registration,
    RegistrationStatus,
)
from tests.factories.people import person

_sequence = count(1)


def make_registration(event: Event, *, sessions=(), created_at: datetime | None = None, **fields):
    """A confirmed on-site registration of a new person; `fields` override any column."""
    values = person() | dict(
        attendance_mode=AttendanceMode.ON_SITE,
        status=RegistrationStatus.CONFIRMED,
        consent_version=settings.PRIVACY_NOTICE_VERSION,
        consented_at=timezone.now(),
    )
    values.update(fields)
    registration = Registration.objects.create(event=event, **values)
    registration.sessions.set(sessions)
    if created_at:
        Registration.objects.filter(pk=registration.pk).update(created_at=created_at)
        registration.refresh_from_db()
    return registration


def make_stored_application(event: Event, *, sectors=(), **fields) -> ExpressionOfInterest:
    """An expression of interest for the event, without a call or declarations."""
    number = next(_sequence)
    values = dict(
        legal_name=f"Klaster Łódź {number} sp. z o.o.",
        country="PL",
        organisation_type=ApplicantType.CLUSTER,
        members_count=120,
        offers="Textile innovation, testing labs",
        seeks="Partners in Finland",
        contact_first_name="Zofia",
        contact_last_name="Wójcik",
        contact_email=f"wojcik.{number}@example.org",
        consent_version=settings.PRIVACY_NOTICE_VERSION,
        consented_at=timezone.now(),
    )
    values.update(fields)
    application = ExpressionOfInterest.objects.create(event=event, **values)
    application.sectors.set(sectors)
    return application
