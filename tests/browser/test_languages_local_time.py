"""A reader in New York, browsing in German, sees a Berlin event's times in Berlin time, written
the German way, and beside them her own clock (local-time.js); a reader in Berlin sees no second
clock."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.factories import make_event, make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2030, 11, 12, 9, 0, tzinfo=BERLIN)  # a Tuesday; 03:00 in New York


def reader_page(browser, live_server, *, time_zone: str):
    context = browser.new_context(base_url=live_server.url, locale="de-DE", timezone_id=time_zone)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.fixture
def event():
    event = make_event(title="Cluster Forum Berlin", start=START, end=START + timedelta(hours=8))
    make_session(event, title="Plenary", start=START + timedelta(hours=1))
    return event


def test_a_reader_elsewhere_sees_her_own_time_beside_the_events(browser, live_server, event):
    context, page = reader_page(browser, live_server, time_zone="America/New_York")
    try:
        page.goto(event.get_absolute_url())

        expect(page.locator("html")).to_have_attribute("lang", "de")
        when = page.locator("dd").first
        expect(when).to_contain_text("Dienstag, 12. November 2030, 09:00\N{EN DASH}17:00")
        note = when.locator(".local-time")
        expect(note).to_contain_text("03:00")
        expect(note).to_contain_text("11:00")
        expect(note).to_contain_text("Dienstag")
        expect(note).to_contain_text("America/New_York")
        session_note = page.locator("#programme-heading ~ ol .local-time")
        expect(session_note).to_contain_text("04:00")
    finally:
        context.close()


def test_a_reader_in_the_events_time_zone_sees_one_clock(browser, live_server, event):
    context, page = reader_page(browser, live_server, time_zone="Europe/Berlin")
    try:
        page.goto(event.get_absolute_url())

        expect(page.locator("dd").first).to_contain_text("09:00\N{EN DASH}17:00")
        expect(page.locator(".local-time")).to_have_count(0)
    finally:
        context.close()
