"""Nothing lost, nothing twice: the mail server down, a worker gone silent mid-task, a task that
keeps failing, and each mail sent once by its key (registrations.mail_delivery, .worker)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registrations.mail_delivery import deliver_once
from registrations.models import (
    OutgoingMail,
    OutgoingMailStatus,
    Registration,
    RegistrationStatus,
    SurveyResponse,
    WorkerHeartbeat,
)
from registrations.services.action_log import Actor
from registrations.services.registration import registration_open
from registrations.worker import heartbeat, requeue_abandoned_tasks, retry_delay
from tests.factories import (
    make_event,
    make_open_event,
    make_survey_response,
    register,
    registration_form_data,
)
from tests.helpers.mail_server import refusing_mail_server
from tests.helpers.tasks import DATABASE_TASKS, run_mail_worker
from tests.helpers.urls import register_url

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker_settings(settings):
    settings.TASKS = DATABASE_TASKS
    settings.TASK_LEASE_SECONDS = 60
    settings.TASK_RETRY_DELAY_SECONDS = 60
    settings.TASK_MAX_ATTEMPTS = 3
    return settings


def a_mail(to="anna.muller@example.de"):
    return EmailMessage(subject="Your place at Cluster Days Łódź", body="Hello", to=[to])


def make_it_due(result: DBTaskResult) -> None:
    """As if the retry's delay had passed."""
    DBTaskResult.objects.filter(pk=result.pk).update(run_after=timezone.now())


def test_a_mail_is_sent_once_by_its_key_however_often_it_is_handed_over():
    assert deliver_once(a_mail(), key="task:1:anna.muller@example.de") is True
    assert deliver_once(a_mail(), key="task:1:anna.muller@example.de") is False

    assert len(mail.outbox) == 1
    record = OutgoingMail.objects.get()
    assert (record.status, record.attempts, record.recipient) == (
        OutgoingMailStatus.SENT,
        1,
        "anna.muller@example.de",
    )


def test_mail_server_down_the_registration_stands_and_the_mail_goes_out_when_it_is_back(
    client, worker_settings
):
    server = refusing_mail_server(worker_settings, down=True)
    event = make_open_event(title="Cluster Days Łódź")

    response = client.post(
        register_url(event), registration_form_data(email="jukka.jarvenpaa@example.fi")
    )
    run_mail_worker()

    assert response.status_code == 302
    registration = Registration.objects.get(email="jukka.jarvenpaa@example.fi")
    assert registration.status == RegistrationStatus.CONFIRMED
    assert mail.outbox == []
    record = OutgoingMail.objects.get()
    assert record.status == OutgoingMailStatus.RETRYING
    assert "SMTPServerDisconnected" in record.last_error
    (task,) = DBTaskResult.objects.all()
    assert task.status == "READY"  # again, after the delay
    assert task.run_after > timezone.now() + timedelta(seconds=50)

    server.down = False
    run_mail_worker()
    assert mail.outbox == []  # not before the delay has passed
    make_it_due(task)
    run_mail_worker()

    (message,) = mail.outbox
    assert message.to == ["jukka.jarvenpaa@example.fi"]
    assert registration.private_path() in message.body
    record.refresh_from_db()
    assert (record.status, record.attempts) == (OutgoingMailStatus.SENT, 2)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_the_retries_wait_longer_each_time_up_to_an_hour(settings):
    settings.TASK_RETRY_DELAY_SECONDS = 60

    delays = [retry_delay(attempts) for attempts in range(1, 10)]

    assert delays[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert delays[-1] == timedelta(hours=1)


def test_after_the_last_attempt_the_mail_shows_as_given_up_and_an_organiser_sends_it_again(
    admin_client_for, worker_settings
):
    worker_settings.TASK_RETRY_DELAY_SECONDS = 0
    server = refusing_mail_server(worker_settings, down=True)
    event = make_event(title="Cluster Days Łódź")
    make_survey_response(event, email="anna.muller@example.de")
    make_survey_response(event, email="zofia.kowalska@example.pl")
    registration_open(event=event, actor=Actor.system("test"))

    run_mail_worker()  # three attempts in a row (no delay in this test), then it gives up

    (task,) = DBTaskResult.objects.all()
    assert (task.status, len(task.worker_ids)) == ("FAILED", 3)
    assert set(OutgoingMail.objects.values_list("status", "attempts")) == {
        (OutgoingMailStatus.FAILED, 3)
    }
    changelist = reverse("admin:registrations_outgoingmail_changelist")
    page = admin_client_for.get(changelist, {"status": "failed"}).content.decode()
    assert "anna.muller@example.de" in page
    assert "zofia.kowalska@example.pl" in page
    assert "Not sent: gave up" in page

    server.down = False
    response = admin_client_for.post(
        changelist,
        {
            "action": "retry_now",
            "_selected_action": list(OutgoingMail.objects.values_list("pk", flat=True)),
        },
        follow=True,
    )
    assert "2 mails go out again now." in response.content.decode()
    run_mail_worker()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "anna.muller@example.de",
        "zofia.kowalska@example.pl",
    ]
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {OutgoingMailStatus.SENT}
    assert not SurveyResponse.objects.filter(registration_notice_sent_at__isnull=True).exists()


