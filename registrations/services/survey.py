"""The interest survey: organisers open and close it; a person submits, changes or withdraws.

One answer per email (any case) and survey: the database constraint decides; a repeat is refused
with AlreadyAnswered and the existing private link is emailed again, never a second row stored.
"""

from dataclasses import asdict, dataclass, fields
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from registrations.emails import absolute_url, send_templated_email_on_commit
from registrations.models import ActorKind, InterestSurvey, SurveyResponse, consent_given
from registrations.selectors import survey_accepts_answers, survey_intent_choices

from .action_log import Actor, field_changes, forget_changes, log_action, snapshot
from .errors import AlreadyEntered, ServiceError, TransitionRefused
from .personal_data import forget_mail_to
from .private_links import email_private_link, emails_private_link_again


class SurveyClosed(ServiceError):
    default_message = gettext_lazy("This survey is closed, so your answer was not stored.")


class IntentNotOffered(ServiceError):
    default_message = gettext_lazy("Please choose one of the ways this event can be attended.")

    def __init__(self) -> None:
        super().__init__(field="intent")


class AlreadyAnswered(AlreadyEntered):
    default_message = gettext_lazy(
        "There is already an answer from this email address. We have emailed the private link "
        "again to that address: use it to change or withdraw the answer."
    )

    def __init__(self, *, survey: InterestSurvey, email: str) -> None:
        super().__init__(email_link_again=lambda: _email_link_again(survey=survey, email=email))


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
def survey_open(
    *, survey: InterestSurvey, actor: Actor, now: datetime | None = None
) -> InterestSurvey:
    survey = InterestSurvey.objects.select_for_update().select_related("event").get(pk=survey.pk)
    if survey.event.is_over(now):
        raise TransitionRefused(
            gettext_lazy("This event has taken place; its survey cannot be opened.")
        )
    return _set_open(survey, is_open=True, actor=actor)


@transaction.atomic
def survey_close(*, survey: InterestSurvey, actor: Actor) -> InterestSurvey:
    survey = InterestSurvey.objects.select_for_update().select_related("event").get(pk=survey.pk)
    return _set_open(survey, is_open=False, actor=actor)


def _set_open(survey: InterestSurvey, *, is_open: bool, actor: Actor) -> InterestSurvey:
    before = snapshot(survey, ["is_open"])
    survey.is_open = is_open
    survey.save(update_fields=["is_open"])
    log_action(
        subject=survey,
        event=survey.event,
        action="survey opened" if is_open else "survey closed",
        actor=actor,
        changes=field_changes(before, survey),
    )
    return survey


@emails_private_link_again
def survey_response_submit(
    *,
    survey: InterestSurvey,
    email: str,
    answer: SurveyAnswer,
    actor: Actor,
    language: str = settings.LANGUAGE_CODE,
    now: datetime | None = None,
) -> SurveyResponse:
    """Store a new answer and email its private link (in `language`, the form's, as every later
    mail to this person).

    If this email (any case) has answered already, nothing is stored or changed: AlreadyAnswered
    is raised and the private link is emailed again.
    """
    now = now or timezone.now()
    survey = InterestSurvey.objects.select_related("event").get(pk=survey.pk)
    if not survey_accepts_answers(survey=survey, now=now):
        raise SurveyClosed()
    _check_intent(survey=survey, intent=answer.intent)
    if _existing_response(survey=survey, email=email) is not None:
        raise AlreadyAnswered(survey=survey, email=email)
    try:
        response = SurveyResponse.objects.create(
            survey=survey, email=email, language=language, **consent_given(now), **asdict(answer)
        )
    except IntegrityError as race:  # a twin request committed first; this one rolls back
        raise AlreadyAnswered(survey=survey, email=email) from race
    log_action(subject=response, event=survey.event, action="answered", actor=actor)
    _email_link(response, template="survey_confirmation")
    return response


def _existing_response(*, survey: InterestSurvey, email: str) -> SurveyResponse | None:
    return SurveyResponse.objects.filter(survey=survey, email__iexact=email).first()


def _email_link_again(*, survey: InterestSurvey, email: str) -> None:
    response = _existing_response(survey=survey, email=email)
    if response is not None:
        email_private_link(
            to=response.email,
            token=response.token,
            template="survey_link_again",
            context=_link_context(response),
            language=response.language,
        )


def _check_intent(*, survey: InterestSurvey, intent: str) -> None:
    if intent not in dict(survey_intent_choices(event=survey.event)):
        raise IntentNotOffered()


def _link_context(response: SurveyResponse) -> dict[str, object]:
    return {
        "response": response,
        "event": response.survey.event,
        "private_url": absolute_url(response.private_path()),
    }


def _email_link(response: SurveyResponse, *, template: str) -> None:
    send_templated_email_on_commit(
        to=response.email,
        template=template,
        context=_link_context(response),
        language=response.language,
    )


@transaction.atomic
def survey_response_change(
    *, response: SurveyResponse, answer: SurveyAnswer, actor: Actor
) -> SurveyResponse:
    """Change an answer (not its email: that is who answered). Organisers may after closing."""
    response = (
        SurveyResponse.objects.select_for_update()
        .select_related("survey__event")
        .get(pk=response.pk)
    )
    if actor.kind != ActorKind.ORGANISER and not survey_accepts_answers(survey=response.survey):
        raise SurveyClosed(
            gettext_lazy(
                "This survey is closed, so answers can no longer be changed; you can still "
                "withdraw."
            )
        )
    _check_intent(survey=response.survey, intent=answer.intent)
    before = snapshot(response, SURVEY_ANSWER_FIELDS)
    for field, value in asdict(answer).items():
        setattr(response, field, value)
    response.save()
    log_action(
        subject=response,
        event=response.survey.event,
        action="answer changed",
        actor=actor,
        changes=field_changes(before, response),
    )
    return response


@transaction.atomic
def survey_response_withdraw(*, response: SurveyResponse, actor: Actor) -> None:
    """Delete the answer and everything in it (data minimisation); possible even when closed.

    The log keeps that it was withdrawn, and by whom, but nothing of what it said.
    """
    response_now = (
        SurveyResponse.objects.select_for_update(of=("self",))
        .select_related("survey__event")
        .filter(pk=response.pk)
        .first()
    )
    if response_now is None:  # withdrawn a moment ago (a double click): nothing left to do
        return
    response = response_now
    forget_changes(subject=response)
    forget_mail_to(response.email, mentioning=response.token)
    log_action(subject=response, event=response.survey.event, action="withdrawn", actor=actor)
    response.delete()
