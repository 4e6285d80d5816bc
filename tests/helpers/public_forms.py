"""The site's public forms, each ready to be posted to: shared by the tests of the abuse guards
(bot trap, probing, fuzzing), which run the same checks over every one of them."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from registrations.forms.bot_trap import BotTrapForm
from registrations.forms.matchmaking import ExpressionOfInterestForm
from registrations.forms.registration import RegistrationForm
from registrations.forms.survey import SurveyResponseForm
from registrations.models import (
    ExpressionOfInterest,
    Invitation,
    Registration,
    SurveyResponse,
)
from registrations.services.action_log import Actor
from registrations.services.matchmaking import application_mark_eligible, invitations_send
from tests.factories import (
    application_form_data,
    invitation_form_data,
    make_application,
    make_call,
    make_open_event,
    make_survey,
    registration_form_data,
    survey_form_data,
)
from tests.helpers.urls import apply_url, invitation_url, register_url

PUBLIC_FORMS = ["survey", "registration", "application", "invitation"]


@dataclass
class PublicForm:
    url: str
    data: dict  # a person's complete, valid POST
    form_class: type[BotTrapForm]
    sent_url: str  # where a person lands after sending it
    stored: Callable[[], int]  # how many rows the form stores into


def _survey() -> PublicForm:
    survey = make_survey()
    slug = survey.event.slug
    return PublicForm(
        url=reverse("registrations:survey", kwargs={"slug": slug}),
        data=survey_form_data(),
        form_class=SurveyResponseForm,
        sent_url=reverse("registrations:survey_thanks", kwargs={"slug": slug}),
        stored=SurveyResponse.objects.count,
    )


def _registration() -> PublicForm:
    event = make_open_event()
    return PublicForm(
        url=register_url(event),
        data=registration_form_data(),
        form_class=RegistrationForm,
        sent_url=reverse("registrations:registration_sent", kwargs={"slug": event.slug}),
        stored=Registration.objects.count,
    )


def _application() -> PublicForm:
    call = make_call()
    return PublicForm(
        url=apply_url(call),
        data=application_form_data(call),
        form_class=ExpressionOfInterestForm,
        sent_url=reverse("registrations:application_thanks", kwargs={"slug": call.event.slug}),
        stored=ExpressionOfInterest.objects.count,
    )


def _invitation() -> PublicForm:
    call = make_call(registration_opens_at=timezone.now() - timedelta(days=1))
    application = make_application(call, contact_email="lukasz.wojcik@example.pl")
    actor = Actor.system("test")
    application_mark_eligible(application=application, actor=actor)
    invitations_send(applications=[application], actor=actor)
    invitation = Invitation.objects.get(application=application)
    return PublicForm(
        url=invitation_url(invitation),
        data=invitation_form_data(invitation),
        form_class=RegistrationForm,
        sent_url=reverse("registrations:registration_sent", kwargs={"slug": call.event.slug}),
        stored=Registration.objects.count,
    )


_MAKERS = {
    "survey": _survey,
    "registration": _registration,
    "application": _application,
    "invitation": _invitation,
}


def make_public_form(name: str) -> PublicForm:
    """One of PUBLIC_FORMS, with what it needs in the database (an open survey, event, call)."""
    return _MAKERS[name]()
