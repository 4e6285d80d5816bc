"""The private link in the confirmation email: see, change or withdraw one's answer."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from registrations.models import SurveyResponse
from registrations.services.action_log import Actor
from registrations.services.survey import (
    SurveyClosed,
    survey_close,
    survey_response_change,
    survey_response_withdraw,
)
from tests.factories import (
    make_event,
    make_response,
    make_survey,
    survey_answer,
    survey_change_data,
)

pytestmark = pytest.mark.django_db


def link(response):
    return reverse("registrations:survey_private", kwargs={"token": response.token})


def withdraw_link(response):
    return reverse("registrations:survey_withdraw", kwargs={"token": response.token})


@pytest.fixture
def answer():
    return make_response(make_survey(), email="anna.mueller@example.de", intent="on_site")


def test_the_token_is_long_random_and_not_the_database_id(client, answer):
    other = make_response(answer.survey, email="lukasz.wojcik@example.pl")

    assert len(answer.token) == 43  # 256 bits, URL-safe base64
    assert answer.token != other.token
    assert client.get(f"/survey/{answer.pk}/").status_code == 404


def test_private_page_shows_the_answer_with_a_prefilled_change_form(client, answer):
    response = client.get(link(answer))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Anna Müller" in html and "anna.mueller@example.de" in html
    assert "Cluster Łódź (Cluster organisation)" in html
    form = response.context["form"]
    assert form.initial["intent"] == "on_site" and form.initial["country"] == "PL"
    assert "email" not in form.fields
    assert "deletes your answer and all the personal data in it" in html


@pytest.mark.parametrize(
    "token",
    ["A" * 43, "short", "../../admin", "%00", "x" * 500],
)
def test_unknown_or_malformed_tokens_are_the_same_404(client, answer, token):
    for url in (f"/survey/{token}/", f"/survey/{token}/withdraw/"):
        response = client.get(url)

        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


def test_person_changes_their_intent(client, answer):
    response = client.post(link(answer), survey_change_data(intent="online"))

    assert response.status_code == 302
    assert response["Location"] == link(answer)
    answer.refresh_from_db()
    assert answer.intent == "online"
    assert answer.comment == "Travel budget was cut."
    assert answer.notify_when_registration_opens is False  # unticked in the change
    assert "Your answer has been changed." in client.get(link(answer)).content.decode()


def test_a_change_cannot_touch_the_email_token_or_consent(client, answer, settings):
    token, consented_at = answer.token, answer.consented_at

    client.post(
        link(answer),
        survey_change_data(
            email="someone.else@example.org",
            token="B" * 43,
            consent_version="0.0",
            registration_notice_sent_at="2020-01-01T00:00:00Z",
        ),
    )

    answer.refresh_from_db()
    assert answer.email == "anna.mueller@example.de"
    assert answer.token == token
    assert (answer.consent_version, answer.consented_at) == (
        settings.PRIVACY_NOTICE_VERSION,
        consented_at,
    )
    assert answer.registration_notice_sent_at is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"first_name": "  "}, "first_name"),
        ({"organisation": "Cluster\nŁódź"}, "organisation"),
        ({"intent": "maybe"}, "intent"),
        ({"country": "XX"}, "country"),
        ({"comment": "C" * 2001}, "comment"),
    ],
)
def test_a_bad_change_is_answered_on_its_field_and_changes_nothing(
    client, answer, overrides, field
):
    response = client.post(link(answer), survey_change_data(**overrides))

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert "Your change was not stored" in response.content.decode()
    answer.refresh_from_db()
    assert answer.intent == "on_site"


def test_an_intent_the_event_no_longer_offers_is_refused(client):
    online_only = make_event(format="online", venue="", city="", country="")
    answer = make_response(make_survey(online_only), intent="online")

    response = client.post(link(answer), survey_change_data(intent="on_site"))

    assert response.status_code == 200
    assert response.context["form"].errors["intent"]
    answer.refresh_from_db()
    assert answer.intent == "online"


def test_when_the_survey_is_closed_the_answer_can_be_withdrawn_but_not_changed(
    client, answer, organiser
):
    survey_close(survey=answer.survey, actor=Actor.organiser(organiser))

    page = client.get(link(answer))
    refused = client.post(link(answer), survey_change_data(intent="online"))

    assert page.status_code == 200
    assert page.context["form"] is None
    html = page.content.decode()
    assert "The interest survey is closed, so answers can no longer be changed." in html
    assert "Withdraw my answer" in html
    assert refused.status_code == 409
    assert "Your change was not stored." in refused.content.decode()
    answer.refresh_from_db()
    assert answer.intent == "on_site"


def test_change_service_refuses_a_closed_survey_but_not_an_organiser(answer, organiser):
    survey_close(survey=answer.survey, actor=Actor.organiser(organiser))

    with pytest.raises(SurveyClosed):
        survey_response_change(
            response=answer, answer=survey_answer(intent="online"), actor=Actor.person()
        )
    changed = survey_response_change(
        response=answer, answer=survey_answer(intent="online"), actor=Actor.organiser(organiser)
    )

    assert changed.intent == "online"


def test_withdrawal_needs_a_tick_to_confirm(client, answer):
    response = client.post(withdraw_link(answer), {})

    assert response.status_code == 200
    assert "Please tick the box to confirm the deletion." in response.content.decode()
    assert SurveyResponse.objects.filter(pk=answer.pk).exists()


def test_withdrawal_deletes_the_answer_and_the_link_stops_working(client, answer):
    response = client.post(withdraw_link(answer), {"confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == answer.survey.event.get_absolute_url()
    assert not SurveyResponse.objects.exists()
    event_page = client.get(response["Location"]).content.decode()
    assert "Your answer has been withdrawn" in event_page
    assert client.get(link(answer)).status_code == 404


def test_withdrawal_works_after_the_event_too(answer):
    answer.survey.event.start = timezone.now() - timedelta(days=5)
    answer.survey.event.end = timezone.now() - timedelta(days=4)
    answer.survey.event.save()

    survey_response_withdraw(response=answer, actor=Actor.person())

    assert not SurveyResponse.objects.exists()


def test_withdrawing_twice_at_once_is_no_error(answer):
    """A double click: the second withdrawal finds nothing left and does nothing."""
    survey_response_withdraw(response=answer, actor=Actor.person())

    survey_response_withdraw(response=answer, actor=Actor.person())

    assert not SurveyResponse.objects.exists()


def test_opening_the_withdraw_address_directly_leads_to_the_private_page(client, answer):
    response = client.get(withdraw_link(answer))

    assert response.status_code == 302
    assert response["Location"] == link(answer)
    assert SurveyResponse.objects.filter(pk=answer.pk).exists()
