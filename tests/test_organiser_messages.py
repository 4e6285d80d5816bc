"""Organiser messages: written to a segment of an event's people in the admin, previewed with
one recipient's data, sent by the worker to each recipient once, recorded with who got it."""

import time

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from registrations import emails
from registrations.models import (
    MessageRecipient,
    MessageSegment,
    MessageState,
    OrganiserMessage,
    RegistrationStatus,
)
from registrations.selectors import message_recipients
from registrations.services.action_log import Actor, action_log_for
from registrations.services.errors import ServiceError, TransitionRefused
from registrations.services.messages import (
    message_create_for_selection,
    message_save_draft,
    message_send,
    message_send_rest,
)
from registrations.tasks.messages import send_organiser_message
from tests.factories import (
    make_event,
    make_invited_registration,
    make_meeting_event,
    make_message,
    make_registration,
    make_survey_response,
)
from tests.helpers import run_admin_action, run_together

pytestmark = pytest.mark.django_db

CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.CANCELLED,
)


@pytest.fixture
def event():
    """A hybrid event with one person of each kind, named after what they are."""
    event = make_event(title="Cluster Forum Łódź")
    for last_name, mode, status in [
        ("Onsite", "on_site", CONFIRMED),
        ("Online", "online", CONFIRMED),
        ("Waiting", "on_site", WAITLISTED),
        ("Cancelled-onsite", "on_site", CANCELLED),
        ("Cancelled-online", "online", CANCELLED),
    ]:
        make_registration(
            event, first_name="Jukka", last_name=last_name, attendance_mode=mode, status=status
        )
    make_survey_response(event, last_name="Asked", notify_when_registration_opens=True)
    make_survey_response(event, last_name="Silent", notify_when_registration_opens=False)
    return event


def names(message):
    return sorted(person.last_name for person in message_recipients(message))


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        (MessageSegment.ON_SITE, ["Onsite"]),
        (MessageSegment.ONLINE, ["Online"]),
        (MessageSegment.WAITING_LIST, ["Waiting"]),
        (MessageSegment.SURVEY_NOTIFY, ["Asked"]),
        (MessageSegment.MATCHMAKING, []),  # no meeting rules: no matchmaking
    ],
)
def test_each_segment_reaches_its_people_and_never_a_cancelled_registration(
    event, segment, expected
):
    assert names(make_message(event, segment=segment)) == expected


def test_matchmaking_participants_are_the_confirmed_registrations_of_an_event_with_meetings():
    event = make_meeting_event()
    first = make_invited_registration(event)
    second = make_invited_registration(event)
    make_registration(event, status=CANCELLED, last_name="Gone")
    make_registration(event, status=WAITLISTED, last_name="Waiting")

    recipients = message_recipients(make_message(event, segment=MessageSegment.MATCHMAKING))

    assert list(recipients) == [first, second]


def test_a_withdrawn_survey_answer_is_no_longer_a_recipient(event):
    message = make_message(event, segment=MessageSegment.SURVEY_NOTIFY)
    event.survey.responses.filter(last_name="Asked").delete()  # what withdrawing does

    assert names(message) == []


