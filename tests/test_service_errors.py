"""One family of refusals: every service error is a ServiceError, and admin actions and public
pages report any of them alike (named by the item it concerns, or on the form) rather than
failing."""

import importlib
import inspect
import pkgutil
from datetime import timedelta
from types import ModuleType
from unittest import mock

import pytest
from django.contrib import messages
from django.urls import reverse
from django.utils import timezone

import registrations.prefill
import registrations.services
from registrations.models import (
    ApplicationStatus,
    ExpressionOfInterest,
    Registration,
    RegistrationStatus,
    SurveyResponse,
)
from registrations.prefill import survey_response_from_prefill
from registrations.services.action_log import Actor
from registrations.services.errors import LinkInvalid, ServiceError
from registrations.services.matchmaking import application_mark_eligible
from tests.factories import (
    application_form_data,
    make_application,
    make_event,
    make_open_event,
    make_response,
    make_survey,
    register,
    registration_form_data,
    survey_form_data,
)
from tests.helpers import apply_url, invitation_url, register_url, run_admin_action

pytestmark = pytest.mark.django_db

REFUSAL = "Das geht gerade nicht: bitte versuchen Sie es später noch einmal (Łódź)."


def service_modules() -> list[ModuleType]:
    package = registrations.services
    return [
        importlib.import_module(module.name)
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
    ]


def exceptions_defined_in(module: ModuleType) -> list[type[Exception]]:
    return [
        cls
        for _name, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, Exception) and cls.__module__ == module.__name__
    ]


def shown_messages(response) -> list[tuple[int, str]]:
    return [(message.level, message.message) for message in response.context["messages"]]


# The family ----------------------------------------------------------------------------------


def test_every_exception_of_the_services_and_the_prefill_link_is_a_service_error():
    modules = [*service_modules(), registrations.prefill]
    defined = {cls: module.__name__ for module in modules for cls in exceptions_defined_in(module)}

    assert {cls.__name__ for cls in defined} >= {
        "ServiceError",
        "InvalidInput",
        "TransitionRefused",
        "AlreadyEntered",
        "LinkInvalid",
        "RegistrationClosed",
        "InvitationUnusable",
        "AlreadyRegistered",
        "SeatsTaken",
        "SurveyClosed",
        "IntentNotOffered",
        "AlreadyAnswered",
        "DuplicateApplication",
    }  # the walk found the modules
    outsiders = [
        f"{module}.{cls.__name__}"
        for cls, module in defined.items()
        if not issubclass(cls, ServiceError)
    ]
    assert outsiders == []


@pytest.mark.parametrize(
    "old_name",
    [
        "RegistrationError",
        "MatchmakingError",
        "SurveyError",
        "SurveyCannotOpen",
        "PrefillLinkInvalid",
    ],
)
def test_the_old_error_classes_are_gone(old_name):
    for module in [*service_modules(), registrations.prefill]:
        assert not hasattr(module, old_name), f"{module.__name__}.{old_name}"


def test_a_bad_prefill_link_is_refused_as_a_service_error():
    event = make_event()

    with pytest.raises(LinkInvalid) as refusal:
        survey_response_from_prefill("not-a-signed-value", event=event)

    assert isinstance(refusal.value, ServiceError)
    assert refusal.value.message == (
        "This pre-filled link is not valid; please fill in the form yourself."
    )


# Admin actions: each refusal named by its item, the others done -----------------------------


def test_opening_the_survey_of_an_event_that_is_over_is_refused_and_named(admin_client_for):
    past = make_survey(
        make_event(title="Cluster Forum Łódź", start=timezone.now() - timedelta(days=3)),
        is_open=False,
    )
    coming = make_survey(make_event(title="Cluster Forum Järvenpää"), is_open=False)

    response = run_admin_action(admin_client_for, "open_surveys", [past, coming])

    assert response.status_code == 200
    assert shown_messages(response) == [
        (
            messages.ERROR,
            "Interest survey: Cluster Forum Łódź: This event has taken place; its survey "
            "cannot be opened.",
        ),
        (messages.SUCCESS, "1 survey(s) opened."),
    ]
    past.refresh_from_db()
    coming.refresh_from_db()
    assert (past.is_open, coming.is_open) == (False, True)


