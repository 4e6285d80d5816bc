"""The .ics calendar files (the event's public one and a person's own), parsed back with
icalendar: one entry per session or per day, in the event's time zone, stable UIDs."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from icalendar import Calendar

from registrations.calendar import registration_calendar
from registrations.emails import absolute_url
from registrations.models import AttendanceMode, EventFormat
from registrations.services.action_log import Actor
from registrations.services.registration import registration_cancel, registration_change_mode
from tests.factories import make_event, make_open_event, make_session, register

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")


def entries(content) -> list:
    return list(Calendar.from_ical(content).walk("VEVENT"))


def ics_attachment(message) -> bytes:
    """The .ics file of a mail (an inline image, e.g. the check-in QR code, is a MIME part)."""
    files = [a for a in message.attachments if isinstance(a, tuple)]
    (content,) = [a[1] for a in files if a[0].endswith(".ics")]
    return content.encode() if isinstance(content, str) else content


def unfolded(content: bytes) -> bytes:
    """The file with its long lines joined again (RFC 5545 folds them at 75 octets)."""
    return content.replace(b"\r\n ", b"")


def two_day_event(**fields):
    """Wednesday 09:00 to Thursday 13:00 in Järvenpää, Helsinki time."""
    fields.setdefault("registration_opens_at", datetime(2026, 1, 1, tzinfo=HELSINKI))
    return make_event(
        title="Klusterikonferenssi Järvenpää",
        venue="Järvenpää-talo",
        city="Järvenpää",
        country="FI",
        timezone="Europe/Helsinki",
        start=datetime(2027, 3, 3, 9, 0, tzinfo=HELSINKI),
        end=datetime(2027, 3, 4, 13, 0, tzinfo=HELSINKI),
        **fields,
    )


def test_public_file_has_one_entry_per_day_without_crossing_midnight(client):
    event = two_day_event()

    response = client.get(f"/events/{event.slug}/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="{event.slug}.ics"' in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    wednesday, thursday = calendar.walk("VEVENT")
    assert (wednesday.decoded("dtstart"), wednesday.decoded("dtend")) == (
        datetime(2027, 3, 3, 9, 0, tzinfo=HELSINKI),
        datetime(2027, 3, 3, 17, 0, tzinfo=HELSINKI),
    )
    assert (thursday.decoded("dtstart"), thursday.decoded("dtend")) == (
        datetime(2027, 3, 4, 9, 0, tzinfo=HELSINKI),
        datetime(2027, 3, 4, 13, 0, tzinfo=HELSINKI),
    )
    for entry in (wednesday, thursday):
        assert entry.decoded("dtstart").date() == entry.decoded("dtend").date()
        assert entry["dtstart"].params["TZID"] == "Europe/Helsinki"
        assert str(entry["summary"]) == "Klusterikonferenssi Järvenpää"
        assert "Järvenpää, Finland" in str(entry["location"])
        assert str(entry["url"]).endswith(f"/events/{event.slug}/")
    assert str(wednesday["uid"]) == f"{event.slug}-day-20270303@eventsite"
    assert [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Helsinki"]


def test_public_file_has_one_entry_per_programme_session_and_no_personal_data(client):
    event = two_day_event()
    opening = make_session(
        event,
        title="Opening plenary",
        start=datetime(2027, 3, 3, 10, 0, tzinfo=HELSINKI),
        end=datetime(2027, 3, 3, 11, 30, tzinfo=HELSINKI),
    )
    webinar = make_session(
        event,
        title="Cluster internationalisation webinar",
        format=EventFormat.ONLINE,
        start=datetime(2027, 3, 4, 10, 0, tzinfo=HELSINKI),
        end=datetime(2027, 3, 4, 11, 0, tzinfo=HELSINKI),
    )
    register(event, first_name="Jürgen", last_name="Müller")

    content = client.get(f"/events/{event.slug}/calendar.ics").content

    first, second = entries(content)
    assert str(first["uid"]) == f"{event.slug}-session-{opening.pk}@eventsite"
    assert str(second["uid"]) == f"{event.slug}-session-{webinar.pk}@eventsite"
    assert first.decoded("dtstart") == opening.start
    assert first["dtstart"].params["TZID"] == "Europe/Helsinki"
    assert str(second["location"]) == "Online"
    assert "Müller" not in content.decode() and "registration" not in content.decode()


def test_confirmation_has_one_entry_per_chosen_session_in_the_events_time_zone(
    django_capture_on_commit_callbacks,
):
    event = two_day_event()
    opening = make_session(
        event,
        title="Opening plenary",
        start=datetime(2027, 3, 3, 10, 0, tzinfo=HELSINKI),
        end=datetime(2027, 3, 3, 11, 30, tzinfo=HELSINKI),
    )
    make_session(
        event,
        title="Study visit",
        start=datetime(2027, 3, 3, 14, 0, tzinfo=HELSINKI),
        end=datetime(2027, 3, 3, 16, 0, tzinfo=HELSINKI),
    )
    closing = make_session(
        event,
        title="Closing panel",
        start=datetime(2027, 3, 4, 11, 0, tzinfo=HELSINKI),
        end=datetime(2027, 3, 4, 12, 30, tzinfo=HELSINKI),
    )

    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event, last_name="Järvenpää", sessions=[opening, closing])

    calendar = Calendar.from_ical(ics_attachment(mail.outbox[-1]))
    assert str(calendar["method"]) == "PUBLISH"
    first, second = calendar.walk("VEVENT")
    assert str(first["uid"]) == f"registration-{registration.pk}-session-{opening.pk}@eventsite"
    assert str(second["uid"]) == f"registration-{registration.pk}-session-{closing.pk}@eventsite"
    assert (second.decoded("dtstart"), second.decoded("dtend")) == (closing.start, closing.end)
    assert second["dtstart"].params["TZID"] == "Europe/Helsinki"
    assert second["dtend"].params["TZID"] == "Europe/Helsinki"
    assert "Closing panel" in str(second["summary"])
    assert str(first["location"]) == "Järvenpää-talo, Järvenpää, Finland"
    assert [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Helsinki"]
    assert int(first["sequence"]) > 0


def test_cancellation_cancels_the_same_entries_the_confirmation_brought(
    django_capture_on_commit_callbacks,
):
    event = two_day_event()
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event, last_name="Wójcik")
    confirmation = Calendar.from_ical(ics_attachment(mail.outbox[-1]))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration, actor=Actor.person())

    (message,) = mail.outbox
    assert message.subject.startswith("Registration cancelled")
    cancellation = Calendar.from_ical(ics_attachment(message))
    assert str(cancellation["method"]) == "CANCEL"
    published = {str(e["uid"]): e for e in confirmation.walk("VEVENT")}
    cancelled = {str(e["uid"]): e for e in cancellation.walk("VEVENT")}
    assert (
        set(cancelled)
        == set(published)
        == {
            f"registration-{registration.pk}-day-20270303@eventsite",
            f"registration-{registration.pk}-day-20270304@eventsite",
        }
    )
    for uid, entry in cancelled.items():
        assert str(entry["status"]) == "CANCELLED"
        assert int(entry["sequence"]) > int(published[uid]["sequence"])
        assert entry.decoded("dtstart") == published[uid].decoded("dtstart")


def test_location_follows_the_attendance_mode_and_a_switch_updates_the_entries(
    django_capture_on_commit_callbacks,
):
    event = two_day_event()
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event, last_name="Gonçalves")
    on_site = entries(ics_attachment(mail.outbox[-1]))
    assert {str(e["location"]) for e in on_site} == {"Järvenpää-talo, Järvenpää, Finland"}

    with django_capture_on_commit_callbacks(execute=True):
        registration_change_mode(
            registration=registration, attendance_mode=AttendanceMode.ONLINE, actor=Actor.person()
        )

    online = entries(ics_attachment(mail.outbox[-1]))
    assert {str(e["location"]) for e in online} == {"Online"}
    assert [str(e["uid"]) for e in online] == [str(e["uid"]) for e in on_site]


def test_an_online_event_split_over_the_night_is_cut_at_midnight():
    event = make_open_event(
        format=EventFormat.ONLINE,
        venue="",
        city="",
        timezone="Europe/Warsaw",
        start=datetime(2027, 5, 12, 20, 0, tzinfo=ZoneInfo("Europe/Warsaw")),
        end=datetime(2027, 5, 13, 2, 0, tzinfo=ZoneInfo("Europe/Warsaw")),
    )
    registration = register(event, attendance_mode=AttendanceMode.ONLINE, last_name="Łódzki")

    evening, night = entries(registration_calendar(registration))

    warsaw = ZoneInfo("Europe/Warsaw")
    assert evening.decoded("dtend") == datetime(2027, 5, 13, 0, 0, tzinfo=warsaw)
    assert night.decoded("dtstart") == datetime(2027, 5, 13, 0, 0, tzinfo=warsaw)
    assert night.decoded("dtend") == event.end
    assert {str(e["location"]) for e in (evening, night)} == {"Online"}


def test_online_entries_carry_the_join_link_and_on_site_ones_the_venue(
    django_capture_on_commit_callbacks,
):
    event = two_day_event(online_join_url="https://stream.example.org/jarvenpaa")
    with django_capture_on_commit_callbacks(execute=True):
        online = register(event, last_name="Järvenpää", attendance_mode=AttendanceMode.ONLINE)
    online_file = ics_attachment(mail.outbox[-1])
    with django_capture_on_commit_callbacks(execute=True):
        register(event, last_name="Müller")
    on_site_file = ics_attachment(mail.outbox[-1])

    join_link = absolute_url(online.join_path())
    for entry in entries(online_file):
        assert str(entry["location"]) == "Online"
        assert str(entry["url"]) == join_link
        assert f"Join online through your personal link: {join_link}" in str(entry["description"])
        assert "It opens at 08:30 on Wednesday 3 March 2027 (Europe/Helsinki time)" in str(
            entry["description"]
        )
    for entry in entries(on_site_file):
        assert str(entry["location"]) == "Järvenpää-talo, Järvenpää, Finland"
        assert str(entry["url"]).endswith(event.get_absolute_url())
    assert b"/join/" not in unfolded(on_site_file)
    assert b"stream.example.org" not in unfolded(online_file) + unfolded(on_site_file)


def test_a_switch_to_online_updates_the_same_entries_with_a_higher_sequence_and_the_join_link(
    django_capture_on_commit_callbacks,
):
    event = two_day_event()
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event, last_name="Wójcik")
    before = {str(e["uid"]): e for e in entries(ics_attachment(mail.outbox[-1]))}

    with django_capture_on_commit_callbacks(execute=True):
        registration_change_mode(
            registration=registration, attendance_mode=AttendanceMode.ONLINE, actor=Actor.person()
        )

    calendar = Calendar.from_ical(ics_attachment(mail.outbox[-1]))
    assert str(calendar["method"]) == "PUBLISH"
    after = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(after) == set(before)
    for uid, entry in after.items():
        assert int(entry["sequence"]) > int(before[uid]["sequence"])
        assert str(entry["url"]) == absolute_url(registration.join_path())
        assert entry.decoded("dtstart") == before[uid].decoded("dtstart")


def test_the_cancellation_carries_no_join_link(django_capture_on_commit_callbacks):
    event = two_day_event()
    registration = register(event, last_name="Łukasiewicz", attendance_mode=AttendanceMode.ONLINE)

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration, actor=Actor.person())

    cancellation = ics_attachment(mail.outbox[-1])
    assert [str(e["status"]) for e in entries(cancellation)] == ["CANCELLED", "CANCELLED"]
    assert b"/join/" not in unfolded(cancellation)
