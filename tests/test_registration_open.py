"""An organiser opens registration (now or at a set time); survey respondents who asked get one
email each, sent by the background worker, with a link that pre-fills the registration form."""

import threading
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.db import connection
from django.utils import timezone
from django_tasks.backends.dummy import DummyBackend

from registrations import prefill
from registrations.forms.registration import RegistrationForm
from registrations.mail_delivery import MailNotSent
from registrations.models import AttendanceMode, Registration, RegistrationSource, SurveyResponse
from registrations.services.action_log import Actor
from registrations.services.errors import TransitionRefused
from registrations.services.registration import registration_close, registration_open
from registrations.tasks.registration import send_registration_open_notices
from tests.factories import bot_trap_fields, make_event, make_survey_response
from tests.helpers.mail_server import refusing_mail_server

pytestmark = pytest.mark.django_db


def open_now(event, organiser, capture):
    with capture(execute=True):
        return registration_open(event=event, actor=Actor.organiser(organiser))


def notice_link(message):
    return next(line for line in message.body.splitlines() if "/register/?from=" in line).strip()


# Opening and closing -------------------------------------------------------------------------


def test_opening_records_who_and_when_and_the_state_follows(organiser):
    event = make_event()
    assert not event.registration_is_open()

    event = registration_open(event=event, actor=Actor.organiser(organiser))

    event.refresh_from_db()
    assert event.registration_is_open()
    assert event.registration_opened_by == organiser
    assert timezone.now() - event.registration_opened_at < timedelta(minutes=1)


def test_a_scheduled_opening_takes_effect_by_itself(organiser):
    event = make_event()
    at = timezone.now() + timedelta(days=2)

    registration_open(event=event, actor=Actor.organiser(organiser), at=at)

    event.refresh_from_db()
    assert event.registration_opens_at == at
    assert not event.registration_is_open()
    assert event.registration_is_open(now=at + timedelta(seconds=1))


def test_opening_twice_or_after_the_event_is_refused(organiser):
    event = make_event()
    registration_open(event=event, actor=Actor.organiser(organiser))

    with pytest.raises(TransitionRefused, match="already open"):
        registration_open(event=event, actor=Actor.organiser(organiser))
    past = make_event(
        start=timezone.now() - timedelta(days=3), end=timezone.now() - timedelta(days=2)
    )
    with pytest.raises(TransitionRefused, match="over"):
        registration_open(event=past, actor=Actor.organiser(organiser))


def test_closing_then_reopening(organiser):
    event = make_event()
    registration_open(event=event, actor=Actor.organiser(organiser))

    registration_close(event=event, actor=Actor.organiser(organiser))
    event.refresh_from_db()
    assert not event.registration_is_open()
    with pytest.raises(TransitionRefused, match="not open"):
        registration_close(event=event, actor=Actor.organiser(organiser))

    registration_open(event=event, actor=Actor.organiser(organiser))
    event.refresh_from_db()
    assert event.registration_is_open()
    assert event.registration_closes_at is None


def test_closing_calls_off_a_scheduled_opening(organiser):
    event = make_event()
    registration_open(
        event=event, actor=Actor.organiser(organiser), at=timezone.now() + timedelta(days=1)
    )

    registration_close(event=event, actor=Actor.organiser(organiser))

    event.refresh_from_db()
    assert event.registration_opens_at is None


# The notices ---------------------------------------------------------------------------------


def test_opening_emails_each_respondent_who_asked_once(
    organiser, django_capture_on_commit_callbacks
):
    event = make_event(title="European Cluster Conference")
    asked = make_survey_response(event, first_name="Jukka", last_name="Järvenpää")
    make_survey_response(event, notify_when_registration_opens=False)
    # another event's survey:
    make_survey_response(make_event(), notify_when_registration_opens=True)

    open_now(event, organiser, django_capture_on_commit_callbacks)

    assert [message.to for message in mail.outbox] == [[asked.email]]
    message = mail.outbox[0]
    assert message.subject == "Registration is open: European Cluster Conference"
    assert "Dear Jukka Järvenpää" in message.body
    assert notice_link(message).startswith(f"http://127.0.0.1:8000/events/{event.slug}/register/")
    assert "Register now" in message.alternatives[0][0]
    asked.refresh_from_db()
    assert asked.registration_notice_sent_at is not None


def test_closing_and_reopening_sends_no_second_notice(
    organiser, django_capture_on_commit_callbacks
):
    event = make_event()
    make_survey_response(event)
    open_now(event, organiser, django_capture_on_commit_callbacks)
    registration_close(event=event, actor=Actor.organiser(organiser))
    late = make_survey_response(event)
    mail.outbox.clear()

    open_now(event, organiser, django_capture_on_commit_callbacks)

    assert [message.to for message in mail.outbox] == [[late.email]]


