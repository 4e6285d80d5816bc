"""The personal join link of an online attendee: only those entitled to it reach the address."""

import pytest

from registrations.models import AttendanceMode
from tests.factories import make_open_event, register

pytestmark = pytest.mark.django_db

STREAM = "https://stream.example.org/berlin-live"


def test_a_confirmed_online_attendee_is_led_to_the_stream_and_an_on_site_one_is_not(client):
    event = make_open_event(online_join_url=STREAM)
    online = register(event, email="anna.muller@example.de", attendance_mode=AttendanceMode.ONLINE)
    on_site = register(event, email="aino.jarvenpaa@example.fi")

    assert client.get(online.join_path()).url == STREAM
    assert client.get(on_site.join_path()).status_code == 404
    assert client.get("/join/not-a-token/").status_code == 404
