"""Public event pages: the list, an event's page and its 404s."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_event, make_session

pytestmark = pytest.mark.django_db


def test_event_list_shows_upcoming_first_then_past(client):
    past = make_event(title="Cluster Days Łódź", start=timezone.now() - timedelta(days=400))
    later = make_event(title="Later forum", start=timezone.now() + timedelta(days=90))
    sooner = make_event(title="Sooner forum", start=timezone.now() + timedelta(days=10))
    make_event(title="Draft forum", is_published=False)

    response = client.get(reverse("registrations:event_list"))

    assert response.status_code == 200
    assert list(response.context["upcoming"]) == [sooner, later]
    assert list(response.context["past"]) == [past]
    html = response.content.decode()
    assert html.index("Sooner forum") < html.index("Later forum") < html.index("Cluster Days Łódź")
    assert "Draft forum" not in html


def test_event_page_shows_times_in_the_events_timezone_with_the_zone_named(client):
    event = make_event(
        timezone="Europe/Helsinki",
        start=datetime(2030, 11, 10, 8, 0, tzinfo=UTC),
        end=datetime(2030, 11, 11, 12, 0, tzinfo=UTC),
        city="Järvenpää",
        venue="Järvenpää-talo",
        country="FI",
    )

    html = client.get(event.get_absolute_url()).content.decode()

    assert "Sunday 10 November 2030, 10:00" in html  # 08:00 UTC is 10:00 in Helsinki
    assert "Europe/Helsinki, EET" in html
    assert "Järvenpää-talo, Järvenpää, Finland (and online)" in html


def test_event_page_shows_the_programme_in_order(client):
    event = make_event()
    make_session(event, title="Matchmaking session 2", start=event.start + timedelta(hours=5))
    make_session(event, title="Preparatory webinar", start=event.start + timedelta(hours=1))

    html = client.get(event.get_absolute_url()).content.decode()

    assert html.index("Preparatory webinar") < html.index("Matchmaking session 2")


def test_online_event_says_online_as_its_place(client):
    event = make_event(format="online", venue="", city="", country="")

    response = client.get(event.get_absolute_url())

    assert response.context["location"] == "Online"


def test_past_event_says_it_has_taken_place_and_offers_no_action(client):
    event = make_event(start=timezone.now() - timedelta(days=30))

    response = client.get(event.get_absolute_url())

    assert response.context["next_step"].message == "This event has taken place."
    assert response.context["next_step"].action_url == ""


@pytest.mark.parametrize("slug", ["no-such-event", "draft"])
def test_unknown_and_unpublished_events_are_a_404_in_the_site_style(client, slug):
    make_event(slug="draft", is_published=False)

    for url in (
        reverse("registrations:event_detail", kwargs={"slug": slug}),
        reverse("registrations:event_ics", kwargs={"slug": slug}),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()
        assert "European cluster events" in response.content.decode()  # the site's header


def test_pages_load_bootstrap_from_our_own_static_files(client):
    html = client.get(reverse("registrations:event_list")).content.decode()

    assert "/static/bootstrap/css/bootstrap.min.css" in html
    assert "cdn" not in html.lower()
