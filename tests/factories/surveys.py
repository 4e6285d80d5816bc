"""Interest surveys and their responses."""

from django.conf import settings
from django.utils import timezone

from registrations.forms.survey import SurveyResponseForm
from registrations.models import AttendanceIntent, Event, InterestSurvey, SurveyResponse
from registrations.services.action_log import Actor
from registrations.services.survey import SurveyAnswer, survey_response_submit
from tests.factories.events import make_event
from tests.factories.people import person
from tests.factories.public_forms import bot_trap_fields


def make_survey(event: Event | None = None, **fields) -> InterestSurvey:
    fields.setdefault("is_open", True)
    fields.setdefault("intro", "Tell us whether you plan to come to Berlin or to follow online.")
    return InterestSurvey.objects.create(event=event or make_event(), **fields)


def survey_answer(**overrides) -> SurveyAnswer:
    fields = dict(
        first_name="Anna",
        last_name="Müller",
        organisation="Cluster Łódź",
        organisation_type="cluster",
        job_title="Cluster manager",
        country="PL",
        intent="on_site",
        notify_when_registration_opens=True,
        comment="",
    )
    fields.update(overrides)
    return SurveyAnswer(**fields)


def make_response(
    survey: InterestSurvey, email: str = "anna.mueller@example.de", **answer
) -> SurveyResponse:
    """A response submitted through the service (as the public form does)."""
    return survey_response_submit(
        survey=survey, email=email, answer=survey_answer(**answer), actor=Actor.person()
    )


def make_survey_response(event: Event, **fields) -> SurveyResponse:
    """A response of a new person to the event's survey (made open if missing), stored directly.

    `fields` override the person's details and the answers (intent, notify_when_registration_opens,
    comment, ...)."""
    survey, _ = InterestSurvey.objects.get_or_create(event=event, defaults={"is_open": True})
    values = person() | dict(
        intent=AttendanceIntent.ON_SITE,
        notify_when_registration_opens=True,
        consent_version=settings.PRIVACY_NOTICE_VERSION,
        consented_at=timezone.now(),
    )
    values.update(fields)
    return SurveyResponse.objects.create(survey=survey, **values)


def survey_form_data(**overrides) -> dict:
    """A complete, valid POST of the public survey form."""
    data = {
        "first_name": "Mikko",
        "last_name": "Järvenpää",
        "email": "mikko.jarvenpaa@example.fi",
        "organisation": "Cluster Finland",
        "organisation_type": "cluster",
        "job_title": "Cluster manager",
        "country": "FI",
        "intent": "online",
        "notify_when_registration_opens": "on",
        "comment": "",
        "consent": "on",
        **bot_trap_fields(SurveyResponseForm),
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def survey_change_data(**overrides) -> dict:
    """A POST of the private survey page's change form; a None value leaves a field out."""
    data = {
        "first_name": "Anna",
        "last_name": "Müller",
        "organisation": "Cluster Łódź",
        "organisation_type": "cluster",
        "job_title": "Cluster manager",
        "country": "PL",
        "intent": "online",
        "comment": "Travel budget was cut.",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}
