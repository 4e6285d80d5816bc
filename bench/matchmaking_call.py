"""The ECCP call at its real size (about 112 organisations): time to store one expression of
interest (form POST to redirect), the review list's query count, and the time to mark everyone
eligible and queue their invitations, on a throw-away test database. Prints figures only.

    .venv/bin/python bench/matchmaking_call.py [applications]   (DATABASE_URL picks the database)
"""

import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eventsite.settings_test")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)

from registrations.models import ExpressionOfInterest  # noqa: E402
from registrations.services.matchmaking import (  # noqa: E402
    application_mark_eligible,
    invitations_send,
)
from tests.factories_matchmaking import make_call, sectors  # noqa: E402


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
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
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
            application_mark_eligible(application=application, reviewer=organiser)
        run = invitations_send(applications=ExpressionOfInterest.objects.all())
        elapsed = time.perf_counter() - started
        print(
            f"mark {applications} eligible and invite {run.sent}: {elapsed:.2f} s, "
            f"{len(mail.outbox)} emails (the test settings run each task at once, mail in memory)"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 112)