def send(message, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return message_send(message=message, actor=Actor.system("test organiser"))


def test_sending_mails_each_recipient_once_with_their_data_and_private_link(
    event, django_capture_on_commit_callbacks
):
    message = make_message(
        event,
        segment=MessageSegment.ON_SITE,
        subject="Your badge",
        body="Dear {first_name} {last_name} of {organisation},\nbring <ID> {and this}.",
    )

    send(message, django_capture_on_commit_callbacks)
    send_organiser_message.call(message_id=message.pk)  # a second run sends nothing more

    (sent,) = mail.outbox
    person = event.registrations.get(last_name="Onsite")
    assert sent.to == [person.email]
    assert sent.subject == "Your badge"
    assert f"Dear Jukka Onsite of {person.organisation},\nbring <ID> {{and this}}." in sent.body
    assert person.private_path() in sent.body
    html = sent.alternatives[0][0]
    assert "Dear Jukka Onsite of" in html and "<br>bring &lt;ID&gt;" in html
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    (recipient,) = message.recipients.all()
    assert recipient.registration == person and recipient.sent_at is not None


def test_survey_respondents_get_the_link_to_their_answer(event, django_capture_on_commit_callbacks):
    message = make_message(event, segment=MessageSegment.SURVEY_NOTIFY)

    send(message, django_capture_on_commit_callbacks)

    (sent,) = mail.outbox
    response = event.survey.responses.get(last_name="Asked")
    assert sent.to == [response.email]
    assert response.private_path() in sent.body
    assert message.recipients.get().survey_response == response


def test_a_failed_address_stays_pending_and_a_later_run_sends_only_it(
    event, django_capture_on_commit_callbacks, monkeypatch
):
    make_registration(event, last_name="Second", attendance_mode="online")
    message = make_message(event, segment=MessageSegment.ONLINE)
    real_send = emails.send_templated_email

    def failing_for_second(**kwargs):
        if "Second" in kwargs["context"]["body"]:
            raise ConnectionError("mail server down")
        real_send(**kwargs)

    monkeypatch.setattr(emails, "send_templated_email", failing_for_second)
    send(message, django_capture_on_commit_callbacks)
    message.refresh_from_db()
    assert (message.state, len(mail.outbox)) == (MessageState.SENDING, 1)

    monkeypatch.setattr(emails, "send_templated_email", real_send)
    with django_capture_on_commit_callbacks(execute=True):
        assert message_send_rest(message=message, actor=Actor.system("test")) == 1

    message.refresh_from_db()
    assert message.state == MessageState.SENT
    with pytest.raises(TransitionRefused, match="nothing is left to send"):
        message_send_rest(message=message, actor=Actor.system("test"))
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        event.registrations.filter(status=CONFIRMED, attendance_mode="online").values_list(
            "email", flat=True
        )
    )


def test_a_sent_message_can_be_neither_sent_again_nor_edited(
    event, django_capture_on_commit_callbacks
):
    message = make_message(event)
    send(message, django_capture_on_commit_callbacks)

    with pytest.raises(TransitionRefused, match="sent already"):
        message_send(message=message, actor=Actor.system("test"))
    message.subject = "Changed afterwards"
    with pytest.raises(TransitionRefused, match="sent already"):
        message_save_draft(message=message, actor=Actor.system("test"))

    assert len(mail.outbox) == 1
    assert OrganiserMessage.objects.get().subject == "The stream starts at 9:00"


def test_an_unknown_placeholder_is_refused_with_the_ones_that_work(event):
    with pytest.raises(ServiceError, match=r"\{fist_name\} is not filled in; use \{first_name\}"):
        make_message(event, body="Dear {fist_name},")


def test_a_message_to_nobody_is_not_sent(event):
    message = make_message(event, segment=MessageSegment.MATCHMAKING)

    with pytest.raises(TransitionRefused, match="reach no one"):
        message_send(message=message, actor=Actor.system("test"))

    message.refresh_from_db()
    assert message.state == MessageState.DRAFT


def test_a_selection_leaves_out_the_cancelled_also_those_cancelled_after_selecting(
    event, django_capture_on_commit_callbacks
):
    chosen = event.registrations.filter(last_name__in=["Onsite", "Online", "Cancelled-online"])
    message, left_out = message_create_for_selection(
        registrations=chosen, actor=Actor.system("test")
    )
    assert left_out == 1
    assert names(message) == ["Online", "Onsite"]
    event.registrations.filter(last_name="Online").update(status=CANCELLED)
    message.subject, message.body = "Dinner", "See you at dinner."
    message_save_draft(message=message, actor=Actor.system("test"))

    send(message, django_capture_on_commit_callbacks)

    (sent,) = mail.outbox
    assert sent.to == [event.registrations.get(last_name="Onsite").email]
    assert message.recipients.count() == 1


