"""CSV exports read their rows page by page (keyset pagination), so they keep flat memory
behind PgBouncer in transaction pooling, where server-side cursors are switched off."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from registrations import exports
from registrations.exports import REGISTRATIONS, rows_in_pages
from registrations.models import Registration
from tests.factories import make_event, make_registration
from tests.helpers import assert_streams_five_rows_lazily

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def test_export_streams_in_bounded_queries_without_server_side_cursors(monkeypatch):
    """What `DATABASE_POOLER=pgbouncer` sets: each page is a query of its own, read lazily."""
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    event = make_event()
    for _ in range(5):
        make_registration(event)
    assert_streams_five_rows_lazily(REGISTRATIONS, Registration.objects.all(), monkeypatch)


def test_pages_keep_rows_with_equal_sort_values_and_nulls_last(monkeypatch):
    """Rows that tie on the first key continue on the next page by primary key, and rows
    without a value come last, each row exactly once."""
    monkeypatch.setattr(exports, "ROWS_PER_QUERY_CHUNK", 2)
    event = make_event()
    same_time = datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN)
    waitlisted_at = [same_time, None, same_time, same_time + timedelta(hours=1), None, same_time]
    names = ["Müller", "Järvenpää", "Kowalski", "Łódź-Nowak", "Dubois", "Šimková"]
    made = [
        make_registration(event, last_name=name, waitlisted_at=when)
        for name, when in zip(names, waitlisted_at, strict=True)
    ]

    rows = list(rows_in_pages(Registration.objects.all(), ["last_name"], ("waitlisted_at", "pk")))

    by_time = sorted(
        made, key=lambda r: (r.waitlisted_at is None, r.waitlisted_at or same_time, r.pk)
    )
    assert rows == [(r.last_name,) for r in by_time]
    assert rows[-2:] == [("Järvenpää",), ("Dubois",)]
