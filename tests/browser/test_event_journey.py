"""A visitor finds the conference in the event list and reads its programme."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_opens_the_conference_from_the_event_list_and_sees_its_programme(page):
    call_command("load_demo", "--year", "2030", "--events-only")

    page.goto("/")
    page.get_by_role("link", name="European Cluster Conference 2030").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("European Cluster Conference 2030")
    expect(page.get_by_text("Europe/Berlin, CET").first).to_be_visible()
    programme = page.get_by_role("region", name="Programme")
    expect(programme.get_by_text("Opening plenary: cluster policy in Europe")).to_be_visible()
    expect(programme.get_by_text("Closing plenary and outlook")).to_be_visible()
