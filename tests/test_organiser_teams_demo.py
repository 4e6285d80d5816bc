"""The demo comes with two teams, each managing its event, and a login for a member of each."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from registrations.demo import DEMO_TEAMS
from registrations.models import OrganiserRole, TeamEventRole

pytestmark = pytest.mark.django_db

EVENTS = reverse("admin:registrations_event_changelist")


def ensure_organiser() -> str:
    out = StringIO()
    call_command("ensure_organiser", stdout=out)
    return out.getvalue()


def test_each_demo_team_manages_its_event_and_its_member_sees_only_that(client):
    call_command("load_demo", "--year", "2020", "--events-only", stdout=StringIO())
    managed = dict(
        TeamEventRole.objects.filter(role=OrganiserRole.MANAGER).values_list(
            "event__title", "team__name"
        )
    )
    assert managed == {
        "European Cluster Conference 2020": DEMO_TEAMS["conference"],
        "Intra-European Cluster Matchmaking 2020": DEMO_TEAMS["matchmaking"],
    }

    printed = ensure_organiser()
    assert "'organiser'" in printed
    assert "'dg.grow'" in printed and "'eccp.secretariat'" in printed
    member = User.objects.get(username="dg.grow")
    assert member.is_staff and not member.is_superuser

    client.force_login(member)
    page = client.get(EVENTS).content.decode()
    assert "European Cluster Conference 2020" in page
    assert "Intra-European Cluster Matchmaking 2020" not in page

    again = ensure_organiser()
    assert "shown only now" not in again
    assert User.objects.count() == 3
