"""Registration test data: people with realistic names, registered through the service."""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from registrations.models import AttendanceMode, InterestSurvey, OrganisationType, SurveyResponse
from registrations.services.registration import registration_create
from tests.factories import make_event

_people = count(1)

PEOPLE = [
    ("Anna", "Müller", "DE"),
    ("Jukka", "Järvenpää", "FI"),
    ("Łukasz", "Wójcik", "PL"),
    ("Inês", "Gonçalves", "PT"),
    ("Zoë", "Ó Briain", "IE"),
]


def make_open_event(**fields):
    """An event whose registration opened an hour ago."""
    fields.setdefault("registration_opens_at", timezone.now() - timedelta(hours=1))
    return make_event(**fields)


def person(**fields) -> dict:
    """Contact details of a new person (a unique email each time)."""
    number = next(_people)
    first, last, country = PEOPLE[number % len(PEOPLE)]
    details = dict(
        first_name=first,
        last_name=last,
        email=f"person{number}@cluster-{country.lower()}.example.eu",
        organisation=f"Cluster Łódź-Berlin {number}",
        organisation_type=OrganisationType.CLUSTER,
        job_title="Cluster manager",
        country=country,
    )
    details.update(fields)
    return details


def register(event, *, attendance_mode=AttendanceMode.ON_SITE, **fields):
    return registration_create(event=event, **person(**fields), attendance_mode=attendance_mode)


def make_survey_response(event, *, notify=True, **fields) -> SurveyResponse:
    survey, _ = InterestSurvey.objects.get_or_create(event=event, defaults={"is_open": True})
    details = person(**fields.pop("person", {}))
    defaults = dict(
        intent=AttendanceMode.ONLINE,
        notify_when_registration_opens=notify,
        consent_version="2020-08",
        consented_at=timezone.now(),
    )
    defaults.update(fields)
    return SurveyResponse.objects.create(survey=survey, **details, **defaults)
