"""Organisers manage events and their programme in the admin; dates are validated."""

from datetime import timedelta

import pytest
from django.urls import reverse

from registrations.models import Event
from tests.factories import event_form_data, make_event

pytestmark = pytest.mark.django_db


def with_session(data, start_date, start_time, end_date, end_time):
    return {
        **data,
        "sessions-TOTAL_FORMS": "1",
        "sessions-0-title_en": "Opening plenary",
        "sessions-0-kind": "plenary",
        "sessions-0-format": "hybrid",
        "sessions-0-start_0": start_date,
        "sessions-0-start_1": start_time,
        "sessions-0-end_0": end_date,
        "sessions-0-end_1": end_time,
        "sessions-0-description_en": "",
    }


def test_organiser_creates_an_event_with_its_programme(admin_client_for):
    data = with_session(event_form_data(), "2030-05-10", "09:30", "2030-05-10", "11:00")

    response = admin_client_for.post(reverse("admin:registrations_event_add"), data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    event = Event.objects.get(slug="cluster-forum-lodz")
    assert event.sessions.get().title == "Opening plenary"


def test_a_new_event_starts_with_the_default_reminders_and_an_organiser_contact(
    admin_client_for,
):
    form = admin_client_for.get(reverse("admin:registrations_event_add")).content.decode()
    assert 'name="reminders-0-send_before" value="7 00:00:00"' in form
    assert 'name="reminders-1-send_before" value="01:00:00"' in form

    missing_contact = event_form_data(contact_name="", contact_email="")
    refused = admin_client_for.post(reverse("admin:registrations_event_add"), missing_contact)
    assert set(refused.context["adminform"].form.errors) == {"contact_name", "contact_email"}

    admin_client_for.post(reverse("admin:registrations_event_add"), event_form_data())
    event = Event.objects.get(slug="cluster-forum-lodz")
    assert sorted(event.reminders.values_list("send_before", flat=True)) == [
        timedelta(hours=1),
        timedelta(days=7),
    ]


def test_event_that_ends_before_it_starts_is_refused_with_a_clear_error(admin_client_for):
    data = event_form_data(end_0="2030-05-09")

    response = admin_client_for.post(reverse("admin:registrations_event_add"), data)

    assert response.status_code == 200
    assert "The event must end after it starts." in response.content.decode()
    assert not Event.objects.exists()


def test_session_outside_the_events_dates_is_refused(admin_client_for):
    data = with_session(event_form_data(), "2030-05-12", "09:30", "2030-05-12", "11:00")

    response = admin_client_for.post(reverse("admin:registrations_event_add"), data)

    assert response.status_code == 200
    assert "The session must take place within the event" in response.content.decode()
    assert not Event.objects.exists()


def test_session_that_ends_before_it_starts_is_refused(admin_client_for):
    data = with_session(event_form_data(), "2030-05-10", "11:00", "2030-05-10", "10:00")

    response = admin_client_for.post(reverse("admin:registrations_event_add"), data)

    assert response.status_code == 200
    assert "The session must end after it starts." in response.content.decode()


def test_unknown_time_zone_is_refused(admin_client_for):
    response = admin_client_for.post(
        reverse("admin:registrations_event_add"), event_form_data(timezone="Europe/Atlantis")
    )

    assert response.status_code == 200
    assert "is not a known time zone" in response.content.decode()


def test_on_site_event_needs_a_venue_and_city(admin_client_for):
    response = admin_client_for.post(
        reverse("admin:registrations_event_add"), event_form_data(venue="", city="")
    )

    assert response.status_code == 200
    assert "needs a venue and a city" in response.content.decode()


def test_existing_events_dates_are_edited_in_its_own_time_zone(admin_client_for):
    event = make_event(timezone="Europe/Helsinki")
    url = reverse("admin:registrations_event_change", args=[event.pk])

    response = admin_client_for.get(url)

    local_start = event.start.astimezone(event.tzinfo)
    assert f'value="{local_start:%H:%M:%S}"' in response.content.decode()


def test_event_list_in_admin_filters_and_searches(admin_client_for):
    make_event(title="Cluster Days Järvenpää", format="in_person")
    make_event(title="Online Cluster Café", format="online", venue="", city="", country="")
    url = reverse("admin:registrations_event_changelist")

    by_format = admin_client_for.get(url, {"format__exact": "online"})
    by_search = admin_client_for.get(url, {"q": "Järvenpää"})

    assert [e.title for e in by_format.context["cl"].result_list] == ["Online Cluster Café"]
    assert [e.title for e in by_search.context["cl"].result_list] == ["Cluster Days Järvenpää"]
