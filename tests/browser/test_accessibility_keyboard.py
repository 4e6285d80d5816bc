"""The survey, the registration and the expression of interest, done with the keyboard alone: no
click, the focus always visible."""

import re

import pytest
from playwright.sync_api import expect

from registrations.models import ExpressionOfInterest, Registration, SurveyResponse
from tests.factories import make_call, make_open_event, make_survey, sectors
from tests.helpers.keyboard import fill_in
from tests.helpers.urls import apply_url, register_url, survey_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBMIT = "main form [type=submit]"


def about_me(given: str, family: str, email: str) -> list[tuple[str, str, str]]:
    return [
        ("type", "#id_first_name", given),
        ("type", "#id_last_name", family),
        ("type", "#id_email", email),
        ("type", "#id_organisation", "Cluster Tampere"),
        ("type", "#id_organisation_type", "Cluster"),
        ("type", "#id_job_title", "Cluster manager"),
        ("type", "#id_country", "Finland"),
    ]


def test_the_survey_with_the_keyboard_alone(page):
    survey = make_survey()
    page.goto(survey_url(survey))

    fill_in(
        page,
        [
            *about_me("Aino", "Järvenpää", "aino.jarvenpaa@cluster.example.fi"),
            ("space", "#id_intent_0", ""),
            ("space", "#id_notify_when_registration_opens", ""),
            ("type", "#id_comment", "Vegetarian lunch, please."),
            ("space", "#id_consent", ""),
            ("enter", SUBMIT, ""),
        ],
    )

    expect(page).to_have_url(f"/events/{survey.event.slug}/survey/thanks/")
    answer = SurveyResponse.objects.get()
    assert (answer.last_name, answer.country.code, answer.organisation_type) == (
        "Järvenpää",
        "FI",
        "cluster",
    )
    assert answer.notify_when_registration_opens


def test_the_registration_with_the_keyboard_alone(page):
    event = make_open_event(title="European Cluster Conference 2030")
    page.goto(register_url(event))

    fill_in(
        page,
        [
            *about_me("Jukka", "Järvenpää", "jukka.jarvenpaa@cluster.example.fi"),
            ("space", "#id_attendance_mode_0", ""),
            ("type", "#id_dietary_needs", "Vegetarian"),
            ("space", "#id_consent", ""),
            ("enter", SUBMIT, ""),
        ],
    )

    expect(page).to_have_url(f"/events/{event.slug}/register/sent/")
    registration = Registration.objects.get()
    assert (registration.last_name, registration.attendance_mode) == ("Järvenpää", "on_site")
    assert registration.dietary_needs == "Vegetarian"


def test_the_expression_of_interest_with_the_keyboard_alone(page):
    call = make_call()
    sectors("Digital", "Health")
    declarations = [
        ("space", f"#id_declarations_{index}", "") for index in range(call.declarations.count())
    ]
    page.goto(apply_url(call))

    fill_in(
        page,
        [
            ("type", "#id_legal_name", "Klaster Łódź Innowacje sp. z o.o."),
            ("type", "#id_country", "Poland"),
            ("space", "#id_organisation_type_0", ""),
            ("type", "#id_eccp_profile_url", "https://clustercollaboration.eu/lodz"),
            ("space", "#id_sectors_0", ""),
            ("type", "#id_members_count", "120"),
            ("type", "#id_offers", "Textile and digital SMEs from the Łódź region."),
            ("type", "#id_seeks", "Partners for a joint Horizon Europe proposal."),
            ("type", "#id_contact_first_name", "Łukasz"),
            ("type", "#id_contact_last_name", "Wójcik"),
            ("type", "#id_contact_job_title", "Cluster manager"),
            ("type", "#id_contact_email", "lukasz.wojcik@example.pl"),
            *declarations,
            ("space", "#id_consent", ""),
            ("enter", SUBMIT, ""),
        ],
    )

    expect(page).to_have_url(f"/events/{call.event.slug}/apply/thanks/")
    application = ExpressionOfInterest.objects.get()
    assert (application.legal_name, application.country.code) == (
        "Klaster Łódź Innowacje sp. z o.o.",
        "PL",
    )
    assert application.sectors.count() == 1


def test_after_a_failed_submit_the_focus_is_on_the_error_summary(page):
    survey = make_survey()
    page.goto(survey_url(survey))

    fill_in(page, [("type", "#id_first_name", "Aino"), ("enter", SUBMIT, "")])

    expect(page).to_have_title(re.compile("^Error: "))
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Enter your family name")).to_have_attribute(
        "href", "#id_last_name"
    )
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link").first).to_be_focused()
