"""The ECCP call at its real size (about 112 organisations): time to store one expression of
interest (form POST to redirect), the review list's query count, and the time to mark everyone
eligible and queue their invitations, on a throw-away test database. Prints figures only.

    .venv/bin/python bench/matchmaking_call.py [applications]   (DATABASE_URL picks the database)
"""

import logging
import statistics
import sys
import time

from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from throwaway_database import throwaway_database

from registrations.models import ExpressionOfInterest
from registrations.services.action_log import Actor
from registrations.services.matchmaking import (
    application_mark_eligible,
    invitations_send,
)
from tests.factories import make_call, sectors


def form_data(call, number: int) -> dict:
    return {
        "legal_name": f"Cluster Łódź-Järvenpää {number}",
        "country": "PL",
        "organisation_type": "cluster",
        "eccp_profile_url": f"https://clustercollaboration.eu/cluster-organisations/{number}",
        "sectors": [str(sector.pk) for sector in sectors("Digital", "Textile")],
        "members_count": "120",
        "offers": "Textile and digital SMEs.",
        "seeks": "Partners for joint projects.",
        "contact_first_name": "Łukasz",
        "contact_last_name": "Wójcik",
        "contact_email": f"cluster{number}@example.pl",
        "declarations": [str(pk) for pk in call.declarations.values_list("pk", flat=True)],
        "consent": "on",
    }


def main(applications: int) -> None:
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    with throwaway_database():
        call = make_call()
        url = f"/events/{call.event.slug}/apply/"
        client = Client()
        timings = []
        for number in range(applications):
            started = time.perf_counter()
            response = client.post(url, form_data(call, number))
            timings.append(time.perf_counter() - started)
            assert response.status_code == 302, response.status_code
        timings.sort()
        print(f"database: {connection.vendor}, expressions of interest: {applications}")
        print(
            f"store one expression of interest: median {statistics.median(timings) * 1000:.1f} "
            f"ms, 95th percentile {timings[int(len(timings) * 0.95) - 1] * 1000:.1f} ms"
        )
        organiser = get_user_model().objects.create_superuser("bench", "bench@example.org", "x")
        client.force_login(organiser)
        with CaptureQueriesContext(connection) as queries:
            client.get("/admin/registrations/expressionofinterest/")
        print(f"review list ({min(applications, 100)} rows shown): {len(queries)} queries")
        mail.outbox.clear()
        started = time.perf_counter()
        for application in ExpressionOfInterest.objects.all():
            application_mark_eligible(application=application, actor=Actor.organiser(organiser))
        run = invitations_send(
            applications=ExpressionOfInterest.objects.all(), actor=Actor.organiser(organiser)
        )
        elapsed = time.perf_counter() - started
        print(
            f"mark {applications} eligible and invite {run.sent}: {elapsed:.2f} s, "
            f"{len(mail.outbox)} emails (the test settings run each task at once, mail in memory)"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 112)
