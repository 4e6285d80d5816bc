r"""How long the organiser waits when opening registration for an event with 10,000 survey
respondents who asked to be told, against the time the worker then needs to send the notices.

Usage:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eventsite_bench \
    .venv/bin/python bench/open_registration.py
Works in a scratch database (test_<name>, created and dropped here); mail goes to memory.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eventsite.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("EMAIL_URL", "memorymail://")
os.environ["SECURE_SSL_REDIRECT"] = "false"

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from registrations.models import InterestSurvey, SurveyResponse  # noqa: E402
from registrations.services.action_log import Actor  # noqa: E402
from registrations.services.registration import registration_open  # noqa: E402
from registrations.tasks.registration import send_registration_open_notices  # noqa: E402
from tests.factories import make_event  # noqa: E402

RESPONDENTS = 10_000


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1/x")
    setup_test_environment()  # locmem mail, so the 10,000 messages are counted, not sent
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run() -> None:
    organiser = get_user_model().objects.create_superuser("bench", "bench@example.org", "x")
    event = make_event(title="European Cluster Conference (bench)")
    survey = InterestSurvey.objects.create(event=event, is_open=True)
    now = timezone.now()
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            survey=survey,
            first_name="Jukka",
            last_name=f"Järvenpää {number}",
            email=f"respondent{number}@cluster.example.fi",
            organisation="Cluster Łódź",
            organisation_type="cluster",
            country="FI",
            intent="on_site",
            notify_when_registration_opens=True,
            consent_version="2020-08",
            consented_at=now,
        )
        for number in range(RESPONDENTS)
    )

    started = time.perf_counter()
    registration_open(
        event=event, actor=Actor.organiser(organiser)
    )  # commits, then enqueues the task
    organiser_wait = time.perf_counter() - started
    assert DBTaskResult.objects.count() == 1, "the notices were not queued"
    assert len(mail.outbox) == 0, "mail was sent in the organiser's request"

    started = time.perf_counter()
    sent = send_registration_open_notices.call(event_id=event.pk)  # what the worker runs
    worker_time = time.perf_counter() - started
    assert sent == len(mail.outbox) == RESPONDENTS
    assert not SurveyResponse.objects.filter(registration_notice_sent_at__isnull=True).exists()

    print(f"respondents asking to be told:        {RESPONDENTS}")
    print(f"opening registration (organiser waits): {organiser_wait * 1000:8.1f} ms")
    print(f"sending the notices (background worker): {worker_time * 1000:8.1f} ms")
    print(f"organiser's wait / worker's time:        {organiser_wait / worker_time:8.4f}")
    print(f"target: opening well under 1 s -> {'met' if organiser_wait < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
