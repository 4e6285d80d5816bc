"""Shared by the export benchmarks: Django set-up and fast bulk data in a scratch PostgreSQL.

Point DATABASE_URL at a scratch database (it is migrated, and the benchmark's own events are
replaced); e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/eventsite_bench.
"""

import io
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eventsite.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from registrations.models import Event, Registration, Session  # noqa: E402

PEOPLE = [
    ("Jürgen", "Müller", "Müller Cluster GmbH", "DE"),
    ("Aino", "Järvenpää", "Järvenpää Tech Oy", "FI"),
    ("Zofia", "Wójcik", 'Klaster "Łódź", Textiles', "PL"),
    ("Chloé", "Dubois", "=Pôle Numérique", "FR"),
]


def require_postgresql() -> None:
    """Check for PostgreSQL, create the scratch database if it is missing, and migrate it."""
    if connection.vendor != "postgresql":
        sys.exit(
            "Set DATABASE_URL to a scratch PostgreSQL database, e.g. postgres://…/eventsite_bench"
        )
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [connection.settings_dict["NAME"]]
        )
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{connection.settings_dict["NAME"]}"')
    call_command("migrate", verbosity=0)


def _copy_rows(table: str, columns: list[str], lines) -> None:
    buffer = io.StringIO()
    for line in lines:
        buffer.write("\t".join(line) + "\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT text)", buffer
        )


@transaction.atomic
def event_with_registrations(count: int) -> Event:
    """A hybrid event with three sessions and `count` registrations, loaded with COPY."""
    slug = f"bench-export-{count}"
    Event.objects.filter(slug=slug).delete()
    start = datetime(2030, 11, 10, 8, tzinfo=UTC)
    event = Event.objects.create(
        slug=slug,
        title=f"Benchmark Forum Łódź ({count})",
        summary="Benchmark",
        organisers="ECCP",
        contact_name="ECCP events team",
        contact_email="events@example.org",
        format="hybrid",
        venue="EC1",
        city="Łódź",
        country="PL",
        timezone="Europe/Warsaw",
        start=start,
        end=start + timedelta(days=2),
    )
    sessions = [
        Session.objects.create(
            event=event,
            title=title,
            kind="plenary",
            format="hybrid",
            start=start + timedelta(hours=hour),
            end=start + timedelta(hours=hour + 1),
        ).pk
        for hour, title in [(1, "Opening plenary"), (3, "Matchmaking, round 1"), (5, "Webinar")]
    ]
    first_id = (Registration.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    registered = datetime(2030, 3, 1, tzinfo=UTC)

    def registrations():
        for i in range(count):
            first, last, organisation, country = PEOPLE[i % len(PEOPLE)]
            at = (registered + timedelta(seconds=37 * i)).isoformat()
            yield [
                str(first_id + i), str(event.pk), first, last, f"{last.lower()}.{i}@example.org",
                organisation, "cluster", "Cluster manager", country, "2026-01", at,
                "on_site" if i % 3 else "online", "confirmed" if i % 7 else "waitlisted",
                "", "Vegetarian" if i % 5 == 0 else "", "direct", f"bench{count:07d}-{i:030d}",
                f"join{count:07d}-{i:031d}", f"code{count:07d}-{i:031d}", at, at,
            ]  # fmt: skip

    _copy_rows(
        "registrations_registration",
        [
            "id", "event_id", "first_name", "last_name", "email", "organisation",
            "organisation_type", "job_title", "country", "consent_version", "consented_at",
            "attendance_mode", "status", "accessibility_needs", "dietary_needs", "source",
            "token", "join_token", "checkin_token", "created_at", "updated_at",
        ],
        registrations(),
    )  # fmt: skip
    _copy_rows(
        "registrations_registration_sessions",
        ["registration_id", "session_id"],
        (
            [str(first_id + i), str(session)]
            for i in range(count)
            for session in sessions[: i % 4]  # 0 to 3 sessions each
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('registrations_registration', 'id'), "
            "(SELECT max(id) FROM registrations_registration))"
        )
        cursor.execute("ANALYZE registrations_registration, registrations_registration_sessions")
    return event
