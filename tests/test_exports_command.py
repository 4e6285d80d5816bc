"""`manage.py export_csv <kind> --event <slug>` writes the CSV and records the export."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from registrations.models import ExportRecord
from tests.factories import (
    make_event,
    make_registration,
    make_stored_application,
    make_survey_response,
)

pytestmark = pytest.mark.django_db


def test_registrations_to_stdout_for_one_event_only():
    event, other = make_event(slug="cluster-forum-lodz"), make_event()
    make_registration(event, last_name="Müller")
    make_registration(event, last_name="Järvenpää")
    make_registration(other, last_name="Wójcik")
    out = io.StringIO()

    call_command("export_csv", "registrations", "--event", "cluster-forum-lodz", stdout=out)

    document = out.getvalue()
    assert document.startswith("\ufeffRegistration ID,")
    rows = list(csv.DictReader(io.StringIO(document[1:], newline="")))
    assert sorted(row["Last name"] for row in rows) == ["Järvenpää", "Müller"]
    record = ExportRecord.objects.get()
    assert (record.kind, record.via, record.event, record.user) == (
        "registrations",
        "command",
        event,
        None,
    )


def test_output_file_is_utf8_with_bom(tmp_path):
    event = make_event()
    make_survey_response(event, last_name="Järvenpää")
    target = tmp_path / "responses.csv"

    call_command("export_csv", "survey-responses", "--event", event.slug, "--output", str(target))

    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfResponse ID,")
    assert "Järvenpää".encode() in data
    assert data.count(b"\r\n") == 2


def test_applications_kind():
    event = make_event(invitation_only=True)
    make_stored_application(event, legal_name="Klaster Łódź")
    out = io.StringIO()
    call_command("export_csv", "applications", "--event", event.slug, stdout=out)
    assert "Klaster Łódź" in out.getvalue()
    assert ExportRecord.objects.get().kind == "applications"


def test_unknown_event_is_a_clear_error_and_records_nothing():
    with pytest.raises(CommandError, match="No event with the slug “nowhere”"):
        call_command("export_csv", "registrations", "--event", "nowhere", stdout=io.StringIO())
    assert not ExportRecord.objects.exists()


def test_unknown_kind_is_refused():
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("export_csv", "people", "--event", "x", stdout=io.StringIO())


def test_unwritable_output_is_a_clear_error_and_records_nothing(tmp_path):
    event = make_event()
    target = tmp_path / "missing-folder" / "registrations.csv"
    with pytest.raises(CommandError, match=r"Cannot write .*No such file or directory"):
        call_command("export_csv", "registrations", "--event", event.slug, "--output", str(target))
    assert not ExportRecord.objects.exists()


def test_real_stdout_gets_utf8_bytes_whatever_its_encoding():
    event = make_event()
    make_registration(event, last_name="Wójcik")
    raw = io.BytesIO()
    latin1_stdout = io.TextIOWrapper(raw, encoding="latin-1")

    call_command("export_csv", "registrations", "--event", event.slug, stdout=latin1_stdout)

    data = raw.getvalue()
    assert data.startswith(b"\xef\xbb\xbfRegistration ID,")
    assert "Wójcik".encode() in data
