"""Two registered clusters meet: one lists itself, the other finds it among its suggestions and in
the catalogue and asks for a meeting, the first accepts; the organiser builds and publishes the
schedule, and each agenda shows the other organisation with the room link."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from registrations.models import Meeting, ScheduleRun, ScheduleRunStatus, ScheduleState
from registrations.services.action_log import Actor
from registrations.services.meeting_schedule import schedule_build_request, schedule_publish
from tests.factories import make_invited_registration, make_meeting_event, make_slots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_a_partner_ask_accept_and_see_the_agenda(page, live_server, settings):
    settings.SITE_URL = live_server.url
    event = make_meeting_event(room_link_pattern="https://meet.example.org/eccp-{room}")
    make_slots(event)
    battery = make_invited_registration(
        event,
        legal_name="Järvenpää Battery Cluster",
        country="FI",
        offers="Battery testing laboratories.",
        seeks="Partners.",
    )
    lodz = make_invited_registration(
        event,
        legal_name="Klaster Łódź",
        country="PL",
        offers="Textile sensors and smart clothing.",
        seeks="Battery recycling and testing laboratories for wearable devices.",
    )

    # Järvenpää opens its meetings from its registration page, lists itself and says more.
    page.goto(battery.private_path())
    page.get_by_role("link", name="Your one-to-one meetings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your one-to-one meetings")
    expect(page.get_by_text("Not listed in the catalogue")).to_be_visible()
    page.get_by_role("link", name="Change your profile").click()
    page.get_by_label("What your organisation offers").fill(
        "Battery testing laboratories and a recycling pilot line for wearable devices."
    )
    page.get_by_label("About your organisation").fill("Finnish battery cluster, 60 members.")
    page.get_by_role("checkbox", name="List us in the catalogue").check()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
    expect(page.get_by_text("Listed in the catalogue")).to_be_visible()

    # Łódź sees it among its suggestions with the words that match, then in the catalogue.
    page.goto(f"{lodz.private_path()}meetings/")
    suggestions = page.get_by_role("region", name="Suggested partners")
    expect(suggestions.get_by_role("heading", name=re.compile("Järvenpää Battery"))).to_be_visible()
    expect(suggestions).to_contain_text("You seek:")
    expect(suggestions).to_contain_text("they offer:")
    page.get_by_role("link", name="Catalogue of participants").click()
    page.get_by_label("Search").fill("battery")
    page.get_by_label("Country").select_option("FI")
    page.get_by_role("button", name="Show").click()
    card = page.get_by_role("article", name=re.compile("Järvenpää Battery Cluster"))
    expect(card).to_contain_text("Finnish battery cluster, 60 members.")
    card.get_by_label("Short message (optional)").fill("Dzień dobry! Wearable batteries?")
    card.get_by_role("button", name="Request a meeting with Järvenpää Battery Cluster").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Your request has gone to Järvenpää Battery Cluster"
    )
    expect(page.get_by_role("region", name="Your requests waiting for an answer")).to_contain_text(
        "Järvenpää Battery Cluster"
    )

    # Järvenpää accepts from its overview, leaving the time to the schedule.
    page.goto(f"{battery.private_path()}meetings/")
    received = page.get_by_role("region", name="Requests waiting for your answer")
    expect(received).to_contain_text("Dzień dobry! Wearable batteries?")
    received.get_by_role("button", name="Accept the request of Klaster Łódź").click()
    expect(page.get_by_role("status").first).to_contain_text("You have agreed to meet Klaster Łódź")
    expect(page.get_by_role("region", name="Agreed meetings")).to_contain_text("not yet placed")
    expect(page.get_by_role("link", name="Your agenda")).to_have_count(0)

    # The organiser builds the schedule (run by the worker at commit here) and publishes it.
    organiser = get_user_model().objects.create_superuser("eccp", "eccp@example.org", "x")
    schedule_build_request(event=event, actor=Actor.organiser(organiser))
    assert ScheduleRun.objects.get().status == ScheduleRunStatus.DONE
    meeting = Meeting.objects.get()
    assert meeting.slot is not None
    schedule_publish(event=event, state=ScheduleState.FINAL, actor=Actor.organiser(organiser))

    for registration, other in ((battery, "Klaster Łódź"), (lodz, "Järvenpää Battery Cluster")):
        page.goto(f"{registration.private_path()}meetings/")
        page.get_by_role("link", name="See your agenda").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your agenda")
        row = page.get_by_role("row", name=re.compile(other))
        expect(row).to_contain_text(meeting.room_link)
        expect(row.get_by_role("link", name=meeting.room_link)).to_be_visible()
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile(r"\(\.ics\)")).click()
        assert download.value.suggested_filename == f"meetings-{event.slug}.ics"
