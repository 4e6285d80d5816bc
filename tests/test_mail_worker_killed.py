"""A mail worker killed with SIGKILL in the middle of a batch: a second worker takes the task up
after the lease, and every mail reaches the (real, SMTP) mail server exactly once."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from registrations.models import OutgoingMail, OutgoingMailStatus, SurveyResponse
from registrations.services.action_log import Actor
from registrations.services.registration import registration_open
from tests.factories import make_event, make_open_event, make_survey_response, register
from tests.helpers.smtp_sink import SmtpSink, start_smtp_sink
from tests.helpers.tasks import DATABASE_TASKS

PROJECT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def start_worker(smtp_port: int) -> subprocess.Popen:
    """`manage.py run_worker` as `make run` starts it, on this test's database."""
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "eventsite.settings",
        "SECRET_KEY": "test-only-secret-key-for-the-worker-process",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "WORKER_HEARTBEAT_SECONDS": "0.5",
        "TASK_LEASE_SECONDS": "2",
        "TASK_RETRY_DELAY_SECONDS": "0.5",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "run_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.1",
        ],
        cwd=PROJECT,
        env=env,
    )


def wait_for(condition, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_a_worker_killed_mid_batch_leaves_every_mail_sent_exactly_once(on_postgresql, settings):
    settings.TASKS = DATABASE_TASKS  # queued here, run by the worker processes
    conference = make_event(title="Cluster Days Łódź")
    for number in range(20):
        make_survey_response(conference, email=f"vastaaja{number}@example.fi")
    registration_open(event=conference, actor=Actor.system("test"))
    matchmaking = make_open_event(title="Matchmaking Järvenpää")
    for number in range(3):
        register(matchmaking, email=f"teilnehmer{number}@example.de")
    expected = sorted(
        [f"vastaaja{number}@example.fi" for number in range(20)]
        + [f"teilnehmer{number}@example.de" for number in range(3)]
    )
    sink = SmtpSink(hold_at=8)
    smtp = start_smtp_sink(sink)
    first = start_worker(smtp.port)
    second = None
    try:
        assert sink.holding.wait(timeout=60), "the first worker never got to the 8th mail"
        first.send_signal(signal.SIGKILL)  # mid-batch, waiting for the server's answer
        first.wait(timeout=10)
        sink.release.set()
        stuck = DBTaskResult.objects.filter(status="RUNNING")
        assert stuck.exists()  # what the dead worker leaves behind

        second = start_worker(smtp.port)
        assert wait_for(lambda: len(sink.accepted) >= len(expected), seconds=60), sink.accepted
        assert wait_for(
            lambda: not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists(), seconds=30
        )
        time.sleep(1)  # anything sent twice would arrive now
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=10)
        smtp.stop()

    assert sorted(sink.accepted) == expected  # each exactly once
    assert set(OutgoingMail.objects.values_list("status", flat=True)) == {OutgoingMailStatus.SENT}
    assert not SurveyResponse.objects.filter(registration_notice_sent_at__isnull=True).exists()