def claimed_by_a_worker_that_died(task: DBTaskResult, *, minutes_ago: int) -> None:
    """The state a worker killed mid-task leaves: the task running, the heartbeat stopped."""
    long_ago = timezone.now() - timedelta(minutes=minutes_ago)
    heartbeat("worker-killed", now=long_ago)
    DBTaskResult.objects.filter(pk=task.pk).update(
        status="RUNNING", started_at=long_ago, worker_ids=["worker-killed"]
    )


def test_a_task_left_running_by_a_dead_worker_is_taken_up_again_and_sends_only_what_was_not_sent(
    worker_settings,
):
    event = make_event(title="Cluster Days Łódź")
    responses = [
        make_survey_response(event, email=f"osallistuja{number}@example.fi") for number in range(5)
    ]
    registration_open(event=event, actor=Actor.system("test"))
    (task,) = DBTaskResult.objects.all()
    # the dead worker had sent two of the five
    for response in responses[:2]:
        deliver_once(a_mail(response.email), key=f"registrations.surveyresponse:{response.pk}")
        SurveyResponse.objects.filter(pk=response.pk).update(
            registration_notice_sent_at=timezone.now()
        )
    mail.outbox.clear()
    claimed_by_a_worker_that_died(task, minutes_ago=5)

    run_mail_worker()

    assert sorted(message.to[0] for message in mail.outbox) == [
        response.email for response in responses[2:]
    ]
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.worker_ids == ["worker-killed", "test-worker"]
    assert not WorkerHeartbeat.objects.filter(worker_id="test-worker").exists()  # it said goodbye


def test_a_mail_sent_before_its_worker_died_is_not_sent_again_by_the_retry(worker_settings):
    event = make_open_event(title="Cluster Days Łódź")
    registration = register(event, email="ana.garcia@example.es")
    (task,) = DBTaskResult.objects.all()
    # the dead worker's mail reached the server and was recorded in the same transaction
    deliver_once(a_mail(registration.email), key=f"task:{task.pk}:{registration.email}")
    mail.outbox.clear()
    claimed_by_a_worker_that_died(task, minutes_ago=5)

    run_mail_worker()

    assert mail.outbox == []
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_live_worker_keeps_its_task_however_long_it_runs(worker_settings):
    event = make_event()
    make_survey_response(event)
    registration_open(event=event, actor=Actor.system("test"))
    (task,) = DBTaskResult.objects.all()
    claimed_by_a_worker_that_died(task, minutes_ago=30)
    heartbeat("worker-killed")  # ... but it is alive: its heartbeat is fresh

    assert requeue_abandoned_tasks() == 0
    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_a_task_that_takes_its_worker_down_every_time_fails_after_the_last_attempt(
    worker_settings,
):
    event = make_event()
    make_survey_response(event)
    registration_open(event=event, actor=Actor.system("test"))
    (task,) = DBTaskResult.objects.all()
    claimed_by_a_worker_that_died(task, minutes_ago=5)
    DBTaskResult.objects.filter(pk=task.pk).update(worker_ids=["w1", "w2", "worker-killed"])

    assert requeue_abandoned_tasks() == 0

    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.exception_class_path == "registrations.worker.TaskAbandoned"