def test_a_selection_is_of_one_event(event):
    other = make_registration(make_event())

    with pytest.raises(ServiceError, match="one event"):
        message_create_for_selection(
            registrations=[event.registrations.first(), other], actor=Actor.system("test")
        )


# The admin -------------------------------------------------------------------------------------


def change_url(message):
    return reverse("admin:registrations_organisermessage_change", args=[message.pk])


def test_the_organiser_writes_to_online_attendees_and_sees_who_received_it(
    admin_client_for, event, django_capture_on_commit_callbacks
):
    make_registration(event, first_name="Aino", last_name="Järvenpää", attendance_mode="online")
    response = admin_client_for.post(
        reverse("admin:registrations_organisermessage_add"),
        {
            "event": event.pk,
            "segment": "online",
            "subject": "Stream link",
            "body": "Dear {first_name},\nthe stream opens at 8:30.",
        },
        follow=True,
    )
    message = OrganiserMessage.objects.get()
    assert message.state == MessageState.DRAFT

    page = admin_client_for.get(change_url(message)).content.decode()
    assert "Preview" in page
    assert "Dear Jukka,\nthe stream opens at 8:30." in page  # the first recipient's data
    assert "Stream link" in page
    assert "Send to 2 people" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_for.post(
            reverse("admin:registrations_organisermessage_send", args=[message.pk]),
            {"checked": "on"},
            follow=True,
        )
    assert "Sending to 2 people" in response.content.decode()
    assert len(mail.outbox) == 2

    page = admin_client_for.get(change_url(message)).content.decode()
    assert "2 of 2" in page
    for person in event.registrations.filter(attendance_mode="online", status=CONFIRMED):
        assert person.email in page and person.last_name in page
    assert "Send to" not in page
    assert 'name="subject"' not in page  # read-only once sent
    assert [entry.action for entry in action_log_for(message)] == [
        "sent to everyone",
        "sent",
        "written",
    ]


def test_a_draft_is_edited_in_the_admin_and_the_edit_logged(admin_client_for, event):
    message = make_message(event)

    response = admin_client_for.post(
        change_url(message),
        {"segment": "on_site", "subject": "Badge pick-up", "body": "Dear {first_name},"},
    )

    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.segment, message.subject) == ("on_site", "Badge pick-up")
    (edit, _written) = action_log_for(message)
    assert edit.action == "edited"
    assert edit.changes["subject"] == ["The stream starts at 9:00", "Badge pick-up"]


def test_sending_needs_the_confirmation_tick_and_a_post(admin_client_for, event):
    message = make_message(event)
    send_url = reverse("admin:registrations_organisermessage_send", args=[message.pk])

    assert admin_client_for.get(send_url).status_code == 405
    response = admin_client_for.post(send_url, {}, follow=True)

    assert "Tick the box" in response.content.decode()
    message.refresh_from_db()
    assert message.state == MessageState.DRAFT


def test_a_sent_message_cannot_be_changed_in_the_admin(
    admin_client_for, event, django_capture_on_commit_callbacks
):
    message = make_message(event)
    send(message, django_capture_on_commit_callbacks)

    response = admin_client_for.post(
        change_url(message),
        {"event": event.pk, "segment": "online", "subject": "Changed", "body": "Changed"},
    )
    again = admin_client_for.post(
        reverse("admin:registrations_organisermessage_send", args=[message.pk]),
        {"checked": "on"},
        follow=True,
    )

    assert response.status_code == 403
    assert "has been sent already" in again.content.decode()
    assert OrganiserMessage.objects.get().subject == "The stream starts at 9:00"
    assert len(mail.outbox) == 1


