"""A cluster applies, is found eligible, gets its invitation by email and registers with it."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from registrations.models import ExpressionOfInterest
from registrations.services.demo import MATCHMAKING_SLUG
from registrations.services.matchmaking import application_mark_eligible, invitations_send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_apply_then_invitation_by_email(page, live_server, settings):
    settings.SITE_URL = live_server.url
    call_command("load_demo", "--year", "2030")

    page.goto(f"/events/{MATCHMAKING_SLUG}/")
    page.get_by_role("link", name="Apply").click()
    page.get_by_label("Legal name of the organisation").fill("Klaster Łódź Innowacje")
    page.get_by_label("Country of establishment").select_option("PL")
    page.get_by_role("radio", name="Cluster organisation").check()
    page.get_by_label("ECCP profile URL").fill("https://clustercollaboration.eu/lodz")
    page.get_by_role("checkbox", name="Digital", exact=True).check()
    page.get_by_role("checkbox", name="Textile", exact=True).check()
    page.get_by_label("Number of members").fill("120")
    page.get_by_label("What your organisation offers").fill("Textile and digital SMEs.")
    page.get_by_label("What your organisation seeks").fill("Partners for joint projects.")
    page.get_by_label("Contact person: first name").fill("Łukasz")
    page.get_by_label("Contact person: last name").fill("Wójcik")
    page.get_by_label("Contact person: job title").fill("Cluster manager")
    page.get_by_label("Contact person: email").fill("lukasz.wojcik@example.pl")
    for declaration in (
        page.get_by_role("group", name="Eligibility declarations").get_by_role("checkbox").all()
    ):
        declaration.check()
    page.get_by_label("I agree that my data is processed").check()
    page.get_by_role("button", name="Send expression of interest").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("we have received")
    assert mail.outbox[-1].to == ["lukasz.wojcik@example.pl"]

    organiser = get_user_model().objects.create_superuser("eccp", "eccp@example.org", "x")
    application = ExpressionOfInterest.objects.get()
    application_mark_eligible(application=application, reviewer=organiser)
    invitations_send(applications=[application])

    invitation_email = mail.outbox[-1]
    assert "invited to register" in invitation_email.body
    (link,) = set(re.findall(r"http\S+/invitation/[\w-]+/", invitation_email.body))
    page.goto(link)
