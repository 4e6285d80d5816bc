"""Nobody learns from a public form whether an address (or organisation) is known: the page is
the same for a new and a known one, and the address's owner is told by mail which it was.

Lookalike addresses count as the address they reach: one spelling per mailbox.
"""

import re

import pytest
from django.core import mail
from django.urls import reverse

from registrations.models import Registration, SurveyResponse
from tests.factories import (
    make_open_event,
    make_response,
    make_survey,
    register,
    registration_form_data,
    survey_form_data,
)
from tests.helpers import register_url

pytestmark = pytest.mark.django_db

FULLWIDTH_E = "\uff45"
LOOKALIKE = f"reg@{FULLWIDTH_E}xample.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://events.example"


def send(client, url, data, capture):
    """POST the form, follow to the page a person then sees; the mails go out on commit."""
    with capture(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    page = client.get(response["Location"])
    return response["Location"], page.status_code, page.content.decode()


def without_csrf(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_survey_answers_a_known_address_as_it_answers_a_new_one(
    client, django_capture_on_commit_callbacks
):
    survey = make_survey()
    known = make_response(survey, email="anna.mueller@example.de")
    url = reverse("registrations:survey", kwargs={"slug": survey.event.slug})

    new_page = send(
        client, url, survey_form_data(email="mikko@example.fi"), django_capture_on_commit_callbacks
    )
    (confirmation,) = mail.outbox
    mail.outbox.clear()
    known_page = send(
        client,
        url,
        survey_form_data(email="Anna.Mueller@example.de"),
        django_capture_on_commit_callbacks,
    )

    assert known_page[:2] == new_page[:2]
    assert without_csrf(known_page[2]) == without_csrf(new_page[2])
    new = SurveyResponse.objects.get(email="mikko@example.fi")
    assert confirmation.to == ["mikko@example.fi"]
    assert f"https://events.example{new.private_path()}" in confirmation.body
    (link_again,) = mail.outbox
    assert link_again.to == ["anna.mueller@example.de"]
    assert "There is already an answer from this address" in link_again.body.replace("\n", " ")
    assert f"https://events.example{known.private_path()}" in link_again.body
    assert SurveyResponse.objects.count() == 2


def test_registration_answers_a_known_address_as_it_answers_a_new_one(
    client, django_capture_on_commit_callbacks
):
    event = make_open_event()
    known = register(event, email="lukasz.wojcik@example.pl")
    mail.outbox.clear()

    new_page = send(
        client,
        register_url(event),
        registration_form_data(email="zoe@example.fr"),
        django_capture_on_commit_callbacks,
    )
    (confirmation,) = mail.outbox
    mail.outbox.clear()
    known_page = send(
        client,
        register_url(event),
        registration_form_data(email="Lukasz.Wojcik@example.pl", first_name="Piotr"),
        django_capture_on_commit_callbacks,
    )

    assert known_page[:2] == new_page[:2]
    assert without_csrf(known_page[2]) == without_csrf(new_page[2])
    new = Registration.objects.get(email="zoe@example.fr")
    assert confirmation.to == ["zoe@example.fr"]
    assert f"https://events.example{new.private_path()}" in confirmation.body
    (link_again,) = mail.outbox
    assert link_again.to == ["lukasz.wojcik@example.pl"]
    assert "already registered" in link_again.body
    assert f"https://events.example{known.private_path()}" in link_again.body
    known.refresh_from_db()
    assert known.first_name != "Piotr"


def test_a_full_mode_refuses_a_known_address_as_it_refuses_a_new_one(client):
    event = make_open_event(onsite_capacity=1)
    known = register(event, email="lukasz.wojcik@example.pl")

    answers = [
        client.post(register_url(event), registration_form_data(email=email))
        for email in ("zoe@example.fr", known.email)
    ]

    for response in answers:
        assert response.status_code == 200
        assert response.context["form"].errors == {
            "attendance_mode": [
                "All on-site seats are taken. Join the waiting list or attend online. "
                'To join it, choose "On site (no places left: waiting list)".'
            ]
        }
    assert Registration.objects.count() == 1


def test_a_lookalike_address_is_the_address_it_reaches(client, django_capture_on_commit_callbacks):
    event = make_open_event()
    first = register(event, email="reg@example.org")
    mail.outbox.clear()

    send(
        client,
        register_url(event),
        registration_form_data(email=LOOKALIKE),
        django_capture_on_commit_callbacks,
    )

    assert Registration.objects.get() == first
    (link_again,) = mail.outbox
    assert link_again.to == ["reg@example.org"]
    assert first.private_path() in link_again.body


def test_a_lookalike_survey_answer_is_the_answer_of_the_address_it_reaches(
    client, django_capture_on_commit_callbacks
):
    survey = make_survey()
    url = reverse("registrations:survey", kwargs={"slug": survey.event.slug})

    send(client, url, survey_form_data(email="reg@example.org"), django_capture_on_commit_callbacks)
    send(client, url, survey_form_data(email=LOOKALIKE), django_capture_on_commit_callbacks)

    assert SurveyResponse.objects.get().email == "reg@example.org"
    assert [message.to for message in mail.outbox] == [["reg@example.org"]] * 2
