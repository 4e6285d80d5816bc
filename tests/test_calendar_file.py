"""The .ics calendar file of an event, parsed back with icalendar."""

import pytest
from icalendar import Calendar

from tests.factories import make_event

pytestmark = pytest.mark.django_db


def test_calendar_file_is_valid_icalendar_with_the_events_facts(client):
    event = make_event(title="Klusterikonferenssi Järvenpää", city="Järvenpää", country="FI")

    response = client.get(f"/events/{event.slug}/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="{event.slug}.ics"' in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["summary"]) == "Klusterikonferenssi Järvenpää"
    assert entry.decoded("dtstart") == event.start
    assert entry.decoded("dtend") == event.end
    assert "Järvenpää, Finland" in str(entry["location"])
    assert str(entry["uid"]) == f"{event.slug}@eventsite"
    assert str(entry["url"]).endswith(f"/events/{event.slug}/")
