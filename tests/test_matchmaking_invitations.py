"""Eligible applicants get a single-use invitation link by email, through the background worker."""

import csv
import io
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from registrations.models import (
    ApplicationStatus,
    ExpressionOfInterest,
    Invitation,
    InvitationState,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from registrations.services.action_log import Actor
from registrations.services.errors import InvitationUnusable, TransitionRefused
from registrations.services.matchmaking import (
    application_mark_eligible,
    application_mark_not_eligible,
    invitation_accept,
    invitation_revoke,
    invitations_resend,
    invitations_send,
)
from registrations.services.registration import (
    RegistrantDetails,
    registration_cancel,
    registration_create,
)
from tests.factories import invitation_form_data, make_application, make_call, registrant
from tests.helpers import invitation_url, run_admin_action
from tests.helpers.pages import main_of

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registrations_expressionofinterest_changelist")
EXPORT = reverse("admin:registrations_expressionofinterest_export_csv")


@pytest.fixture
def eligible(call, organiser):
    application = make_application(
        call, legal_name="Klaster Łódź", contact_email="lukasz.wojcik@example.pl"
    )
    return application_mark_eligible(application=application, actor=Actor.organiser(organiser))


def invitation_link(message) -> str:
    (url,) = set(re.findall(r"https?://\S+/invitation/[\w-]+/", message.body))
    return url


def test_send_invites_only_eligible_applicants_not_yet_invited(
    admin_client_for, call, eligible, django_capture_on_commit_callbacks
):
    submitted = make_application(call)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_for.post(
            CHANGELIST,
            {"action": "send_invitations", ACTION_CHECKBOX_NAME: [eligible.pk, submitted.pk]},
            follow=True,
        )

    assert "Invitations being sent by email: 1." in response.content.decode()
    assert "Selected applications skipped: 1 " in response.content.decode()
    assert "the invitation links work only once you open it" in response.content.decode()
    invitation = Invitation.objects.get()
    assert invitation.application == eligible
    assert invitation.send_count == 1
    assert invitation.last_sent_at is not None
    (message,) = mail.outbox
    assert message.to == ["lukasz.wojcik@example.pl"]
    assert message.subject == f"Your invitation to register for {eligible.event.title}"
    url = reverse("registrations:invitation", kwargs={"token": invitation.token})
    assert invitation_link(message).endswith(url)
    assert invitation_link(message).startswith("http")
    assert url in message.alternatives[0][0]
    start = eligible.event.start.astimezone(eligible.event.tzinfo)
    assert f"When: {start:%A} {start.day} {start:%B %Y, %H:%M}" in message.body
    assert "(Europe/Berlin, CE" in message.body  # the zone is named (CET or CEST)


def test_sending_again_skips_the_already_invited(
    eligible, django_capture_on_commit_callbacks, organiser
):
    invitations_send(applications=[eligible], actor=Actor.organiser(organiser))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        run = invitations_send(applications=[eligible], actor=Actor.organiser(organiser))

    assert (run.sent, run.skipped) == (0, 1)
    assert mail.outbox == []
    assert Invitation.objects.get().send_count == 1


def test_resend_is_a_reminder_with_the_same_link(
    admin_client_for, eligible, django_capture_on_commit_callbacks, organiser
):
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(applications=[eligible], actor=Actor.organiser(organiser))
    first_link = invitation_link(mail.outbox[0])

    with django_capture_on_commit_callbacks(execute=True):
        response = run_admin_action(admin_client_for, "resend_invitations", [eligible])

    assert (
        "Invitations being sent again as a reminder, with the same link: 1."
        in response.content.decode()
    )
    reminder = mail.outbox[1]
    assert reminder.subject == f"Reminder: your invitation to register for {eligible.event.title}"
    assert "this is a reminder" in reminder.body
    assert "this is a reminder" in reminder.alternatives[0][0]
    assert invitation_link(reminder) == first_link
    assert Invitation.objects.get().send_count == 2


def test_resend_skips_applicants_never_invited(eligible, organiser):
    run = invitations_resend(applications=[eligible], actor=Actor.organiser(organiser))

    assert (run.sent, run.skipped) == (0, 1)
    assert not Invitation.objects.exists()


def test_mail_goes_through_the_background_worker_after_commit(
    eligible, settings, django_capture_on_commit_callbacks, organiser
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(applications=[eligible], actor=Actor.organiser(organiser))

    task = DBTaskResult.objects.get()
    assert task.task_path == "registrations.tasks.matchmaking.invitation_email_send"
    assert mail.outbox == []  # the worker sends it, not the request


def test_a_revoked_invitation_is_not_resent_and_its_link_is_dead(
    client, eligible, django_capture_on_commit_callbacks, organiser
):
    invitations_send(applications=[eligible], actor=Actor.organiser(organiser))
    invitation = invitation_revoke(
        invitation=Invitation.objects.get(), actor=Actor.organiser(organiser)
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        run = invitations_resend(applications=[eligible], actor=Actor.organiser(organiser))
    response = client.get(reverse("registrations:invitation", kwargs={"token": invitation.token}))

    assert run.sent == 0
    assert mail.outbox == []
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_eligible_again_after_a_withdrawal_gets_a_new_link(organiser, eligible):
    invitations_send(applications=[eligible], actor=Actor.organiser(organiser))
    old_token = Invitation.objects.get().token
    application_mark_not_eligible(
        application=eligible, actor=Actor.organiser(organiser), reason="Duplicate."
    )
    application_mark_eligible(application=eligible, actor=Actor.organiser(organiser))

    run = invitations_send(applications=[eligible], actor=Actor.organiser(organiser))

    invitation = Invitation.objects.get()
    assert run.sent == 1
    assert invitation.token != old_token
    assert invitation.revoked_at is None


def test_an_invitation_withdrawn_before_the_worker_ran_is_not_mailed(
    eligible, django_capture_on_commit_callbacks, organiser
):
    with django_capture_on_commit_callbacks(execute=False) as pending:
        invitations_send(applications=[eligible], actor=Actor.organiser(organiser))
    invitation_revoke(invitation=Invitation.objects.get(), actor=Actor.organiser(organiser))

    for callback in pending:
        callback()

    assert mail.outbox == []


def test_the_admin_can_withdraw_an_invitation(admin_client_for, eligible, organiser):
    invitations_send(applications=[eligible], actor=Actor.organiser(organiser))
    invitation = Invitation.objects.get()

    response = admin_client_for.post(
        reverse("admin:registrations_invitation_changelist"),
        {"action": "revoke", ACTION_CHECKBOX_NAME: [invitation.pk]},
        follow=True,
    )

    assert "1 invitations withdrawn" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


@pytest.mark.parametrize("token", ["x" * 43, "not-a-token", "%00", "a" * 42 + "%00", "a" * 500])
def test_unknown_or_malformed_links_give_the_same_not_found_page(
    client, eligible, token, organiser
):
    invitations_send(applications=[eligible], actor=Actor.organiser(organiser))

    response = client.get(f"/invitation/{token}/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_an_invitation_of_an_application_no_longer_eligible_is_withdrawn(
    client, organiser, eligible
):
    invitations_send(applications=[eligible], actor=Actor.organiser(organiser))
    invitation = Invitation.objects.get()
    ExpressionOfInterest.objects.filter(pk=eligible.pk).update(status=ApplicationStatus.RESERVE)

    response = client.get(reverse("registrations:invitation", kwargs={"token": invitation.token}))

    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


# Invitation-only registration ----------------------------------------------------------------


def accept(invitation) -> Registration:
    """Register through the invitation with the service, as the invited person."""
    return invitation_accept(
        invitation=invitation,
        details=RegistrantDetails(
            first_name="Łukasz",
            last_name="Wójcik",
            email="lukasz.wojcik@example.pl",
            organisation="Klaster Łódź Innowacje",
            organisation_type="cluster",
            job_title="Cluster manager",
            country="PL",
            attendance_mode="online",
        ),
        actor=Actor.person(),
    )


def test_the_link_shows_the_form_prefilled_and_locked_to_the_invited_email(client, invitation):
    response = client.get(invitation_url(invitation))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.fields["email"].disabled
    assert form["email"].value() == "lukasz.wojcik@example.pl"
    assert form["organisation"].value() == "Klaster Łódź Innowacje"
    assert form["first_name"].value() == "Łukasz"
    assert form["country"].value() == "PL"
    assert form["organisation_type"].value() == "cluster"
    page = response.content.decode()
    for title in ("Preparatory webinar", "Matchmaking session 1", "Matchmaking session 2"):
        assert title in page


def test_registering_with_the_link_records_the_sessions_and_uses_up_the_link(
    client, invitation, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    first_session = invitation.application.event.sessions.first()
    data = invitation_form_data(invitation, sessions=[str(first_session.pk)])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invitation_url(invitation), {**data, "email": "other@example.org"})

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "registrations:registration_done", kwargs={"token": registration.token}
    )
    assert registration.email == "lukasz.wojcik@example.pl"
    assert registration.source == RegistrationSource.INVITATION
    assert registration.status == RegistrationStatus.CONFIRMED
    assert list(registration.sessions.all()) == [first_session]
    invitation.refresh_from_db()
    assert invitation.registration == registration
    assert [m.to for m in mail.outbox] == [["lukasz.wojcik@example.pl"]]


def test_a_used_link_gives_a_clear_page_and_creates_nothing(client, invitation):
    client.post(invitation_url(invitation), invitation_form_data(invitation))

    page = client.get(invitation_url(invitation))
    again = client.post(invitation_url(invitation), invitation_form_data(invitation))

    assert page.status_code == 410
    assert "already been used" in page.content.decode()
    assert again.status_code == 410
    assert Registration.objects.count() == 1


def test_a_revoked_link_creates_nothing(client, invitation, organiser):
    invitation_revoke(invitation=invitation, actor=Actor.organiser(organiser))

    response = client.post(invitation_url(invitation), invitation_form_data(invitation))

    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert not Registration.objects.exists()


def test_the_service_refuses_an_application_no_longer_eligible(organiser, invitation):
    ExpressionOfInterest.objects.filter(pk=invitation.application_id).update(
        status=ApplicationStatus.RESERVE
    )

    with pytest.raises(InvitationUnusable, match="withdrawn"):
        accept(invitation)

    assert not Registration.objects.exists()


def test_a_link_before_registration_opens_explains_and_creates_nothing(client, organiser):
    call = make_call()
    application = make_application(call)
    application_mark_eligible(application=application, actor=Actor.organiser(organiser))
    invitations_send(applications=[application], actor=Actor.organiser(organiser))
    invitation = Invitation.objects.get()

    response = client.post(invitation_url(invitation), invitation_form_data(invitation))

    assert response.status_code == 200
    assert "Registration for this event is not open yet" in response.content.decode()
    assert not Registration.objects.exists()
    invitation.refresh_from_db()
    assert invitation.registration is None


def test_bad_input_on_the_invitation_form_is_answered_and_nothing_is_stored(client, invitation):
    data = invitation_form_data(invitation, first_name="Łukasz\x00", consent="")

    response = client.post(invitation_url(invitation), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "first_name" in errors and "consent" in errors
    assert not Registration.objects.exists()


def test_a_used_invitation_cannot_be_withdrawn_nor_the_decision_changed(organiser, invitation):
    accept(invitation)

    with pytest.raises(TransitionRefused, match="already been used"):
        invitation_revoke(invitation=invitation, actor=Actor.organiser(organiser))
    with pytest.raises(TransitionRefused, match="Already registered"):
        application_mark_not_eligible(
            application=invitation.application,
            actor=Actor.organiser(organiser),
            reason="Late change.",
        )


def test_the_public_register_page_of_the_event_explains_how_to_apply(client, open_call):
    url = reverse("registrations:register", kwargs={"slug": open_call.event.slug})

    response = client.get(url)

    page = response.content.decode()
    assert "by invitation only" in page
    apply_url = reverse("registrations:application_create", kwargs={"slug": open_call.event.slug})
    assert f'href="{apply_url}"' in page
    assert "<form" not in main_of(page)


def test_once_the_registration_is_cancelled_the_decision_can_change(organiser, invitation):
    registration_cancel(registration=accept(invitation), actor=Actor.person())

    application = application_mark_not_eligible(
        application=invitation.application,
        actor=Actor.organiser(organiser),
        reason="Not a cluster.",
    )

    assert application.status == ApplicationStatus.NOT_ELIGIBLE


def test_a_link_stays_used_after_its_registration_is_deleted(client, invitation):
    client.post(invitation_url(invitation), invitation_form_data(invitation))
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    Registration.objects.all().delete()  # the invitation's link to it is set to NULL

    page = client.get(invitation_url(invitation))
    again = client.post(invitation_url(invitation), invitation_form_data(invitation))

    invitation.refresh_from_db()
    assert invitation.registration is None
    assert page.status_code == 410
    assert "already been used" in page.content.decode()
    assert again.status_code == 410
    assert not Registration.objects.exists()


def test_the_migration_marks_invitations_used_that_already_have_a_registration(client, invitation):
    from importlib import import_module

    from django.apps import apps

    client.post(invitation_url(invitation), invitation_form_data(invitation))
    registration = Registration.objects.get()
    Invitation.objects.update(used_at=None)  # as before the migration

    import_module("registrations.migrations.0002_invitation_used_at").mark_used_invitations(
        apps, None
    )

    invitation.refresh_from_db()
    assert invitation.used_at == registration.created_at


def test_after_a_cancelled_registration_the_organisation_can_be_invited_again(
    admin_client_for, client, invitation, django_capture_on_commit_callbacks
):
    old_url = invitation_url(invitation)
    client.post(old_url, invitation_form_data(invitation))
    registration_cancel(registration=Registration.objects.get(), actor=Actor.person())
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = run_admin_action(admin_client_for, "send_invitations", [invitation.application])

    assert "Invitations being sent by email: 1." in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["lukasz.wojcik@example.pl"]
    new_link = invitation_link(message)
    invitation.refresh_from_db()
    assert new_link.endswith(invitation_url(invitation))
    assert invitation_url(invitation) != old_url
    assert invitation.used_at is None
    assert invitation.registration == Registration.objects.get()  # kept, to reactivate
    assert client.get(invitation_url(invitation)).status_code == 200
    assert client.get(old_url).status_code == 404


def test_the_new_invitation_takes_up_the_cancelled_registration_again(
    client, invitation, django_capture_on_commit_callbacks, organiser
):
    client.post(invitation_url(invitation), invitation_form_data(invitation))
    registration = Registration.objects.get()
    registration_cancel(registration=registration, actor=Actor.person())
    invitations_send(applications=[invitation.application], actor=Actor.organiser(organiser))
    invitation.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            invitation_url(invitation), invitation_form_data(invitation, attendance_mode="online")
        )

    assert response.status_code == 302
    registration.refresh_from_db()
    assert Registration.objects.count() == 1
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.cancelled_at is None
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    assert invitation.registration == registration


def test_an_organisation_registered_through_its_invitation_is_not_invited_again(
    admin_client_for, client, invitation, django_capture_on_commit_callbacks
):
    client.post(invitation_url(invitation), invitation_form_data(invitation))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = run_admin_action(admin_client_for, "send_invitations", [invitation.application])

    page = response.content.decode()
    assert "Invitations being sent by email: 0." in page
    assert "1 of them is already registered through its invitation: not invited again." in page
    assert mail.outbox == []
    old_token = invitation.token
    invitation.refresh_from_db()
    assert invitation.token == old_token
    assert invitation.used_at is not None


def test_withdrawing_a_used_invitation_is_refused_naming_it(admin_client_for, client, invitation):
    client.post(invitation_url(invitation), invitation_form_data(invitation))

    response = admin_client_for.post(
        reverse("admin:registrations_invitation_changelist"),
        {"action": "revoke", ACTION_CHECKBOX_NAME: [invitation.pk]},
        follow=True,
    )

    assert (
        "Invitation: Klaster Łódź Innowacje: This invitation has already been used"
        in response.content.decode()
    )
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_an_address_already_registered_is_told_so_and_gets_its_private_link_by_email(
    client, invitation, django_capture_on_commit_callbacks
):
    existing = registration_create(
        event=invitation.application.event,
        details=registrant(
            first_name="Łukasz",
            last_name="Wójcik",
            email="lukasz.wojcik@example.pl",
            attendance_mode="online",
        ),
        actor=Actor.person(),
        source=RegistrationSource.INVITATION,
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invitation_url(invitation), invitation_form_data(invitation))

    page = response.content.decode()
    assert response.status_code == 200
    assert "This email address is already registered for this event" in page
    assert "We have emailed the private link to that address" in page
    assert Registration.objects.get() == existing
    invitation.refresh_from_db()
    assert (invitation.used_at, invitation.registration) == (None, None)
    (message,) = mail.outbox
    assert message.to == ["lukasz.wojcik@example.pl"]
    assert existing.private_path() in message.body
    assert existing.private_path() in message.alternatives[0][0]


def test_a_used_link_says_so_without_claiming_nothing_was_registered(client, invitation):
    client.post(invitation_url(invitation), invitation_form_data(invitation))

    response = client.get(invitation_url(invitation))

    page = response.content.decode()
    assert response.status_code == 410
    assert "This invitation has already been used to register" in page
    assert "Nothing has been registered with this link." not in page


def test_a_withdrawn_link_says_so_and_that_nothing_can_be_registered_with_it(
    client, organiser, invitation
):
    invitation_revoke(invitation=invitation, actor=Actor.organiser(organiser))

    response = client.get(invitation_url(invitation))

    page = response.content.decode()
    assert response.status_code == 410
    assert "This invitation has been withdrawn by the organisers" in page
    assert "nothing can be registered with it" in page


# One rule for an invitation's state ---------------------------------------------------------


@pytest.fixture
def applications_by_state(organiser, open_call):
    """One eligible application of the call in each invitation state."""
    by_organiser = Actor.organiser(organiser)
    names = {
        InvitationState.NOT_INVITED: "Cluster Müller GmbH",
        InvitationState.INVITED: "Klaster Łódź",
        InvitationState.REGISTERED: "Järvenpää Digital Cluster ry",
        InvitationState.WITHDRAWN: "Wójcik Textile Cluster",
    }
    applications = {}
    for state, legal_name in names.items():
        application = make_application(open_call, legal_name=legal_name)
        applications[state] = application_mark_eligible(application=application, actor=by_organiser)
    invited = [applications[state] for state in names if state != InvitationState.NOT_INVITED]
    invitations_send(applications=invited, actor=by_organiser)
    invitation_accept(
        invitation=Invitation.objects.get(application=applications[InvitationState.REGISTERED]),
        details=registrant(attendance_mode="online"),
        actor=Actor.person(),
    )
    invitation_revoke(
        invitation=Invitation.objects.get(application=applications[InvitationState.WITHDRAWN]),
        actor=by_organiser,
    )
    return applications


def csv_rows(response) -> list[dict[str, str]]:
    document = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(document.removeprefix("\ufeff"), newline="")))


@pytest.mark.parametrize("state", list(InvitationState))
def test_the_list_column_filter_export_and_model_agree_on_the_invitation_state(
    admin_client_for, applications_by_state, state
):
    application = applications_by_state[state]
    column = "sent once" if state == InvitationState.INVITED else state.label

    listed = admin_client_for.get(CHANGELIST)
    filtered = admin_client_for.get(CHANGELIST, {"invitation": state.value})
    exported = csv_rows(admin_client_for.get(EXPORT, {"invitation": state.value}))

    changelist = listed.context["cl"]
    (row,) = [a for a in changelist.result_list if a.pk == application.pk]
    assert changelist.model_admin.invitation_state(row) == column
    assert [a.pk for a in filtered.context["cl"].result_list] == [application.pk]
    assert [(r["Legal name"], r["Invitation"]) for r in exported] == [
        (application.legal_name, state.label)
    ]
    invitation = Invitation.objects.filter(application=application).first()
    assert (invitation.state if invitation else InvitationState.NOT_INVITED) == state
