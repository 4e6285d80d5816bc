"""What each role lets a team's members do on its event, and where a new event goes."""

import pytest
from django.test import Client
from django.urls import reverse

from registrations.models import (
    ActionLogEntry,
    ApplicationStatus,
    Event,
    OrganiserRole,
    TeamEventRole,
)
from tests.factories import (
    event_form_data,
    give_team_role,
    make_application,
    make_call,
    make_open_event,
    make_organiser,
    make_registration,
    register,
)
from tests.helpers.admin import run_admin_action

pytestmark = pytest.mark.django_db

REGISTRATIONS = reverse("admin:registrations_registration_changelist")
APPLICATIONS = reverse("admin:registrations_expressionofinterest_changelist")
EXPORT_ALL = reverse("admin:registrations_registration_export_csv")


def offered_actions(client, url) -> set[str]:
    form = client.get(url).context["action_form"]
    return set(dict(form.fields["action"].choices)) if form else set()


@pytest.fixture
def forum():
    event = make_open_event(title="Cluster Forum Łódź")
    make_registration(event, last_name="Müller")
    return event


def test_a_viewer_reads_and_reports_but_neither_exports_nor_changes(client, forum):
    client.force_login(make_organiser("viewer.gonçalves", forum, role=OrganiserRole.VIEWER))
    assert "Müller" in client.get(REGISTRATIONS).content.decode()
    assert "export_selected_csv" not in offered_actions(client, REGISTRATIONS)
    assert "cancel" not in offered_actions(client, REGISTRATIONS)
    assert client.get(EXPORT_ALL).status_code == 403
    registration = forum.registrations.get()
    change = reverse("admin:registrations_registration_change", args=[registration.pk])
    assert client.post(change, {"last_name": "Schmidt"}).status_code == 403
    assert (
        client.get(reverse("admin:registrations_event_report", args=[forum.pk])).status_code == 200
    )
    assert (
        client.get(
            reverse("admin:registrations_event_registration_open", args=[forum.pk])
        ).status_code
        == 403
    )


def test_a_reviewer_reviews_applications_but_does_not_edit_the_event(client):
    call = make_call()
    application = make_application(call, legal_name="Klaster Łódź")
    client.force_login(make_organiser("reviewer.wojcik", call.event, role=OrganiserRole.REVIEWER))
    assert offered_actions(client, APPLICATIONS) >= {"mark_eligible", "mark_not_eligible"}
    assert not offered_actions(client, APPLICATIONS) & {"send_invitations", "export_selected_csv"}
    run_admin_action(client, "mark_eligible", [application])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ELIGIBLE

    event_change = reverse("admin:registrations_event_change", args=[call.event.pk])
    assert client.get(event_change).status_code == 404
    assert client.get(REGISTRATIONS).status_code == 403


def test_check_in_staff_reach_only_the_check_in_desk_of_their_event(client, forum):
    other = make_open_event(title="Järvenpää Innovation Days")
    client.force_login(make_organiser("desk.lodz", forum, role=OrganiserRole.CHECK_IN_STAFF))
    assert client.get(REGISTRATIONS).status_code == 403
    assert client.get(reverse("admin:registrations_event_changelist")).status_code == 403
    desks = client.get(reverse("checkin:events")).content.decode()
    assert "Cluster Forum Łódź" in desks and "Järvenpää Innovation Days" not in desks
    assert client.get(reverse("checkin:desk", kwargs={"slug": forum.slug})).status_code == 200
    assert client.get(reverse("checkin:desk", kwargs={"slug": other.slug})).status_code == 404
    aino = register(other, first_name="Aino")
    response = client.post(
        reverse("checkin:check_in", kwargs={"slug": other.slug}), {"registration": aino.pk}
    )
    assert response.status_code == 404
    aino.refresh_from_db()
    assert aino.checked_in_at is None


def test_a_manager_runs_its_own_event_only(client, forum):
    other = make_event_of_another_team()
    client.force_login(make_organiser("manager.muller", forum))
    for event, status in ((forum, 302), (other, 404)):
        url = reverse("admin:registrations_event_registration_close", args=[event.pk])
        assert client.post(url, {"at": ""}).status_code == status
    assert client.get(EXPORT_ALL).status_code == 200
    assert offered_actions(client, REGISTRATIONS) >= {"cancel", "export_selected_csv"}
    assert (
        client.get(reverse("admin:registrations_event_report", args=[other.pk])).status_code == 404
    )


