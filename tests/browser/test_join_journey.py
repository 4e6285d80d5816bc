"""An online attendee in New York follows the personal join link of a Berlin event: too early,
the page says when it opens, in Berlin time and in the reader's own; ten minutes before the
start the same link leads to the stream, and the first use is recorded."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registrations.joining import join_window
from registrations.models import AttendanceMode, Event, EventFormat, Registration
from tests.factories import make_open_event, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def page_in_new_york(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="America/New_York"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_the_join_link_says_when_it_opens_then_leads_to_the_stream(page_in_new_york, live_server):
    page = page_in_new_york
    start = timezone.now() + timedelta(hours=2)
    stream = f"{live_server.url}/privacy/"
    event = make_open_event(
        title="Intra-European Cluster Matchmaking",
        format=EventFormat.ONLINE,
        venue="",
        city="",
        country="",
        onsite_capacity=None,
        start=start,
        end=start + timedelta(hours=4),
        online_join_url=stream,
        online_access_notes="Meeting ID 4711 0815, passcode: clusters",
    )
    registration = register(event, last_name="Järvenpää", attendance_mode=AttendanceMode.ONLINE)

    page.goto(registration.private_path())
    page.get_by_role("link", name=re.compile(registration.join_token)).click()

    opens = join_window(event).opens
    berlin_clock = opens.astimezone(event.tzinfo).strftime("%H:%M")
    notice = page.get_by_role("status")
    expect(notice).to_contain_text(f"Your join link opens at {berlin_clock} on")
    expect(notice).to_contain_text("(Europe/Berlin)")
    expect(notice).to_contain_text(
        f"{opens.astimezone(NEW_YORK):%H:%M} in your time zone (America/New_York)"
    )
    expect(page.get_by_text("Meeting ID 4711 0815, passcode: clusters")).to_be_visible()
    assert Registration.objects.get(pk=registration.pk).first_joined_at is None

    soon = timezone.now() + timedelta(minutes=10)
    Event.objects.filter(pk=event.pk).update(start=soon, end=soon + timedelta(hours=4))
    page.reload()

    expect(page).to_have_url(stream)
    assert Registration.objects.get(pk=registration.pk).first_joined_at is not None
