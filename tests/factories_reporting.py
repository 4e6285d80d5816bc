"""Factory helpers for reporting tests: survey responses, registrations, applications."""

from datetime import datetime
from itertools import count

from django.utils import timezone

from registrations.models import (
    ApplicantType,
    AttendanceIntent,
    AttendanceMode,
    Event,
    ExpressionOfInterest,
    InterestSurvey,
    OrganisationType,
    Registration,
    RegistrationStatus,
    Sector,
    SurveyResponse,
)

_sequence = count(1)

PEOPLE = [
    ("Jürgen", "Müller", "Müller Cluster GmbH", "DE"),
    ("Aino", "Järvenpää", "Järvenpää Tech Oy", "FI"),
    ("Zofia", "Wójcik", "Klaster Łódź", "PL"),
]


def _person(number: int) -> dict:
    first, last, organisation, country = PEOPLE[number % len(PEOPLE)]
    return dict(
        first_name=first,
        last_name=last,
        email=f"{last.lower()}.{number}@example.org",
        organisation=organisation,
        organisation_type=OrganisationType.CLUSTER,
        job_title="Cluster manager",
        country=country,
        consent_version="2026-01",
        consented_at=timezone.now(),
    )


def make_survey_response(event: Event, **fields) -> SurveyResponse:
    survey, _ = InterestSurvey.objects.get_or_create(event=event, defaults={"is_open": True})
    values = _person(next(_sequence)) | dict(intent=AttendanceIntent.ON_SITE)
    values.update(fields)
    return SurveyResponse.objects.create(survey=survey, **values)


def make_registration(event: Event, *, sessions=(), created_at: datetime | None = None, **fields):
    values = _person(next(_sequence)) | dict(
        attendance_mode=AttendanceMode.ON_SITE, status=RegistrationStatus.CONFIRMED
    )
    values.update(fields)
    registration = Registration.objects.create(event=event, **values)
    registration.sessions.set(sessions)
    if created_at:
        Registration.objects.filter(pk=registration.pk).update(created_at=created_at)
        registration.refresh_from_db()
    return registration


def make_sector(name: str) -> Sector:
    return Sector.objects.get_or_create(name=name)[0]


def make_application(event: Event, *, sectors=(), **fields) -> ExpressionOfInterest:
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
        consent_version="2026-01",
        consented_at=timezone.now(),
    )
    values.update(fields)
    application = ExpressionOfInterest.objects.create(event=event, **values)
    application.sectors.set(sectors)
    return application
