"""The personal join link of an online attendee: only those entitled to it reach the address,
only in the window (from a set time before the start until the end), and the first use is
recorded once. The address and the access notes never appear on public pages."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from registrations.emails import absolute_url
from registrations.joining import join_window, online_access
from registrations.models import AttendanceMode, Event, EventFormat, Registration
from registrations.services.action_log import Actor, action_log_for
from registrations.services.joining import join_link_use
from tests.factories import BERLIN, make_open_event, make_session, register
from tests.helpers import run_together

pytestmark = pytest.mark.django_db

STREAM = "https://stream.example.org/berlin-live"
NOTES = "Dial-in +49 30 1234 5678, meeting ID 4711 0815"
ONLINE = AttendanceMode.ONLINE


def event_starting_in(delta: timedelta, **fields) -> Event:
    start = timezone.now() + delta
    fields.setdefault("online_join_url", STREAM)
    return make_open_event(start=start, end=start + timedelta(hours=3), **fields)


def move_event(event: Event, *, start: datetime, end: datetime) -> None:
    """Registration is refused for a past event, so register first, then move the event."""
    Event.objects.filter(pk=event.pk).update(start=start, end=end)


def assert_private(response) -> None:
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_confirmed_online_attendee_is_led_to_the_stream_and_an_on_site_one_is_not(client):
    event = event_starting_in(timedelta(minutes=10))
    online = register(event, email="anna.muller@example.de", attendance_mode=ONLINE)
    on_site = register(event, email="aino.jarvenpaa@example.fi")

    response = client.get(online.join_path())

    assert (response.status_code, response.url) == (302, STREAM)
    assert_private(response)
    refused = client.get(on_site.join_path())
    assert refused.status_code == 403
    assert "You attend on site" in refused.content.decode()
    assert client.get("/join/not-a-token/").status_code == 404


def test_the_first_use_is_recorded_once_and_logged(client):
    event = event_starting_in(timedelta(minutes=10))
    registration = register(event, last_name="Müller", attendance_mode=ONLINE)

    client.get(registration.join_path())
    registration.refresh_from_db()
    first = registration.first_joined_at
    assert first is not None
    client.get(registration.join_path())

    registration.refresh_from_db()
    assert registration.first_joined_at == first
    (entry,) = action_log_for(registration).filter(action="joined online")
    assert entry.changes["first_joined_at"] == [None, first.isoformat()]


def test_a_head_request_is_answered_like_get_and_records_nothing(client):
    event = event_starting_in(timedelta(minutes=10))
    registration = register(event, last_name="Järvenpää", attendance_mode=ONLINE)

    response = client.head(registration.join_path())

    assert (response.status_code, response.url) == (302, STREAM)
    registration.refresh_from_db()
    assert registration.first_joined_at is None
    assert client.post(registration.join_path()).status_code == 405


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_the_same_moment_record_one_time(on_postgresql):
    event = event_starting_in(timedelta(minutes=10))
    registration = register(event, last_name="Wójcik", attendance_mode=ONLINE)
    clicks = [timezone.now(), timezone.now() + timedelta(seconds=1)]

    outcomes = run_together(
        [
            lambda at=at: join_link_use(registration=registration, actor=Actor.person(), now=at)
            for at in clicks
        ]
    )

    assert [access.url for access in outcomes] == [STREAM, STREAM]
    registration.refresh_from_db()
    assert registration.first_joined_at in clicks
    assert action_log_for(registration).filter(action="joined online").count() == 1


def test_before_the_window_the_page_says_when_it_opens_in_the_events_time_zone(client):
    tomorrow = timezone.now().astimezone(BERLIN).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, datetime.min.time(), tzinfo=BERLIN).replace(hour=9)
    event = make_open_event(
        start=start,
        end=start + timedelta(hours=8),
        online_join_url=STREAM,
        online_access_notes=NOTES,
        join_opens_minutes_before=45,
    )
    registration = register(event, last_name="Järvenpää", attendance_mode=ONLINE)

    response = client.get(registration.join_path())

    assert response.status_code == 200
    assert_private(response)
    page = response.content.decode()
    opens = start - timedelta(minutes=45)
    assert f'Your join link opens at <time datetime="{opens.isoformat()}"' in page
    assert "08:15 on " in page and "(Europe/Berlin)" in page
    assert "45 minutes before the start" in page
    assert 'src="/static/js/local-time.js"' in page
    assert "<script>" not in page
    assert NOTES in page
    assert STREAM not in page
    assert registration.token not in page
    registration.refresh_from_db()
    assert registration.first_joined_at is None


def test_after_the_end_the_page_says_the_event_has_ended(client):
    event = event_starting_in(timedelta(days=1), online_access_notes=NOTES)
    registration = register(event, last_name="Gonçalves", attendance_mode=ONLINE)
    now = timezone.now()
    move_event(event, start=now - timedelta(hours=3), end=now - timedelta(minutes=1))

    response = client.get(registration.join_path())

    assert response.status_code == 200
    assert_private(response)
    page = response.content.decode()
    assert "The event has ended" in page
    assert STREAM not in page and NOTES not in page


def test_without_an_address_the_page_says_it_is_not_published_yet(client):
    event = event_starting_in(timedelta(minutes=10), online_join_url="")
    registration = register(event, last_name="Łukasiewicz", attendance_mode=ONLINE)

    response = client.get(registration.join_path())

    assert response.status_code == 200
    assert "The organisers have not published the online access yet" in response.content.decode()
    registration.refresh_from_db()
    assert registration.first_joined_at is None


def test_those_not_entitled_are_told_why_and_never_see_the_address_or_the_private_link(client):
    event = event_starting_in(timedelta(minutes=10), online_capacity=1, online_access_notes=NOTES)
    register(event, last_name="Müller", attendance_mode=ONLINE)
    waiting = register(event, last_name="Nowak", attendance_mode=ONLINE, join_waiting_list=True)
    on_site = register(event, last_name="Järvenpää")
    cancelled = register(event, last_name="Wójcik")
    Registration.objects.filter(pk=cancelled.pk).update(status="cancelled")

    for registration, reason in [
        (waiting, "You are on the waiting list"),
        (on_site, "You attend on site"),
        (cancelled, "This registration is cancelled"),
    ]:
        response = client.get(registration.join_path())
        page = response.content.decode()
        assert response.status_code == 403
        assert_private(response)
        assert reason in page
        assert STREAM not in page and NOTES not in page
        assert registration.token not in page and "/registration/" not in page
        registration.refresh_from_db()
        assert registration.first_joined_at is None


def test_on_site_attendees_may_join_where_the_organisers_allow_it(client):
    event = event_starting_in(timedelta(minutes=10), join_link_for_on_site=True)
    on_site = register(event, last_name="Müller")

    assert client.get(on_site.join_path()).url == STREAM


def test_the_link_leads_to_the_running_session_of_the_person_with_its_own_address(client):
    event = event_starting_in(timedelta(minutes=-30), online_access_notes=NOTES)
    running = make_session(
        event,
        title="Cluster internationalisation webinar",
        start=event.start,
        end=event.start + timedelta(hours=1),
        online_join_url="https://webinar.example.org/internationalisation",
    )
    registration = register(event, last_name="Järvenpää", attendance_mode=ONLINE)
    registration.sessions.set([running])

    assert client.get(registration.join_path()).url == running.online_join_url


def test_the_access_is_the_current_or_next_chosen_sessions_own_else_the_events():
    event = event_starting_in(timedelta(days=2), online_access_notes=NOTES)
    plenary = make_session(event, title="Opening plenary", start=event.start)
    webinar = make_session(
        event,
        title="Webinar on smart specialisation",
        start=event.start + timedelta(hours=1),
        online_join_url="https://webinar.example.org/s3",
        online_access_notes="Meeting ID 123",
    )
    workshop = make_session(
        event,
        title="Workshop Łódź",
        start=event.start + timedelta(hours=2),
        online_access_notes="Breakout room 4 of the main stream",
    )
    registration = register(
        event, last_name="Kowalski", attendance_mode=ONLINE, sessions=[webinar, workshop]
    )
    registration = Registration.objects.prefetch_related("sessions").get(pk=registration.pk)

    def at(moment):
        access = online_access(registration, moment)
        return access.url, access.notes, access.session

    window = join_window(event)
    assert window.opens == event.start - timedelta(minutes=30)
    assert at(window.opens) == (webinar.online_join_url, "Meeting ID 123", webinar)
    assert at(webinar.start + timedelta(minutes=5)) == at(window.opens)
    assert at(webinar.end) == (STREAM, "Breakout room 4 of the main stream", workshop)
    assert at(workshop.end) == (STREAM, NOTES, None)
    registration.sessions.set([plenary])
    registration = Registration.objects.prefetch_related("sessions").get(pk=registration.pk)
    assert online_access(registration, plenary.start).url == STREAM


def test_the_private_page_shows_the_join_link_and_notes_online_and_the_venue_on_site(client):
    event = event_starting_in(timedelta(days=2), online_access_notes=NOTES)
    online = register(event, last_name="Müller", attendance_mode=ONLINE)
    on_site = register(event, last_name="Järvenpää")
    opens = join_window(event).opens.astimezone(BERLIN)

    response = client.get(online.private_path())
    page = response.content.decode()
    assert_private(response)
    assert f'href="{online.join_path()}">{absolute_url(online.join_path())}</a>' in page
    assert f"It opens at {opens:%H:%M}" in page
    assert NOTES in page
    assert STREAM not in page

    page = client.get(on_site.private_path()).content.decode()
    assert "At the venue: Estrel Congress Center, Berlin, Germany." in page
    assert on_site.join_token not in page
    assert NOTES not in page


def test_public_pages_and_the_public_calendar_never_carry_the_address_or_the_notes(client):
    event = event_starting_in(
        timedelta(days=2), format=EventFormat.HYBRID, online_access_notes=NOTES
    )
    make_session(
        event,
        title="Webinar on cluster excellence",
        online_join_url="https://webinar.example.org/excellence",
        online_access_notes="Passcode: clusters",
    )
    register(event, last_name="Müller", attendance_mode=ONLINE)

    for path in ["/", event.get_absolute_url(), f"/events/{event.slug}/calendar.ics"]:
        content = client.get(path).content.decode().replace("\r\n ", "")  # .ics lines unfolded
        assert event.title in content, path
        for secret in (STREAM, NOTES, "webinar.example.org", "Passcode", "/join/"):
            assert secret not in content, (path, secret)
