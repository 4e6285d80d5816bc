"""The meeting schedule as CSV: one row per agreed meeting, with both organisations, the slot in
the event's time zone, the room, and why a meeting has no slot; exported like the other lists
(spreadsheet-safe, byte-order mark, streamed in batches, every export recorded)."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.urls import reverse

from registrations.exports import MEETINGS, encoded, export_csv_chunks
from registrations.models import ExportRecord, Meeting, MeetingRequest, Registration
from registrations.services.action_log import Actor
from registrations.services.meeting_requests import (
    meeting_cancel,
    meeting_request_accept,
    meeting_request_decline,
    meeting_request_send,
)
from tests.factories import make_meeting_event, make_participant, make_slots
from tests.helpers import assert_streams_five_rows_lazily

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")
HEADER = [
    "Meeting ID",
    "Event",
    "Slot start",
    "Slot end",
    "Session",
    "Organisation 1 (sender)",
    "Organisation 1 country",
    "Organisation 1 contact email",
    "Organisation 2 (receiver)",
    "Organisation 2 country",
    "Organisation 2 contact email",
    "Room link",
    "Placed by hand",
    "Why it has no slot",
    "Request sent at",
    "Accepted at",
]


def accepted_at(event) -> datetime:
    """When the requests of the tests are accepted: a week before the event, on the minute."""
    return (event.start - timedelta(days=7)).replace(second=0, microsecond=0)


def agree(sender, receiver, *, slot=None) -> Meeting:
    """`sender` asks `receiver`, who accepts (into `slot`, or without a time)."""
    request = meeting_request_send(
        sender=sender, receiver=receiver, message="Shall we meet?", actor=Actor.person()
    )
    return meeting_request_accept(
        request=request,
        by=receiver,
        slot=slot,
        actor=Actor.person(),
        now=accepted_at(receiver.registration.event),
    )


def read_csv(document: str) -> list[dict[str, str]]:
    assert document.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(document[1:], newline="")))
    assert rows[0] == HEADER
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def meetings_csv(queryset=None) -> list[dict[str, str]]:
    queryset = Meeting.objects.all() if queryset is None else queryset
    return read_csv("".join(export_csv_chunks(MEETINGS, queryset)))


@pytest.fixture
def schedule():
    """A matchmaking event in Helsinki time: Järvenpää and Łódź meet in a slot chosen on
    acceptance, Müller and Järvenpää in a slot the schedule builder chose, Łódź and Müller
    have no slot; a pending, a declined and a cancelled request have no meeting."""
    event = make_meeting_event(
        timezone="Europe/Helsinki", room_link_pattern="https://meet.example.org/eccp-{room}"
    )
    slots = make_slots(event, per_session=2)
    jarvenpaa = make_participant(event, organisation="Järvenpää Health Tech Cluster", country="FI")
    lodz = make_participant(event, organisation="Klaster Łódź Innowacje", country="PL")
    muller = make_participant(event, organisation="Cluster Müller Automotive Bayern", country="DE")
    gonçalves = make_participant(event, organisation="Polo Gonçalves Agro-Food", country="PT")

    by_hand = agree(jarvenpaa, lodz, slot=slots[1])
    built = agree(muller, jarvenpaa)
    Meeting.objects.filter(pk=built.pk).update(slot=slots[2])  # as the schedule builder does
    unplaced = agree(lodz, muller)
    Meeting.objects.filter(pk=unplaced.pk).update(
        unplaced_reason="Both organisations are busy in every free slot."
    )

    meeting_request_send(sender=gonçalves, receiver=jarvenpaa, message="", actor=Actor.person())
    declined = meeting_request_send(
        sender=gonçalves, receiver=lodz, message="", actor=Actor.person()
    )
    meeting_request_decline(request=declined, by=lodz, actor=Actor.person())
    cancelled = agree(gonçalves, muller)
    meeting_cancel(request=cancelled.request, by=muller, actor=Actor.person())
    return {
        "event": event,
        "slots": slots,
        "by_hand": by_hand,
        "built": built,
        "unplaced": unplaced,
        "profiles": (jarvenpaa, lodz, muller, gonçalves),
    }


def test_one_row_per_agreed_meeting_in_schedule_order(schedule):
    rows = meetings_csv()

    assert [int(row["Meeting ID"]) for row in rows] == [
        schedule["by_hand"].pk,
        schedule["built"].pk,
        schedule["unplaced"].pk,  # no slot: last
    ]
    first = rows[0]
    jarvenpaa, lodz = (p.registration for p in schedule["profiles"][:2])
    assert first["Event"] == schedule["event"].title
    assert first["Session"] == "Matchmaking session 1"
    assert first["Organisation 1 (sender)"] == "Järvenpää Health Tech Cluster"
    assert first["Organisation 1 country"] == "Finland"
    assert first["Organisation 1 contact email"] == jarvenpaa.email
    assert first["Organisation 2 (receiver)"] == "Klaster Łódź Innowacje"
    assert first["Organisation 2 country"] == "Poland"
    assert first["Organisation 2 contact email"] == lodz.email
    assert first["Room link"] == schedule["by_hand"].room_link
    assert first["Room link"].startswith("https://meet.example.org/eccp-")
    assert first["Placed by hand"] == "Yes"
    assert rows[1]["Placed by hand"] == "No"
    assert rows[1]["Organisation 1 (sender)"] == "Cluster Müller Automotive Bayern"
    assert first["Why it has no slot"] == ""


def test_times_are_in_the_events_zone_with_their_offset(schedule):
    rows = meetings_csv()
    slot = schedule["slots"][1]
    request = MeetingRequest.objects.get(meeting=schedule["by_hand"])

    assert rows[0]["Slot start"] == slot.start.astimezone(HELSINKI).isoformat(timespec="seconds")
    assert rows[0]["Slot end"] == slot.end.astimezone(HELSINKI).isoformat(timespec="seconds")
    assert rows[0]["Slot start"].endswith(("+02:00", "+03:00"))
    assert rows[0]["Request sent at"] == request.created_at.astimezone(HELSINKI).isoformat(
        timespec="seconds"
    )
    accepted = accepted_at(schedule["event"]).astimezone(HELSINKI)
    assert rows[0]["Accepted at"] == accepted.isoformat(timespec="seconds")
    assert rows[0]["Accepted at"][:16] == f"{accepted:%Y-%m-%dT%H:%M}"


def test_a_meeting_without_a_slot_has_empty_times_and_its_reason(schedule):
    unplaced = meetings_csv()[-1]

    assert (unplaced["Slot start"], unplaced["Slot end"], unplaced["Session"]) == ("", "", "")
    assert unplaced["Placed by hand"] == "No"
    assert unplaced["Why it has no slot"] == "Both organisations are busy in every free slot."
    assert unplaced["Organisation 1 (sender)"] == "Klaster Łódź Innowacje"
    assert unplaced["Organisation 2 (receiver)"] == "Cluster Müller Automotive Bayern"


def test_only_the_given_meetings_are_exported(schedule):
    rows = meetings_csv(Meeting.objects.filter(slot__isnull=True))
    assert [int(row["Meeting ID"]) for row in rows] == [schedule["unplaced"].pk]


def test_text_that_a_spreadsheet_would_run_is_neutralised(schedule):
    sender = schedule["by_hand"].request.sender.registration
    Registration.objects.filter(pk=sender.pk).update(organisation='=HYPERLINK("http://x","y")')
    Meeting.objects.filter(pk=schedule["unplaced"].pk).update(unplaced_reason="@SUM(A1:A2)")

    rows = meetings_csv()

    assert rows[0]["Organisation 1 (sender)"] == '\'=HYPERLINK("http://x","y")'
    assert rows[-1]["Why it has no slot"] == "'@SUM(A1:A2)"
    assert rows[0]["Organisation 2 (receiver)"] == "Klaster Łódź Innowacje"


def test_utf8_with_bom_and_excel_line_endings(schedule):
    data = b"".join(encoded(export_csv_chunks(MEETINGS, Meeting.objects.all())))

    assert data.startswith(b"\xef\xbb\xbfMeeting ID,Event,Slot start,")
    assert "Järvenpää Health Tech Cluster".encode() in data
    assert "Klaster Łódź Innowacje".encode() in data
    assert data.count(b"\r\n") == 4


def test_export_streams_lazily_in_batches(schedule, monkeypatch):
    """The query is read in chunks, and a batch of output needs only its own rows."""
    jarvenpaa, lodz, *_ = schedule["profiles"]
    briain = make_participant(schedule["event"], organisation="Ó Briain Marine Cluster")
    agree(briain, jarvenpaa)
    agree(lodz, briain)  # five meetings in all
    assert_streams_five_rows_lazily(MEETINGS, Meeting.objects.all(), monkeypatch)


# The organisers' meetings list and the command.


@pytest.mark.urls("eventsite.urls")
def test_the_meetings_list_exports_all_matching_and_records_it(
    admin_client_for, organiser, schedule
):
    event = schedule["event"]
    other = make_meeting_event()
    agree(make_participant(other), make_participant(other))
    changelist = reverse("admin:registrations_meeting_changelist")
    export = reverse("admin:registrations_meeting_export_csv")

    page = admin_client_for.get(changelist, {"request__event__id__exact": event.pk})
    assert page.context["export_all_url"] == f"{export}?request__event__id__exact={event.pk}"
    assert "Export all matching to CSV" in page.content.decode()
    assert "export_selected_csv" in dict(page.context["action_form"].fields["action"].choices)

    response = admin_client_for.get(
        export, {"request__event__id__exact": event.pk, "slot__isempty": "0"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert event.slug in response["Content-Disposition"]
    rows = read_csv(b"".join(response.streaming_content).decode("utf-8"))
    assert [int(row["Meeting ID"]) for row in rows] == [
        schedule["by_hand"].pk,
        schedule["built"].pk,
    ]
    record = ExportRecord.objects.get()
    assert (record.user, record.kind, record.via, record.event) == (
        organiser,
        "meetings",
        "admin",
        event,
    )
    assert "slot__isempty=0" in record.filters


@pytest.mark.urls("eventsite.urls")
def test_the_export_selected_action_on_the_meetings_list(admin_client_for, organiser, schedule):
    chosen = [schedule["unplaced"], schedule["by_hand"]]

    response = admin_client_for.post(
        reverse("admin:registrations_meeting_changelist"),
        {"action": "export_selected_csv", ACTION_CHECKBOX_NAME: [m.pk for m in chosen]},
    )

    assert response.status_code == 200
    rows = read_csv(b"".join(response.streaming_content).decode("utf-8"))
    assert [int(row["Meeting ID"]) for row in rows] == [
        schedule["by_hand"].pk,
        schedule["unplaced"].pk,
    ]
    record = ExportRecord.objects.get()
    assert (record.user, record.kind, record.event) == (organiser, "meetings", schedule["event"])
    assert record.filters.startswith("selected ids: ")


def test_the_command_writes_one_events_schedule_and_records_it(schedule):
    other = make_meeting_event()
    agree(make_participant(other), make_participant(other))
    out = io.StringIO()

    call_command("export_csv", "meetings", "--event", schedule["event"].slug, stdout=out)

    rows = read_csv(out.getvalue())
    assert len(rows) == 3
    assert {row["Event"] for row in rows} == {schedule["event"].title}
    record = ExportRecord.objects.get()
    assert (record.kind, record.via, record.event, record.user) == (
        "meetings",
        "command",
        schedule["event"],
        None,
    )


def test_the_command_file_keeps_names_intact(schedule, tmp_path):
    target = tmp_path / "meetings.csv"
    call_command(
        "export_csv", "meetings", "--event", schedule["event"].slug, "--output", str(target)
    )
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfMeeting ID,")
    assert "Järvenpää".encode() in data
    assert "Łódź".encode() in data
