"""Issue 13's "done when": a Finnish cluster manager in Helsinki answers the survey and registers
in Finnish with the keyboard alone, gets every mail in Finnish, and sees the Berlin event's times
beside her own clock."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from registrations.models import Registration, SurveyResponse
from registrations.services.action_log import Actor
from registrations.services.registration import registration_open
from tests.factories import make_event, make_survey
from tests.helpers.keyboard import fill_in
from tests.helpers.urls import register_url, survey_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBMIT = "main form [type=submit]"
ABOUT_AINO = [
    ("type", "#id_first_name", "Aino"),
    ("type", "#id_last_name", "Järvenpää"),
    ("type", "#id_email", "aino.jarvenpaa@cluster.example.fi"),
    ("type", "#id_organisation", "Tampereen klusteri ry"),
    ("type", "#id_organisation_type", "Klusteri"),  # "Klusteriorganisaatio", by type-ahead
    ("type", "#id_job_title", "Klusterijohtaja"),
    ("type", "#id_country", "Suomi"),
]


@pytest.fixture
def helsinki_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="fi-FI", timezone_id="Europe/Helsinki"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_a_finnish_cluster_manager_does_it_all_in_finnish_with_the_keyboard(helsinki_page):
    page = helsinki_page
    event = make_event(title="European Cluster Conference 2030")
    survey = make_survey(event)

    page.goto(survey_url(survey))
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    fill_in(
        page,
        [
            *ABOUT_AINO,
            ("space", "#id_intent_0", ""),
            ("space", "#id_notify_when_registration_opens", ""),
            ("space", "#id_consent", ""),
            ("enter", SUBMIT, ""),
        ],
    )
    expect(page.locator("h1")).to_have_text("Kiitos! Tarkista sähköpostisi")
    assert SurveyResponse.objects.get().language == "fi"

    registration_open(event=event, actor=Actor.system("test"))
    page.goto(register_url(event))
    fill_in(
        page,
        [
            *ABOUT_AINO,
            ("space", "#id_attendance_mode_0", ""),
            ("space", "#id_consent", ""),
            ("enter", SUBMIT, ""),
        ],
    )
    expect(page).to_have_url(f"/events/{event.slug}/register/sent/")
    registration = Registration.objects.get()
    assert (registration.language, registration.attendance_mode) == ("fi", "on_site")

    subjects = [message.subject for message in mail.outbox]
    assert len(subjects) == 3, subjects  # the answer, "registration is open", the confirmation
    for message in mail.outbox:
        assert message.to == ["aino.jarvenpaa@cluster.example.fi"]
        assert "Hyvä Aino Järvenpää" in message.body, message.body
        assert "Dear" not in message.body

    page.goto(event.get_absolute_url())
    when = page.locator("dd").first
    expect(when.locator(".local-time").first).to_contain_text("Europe/Helsinki")