def test_the_notices_are_queued_after_commit_never_sent_in_the_request(
    organiser, django_capture_on_commit_callbacks
):
    event = make_event()
    make_survey_response(event)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        registration_open(event=event, actor=Actor.organiser(organiser))

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_a_scheduled_opening_queues_the_notices_for_the_opening_time(
    organiser, django_capture_on_commit_callbacks, settings
):
    """With a backend that can defer (the database backend can), run_after = opening time."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    event = make_event()
    make_survey_response(event)
    at = timezone.now() + timedelta(days=2)

    with django_capture_on_commit_callbacks(execute=True):
        registration_open(event=event, actor=Actor.organiser(organiser), at=at)

    backend = send_registration_open_notices.get_backend()
    assert isinstance(backend, DummyBackend)
    (queued,) = backend.results
    assert queued.task.run_after == at
    assert queued.args == [] and queued.kwargs == {"event_id": event.pk}
    assert mail.outbox == []


def test_the_task_sends_nothing_before_the_opening_time_nor_after_a_call_off(organiser):
    event = make_event()
    make_survey_response(event)
    registration_open(
        event=event, actor=Actor.organiser(organiser), at=timezone.now() + timedelta(days=1)
    )

    assert send_registration_open_notices.call(event_id=event.pk) == 0
    assert send_registration_open_notices.call(event_id=0) == 0
    assert mail.outbox == []


def test_a_refused_address_does_not_stop_the_others_and_waits_for_the_next_run(organiser, settings):
    event = make_event(registration_opens_at=timezone.now())
    responses = [make_survey_response(event) for _ in range(5)]
    broken = responses[2]
    server = refusing_mail_server(settings, refused=[broken.email])

    with pytest.raises(MailNotSent, match="1 of 5 not sent"):
        send_registration_open_notices.call(event_id=event.pk)

    assert len(mail.outbox) == 4
    assert SurveyResponse.objects.filter(registration_notice_sent_at__isnull=True).get() == broken

    server.refused = set()
    assert send_registration_open_notices.call(event_id=event.pk) == 1  # the run again
    assert [message.to for message in mail.outbox[4:]] == [[broken.email]]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_notice_once(on_postgresql):
    event = make_event(registration_opens_at=timezone.now())
    for _ in range(30):
        make_survey_response(event)
    barrier = threading.Barrier(2)

    def worker():
        try:
            barrier.wait(timeout=10)
            send_registration_open_notices.call(event_id=event.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 30


# The pre-filled link -------------------------------------------------------------------------


@pytest.fixture
def notice(organiser, django_capture_on_commit_callbacks):
    event = make_event(format="hybrid")
    response = make_survey_response(
        event,
        intent=AttendanceMode.ONLINE,
        first_name="Łukasz",
        last_name="Wójcik",
        organisation="Klaster Łódź",
        country="PL",
        job_title="Innovation manager",
    )
    open_now(event, organiser, django_capture_on_commit_callbacks)
    return event, response, notice_link(mail.outbox[0]).removeprefix("http://127.0.0.1:8000")


def test_the_link_opens_the_form_filled_with_the_survey_answers(client, notice):
    _event, response, link = notice

    form = client.get(link).context["form"]

    assert form.initial["first_name"] == "Łukasz"
    assert form.initial["last_name"] == "Wójcik"
    assert form.initial["email"] == response.email
    assert form.initial["organisation"] == "Klaster Łódź"
    assert form.initial["country"] == "PL"
    assert form.initial["job_title"] == "Innovation manager"
    assert form.initial["organisation_type"] == response.organisation_type
    assert form.initial["attendance_mode"] == AttendanceMode.ONLINE


def test_registering_through_the_link_records_the_survey_as_source(client, notice):
    event, _response, link = notice
    data = {
        **client.get(link).context["form"].initial,
        "consent": "on",
        **bot_trap_fields(RegistrationForm),
    }

    client.post(link, data)

    assert Registration.objects.get(event=event).source == RegistrationSource.SURVEY


def test_an_undecided_intent_leaves_the_mode_for_the_person_to_choose():
    from registrations.forms.registration import initial_from_survey

    event = make_event()
    response = make_survey_response(event, intent="undecided")

    assert "attendance_mode" not in initial_from_survey(response, event)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda value: value[:-2] + ("AA" if not value.endswith("AA") else "BB"),
        lambda value: signing.dumps({"response": 1, "event": 1}, salt="another-salt"),
        lambda value: "not-a-signed-value",
        lambda value: "",
    ],
)
def test_a_tampered_link_shows_a_clear_message_and_an_empty_form(client, notice, tamper):
    event, _response, link = notice
    value = link.split("from=")[1]

    page = client.get(f"/events/{event.slug}/register/?from={tamper(value)}")

    assert page.status_code == 200
    assert not page.context["form"].initial
    if tamper(value):
        assert "This pre-filled link is not valid" in page.content.decode()


def test_a_link_for_another_events_form_is_refused(client, notice):
    _event, _response, link = notice
    other = make_event(registration_opens_at=timezone.now())

    page = client.get(f"/events/{other.slug}/register/?{link.split('?')[1]}")

    assert "not valid" in page.content.decode()
    assert not page.context["form"].initial


def test_an_expired_link_says_so(client, notice, monkeypatch):
    _event, _response, link = notice
    monkeypatch.setattr(prefill, "MAX_AGE", timedelta(seconds=-1))

    page = client.get(link)

    assert "This pre-filled link has expired" in page.content.decode()
    assert not page.context["form"].initial
