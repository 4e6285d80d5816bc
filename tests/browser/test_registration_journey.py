"""The whole registration journey in a real browser: the organiser opens registration in the
admin, a person registers from the event page, follows the private link from the confirmation
mail, switches to online, cancels."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from registrations.models import Event, Registration, RegistrationStatus
from tests.factories import make_event, make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Łódź cluster forum 2030"


def open_registration_in_the_admin(page, event, django_user_model):
    django_user_model.objects.create_superuser("m.wojcik", "m.wojcik@example.eu", PASSWORD)
    page.goto(f"/admin/registrations/event/{event.pk}/change/")
    page.get_by_label("Username").fill("m.wojcik")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Open registration…").click()
    page.get_by_role("button", name="Open registration").click()
    expect(page.get_by_text(re.compile("is open; survey respondents"))).to_be_visible()
    page.context.clear_cookies()  # the person below is not logged in


def test_open_register_private_link_switch_mode_cancel(page, django_user_model):
    event = make_event(title="European Cluster Conference 2030", onsite_capacity=80)
    make_session(event, title="Opening plenary")
    make_session(event, title="Matchmaking session 1", start=event.start + timedelta(hours=3))

    open_registration_in_the_admin(page, event, django_user_model)
    assert Event.objects.get(pk=event.pk).registration_opened_by.username == "m.wojcik"

    page.goto(event.get_absolute_url())
    page.get_by_role("link", name="Register").click()
    page.get_by_label("First name").fill("Jukka")
    page.get_by_label("Last name").fill("Järvenpää")
    page.get_by_label("Email").fill("jukka.jarvenpaa@cluster.example.fi")
    page.get_by_role("textbox", name=re.compile("^Organisation")).fill("Cluster Tampere")
    page.get_by_label("Type of organisation").select_option("cluster")
    page.get_by_label("Country").select_option("FI")
    page.get_by_role("radio", name=re.compile("On site")).check()
    page.get_by_label("Matchmaking session 1").check()
    page.get_by_label("Dietary needs (on site)").fill("Vegetarian")
    page.get_by_label(re.compile("I agree that my data is processed")).check()
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: please check your inbox")
    registration = Registration.objects.get(event=event)
    link = re.search(r"https?://\S+/registration/[\w-]+/", mail.outbox[-1].body).group(0)
    assert f"/registration/{registration.token}/" in link

    page.goto(urlsplit(link).path)
    expect(page).to_have_url(re.compile(f"/registration/{registration.token}/$"))
    expect(page.get_by_text("Jukka Järvenpää")).to_be_visible()
    expect(page.get_by_text("Matchmaking session 1").first).to_be_visible()
    page.get_by_role("button", name=re.compile("Switch to: Online")).click()
    expect(page.get_by_text("Your attendance mode is changed.")).to_be_visible()
    registration.refresh_from_db()
    assert registration.attendance_mode == "online"

    page.get_by_label("Yes, cancel my registration.").check()
    page.get_by_role("button", name="Cancel my registration").click()
    expect(page.get_by_text("Your registration is cancelled.")).to_be_visible()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    expect(page.get_by_role("button", name="Cancel my registration")).to_have_count(0)
