"""A cluster manager answers the interest survey, then changes the answer via the private link."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from registrations.models import SurveyResponse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_the_event_page_to_a_stored_answer_then_a_change_of_intent(page):
    call_command("load_demo", "--year", "2030", "--events-only")

    page.goto("/events/european-cluster-conference/")
    take_part = page.get_by_role("complementary")
    expect(take_part).to_contain_text("Tell us whether you plan to come, on site or online.")
    take_part.get_by_role("link", name="Answer the interest survey").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Interest survey")
    page.get_by_label("First name").fill("Łukasz")
    page.get_by_label("Last name").fill("Wójcik")
    page.get_by_role("textbox", name=re.compile(r"^Email")).fill("lukasz.wojcik@example.pl")
    page.get_by_role("textbox", name=re.compile(r"^Organisation")).fill("Klaster Łódź")
    page.get_by_label("Type of organisation").select_option(label="Cluster organisation")
    page.get_by_label("Job title").fill("Cluster manager")
    page.get_by_label("Country").select_option(label="Poland")
    page.get_by_label("On site").check()
    page.get_by_label("Email me when registration opens").check()
    page.get_by_label(re.compile("I agree that my data is processed")).check()
    page.get_by_role("button", name="Send my answer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: please check your inbox")
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/survey/[\w-]+/", message.body).group(0)

    page.goto(urlsplit(link).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answer to the interest survey")
    expect(page.get_by_label("On site")).to_be_checked()
    page.get_by_label("Online", exact=True).check()
    page.get_by_role("button", name="Save my changes").click()

    expect(page.get_by_role("status").first).to_have_text("Your answer has been changed.")
    answer = SurveyResponse.objects.get()
    assert (answer.last_name, answer.country.code, answer.intent) == ("Wójcik", "PL", "online")
    assert answer.notify_when_registration_opens is True