def make_event_of_another_team() -> Event:
    event = make_open_event(title="Ó Briain Marine Summit")
    give_team_role(make_organiser("someone.else"), event)
    return event


def test_a_new_event_goes_to_its_creators_team(client):
    member = make_organiser("anna.muller")
    team = member.organiser_teams.get()
    client.force_login(member)
    response = client.post(
        reverse("admin:registrations_event_add"), event_form_data(slug="berlin-2031")
    )
    assert response.status_code == 302
    event = Event.objects.get(slug="berlin-2031")
    assert TeamEventRole.objects.get(event=event).team == team
    assert TeamEventRole.objects.get(event=event).role == OrganiserRole.MANAGER


def test_a_member_of_two_teams_chooses_the_team(client):
    member = make_organiser("anna.muller", team="DG GROW events")
    eccp = give_team_role(member, team="ECCP secretariat")
    client.force_login(member)
    add = reverse("admin:registrations_event_add")
    refused = client.post(add, event_form_data(slug="berlin-2031"))
    assert (
        refused.status_code == 200 and "organiser_team" in refused.context["adminform"].form.errors
    )
    client.post(add, {**event_form_data(slug="berlin-2031"), "organiser_team": eccp.pk})
    assert TeamEventRole.objects.get(event__slug="berlin-2031").team == eccp


def test_only_a_superuser_moves_an_event_to_another_team_and_it_is_logged(organiser, forum):
    manager = make_organiser("manager.muller", forum, team="DG GROW events")
    eccp = give_team_role(make_organiser("eccp.wojcik"), team="ECCP secretariat")
    client, admin_client_for = Client(), Client()
    client.force_login(manager)
    admin_client_for.force_login(organiser)
    run_admin_action(client, "move_to_team", [forum], team=eccp.pk, apply="1")
    assert TeamEventRole.objects.get(event=forum).team.name == "DG GROW events"

    run_admin_action(admin_client_for, "move_to_team", [forum], team=eccp.pk, apply="1")
    assert TeamEventRole.objects.get(event=forum).team == eccp
    entry = ActionLogEntry.objects.get(action="moved to another team")
    assert entry.event == forum
    assert entry.changes == {"managing teams": [["DG GROW events"], ["ECCP secretariat"]]}
    assert (
        client.get(reverse("admin:registrations_event_change", args=[forum.pk])).status_code == 404
    )


def test_superusers_keep_the_teams_and_each_role_change_is_on_the_events_log(
    admin_client_for, forum
):
    add = reverse("admin:registrations_organiserteam_add")
    roles = "event_roles"
    response = admin_client_for.post(
        add,
        {
            "name": "German federal ministry",
            f"{roles}-TOTAL_FORMS": "1",
            f"{roles}-INITIAL_FORMS": "0",
            f"{roles}-0-event": forum.pk,
            f"{roles}-0-role": OrganiserRole.VIEWER,
        },
    )
    assert response.status_code == 302
    role = TeamEventRole.objects.get(team__name="German federal ministry")
    change = reverse("admin:registrations_organiserteam_change", args=[role.team.pk])
    admin_client_for.post(
        change,
        {
            "name": "German federal ministry",
            f"{roles}-TOTAL_FORMS": "1",
            f"{roles}-INITIAL_FORMS": "1",
            f"{roles}-0-id": role.pk,
            f"{roles}-0-team": role.team.pk,
            f"{roles}-0-event": forum.pk,
            f"{roles}-0-role": OrganiserRole.MANAGER,
        },
    )

    logged = ActionLogEntry.objects.filter(event=forum).order_by("pk")
    assert [(entry.action, entry.changes) for entry in logged] == [
        ("team role given", {"team role": [None, "German federal ministry: viewer"]}),
        (
            "team role changed",
            {"team role": ["German federal ministry: viewer", "German federal ministry: manager"]},
        ),
    ]


def test_organisers_do_not_reach_the_teams(client, forum):
    client.force_login(make_organiser("manager.muller", forum))
    assert client.get(reverse("admin:registrations_organiserteam_changelist")).status_code == 403
    assert client.get(reverse("admin:registrations_organiserteam_add")).status_code == 403
