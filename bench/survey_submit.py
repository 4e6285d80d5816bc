"""How long the server takes to store one survey answer (form POST to redirect), and the answer
list's query count, on a throw-away test database. Prints figures; asserts nothing about time.

    .venv/bin/python bench/survey_submit.py [answers]        (DATABASE_URL picks the database)
"""

import statistics
import sys
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from throwaway_database import throwaway_database

from tests.factories import make_survey, survey_form_data


def main(answers: int) -> None:
    with throwaway_database():
        survey = make_survey()
        url = f"/events/{survey.event.slug}/survey/"
        client = Client()
        timings = []
        for number in range(answers):
            data = survey_form_data(email=f"person{number}@example.eu")
            started = time.perf_counter()
            response = client.post(url, data)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 302, response.status_code
        timings.sort()
        print(f"database: {connection.vendor}, answers stored: {answers}")
        print(
            f"store one answer: median {statistics.median(timings) * 1000:.1f} ms, "
            f"95th percentile {timings[int(len(timings) * 0.95) - 1] * 1000:.1f} ms"
        )
        admin = get_user_model().objects.create_superuser("bench", "bench@example.org", "x")
        client.force_login(admin)
        with CaptureQueriesContext(connection) as queries:
            client.get("/admin/registrations/surveyresponse/")
        print(f"admin answer list ({min(answers, 100)} rows shown): {len(queries)} queries")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
