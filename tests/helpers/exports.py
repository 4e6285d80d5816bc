"""The streaming check every CSV export kind must pass, and reading a CSV download."""

import csv
import io

from django.db.models import QuerySet

from registrations import exports


def assert_streams_five_rows_lazily(kind, queryset, monkeypatch) -> None:
    """With two rows per output batch, five rows stream as header, 2, 2, 1: the query is read
    in chunks, and a batch of output needs only its own rows."""
    monkeypatch.setattr(exports, "ROWS_PER_OUTPUT_CHUNK", 2)
    chunk_sizes, rows_read = [], []
    real_iterator = QuerySet.iterator

    def recording_iterator(queryset, chunk_size=None):
        chunk_sizes.append(chunk_size)
        for row in real_iterator(queryset, chunk_size=chunk_size):
            rows_read.append(row)
            yield row

    monkeypatch.setattr(QuerySet, "iterator", recording_iterator)

    chunks = exports.export_csv_chunks(kind, queryset)
    header_chunk = next(chunks)
    first_batch = next(chunks)

    assert header_chunk.count("\r\n") == 1
    assert first_batch.count("\r\n") == 2
    assert chunk_sizes == [exports.ROWS_PER_QUERY_CHUNK]
    assert len(rows_read) == 2  # not the whole queryset
    assert [chunk.count("\r\n") for chunk in chunks] == [2, 1]
    assert len(rows_read) == 5


def rows_of(response) -> list[dict[str, str]]:
    """The rows of a CSV download, after checking it is one (UTF-8 with a byte-order mark)."""
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    document = b"".join(response.streaming_content).decode("utf-8")
    assert document.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(document[1:], newline="")))
