"""A cluster applies, is found eligible, gets its invitation by email and registers with it."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from registrations.demo import MATCHMAKING_SLUG
from registrations.models import ExpressionOfInterest, Registration, RegistrationSource
from registrations.services.action_log import Actor
from registrations.services.matchmaking import application_mark_eligible, invitations_send
from registrations.services.registration import registration_open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_apply_be_found_eligible_and_register_with_the_invitation(page, live_server, settings):
    settings.SITE_URL = live_server.url
    call_command("load_demo", "--year", "2030", "--events-only")

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

    expect(page.get_by_role("heading", level=1)).to_contain_text("please check your inbox")
    assert mail.outbox[-1].to == ["lukasz.wojcik@example.pl"]

    organiser = get_user_model().objects.create_superuser("eccp", "eccp@example.org", "x")
    application = ExpressionOfInterest.objects.get()
    registration_open(event=application.event, actor=Actor.organiser(organiser))
    application_mark_eligible(application=application, actor=Actor.organiser(organiser))
    invitations_send(applications=[application], actor=Actor.organiser(organiser))

    invitation_email = mail.outbox[-1]
    assert "invited to register" in invitation_email.body
    (link,) = set(re.findall(r"http\S+/invitation/[\w-]+/", invitation_email.body))
    page.goto(link)

    expect(page.get_by_role("heading", level=1)).to_contain_text("Register for Intra-European")
    expect(page.get_by_label("Email")).to_have_value("lukasz.wojcik@example.pl")
    expect(page.get_by_label("Email")).to_be_disabled()
    expect(page.get_by_role("textbox", name=re.compile(r"^Organisation\b"))).to_have_value(
        "Klaster Łódź Innowacje"
    )
    expect(page.get_by_label("First name")).to_have_value("Łukasz")
    webinar = page.get_by_label("Preparatory webinar: how to take part successfully")
    expect(webinar).to_be_checked()
    page.get_by_label("Matchmaking session 2: cluster-to-cluster meetings").uncheck()
    page.get_by_label("I agree that my data is processed").check()
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are registered")
    registration = Registration.objects.get()
    assert registration.email == "lukasz.wojcik@example.pl"
    assert registration.source == RegistrationSource.INVITATION
    assert sorted(session.title for session in registration.sessions.all()) == [
        "Matchmaking session 1: cluster-to-cluster meetings",
        "Preparatory webinar: how to take part successfully",
    ]
    assert application.invitation.registration_id == registration.pk

    page.goto(link)  # the link works once
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation link cannot be used")
    expect(page.get_by_text("already been used")).to_be_visible()
