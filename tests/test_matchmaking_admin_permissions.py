"""Review and invitation actions change applications: staff who may only view them cannot run
them, neither from the menu nor with a forged POST."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from registrations.models import ApplicationStatus, Invitation, OrganiserRole
from registrations.services.action_log import Actor
from registrations.services.matchmaking import application_mark_eligible, invitations_send
from tests.factories import give_team_role, make_application, make_call

pytestmark = pytest.mark.django_db

APPLICATIONS = reverse("admin:registrations_expressionofinterest_changelist")
INVITATIONS = reverse("admin:registrations_invitation_changelist")
REVIEW_ACTIONS = [
    "mark_eligible",
    "mark_not_eligible",
    "move_to_reserve",
    "send_invitations",
    "resend_invitations",
]


@pytest.fixture
def viewer(client, django_user_model, applications):
    user = django_user_model.objects.create_user(
        "wojcik", "ewa.wojcik@example.pl", "pw", is_staff=True
    )
    give_team_role(user, applications[0].event, role=OrganiserRole.VIEWER)
    client.force_login(user)
    return client


@pytest.fixture
def applications(organiser):
    call = make_call()
    submitted = make_application(call, legal_name="Klaster Łódź")
    invited = application_mark_eligible(
        application=make_application(call, legal_name="Müller Cluster GmbH"),
        actor=Actor.organiser(organiser),
    )
    invitations_send(applications=[invited], actor=Actor.organiser(organiser))
    mail.outbox.clear()
    return submitted, invited


def test_view_only_staff_are_not_offered_the_actions(viewer, applications):
    form = viewer.get(APPLICATIONS).context["action_form"]
    offered = dict(form.fields["action"].choices) if form else {}

    assert "export_selected_csv" not in offered  # viewers export no personal data
    assert not set(REVIEW_ACTIONS) & set(offered)
    assert viewer.get(INVITATIONS).context["action_form"] is None  # no action left to offer


@pytest.mark.parametrize("action", REVIEW_ACTIONS)
def test_a_forged_review_action_changes_nothing(
    viewer, applications, action, django_capture_on_commit_callbacks
):
    submitted, invited = applications

    with django_capture_on_commit_callbacks(execute=True):
        viewer.post(
            APPLICATIONS,
            {
                "action": action,
                "apply": "1",
                "reason": "Not a cluster.",
                ACTION_CHECKBOX_NAME: [submitted.pk, invited.pk],
            },
        )

    submitted.refresh_from_db()
    invited.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED
    assert invited.status == ApplicationStatus.ELIGIBLE
    assert Invitation.objects.get().send_count == 1
    assert mail.outbox == []


def test_a_forged_withdrawal_changes_nothing(viewer, applications):
    invitation = Invitation.objects.get()

    viewer.post(INVITATIONS, {"action": "revoke", ACTION_CHECKBOX_NAME: [invitation.pk]})

    invitation.refresh_from_db()
    assert invitation.revoked_at is None
