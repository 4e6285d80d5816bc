"""Answering the interest survey: the services, the pages, and every kind of bad input."""

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from registrations.models import SurveyResponse
from registrations.services import survey as survey_services
from registrations.services.action_log import Actor
from registrations.services.errors import TransitionRefused
from registrations.services.survey import (
    AlreadyAnswered,
    IntentNotOffered,
    SurveyClosed,
    survey_close,
    survey_open,
    survey_response_submit,
)
from tests.factories import make_event, make_response, make_survey, survey_answer, survey_form_data
from tests.helpers.pages import main_of

pytestmark = pytest.mark.django_db

SURVEY_MESSAGE = (
    "Registration is not open yet. Tell us whether you plan to come, on site or online."
)


def survey_url(survey):
    return reverse("registrations:survey", kwargs={"slug": survey.event.slug})


def private_url(response):
    return f"http://testserver.example/survey/{response.token}/"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver.example"


# Services


def test_submit_stores_the_answer_with_its_consent_and_emails_the_private_link(
    settings, django_capture_on_commit_callbacks
):
    survey = make_survey()
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        response = survey_response_submit(
            survey=survey,
            email="Anna.Mueller@example.de",
            answer=survey_answer(intent="online"),
            actor=Actor.person(),
        )

    stored = SurveyResponse.objects.get()
    assert stored == response
    assert (stored.first_name, stored.last_name, stored.intent) == ("Anna", "Müller", "online")
    assert stored.consent_version == settings.PRIVACY_NOTICE_VERSION
    assert before <= stored.consented_at <= timezone.now()
    assert len(stored.token) >= 22 and str(stored.pk) != stored.token  # >= 128 bits, not the id
    (message,) = mail.outbox
    assert message.to == ["Anna.Mueller@example.de"]
    assert message.subject == f"Your answer to the interest survey: {survey.event.title}"
    assert "Dear Anna Müller" in message.body
    assert "Would attend: Online" in message.body
    assert private_url(stored) in message.body
    html = message.alternatives[0][0]
    assert f'href="{private_url(stored)}"' in html


def test_the_same_email_in_any_case_never_makes_a_second_answer_and_gets_the_link_again(
    django_capture_on_commit_callbacks,
):
    survey = make_survey()
    first = make_response(survey, email="anna.mueller@example.de", intent="on_site")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AlreadyAnswered) as error:
        survey_response_submit(
            survey=survey,
            email="ANNA.MUELLER@Example.DE",
            answer=survey_answer(first_name="Impostor", intent="online"),
            actor=Actor.person(),
        )

    assert "already an answer from this email address" in error.value.message
    stored = SurveyResponse.objects.get()
    assert (stored.pk, stored.first_name, stored.intent) == (first.pk, "Anna", "on_site")
    (message,) = mail.outbox
    assert message.to == ["anna.mueller@example.de"]  # the address that answered first
    assert message.subject.startswith("Your private link for the interest survey")
    assert private_url(first) in message.body
    assert "Impostor" not in message.body


def test_repeats_email_the_link_at_most_once_in_a_while(django_capture_on_commit_callbacks):
    survey = make_survey()
    make_response(survey, email="anna.mueller@example.de")

    for _attempt in range(3):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(AlreadyAnswered):
            survey_response_submit(
                survey=survey,
                email="anna.mueller@example.de",
                answer=survey_answer(),
                actor=Actor.person(),
            )

    assert len(mail.outbox) == 1


