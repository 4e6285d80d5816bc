"""Mails go out in the language the person used on the form: it is stored with the survey answer,
the registration and the expression of interest, and every later mail to that person (the
confirmation, a reminder, an invitation, an organiser's message) is written in it, whatever
language the request or the worker runs in."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from registrations.models import (
    Event,
    ExpressionOfInterest,
    MessageSegment,
    Registration,
    SurveyResponse,
)
from registrations.services.action_log import Actor
from registrations.services.matchmaking import application_mark_eligible, invitations_send
from registrations.services.messages import message_send
from registrations.tasks.registration import send_registration_open_notices
from registrations.tasks.reminders import send_reminder
from tests.factories import (
    application_form_data,
    make_call,
    make_message,
    make_open_event,
    make_reminders,
    make_survey,
    registration_form_data,
    survey_form_data,
)
from tests.helpers import apply_url, clock_at, register_url

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2030, 11, 12, 9, 0, tzinfo=BERLIN)  # a Tuesday
WHEN = {
    "en": "Tuesday 12 November 2030, 09:00",
    "de": "Dienstag, 12. November 2030, 09:00",
    "fi": "tiistai 12. marraskuuta 2030 klo 9.00",
    "fr": "mardi 12 novembre 2030, 09:00",
}


def mail_language(message) -> str:
    """The language the HTML part declares (registrations/email/_base.html)."""
    (html, _mimetype) = message.alternatives[0]
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def assert_written_in(message, language: str) -> None:
    assert mail_language(message) == language
    assert WHEN[language] in message.body
    for other, when in WHEN.items():
        if other != language:
            assert when not in message.body


@pytest.fixture
def event():
    return make_open_event(
        title="Cluster Forum Järvenpää", start=START, end=START + timedelta(hours=8)
    )


def test_a_german_registrants_confirmation_and_later_reminder_are_in_german(
    client, event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            register_url(event),
            registration_form_data(email="anna.mueller@example.de"),
            HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9",
        )
    assert response.status_code == 302

    registration = Registration.objects.get()
    assert registration.language == "de"
    (confirmation,) = mail.outbox
    assert_written_in(confirmation, "de")

    (reminder,) = make_reminders(event, timedelta(days=7))
    mail.outbox.clear()
    with clock_at(reminder.due_at()):
        assert send_reminder.call(reminder_id=reminder.pk, due_at=reminder.due_at().isoformat())
    (reminder_mail,) = mail.outbox
    assert_written_in(reminder_mail, "de")


def test_people_registering_in_different_languages_each_get_their_own(
    client, event, django_capture_on_commit_callbacks
):
    for language, email in [("fi", "mikko@example.fi"), ("en", "sean@example.ie")]:
        client.cookies.clear()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("set_language"), {"language": language})
            client.post(register_url(event), registration_form_data(email=email))

    languages = dict(Registration.objects.values_list("email", "language"))
    assert languages == {"mikko@example.fi": "fi", "sean@example.ie": "en"}
    assert [mail_language(message) for message in mail.outbox] == ["fi", "en"]


def test_a_survey_answer_keeps_its_language_for_the_confirmation_and_the_opening_notice(
    client, django_capture_on_commit_callbacks
):
    survey = make_survey(make_open_event(start=START, registration_opens_at=None))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("registrations:survey", kwargs={"slug": survey.event.slug}),
            survey_form_data(),
            HTTP_ACCEPT_LANGUAGE="fr",
        )

    assert SurveyResponse.objects.get().language == "fr"
    (confirmation,) = mail.outbox
    assert mail_language(confirmation) == "fr"

    Event.objects.filter(pk=survey.event_id).update(
        registration_opens_at=timezone.now() - timedelta(hours=1)
    )
    assert send_registration_open_notices.call(event_id=survey.event_id) == 1
    notice = mail.outbox[-1]
    assert mail_language(notice) == "fr"
    assert "12 novembre 2030" in notice.body


def test_an_expression_of_interest_keeps_its_language_for_the_decision_and_the_invitation(
    client, organiser, django_capture_on_commit_callbacks
):
    call = make_call(start=START, end=START + timedelta(hours=8))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(apply_url(call), application_form_data(call), HTTP_ACCEPT_LANGUAGE="fi")
    application = ExpressionOfInterest.objects.get()
    assert application.language == "fi"

    with django_capture_on_commit_callbacks(execute=True):
        application_mark_eligible(application=application, actor=Actor.organiser(organiser))
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(applications=[application], actor=Actor.organiser(organiser))

    # received, eligible, the invitation
    assert [mail_language(message) for message in mail.outbox] == ["fi", "fi", "fi"]
    assert WHEN["fi"] in mail.outbox[-1].body  # the invitation says when the event is


def test_an_organisers_message_goes_to_each_person_in_their_language(
    client, event, django_capture_on_commit_callbacks
):
    for language, email in [("de", "anna.mueller@example.de"), ("fr", "ines@example.fr")]:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                register_url(event),
                registration_form_data(email=email, attendance_mode="online"),
                HTTP_ACCEPT_LANGUAGE=language,
            )
    mail.outbox.clear()

    message = make_message(event, segment=MessageSegment.ONLINE)
    with django_capture_on_commit_callbacks(execute=True):
        message_send(message=message, actor=Actor.system("test organiser"))

    languages = {message.to[0]: mail_language(message) for message in mail.outbox}
    assert languages == {"anna.mueller@example.de": "de", "ines@example.fr": "fr"}
