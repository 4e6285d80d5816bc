"""Organisers open and close the survey and read, filter and (deliberately) edit the answers."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registrations.models import InterestSurvey, SurveyResponse
from tests.factories import make_event, make_response, make_survey
from tests.helpers import run_admin_action

pytestmark = pytest.mark.django_db

RESPONSES = reverse("admin:registrations_surveyresponse_changelist")
SURVEYS = reverse("admin:registrations_interestsurvey_changelist")


@pytest.fixture
def survey():
    survey = make_survey(make_event(title="European Cluster Conference 2030"))
    make_response(survey, email="anna.mueller@example.de", intent="on_site")
    make_response(
        survey,
        email="mikko.jarvenpaa@example.fi",
        first_name="Mikko",
        last_name="Järvenpää",
        organisation="Cluster Finland",
        organisation_type="company",
        country="FI",
        intent="online",
        notify_when_registration_opens=False,
    )
    make_response(
        survey,
        email="lukasz.wojcik@example.pl",
        first_name="Łukasz",
        last_name="Wójcik",
        organisation="Politechnika Łódzka",
        organisation_type="research",
        intent="undecided",
    )
    return survey


def listed(response) -> set[str]:
    return {row.email for row in response.context["cl"].result_list}


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_responses_list_shows_the_columns_that_matter(admin_client_for, survey):
    html = admin_client_for.get(RESPONSES).content.decode()

    for text in ("Mikko Järvenpää", "Cluster Finland", "Finland", "Online", "Not sure yet"):
        assert text in html
    for header in ("Name", "Organisation", "Country", "Attendance intent", "Submitted"):
        assert header in html
    assert "Email me when registration opens" in html
    assert "European Cluster Conference 2030" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("intent__exact=online", {"mikko.jarvenpaa@example.fi"}),
        ("country__exact=FI", {"mikko.jarvenpaa@example.fi"}),
        ("organisation_type__exact=research", {"lukasz.wojcik@example.pl"}),
        (
            "notify_when_registration_opens__exact=1",
            {"anna.mueller@example.de", "lukasz.wojcik@example.pl"},
        ),
        ("q=J%C3%A4rvenp%C3%A4%C3%A4", {"mikko.jarvenpaa@example.fi"}),
        ("q=anna.mueller%40example", {"anna.mueller@example.de"}),
        ("q=Politechnika", {"lukasz.wojcik@example.pl"}),
    ],
)
def test_responses_are_filtered_and_searched(admin_client_for, survey, query, expected):
    assert listed(admin_client_for.get(f"{RESPONSES}?{query}")) == expected


def test_responses_are_filtered_by_event(admin_client_for, survey):
    other = make_survey()
    make_response(other, email="other@example.org")

    response = admin_client_for.get(f"{RESPONSES}?survey__event__id__exact={other.event.pk}")

    assert listed(response) == {"other@example.org"}


def test_the_responses_list_does_not_query_per_row(admin_client_for, survey):
    few = queries_for(admin_client_for, RESPONSES)
    for number in range(5):
        make_response(make_survey(), email=f"person{number}@example.org")

    assert queries_for(admin_client_for, RESPONSES) == few


def test_event_admin_shows_the_count_per_intent(admin_client_for, survey):
    make_response(survey, email="second.on.site@example.de", intent="on_site")
    url = reverse("admin:registrations_event_change", args=[survey.event.pk])

    html = admin_client_for.get(url).content.decode()

    for count in ("Open · ", "On site: 2", "Online: 1", "Not sure yet: 1", "Total: 4"):
        assert count in html
    survey_url = reverse("admin:registrations_interestsurvey_change", args=[survey.pk])
    assert f'href="{survey_url}"' in html
    assert f"?survey__id__exact={survey.pk}&amp;intent__exact=online" in html


def test_event_admin_offers_to_add_a_survey_to_an_event_without_one(admin_client_for):
    event = make_event()
    url = reverse("admin:registrations_event_change", args=[event.pk])

    html = admin_client_for.get(url).content.decode()

    add_url = reverse("admin:registrations_interestsurvey_add")
    assert f'href="{add_url}?event={event.pk}"' in html


def test_the_count_per_intent_is_one_query_whatever_the_number_of_answers(admin_client_for, survey):
    url = reverse("admin:registrations_event_change", args=[survey.event.pk])
    before = queries_for(admin_client_for, url)
    for number in range(5):
        make_response(survey, email=f"person{number}@example.org")

    assert queries_for(admin_client_for, url) == before


def test_organiser_closes_and_opens_surveys_with_admin_actions(admin_client_for):
    survey = make_survey(is_open=True)

    run_admin_action(admin_client_for, "close_surveys", [survey])
    survey.refresh_from_db()
    assert not survey.is_open

    run_admin_action(admin_client_for, "open_surveys", [survey])
    survey.refresh_from_db()
    assert survey.is_open


def test_the_survey_of_a_past_event_is_not_opened_and_the_organiser_is_told(admin_client_for):
    survey = make_survey(make_event(start=timezone.now() - timedelta(days=3)), is_open=False)

    response = run_admin_action(admin_client_for, "open_surveys", [survey])

    assert "its survey cannot be opened" in response.content.decode()
    survey.refresh_from_db()
    assert not survey.is_open


def test_organiser_edits_the_intro_and_opens_the_survey_on_its_page(admin_client_for):
    survey = make_survey(is_open=False, intro="Old text")
    url = reverse("admin:registrations_interestsurvey_change", args=[survey.pk])

    response = admin_client_for.post(
        url, {"intro_en": "Tell us if you come to Berlin.", "is_open": "on"}
    )

    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.intro, survey.is_open) == ("Tell us if you come to Berlin.", True)


def test_ticking_open_for_a_past_event_is_refused(admin_client_for):
    survey = make_survey(make_event(start=timezone.now() - timedelta(days=3)), is_open=False)
    url = reverse("admin:registrations_interestsurvey_change", args=[survey.pk])

    response = admin_client_for.post(url, {"intro_en": "New", "is_open": "on"}, follow=True)

    assert "its survey cannot be opened" in response.content.decode()
    survey.refresh_from_db()
    assert (survey.intro, survey.is_open) == ("New", False)


def test_organiser_adds_a_closed_survey_to_an_event(admin_client_for):
    event = make_event()

    admin_client_for.post(
        reverse("admin:registrations_interestsurvey_add"), {"event": event.pk, "intro_en": "Hello"}
    )

    assert InterestSurvey.objects.get(event=event).is_open is False


def test_survey_list_counts_the_answers(admin_client_for, survey):
    response = admin_client_for.get(SURVEYS)

    assert response.context["cl"].result_list[0].response_count == 3


def response_url(answer, edit=False):
    url = reverse("admin:registrations_surveyresponse_change", args=[answer.pk])
    return f"{url}?edit_personal_data=1" if edit else url


def edit_data(**overrides):
    data = {
        "first_name": "Anna",
        "last_name": "Müller-Schmidt",
        "organisation": "Cluster Łódź",
        "organisation_type": "cluster",
        "job_title": "Director",
        "country": "DE",
        "intent": "online",
        "notify_when_registration_opens": "on",
        "comment": "",
        "email": "changed@example.org",
    }
    data.update(overrides)
    return data


def test_personal_data_is_read_only_by_default(admin_client_for, survey):
    answer = SurveyResponse.objects.get(email="anna.mueller@example.de")

    page = admin_client_for.get(response_url(answer)).content.decode()
    admin_client_for.post(response_url(answer), edit_data())

    assert 'name="last_name"' not in page and 'name="intent"' not in page
    assert "Edit this answer (personal data)" in page
    answer.refresh_from_db()
    assert (answer.last_name, answer.intent) == ("Müller", "on_site")


def test_organiser_deliberately_edits_personal_data_but_never_the_email(admin_client_for, survey):
    answer = SurveyResponse.objects.get(email="anna.mueller@example.de")

    page = admin_client_for.get(response_url(answer, edit=True)).content.decode()
    response = admin_client_for.post(response_url(answer, edit=True), edit_data())

    assert 'name="last_name"' in page and 'name="email"' not in page
    assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.last_name, answer.job_title, answer.intent) == (
        "Müller-Schmidt",
        "Director",
        "online",
    )
    assert answer.email == "anna.mueller@example.de"


def test_organiser_can_edit_after_the_survey_closed(admin_client_for, survey):
    survey.is_open = False
    survey.save()
    answer = SurveyResponse.objects.get(email="anna.mueller@example.de")

    admin_client_for.post(response_url(answer, edit=True), edit_data())

    answer.refresh_from_db()
    assert answer.last_name == "Müller-Schmidt"


def test_an_intent_the_event_does_not_offer_is_refused_in_the_admin(admin_client_for):
    online_only = make_survey(make_event(format="online", venue="", city="", country=""))
    answer = make_response(online_only, intent="online")

    response = admin_client_for.post(response_url(answer, edit=True), edit_data(intent="on_site"))

    assert response.status_code == 200
    assert "Please choose one of the ways this event can be attended." in response.content.decode()
    answer.refresh_from_db()
    assert answer.intent == "online"


def test_answers_are_not_added_in_the_admin(admin_client_for):
    response = admin_client_for.get(reverse("admin:registrations_surveyresponse_add"))

    assert response.status_code == 403