def test_a_lost_race_on_the_unique_constraint_is_answered_like_a_repeat(
    django_capture_on_commit_callbacks,
):
    """Two requests with one email pass the look-up together; the database constraint decides."""
    survey = make_survey()
    first = make_response(survey, email="lukasz.wojcik@example.pl")
    real_lookup = survey_services._existing_response
    lookups = []

    def racing_lookup(**kwargs):
        lookups.append(kwargs)
        return None if len(lookups) == 1 else real_lookup(**kwargs)  # the first misses the row

    with (
        mock.patch.object(survey_services, "_existing_response", side_effect=racing_lookup),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(AlreadyAnswered),
    ):
        survey_response_submit(
            survey=survey,
            email="Lukasz.Wojcik@example.pl",
            answer=survey_answer(last_name="W"),
            actor=Actor.person(),
        )

    assert len(lookups) == 2  # the insert hit the constraint, then the row was found
    assert SurveyResponse.objects.get().pk == first.pk
    (message,) = mail.outbox
    assert private_url(first) in message.body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_answers_with_one_email_store_one_row(on_postgresql):
    """Both requests look up the email before either inserts; PostgreSQL's constraint decides."""
    survey = make_survey()
    both_looked = threading.Barrier(2, timeout=10)
    looked_here = threading.local()
    real_lookup = survey_services._existing_response
    outcomes = []

    lookups = []

    def lookup_together(**kwargs):
        lookups.append(kwargs)
        found = real_lookup(**kwargs)
        if not getattr(looked_here, "done", False):
            looked_here.done = True
            both_looked.wait()
        return found

    def answer(first_name):
        try:
            survey_response_submit(
                survey=survey,
                email="Anna.Mueller@example.de",
                answer=survey_answer(first_name=first_name),
                actor=Actor.person(),
            )
            outcomes.append("stored")
        except AlreadyAnswered:
            outcomes.append("already answered")
        finally:
            connections.close_all()

    with mock.patch.object(survey_services, "_existing_response", side_effect=lookup_together):
        threads = [threading.Thread(target=answer, args=(name,)) for name in ("Anna", "Anne")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert sorted(outcomes) == ["already answered", "stored"]
    assert len(lookups) == 3  # the loser looked again after the constraint refused its row
    assert SurveyResponse.objects.count() == 1
    assert sorted(message.subject.split(":")[0] for message in mail.outbox) == [
        "Your answer to the interest survey",
        "Your private link for the interest survey",
    ]


@pytest.mark.parametrize("closing", ["closed", "event_over"])
def test_a_closed_survey_stores_nothing_and_sends_nothing(
    closing, django_capture_on_commit_callbacks
):
    if closing == "closed":
        survey = make_survey(is_open=False)
    else:
        survey = make_survey(make_event(start=timezone.now() - timedelta(days=3)))

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SurveyClosed):
        survey_response_submit(
            survey=survey, email="a@example.de", answer=survey_answer(), actor=Actor.person()
        )

    assert not SurveyResponse.objects.exists()
    assert mail.outbox == []


def test_an_intent_the_event_does_not_offer_is_refused():
    survey = make_survey(make_event(format="online", venue="", city="", country=""))

    with pytest.raises(IntentNotOffered):
        survey_response_submit(
            survey=survey,
            email="a@example.de",
            answer=survey_answer(intent="on_site"),
            actor=Actor.person(),
        )

    assert not SurveyResponse.objects.exists()


def test_organiser_opens_and_closes_a_survey(organiser):
    survey = make_survey(is_open=False)

    assert survey_open(survey=survey, actor=Actor.organiser(organiser)).is_open
    survey_close(survey=survey, actor=Actor.organiser(organiser))

    survey.refresh_from_db()
    assert not survey.is_open


def test_the_survey_of_a_past_event_cannot_be_opened(organiser):
    survey = make_survey(make_event(start=timezone.now() - timedelta(days=3)), is_open=False)

    with pytest.raises(TransitionRefused):
        survey_open(survey=survey, actor=Actor.organiser(organiser))

    survey.refresh_from_db()
    assert not survey.is_open


# Pages


def test_event_page_leads_to_the_open_survey_while_registration_is_not_open(client):
    survey = make_survey()

    next_step = client.get(survey.event.get_absolute_url()).context["next_step"]

    assert next_step.message == SURVEY_MESSAGE
    assert next_step.action_url == survey_url(survey)


@pytest.mark.parametrize("state", ["closed", "registration_open", "no_survey"])
def test_event_page_does_not_offer_a_survey_that_takes_no_answers(client, state):
    event = make_event(
        registration_opens_at=timezone.now() - timedelta(days=1)
        if state == "registration_open"
        else None
    )
    if state != "no_survey":
        make_survey(event, is_open=state != "closed")

    next_step = client.get(event.get_absolute_url()).context["next_step"]

    assert next_step.message != SURVEY_MESSAGE
    assert "/survey/" not in next_step.action_url


def test_survey_form_offers_only_the_events_modes_and_nothing_is_ticked(client):
    survey = make_survey(make_event(format="online", venue="", city="", country=""))

    response = client.get(survey_url(survey))

    form = response.context["form"]
    assert list(form.fields["intent"].choices) == [
        ("online", "Online"),
        ("undecided", "Not sure yet"),
    ]
    html = response.content.decode()
    assert survey.intro in html
    assert "checked" not in html
    assert 'name="consent"' in html and 'name="notify_when_registration_opens"' in html
    assert "withdrawing deletes your answer" in html