def test_confirming_someone_who_is_not_waiting_is_refused_and_named(admin_client_for):
    event = make_open_event(title="Cluster Forum Łódź", onsite_capacity=1)
    mueller = register(event, first_name="Anna", last_name="Müller")
    jarvenpaa = register(event, first_name="Jukka", last_name="Järvenpää", join_waiting_list=True)
    type(event).objects.filter(pk=event.pk).update(onsite_capacity=2)  # a seat is free now

    response = run_admin_action(admin_client_for, "confirm_from_waitlist", [mueller, jarvenpaa])

    assert response.status_code == 200
    assert shown_messages(response) == [
        (
            messages.ERROR,
            "Anna Müller, Cluster Forum Łódź: Anna Müller is not on the waiting list.",
        ),
        (messages.SUCCESS, "1 confirmed from the waiting list and emailed."),
    ]
    assert Registration.objects.get(pk=jarvenpaa.pk).status == RegistrationStatus.CONFIRMED


def test_a_second_decision_of_the_same_kind_is_refused_and_named(admin_client_for, call, organiser):
    application = make_application(call, legal_name="Klaster Łódź Innowacje")
    application_mark_eligible(application=application, actor=Actor.organiser(organiser))

    response = run_admin_action(admin_client_for, "mark_eligible", [application])

    assert shown_messages(response) == [
        (
            messages.ERROR,
            "Klaster Łódź Innowacje (Eligible): Already marked “Eligible”.",
        )
    ]
    assert ExpressionOfInterest.objects.get().status == ApplicationStatus.ELIGIBLE


def test_opening_registration_that_is_open_already_is_refused_and_named(admin_client_for):
    event = make_open_event(title="Cluster Forum Łódź")

    response = run_admin_action(admin_client_for, "open_registration_now", [event])

    assert shown_messages(response) == [
        (messages.ERROR, "Cluster Forum Łódź: Registration for this event is already open.")
    ]


# Public pages: a refusal is shown on the form --------------------------------------------------


def registration_page(invitation):
    event = make_open_event()
    return register_url(event), registration_form_data(), "registration.registration_create", "form"


def application_page(invitation):
    call = invitation.application.event.call
    return apply_url(call), application_form_data(call), "matchmaking.application_submit", "form"


def invitation_page(invitation):
    data = registration_form_data(attendance_mode="online")
    return invitation_url(invitation), data, "matchmaking.invitation_accept", "form"


def survey_page(invitation):
    survey = make_survey()
    url = reverse("registrations:survey", kwargs={"slug": survey.event.slug})
    return url, survey_form_data(), "survey.survey_response_submit", "form"


def survey_private_page(invitation):
    answer = make_response(make_survey(), email="anna.mueller@example.de")
    data = {**survey_form_data(), "email": None, "consent": None}
    data = {name: value for name, value in data.items() if value is not None}
    url = reverse("registrations:survey_private", kwargs={"token": answer.token})
    return url, data, "survey.survey_response_change", "form"


def registration_mode_page(invitation):
    registration = register(make_open_event())
    url = reverse("registrations:registration_switch_mode", kwargs={"token": registration.token})
    return url, {"attendance_mode": "online"}, "registration.registration_change_mode", "mode_form"


@pytest.mark.parametrize(
    "page",
    [
        registration_page,
        application_page,
        invitation_page,
        survey_page,
        survey_private_page,
        registration_mode_page,
    ],
)
def test_every_public_form_shows_a_service_refusal_on_the_form(client, invitation, page):
    """The form was valid; the service refused: the page says why, nothing is stored."""
    url, data, service, form_name = page(invitation)
    stored = (Registration.objects.count(), SurveyResponse.objects.count())

    with mock.patch(
        f"registrations.views.{service}", side_effect=ServiceError(REFUSAL)
    ) as refusing:
        response = client.post(url, data)

    assert refusing.called
    assert response.status_code == 200
    form = response.context[form_name]
    assert REFUSAL in form.non_field_errors()
    assert REFUSAL in response.content.decode()
    assert (Registration.objects.count(), SurveyResponse.objects.count()) == stored


def test_a_refusal_about_a_field_is_shown_next_to_it(client):
    event = make_open_event()

    with mock.patch(
        "registrations.views.registration.registration_create",
        side_effect=ServiceError(REFUSAL, field="organisation"),
    ):
        response = client.post(register_url(event), registration_form_data())

    assert response.status_code == 200
    assert response.context["form"].errors["organisation"] == [REFUSAL]
    assert REFUSAL in response.content.decode()


def test_the_calls_rules_come_from_the_service_each_next_to_its_field(client, call):
    data = application_form_data(call, country="US", eccp_profile_url=None, declarations=None)

    response = client.post(apply_url(call), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["country"][0].startswith("The call is open to organisations from: ")
    assert errors["eccp_profile_url"] == [
        "Please give your ECCP profile URL, or tick that you have asked to be registered on the "
        "ECCP."
    ]
    assert errors["declarations"] == [
        "Please confirm every eligibility declaration: the call is open only to organisations "
        "that meet all of them."
    ]
    assert not ExpressionOfInterest.objects.exists()