def test_the_page_of_a_message_with_failed_addresses_sends_to_them_again(
    admin_client_for, event, django_capture_on_commit_callbacks, monkeypatch
):
    message = make_message(event)
    monkeypatch.setattr(emails, "send_templated_email", mock_failure)
    send(message, django_capture_on_commit_callbacks)
    monkeypatch.undo()

    page = admin_client_for.get(change_url(message)).content.decode()
    assert "0 of 1" in page and "1 recipient is not mailed yet." in page
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_for.post(
            reverse("admin:registrations_organisermessage_send_rest", args=[message.pk])
        )

    assert len(mail.outbox) == 1
    page = admin_client_for.get(change_url(message)).content.decode()
    assert "1 of 1" in page and "not mailed yet" not in page


def mock_failure(**kwargs):
    raise ConnectionError("mail server down")


def test_an_unknown_placeholder_is_shown_on_the_admin_form(admin_client_for, event):
    response = admin_client_for.post(
        reverse("admin:registrations_organisermessage_add"),
        {"event": event.pk, "segment": "online", "subject": "Hi", "body": "Dear {name},"},
    )

    assert response.status_code == 200
    assert "{name} is not filled in" in response.content.decode()
    assert not OrganiserMessage.objects.exists()


def test_write_to_the_selected_people_from_the_registrations_list(admin_client_for, event):
    chosen = list(event.registrations.filter(last_name__in=["Onsite", "Cancelled-onsite"]))

    response = run_admin_action(admin_client_for, "write_to_selected", chosen)

    message = OrganiserMessage.objects.get()
    assert response.redirect_chain[-1][0] == change_url(message)
    assert "1 cancelled registration(s) left out" in response.content.decode()
    assert message.segment == MessageSegment.SELECTION
    assert names(message) == ["Onsite"]
    assert "Send to 1 person" in response.content.decode()


def test_the_event_page_links_to_writing_to_its_attendees(admin_client_for, event):
    page = admin_client_for.get(reverse("admin:registrations_event_change", args=[event.pk]))

    add_url = reverse("admin:registrations_organisermessage_add")
    assert f"{add_url}?event={event.pk}" in page.content.decode()


def test_staff_without_the_message_permissions_cannot_write_or_send(
    client, django_user_model, event
):
    staff = django_user_model.objects.create_user(
        "helper", "helper@example.org", "x", is_staff=True
    )
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_registration", "change_registration", "view_organisermessage"]
        )
    )
    client.force_login(staff)
    message = make_message(event)

    listing = client.get(reverse("admin:registrations_registration_changelist")).content.decode()
    send_response = client.post(
        reverse("admin:registrations_organisermessage_send", args=[message.pk]), {"checked": "on"}
    )

    assert "write_to_selected" not in listing
    assert "Send to" not in client.get(change_url(message)).content.decode()
    assert send_response.status_code == 403
    assert client.get(reverse("admin:registrations_organisermessage_add")).status_code == 403


# Two workers at once ---------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_mail_each_recipient_once(on_postgresql, monkeypatch, settings):
    event = make_event()
    for _number in range(12):
        make_registration(event, attendance_mode="online")
    message = make_message(event)
    real_send = emails.send_templated_email

    def slow_send(**kwargs):  # both workers are still at work when the other takes a batch
        time.sleep(0.01)
        real_send(**kwargs)

    monkeypatch.setattr(emails, "send_templated_email", slow_send)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    message_send(message=message, actor=Actor.system("test"))

    outcomes = run_together(
        [lambda: send_organiser_message.call(message_id=message.pk) for _worker in range(2)]
    )

    assert sum(outcomes) == 12, outcomes
    assert all(sent > 0 for sent in outcomes), outcomes  # both really shared the work
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        event.registrations.values_list("email", flat=True)
    )
    assert MessageRecipient.objects.filter(sent_at__isnull=True).count() == 0
    assert OrganiserMessage.objects.get().state == MessageState.SENT
