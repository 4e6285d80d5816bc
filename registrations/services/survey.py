"""The interest survey: organisers open and close it; a person submits, changes or withdraws.

One answer per email (any case) and survey: the database constraint decides, the service answers a
repeat by emailing the existing private link again, never by storing a second row or overwriting.
"""

from dataclasses import asdict, dataclass, fields
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registrations.emails import (
    absolute_url,
    link_again_allowed,
    send_templated_email_on_commit,
)
from registrations.models import InterestSurvey, SurveyResponse
from registrations.selectors import survey_accepts_answers, survey_intent_choices


class SurveyError(Exception):
    """A survey action that cannot be done; `message` is shown to the person as it is."""

    default_message = gettext_lazy("This cannot be done.")

    def __init__(self, message: str = ""):
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class SurveyClosed(SurveyError):
    default_message = gettext_lazy("This survey is closed, so your answer was not stored.")


class SurveyCannotOpen(SurveyError):
    default_message = gettext_lazy("This event has taken place; its survey cannot be opened.")


class IntentNotOffered(SurveyError):
    default_message = gettext_lazy("Please choose one of the ways this event can be attended.")


class AlreadyAnswered(SurveyError):
    default_message = gettext_lazy(
        "There is already an answer from this email address. We have emailed the private link "
        "again to that address: use it to change or withdraw the answer."
    )


@dataclass(frozen=True)
class SurveyAnswer:
    """What a person says in the survey, apart from the email that identifies them."""

    first_name: str
    last_name: str
    organisation: str
    organisation_type: str
    job_title: str
    country: str
    intent: str
    notify_when_registration_opens: bool
    comment: str = ""


SURVEY_ANSWER_FIELDS = [field.name for field in fields(SurveyAnswer)]


@transaction.atomic
def survey_open(*, survey: InterestSurvey, now: datetime | None = None) -> InterestSurvey:
    survey = InterestSurvey.objects.select_for_update().select_related("event").get(pk=survey.pk)
    if survey.event.is_over(now):
        raise SurveyCannotOpen()
    survey.is_open = True
    survey.save(update_fields=["is_open"])
    return survey


@transaction.atomic
def survey_close(*, survey: InterestSurvey) -> InterestSurvey:
    survey = InterestSurvey.objects.select_for_update().get(pk=survey.pk)
    survey.is_open = False
    survey.save(update_fields=["is_open"])
    return survey


def survey_response_submit(
    *, survey: InterestSurvey, email: str, answer: SurveyAnswer, now: datetime | None = None
) -> SurveyResponse:
    """Store a new answer and email its private link.

    If this email (any case) has answered already, nothing is stored or changed: the private link
    is emailed again and AlreadyAnswered is raised. The work is one transaction; the exception is
    raised only after it has committed, so that the email is not rolled back with it.
    """
    response, created = _response_create_or_find(survey=survey, email=email, answer=answer, now=now)
    if not created:
        raise AlreadyAnswered()
    return response


@transaction.atomic
def _response_create_or_find(
    *, survey: InterestSurvey, email: str, answer: SurveyAnswer, now: datetime | None
) -> tuple[SurveyResponse, bool]:
    survey = InterestSurvey.objects.select_related("event").get(pk=survey.pk)
    if not survey_accepts_answers(survey=survey, now=now):
        raise SurveyClosed()
    _check_intent(survey=survey, intent=answer.intent)
    existing = _existing_response(survey=survey, email=email)
    if existing is None:
        try:
            with transaction.atomic():  # a savepoint: a lost race leaves this transaction usable
                response = SurveyResponse.objects.create(
                    survey=survey,
                    email=email,
                    consent_version=settings.PRIVACY_NOTICE_VERSION,
                    consented_at=now or timezone.now(),
                    **asdict(answer),
                )
        except IntegrityError:
            existing = _existing_response(survey=survey, email=email)
            if existing is None:
                raise
        else:
            _email_link(response, template="survey_confirmation")
            return response, True
    if link_again_allowed(existing.token):
        _email_link(existing, template="survey_link_again")
    return existing, False


def _existing_response(*, survey: InterestSurvey, email: str) -> SurveyResponse | None:
    return SurveyResponse.objects.filter(survey=survey, email__iexact=email).first()


def _check_intent(*, survey: InterestSurvey, intent: str) -> None:
    if intent not in dict(survey_intent_choices(event=survey.event)):
        raise IntentNotOffered()


def _email_link(response: SurveyResponse, *, template: str) -> None:
    send_templated_email_on_commit(
        to=response.email,
        template=template,
        context={
            "response": response,
            "event": response.survey.event,
            "private_url": absolute_url(survey_private_path(response)),
        },
    )


def survey_private_path(response: SurveyResponse) -> str:
    return reverse("registrations:survey_private", kwargs={"token": response.token})


@transaction.atomic
def survey_response_change(
    *, response: SurveyResponse, answer: SurveyAnswer, by_organiser: bool = False
) -> SurveyResponse:
    """Change an answer (not its email: that is who answered). Organisers may after closing."""
    response = (
        SurveyResponse.objects.select_for_update()
        .select_related("survey__event")
        .get(pk=response.pk)
    )
    if not by_organiser and not survey_accepts_answers(survey=response.survey):
        raise SurveyClosed(
            _("This survey is closed, so answers can no longer be changed; you can still withdraw.")
        )
    _check_intent(survey=response.survey, intent=answer.intent)
    for field, value in asdict(answer).items():
        setattr(response, field, value)
    response.save()
    return response


@transaction.atomic
def survey_response_withdraw(*, response: SurveyResponse) -> None:
    """Delete the answer and everything in it (data minimisation); possible even when closed."""
    SurveyResponse.objects.filter(pk=response.pk).delete()
