"""The streaming check every CSV export kind must pass, and reading a CSV download."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext

from registrations import exports


def assert_streams_five_rows_lazily(kind, queryset, monkeypatch) -> None:
    """With pages of two rows and two rows per output batch, five rows stream as header, 2, 2,
    1: each page is a query of its own with a LIMIT, and a batch of output needs only the pages
    it shows."""
    monkeypatch.setattr(exports, "ROWS_PER_OUTPUT_CHUNK", 2)
    monkeypatch.setattr(exports, "ROWS_PER_QUERY_CHUNK", 2)

    with CaptureQueriesContext(connection) as queries:
        chunks = exports.export_csv_chunks(kind, queryset)
        header_chunk = next(chunks)
        first_batch = next(chunks)
        pages_for_first_batch = len(_page_queries(queries))
        rest = [chunk.count("\r\n") for chunk in chunks]

    assert header_chunk.count("\r\n") == 1
    assert first_batch.count("\r\n") == 2
    assert pages_for_first_batch == 1  # not the whole queryset
    assert rest == [2, 1]
    assert len(_page_queries(queries)) == 3  # 2 + 2 + 1 rows: the short page is the last


def _page_queries(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].endswith("LIMIT 2")]


def rows_of(response) -> list[dict[str, str]]:
    """The rows of a CSV download, after checking it is one (UTF-8 with a byte-order mark)."""
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    document = b"".join(response.streaming_content).decode("utf-8")
    assert document.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(document[1:], newline="")))