def test_hybrid_event_offers_on_site_online_and_not_sure(client):
    survey = make_survey()

    form = client.get(survey_url(survey)).context["form"]

    assert [value for value, _label in form.fields["intent"].choices] == [
        "on_site",
        "online",
        "undecided",
    ]


def test_answer_is_stored_then_the_confirmation_page_is_shown(
    client, django_capture_on_commit_callbacks
):
    survey = make_survey()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(survey_url(survey), survey_form_data())

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "registrations:survey_thanks", kwargs={"slug": survey.event.slug}
    )
    stored = SurveyResponse.objects.get()
    assert (stored.last_name, stored.country.code, stored.intent) == ("Järvenpää", "FI", "online")
    assert stored.notify_when_registration_opens is True
    (message,) = mail.outbox
    assert private_url(stored) in message.body
    thanks = client.get(response["Location"])
    assert "please check your inbox" in thanks.content.decode()


def test_notify_me_stays_off_unless_ticked(client):
    survey = make_survey()

    client.post(survey_url(survey), survey_form_data(notify_when_registration_opens=None))

    assert SurveyResponse.objects.get().notify_when_registration_opens is False


def test_a_second_answer_with_the_same_email_gets_the_same_page_and_reveals_nothing(
    client, django_capture_on_commit_callbacks
):
    survey = make_survey()
    first = make_response(survey, email="mikko.jarvenpaa@example.fi", organisation="Cluster Oulu")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            survey_url(survey), survey_form_data(email="Mikko.Jarvenpaa@EXAMPLE.fi")
        )

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "registrations:survey_thanks", kwargs={"slug": survey.event.slug}
    )
    page = client.get(response["Location"]).content.decode()
    assert "Cluster Oulu" not in page and "Anna" not in page
    assert SurveyResponse.objects.get().organisation == "Cluster Oulu"
    (message,) = mail.outbox
    assert message.to == ["mikko.jarvenpaa@example.fi"]
    assert private_url(first) in message.body


def test_a_closed_survey_shows_a_notice_and_no_form(client):
    survey = make_survey(is_open=False)

    response = client.get(survey_url(survey))

    assert response.status_code == 200
    html = response.content.decode()
    assert "The interest survey for this event is closed." in html
    assert "<form" not in main_of(html)


def test_a_post_to_a_closed_survey_stores_nothing_and_says_why(client):
    survey = make_survey(is_open=False)

    response = client.post(survey_url(survey), survey_form_data())

    assert response.status_code == 409
    html = response.content.decode()
    assert "The interest survey for this event is closed. Your answer was not stored." in html
    assert "European cluster events" in html  # the site's own page, not a bare error
    assert not SurveyResponse.objects.exists()


def test_once_registration_is_open_the_survey_points_to_the_registration_form(client):
    survey = make_survey()
    answer = make_response(survey, email="anna.mueller@example.de")
    survey.event.registration_opens_at = timezone.now() - timedelta(minutes=5)
    survey.event.save()
    register_url = reverse("registrations:register", kwargs={"slug": survey.event.slug})

    page = client.get(survey_url(survey))
    posted = client.post(survey_url(survey), survey_form_data())
    private = client.get(private_url(answer)).content.decode()

    assert page.status_code == 200
    assert "<form" not in main_of(page.content.decode())
    assert f'href="{register_url}"' in page.content.decode()
    assert posted.status_code == 409
    assert SurveyResponse.objects.count() == 1
    assert 'name="intent"' not in private
    assert f'href="{register_url}"' in private
    with pytest.raises(SurveyClosed):
        survey_services.survey_response_change(
            response=answer, answer=survey_answer(), actor=Actor.person()
        )


def test_a_survey_closed_while_the_form_was_open_stores_nothing(client):
    """The form was valid, but the service found the survey closed in its transaction."""
    survey = make_survey()
    closed = mock.patch.object(survey_services, "survey_accepts_answers", return_value=False)

    with closed:
        response = client.post(survey_url(survey), survey_form_data())

    assert response.status_code == 409
    assert "Your answer was not stored." in response.content.decode()
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("slug", ["no-such-event", "draft", "without-survey"])
def test_survey_of_an_unknown_unpublished_or_surveyless_event_is_a_404(client, slug):
    make_survey(make_event(slug="draft", is_published=False))
    make_event(slug="without-survey")

    response = client.get(reverse("registrations:survey", kwargs={"slug": slug}))

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


