"""On PostgreSQL: an invitation used at the very moment the organiser changes the decision, or
twice at once. The row locks let exactly one side win; the other is refused with a message.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from registrations.models import Invitation, Registration
from registrations.services import errors, matchmaking
from registrations.services.action_log import Actor
from registrations.services.errors import ServiceError
from registrations.services.matchmaking import (
    application_mark_eligible,
    application_mark_not_eligible,
    invitation_accept,
    invitations_send,
)
from registrations.services.registration import RegistrantDetails
from tests.factories import make_application, make_call
from tests.helpers import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def invitation(on_postgresql, django_user_model, monkeypatch):
    organiser = django_user_model.objects.create_user("eccp", "eccp@example.org", "x")
    call = make_call(registration_opens_at=timezone.now() - timedelta(days=1))
    application = make_application(call, contact_email="marta.wojcik@example.pl")
    application_mark_eligible(application=application, actor=Actor.organiser(organiser))
    invitations_send(applications=[application], actor=Actor.organiser(organiser))
    real_check = errors.InvitationUnusable.for_invitation.__func__

    def slow_check(cls, invitation):  # widen the window between the check and the registration
        answer = real_check(cls, invitation)
        time.sleep(0.05)
        return answer

    monkeypatch.setattr(errors.InvitationUnusable, "for_invitation", classmethod(slow_check))
    return Invitation.objects.select_related("application").get(), organiser


def accepting(invitation):
    return lambda: invitation_accept(
        invitation=invitation,
        details=RegistrantDetails(
            first_name="Marta",
            last_name="Wójcik",
            email="marta.wojcik@example.pl",
            organisation="Klaster Łódź",
            organisation_type="cluster",
            job_title="",
            country="PL",
            attendance_mode="online",
        ),
        actor=Actor.person(),
    )


def test_a_decision_at_the_same_moment_as_the_registration_never_lets_both_through(invitation):
    invitation, organiser = invitation
    deciding = lambda: application_mark_not_eligible(  # noqa: E731
        application=invitation.application,
        actor=Actor.organiser(organiser),
        reason="Not a cluster.",
    )

    outcomes = run_together([accepting(invitation), deciding])

    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(refused) == 1, outcomes
    invitation.refresh_from_db()
    invitation.application.refresh_from_db()
    registered = Registration.objects.exists()
    assert registered == (invitation.application.status == "eligible")
    assert (invitation.registration_id is not None) == registered


def test_control_without_the_locks_both_get_through(invitation, monkeypatch):
    """Shows the race is real: with plain reads the decision and the registration both win.

    The order is made certain: the registration checks the invitation, the organiser's decision
    is stored, then the registration goes on.
    """
    invitation, organiser = invitation
    checked, decided = threading.Event(), threading.Event()
    real_check = errors.InvitationUnusable.for_invitation.__func__

    def check_then_wait_for_the_decision(cls, invitation):
        answer = real_check(cls, invitation)
        checked.set()
        decided.wait(timeout=10)
        return answer

    monkeypatch.setattr(
        errors.InvitationUnusable, "for_invitation", classmethod(check_then_wait_for_the_decision)
    )
    monkeypatch.setattr(
        matchmaking,
        "lock_invitation",
        lambda invitation: Invitation.objects.select_related("application").get(pk=invitation.pk),
    )

    def deciding():
        checked.wait(timeout=10)
        try:
            return application_mark_not_eligible(
                application=invitation.application,
                actor=Actor.organiser(organiser),
                reason="Not a cluster.",
            )
        finally:
            decided.set()

    outcomes = run_together([accepting(invitation), deciding])

    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    invitation.application.refresh_from_db()
    assert invitation.application.status == "not_eligible"
    assert Registration.objects.exists()


def test_the_same_link_used_twice_at_once_registers_once(invitation):
    invitation, _organiser = invitation

    outcomes = run_together([accepting(invitation), accepting(invitation)])

    assert sum(isinstance(o, Registration) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, ServiceError) for o in outcomes) == 1
    assert Registration.objects.count() == 1
