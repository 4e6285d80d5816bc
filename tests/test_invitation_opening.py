"""An invitee whose link went out before registration opened is told when it opens: the page
behind the link says when (or that we will email), and the worker mails each such invitee once
when registration opens, with the link."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import dateformat, timezone
from django_tasks.backends.dummy import DummyBackend

from registrations.models import Invitation
from registrations.services.action_log import Actor
from registrations.services.matchmaking import (
    application_mark_eligible,
    invitation_accept,
    invitation_revoke,
    invitations_send,
)
from registrations.services.registration import registration_close, registration_open
from registrations.tasks.matchmaking import send_invitation_open_notices
from registrations.tasks.registration import send_registration_open_notices
from tests.factories import make_application, make_call, make_session, registrant
from tests.helpers import invitation_url, run_together

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")


def invite(call, organiser, *, now=None, **fields) -> Invitation:
    """An eligible applicant sent an invitation (at `now`); the mail itself is not sent here."""
    application = make_application(call, **fields)
    application_mark_eligible(application=application, actor=Actor.organiser(organiser))
    invitations_send(applications=[application], actor=Actor.organiser(organiser), now=now)
    return Invitation.objects.select_related("application__event").get(application=application)


@pytest.fixture
def call(db):
    """A matchmaking call in Helsinki time, registration not open yet, with one session."""
    call = make_call(timezone="Europe/Helsinki")
    make_session(call.event, title="Matchmaking session 1", kind="matchmaking")
    return call


@pytest.fixture
def invited(call, organiser):
    return invite(
        call,
        organiser,
        legal_name="Klaster Łódź Innowacje",
        contact_first_name="Łukasz",
        contact_last_name="Wójcik",
        contact_email="lukasz.wojcik@example.pl",
    )


def invitation_link(message) -> str:
    (url,) = set(re.findall(r"https?://\S+/invitation/[\w-]+/", message.body))
    return url.removeprefix("http://127.0.0.1:8000")


# The page behind the link before registration opens -------------------------------------------


def test_before_a_scheduled_opening_the_page_says_when_in_the_events_time_zone(
    client, invited, organiser
):
    opens_at = (timezone.now() + timedelta(days=3)).replace(
        hour=7, minute=30, second=0, microsecond=0, tzinfo=ZoneInfo("UTC")
    )
    registration_open(
        event=invited.application.event, actor=Actor.organiser(organiser), at=opens_at
    )

    page = client.get(invitation_url(invited)).content.decode()

    local = dateformat.format(opens_at.astimezone(HELSINKI), "l j F Y, H:i")
    assert local.endswith(("09:30", "10:30"))  # Helsinki is UTC+2 or +3
    assert f"Registration opens on {local} (Europe/Helsinki). We will email you then." in page
    assert "07:30" not in page


def test_without_a_scheduled_opening_the_page_says_we_will_email(client, invited):
    page = client.get(invitation_url(invited)).content.decode()

    assert "Registration for this event is not open yet. We will email you when it opens." in page
    assert "Registration opens on" not in page


def test_after_registration_closed_the_page_says_so_as_before(client, invited, organiser):
    event = invited.application.event
    registration_open(event=event, actor=Actor.organiser(organiser))
    registration_close(event=event, actor=Actor.organiser(organiser))

    page = client.get(invitation_url(invited)).content.decode()

    assert "Registration for this event is closed." in page
    assert "We will email you" not in page


# The notice when registration opens ----------------------------------------------------------


def test_opening_now_mails_the_invitee_invited_before_once(
    invited, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration_open(event=invited.application.event, actor=Actor.organiser(organiser))

    (message,) = mail.outbox
    assert message.to == ["lukasz.wojcik@example.pl"]
    assert message.subject == f"Registration is open: {invited.application.event.title}"
    assert "Dear Łukasz Wójcik" in message.body
    assert "Klaster Łódź Innowacje was invited before it opened" in message.body
    assert invitation_link(message) == invitation_url(invited)
    assert "Register now" in message.alternatives[0][0]
    invited.refresh_from_db()
    assert invited.open_notice_sent_at is not None


def test_a_scheduled_opening_queues_the_invitation_notices_for_that_time(
    invited, organiser, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    event = invited.application.event
    at = timezone.now() + timedelta(days=2)

    with django_capture_on_commit_callbacks(execute=True):
        registration_open(event=event, actor=Actor.organiser(organiser), at=at)

    backend = send_invitation_open_notices.get_backend()
    assert isinstance(backend, DummyBackend)
    queued = {result.task.func: result for result in backend.results}
    assert set(queued) == {send_registration_open_notices.func, send_invitation_open_notices.func}
    notices = queued[send_invitation_open_notices.func]
    assert notices.task.run_after == at
    assert notices.kwargs == {"event_id": event.pk}
    assert mail.outbox == []


def test_at_the_scheduled_time_the_worker_mails_the_invitee(call, organiser):
    """Scheduled two days ago for a minute ago; invited the day before: the worker runs now."""
    opens_at = timezone.now() - timedelta(minutes=1)
    invitation = invite(
        call,
        organiser,
        contact_email="jukka.jarvenpaa@example.fi",
        now=opens_at - timedelta(days=1),
    )
    event = registration_open(
        event=call.event,
        actor=Actor.organiser(organiser),
        at=opens_at,
        now=opens_at - timedelta(days=2),
    )
    assert event.registration_is_open()

    assert send_invitation_open_notices.call(event_id=call.event.pk) == 1

    (message,) = mail.outbox
    assert message.to == ["jukka.jarvenpaa@example.fi"]
    assert invitation_link(message) == invitation_url(invitation)


def test_before_the_scheduled_time_the_task_sends_nothing(invited, organiser):
    registration_open(
        event=invited.application.event,
        actor=Actor.organiser(organiser),
        at=timezone.now() + timedelta(days=1),
    )

    assert send_invitation_open_notices.call(event_id=invited.application.event.pk) == 0
    assert send_invitation_open_notices.call(event_id=0) == 0
    assert mail.outbox == []


def test_no_notice_to_the_registered_the_withdrawn_or_those_invited_after_opening(
    call, invited, organiser
):
    registered = invite(call, organiser, legal_name="Cluster Müller", contact_email="m@example.de")
    withdrawn = invite(call, organiser, legal_name="Klaster Järvi", contact_email="j@example.fi")
    invitation_revoke(invitation=withdrawn, actor=Actor.organiser(organiser))
    registration_open(event=call.event, actor=Actor.organiser(organiser))
    invitation_accept(
        invitation=registered,
        details=registrant(email="m@example.de", attendance_mode="online"),
        actor=Actor.person(),
    )
    invite(call, organiser, legal_name="Late Cluster", contact_email="late@example.de")
    mail.outbox.clear()

    assert send_invitation_open_notices.call(event_id=call.event.pk) == 1

    assert [message.to for message in mail.outbox] == [["lukasz.wojcik@example.pl"]]


def test_running_the_task_twice_sends_once(invited, organiser):
    registration_open(event=invited.application.event, actor=Actor.organiser(organiser))

    assert send_invitation_open_notices.call(event_id=invited.application.event.pk) == 1
    assert send_invitation_open_notices.call(event_id=invited.application.event.pk) == 0
    assert len(mail.outbox) == 1


def test_the_link_in_the_mail_opens_the_registration_form(client, invited, organiser):
    registration_open(event=invited.application.event, actor=Actor.organiser(organiser))
    send_invitation_open_notices.call(event_id=invited.application.event.pk)

    response = client.get(invitation_link(mail.outbox[0]))

    assert response.status_code == 200
    assert "registrations/matchmaking/invitation_register.html" in [
        template.name for template in response.templates
    ]
    assert response.context["form"]["email"].value() == "lukasz.wojcik@example.pl"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_notice_once(on_postgresql, organiser, settings):
    call = make_call(timezone="Europe/Helsinki")
    for number in range(12):
        invite(
            call,
            organiser,
            legal_name=f"Klaster Łódź {number}",
            contact_email=f"klaster{number}@example.pl",
        )
    # queued, not run: the two workers below run it
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    registration_open(event=call.event, actor=Actor.organiser(organiser))
    mail.outbox.clear()

    outcomes = run_together([lambda: send_invitation_open_notices.call(event_id=call.event.pk)] * 2)

    assert sum(outcomes) == 12
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 12
    assert not Invitation.objects.filter(open_notice_sent_at__isnull=True).exists()
