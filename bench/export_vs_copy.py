"""Wall time of the registrations CSV export against PostgreSQL's own COPY … TO STDOUT WITH CSV.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/eventsite_bench \
       .venv/bin/python bench/export_vs_copy.py [ROWS]   (default 100000; aim: ratio ≤ 2.5)
"""

import os
import sys
import time

from django.db import connection
from scratch_data import event_with_registrations, require_postgresql

from registrations.exports import REGISTRATIONS, encoded, export_csv_chunks
from registrations.models import Registration

# The same columns as the export, computed by the database: labels are the stored values,
# dates are converted to the event's zone, sessions are joined in start order.
COPY_SQL = """
COPY (
  SELECT r.id, e.title, r.first_name, r.last_name, r.email, r.organisation,
         r.organisation_type, r.job_title, r.country, r.attendance_mode, r.status,
         (SELECT string_agg(s.title, '; ' ORDER BY s.start, s.id)
            FROM registrations_registration_sessions rs
            JOIN registrations_session s ON s.id = rs.session_id
           WHERE rs.registration_id = r.id),
         r.accessibility_needs, r.dietary_needs, r.source,
         r.created_at AT TIME ZONE e.timezone, r.waitlisted_at AT TIME ZONE e.timezone,
         r.cancelled_at AT TIME ZONE e.timezone, r.updated_at AT TIME ZONE e.timezone,
         r.consent_version, r.consented_at AT TIME ZONE e.timezone
    FROM registrations_registration r
    JOIN registrations_event e ON e.id = r.event_id
   WHERE r.event_id = {event_id}
   ORDER BY r.created_at, r.id
) TO STDOUT WITH CSV HEADER
"""


def timed(function) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    require_postgresql()
    started = time.perf_counter()
    event = event_with_registrations(rows)
    print(f"built {rows:,} registrations in {time.perf_counter() - started:.1f} s")

    def export():
        with open(os.devnull, "wb") as sink:
            for chunk in encoded(
                export_csv_chunks(REGISTRATIONS, Registration.objects.filter(event=event))
            ):
                sink.write(chunk)

    def copy():
        with open(os.devnull, "wb") as sink, connection.cursor() as cursor:
            cursor.copy_expert(COPY_SQL.format(event_id=int(event.pk)), sink)

    export_seconds = timed(export)
    copy_seconds = timed(copy)
    print(f"export code  : {export_seconds:.3f} s  ({rows / export_seconds:,.0f} rows/s)")
    print(f"COPY TO CSV  : {copy_seconds:.3f} s  ({rows / copy_seconds:,.0f} rows/s)")
    print(f"ratio        : {export_seconds / copy_seconds:.2f}x COPY (aim: at most 2.5x)")


if __name__ == "__main__":
    main()
