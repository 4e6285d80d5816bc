"""The demo loader creates the announcement's two events, idempotently."""

from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from registrations.demo import CONFERENCE_SLUG, MATCHMAKING_SLUG, default_demo_year
from registrations.models import ApplicationCall, Event, Session

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Event.objects.values_list("slug", "title", "start", "end").order_by("slug")),
        list(Session.objects.values_list("event__slug", "title", "start").order_by("pk")),
        ApplicationCall.objects.get().declarations.count(),
    )


def test_loading_twice_gives_the_same_rows():
    call_command("load_demo", "--year", "2020")
    first = snapshot()
    call_command("load_demo", "--year", "2020")

    assert snapshot() == first
    assert Event.objects.count() == 2


def test_the_announcements_real_facts_with_year_2020():
    call_command("load_demo", "--year", "2020")

    conference = Event.objects.get(slug=CONFERENCE_SLUG)
    assert conference.format == "hybrid"
    assert conference.city == "Berlin"
    assert "DG GROW" in conference.organisers
    assert "German Federal Ministry" in conference.organisers
    local = conference.tzinfo
    assert conference.start.astimezone(local).date().isoformat() == "2020-11-10"
    assert conference.end.astimezone(local).date().isoformat() == "2020-11-11"
    assert conference.survey.is_open

    matchmaking = Event.objects.get(slug=MATCHMAKING_SLUG)
    assert matchmaking.format == "online"
    assert matchmaking.invitation_only
    assert matchmaking.organisers == "European Cluster Collaboration Platform (ECCP)"
    assert matchmaking.start.astimezone(local).date().isoformat() == "2020-11-11"
    assert matchmaking.end.astimezone(local).date().isoformat() == "2020-11-12"
    kinds = list(matchmaking.sessions.values_list("kind", flat=True))
    assert kinds == ["webinar", "matchmaking", "matchmaking"]
    assert matchmaking.call.is_open
    assert "FI" in matchmaking.call.eligible_countries


def test_another_year_moves_the_same_events():
    call_command("load_demo", "--year", "2020")
    call_command("load_demo", "--year", "2031")

    conference = Event.objects.get(slug=CONFERENCE_SLUG)
    assert conference.start.year == 2031
    assert conference.title == "European Cluster Conference 2031"
    assert Event.objects.count() == 2
    assert conference.sessions.count() == 4


@pytest.mark.parametrize(
    ("now", "year"),
    [
        (datetime(2026, 11, 29, tzinfo=UTC), 2027),
        (datetime(2026, 6, 1, tzinfo=UTC), 2026),
        (datetime(2026, 11, 11, 12, tzinfo=UTC), 2026),
    ],
)
def test_default_year_keeps_every_flow_ahead(now, year):
    assert default_demo_year(now=now) == year