# Bad input: a clear message on the field, the typed values kept, nothing stored


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"consent": None}, "consent", "Please agree to the privacy notice"),
        (
            {"email": "anna.mueller(at)example.de"},
            "email",
            "Enter your email address, like name@example.org",
        ),
        ({"email": "a" * 250 + "@example.de"}, "email", "at most 254 characters"),
        (
            {"email": "anna@example.de\nBcc: x@example.org"},
            "email",
            "Enter your email address, like name@example.org",
        ),
        ({"first_name": "   "}, "first_name", "Enter your given name"),
        ({"last_name": " \u00a0 "}, "last_name", "Enter your family name"),
        ({"first_name": "A" * 101}, "first_name", "at most 100 characters"),
        ({"organisation": "O" * 201}, "organisation", "at most 200 characters"),
        ({"job_title": "J" * 151}, "job_title", "at most 150 characters"),
        ({"comment": "C" * 2001}, "comment", "at most 2000 characters"),
        ({"first_name": "Anna\nMüller"}, "first_name", "Please use a single line"),
        ({"organisation": "Cluster\rŁódź"}, "organisation", "Please use a single line"),
        ({"job_title": "Manager\x00"}, "job_title", "Please use a single line"),
        ({"last_name": "Wój\tcik"}, "last_name", "Please use a single line"),
        ({"comment": "Hello\x07"}, "comment", "Please remove control characters"),
        ({"country": "XX"}, "country", "Select a valid choice."),
        ({"country": ""}, "country", "Choose a country from the list"),
        ({"intent": "maybe"}, "intent", "Select a valid choice."),
        ({"intent": None}, "intent", "Choose whether you would attend"),
        ({"organisation_type": "ngo"}, "organisation_type", "Select a valid choice."),
    ],
)
def test_bad_input_is_answered_next_to_its_field_and_nothing_is_stored(
    client, overrides, field, message
):
    survey = make_survey()

    response = client.post(survey_url(survey), survey_form_data(**overrides))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    html = response.content.decode()
    assert "Your answer was not stored yet" in html
    assert 'value="Cluster Finland"' in html or field == "organisation"  # what was typed stays
    assert not SurveyResponse.objects.exists()


def test_an_intent_the_event_does_not_offer_is_refused_on_the_form(client):
    survey = make_survey(make_event(format="online", venue="", city="", country=""))

    response = client.post(survey_url(survey), survey_form_data(intent="on_site"))

    assert response.status_code == 200
    assert "Select a valid choice." in " ".join(response.context["form"].errors["intent"])
    assert not SurveyResponse.objects.exists()


def test_html_and_script_are_stored_as_text_and_shown_escaped(
    client, django_capture_on_commit_callbacks
):
    survey = make_survey()
    script = '<script>alert("x")</script>'

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            survey_url(survey),
            survey_form_data(first_name=script, organisation="<b>Cluster</b> & Co", comment=script),
        )

    stored = SurveyResponse.objects.get()
    assert (stored.first_name, stored.organisation) == (script, "<b>Cluster</b> & Co")
    page = client.get(f"/survey/{stored.token}/").content.decode()
    assert script not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;b&gt;Cluster&lt;/b&gt; &amp; Co" in page
    (message,) = mail.outbox
    assert f"Dear {script} Järvenpää" in message.body  # plain text: as typed, not entity-encoded
    assert script not in message.alternatives[0][0]


def test_extra_post_parameters_are_ignored(client, settings):
    survey = make_survey()
    other_survey = make_survey()
    forged_token = "A" * 43

    client.post(
        survey_url(survey),
        survey_form_data(
            token=forged_token,
            survey=str(other_survey.pk),
            survey_id=str(other_survey.pk),
            registration_notice_sent_at="2020-01-01T00:00:00Z",
            consent_version="0.0",
            consented_at="2000-01-01T00:00:00Z",
            created_at="2000-01-01T00:00:00Z",
            id="999",
        ),
    )

    stored = SurveyResponse.objects.get()
    assert stored.survey == survey
    assert stored.token != forged_token
    assert stored.registration_notice_sent_at is None
    assert stored.consent_version == settings.PRIVACY_NOTICE_VERSION
    assert stored.created_at.year == timezone.now().year
    assert stored.pk != 999
