"""The report's funnel: survey intent → registered → attended per mode, who kept or changed their
intended mode, the funnel's CSV export, and the registrations chart's axes, labels and plurals."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registrations.event_report import event_funnel, event_report
from registrations.models import (
    AttendanceIntent,
    AttendanceMode,
    ExportRecord,
    OrganiserRole,
    RegistrationStatus,
)
from registrations.organiser_roles import ROLE_CAPABILITIES, Capability
from tests.factories import give_team_role, make_event, make_registration, make_survey_response
from tests.helpers.exports import rows_of

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
ON_SITE, ONLINE = AttendanceMode.ON_SITE, AttendanceMode.ONLINE
UNDECIDED = AttendanceIntent.UNDECIDED
CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.CANCELLED,
)
ON_THE_DAY = datetime(2030, 3, 12, 8, 30, tzinfo=UTC)


def report_url(event) -> str:
    return reverse("admin:registrations_event_report", args=[event.pk])


def funnel_csv_url(event) -> str:
    return reverse("admin:registrations_event_funnel_csv", args=[event.pk])


def answered_and_registered(
    event, last_name, email, intent, mode, status=CONFIRMED, **registration
):
    make_survey_response(event, last_name=last_name, email=email, intent=intent)
    # The same person, whatever the case of the address they typed the second time.
    make_registration(
        event,
        last_name=last_name,
        email=email.upper(),
        attendance_mode=mode,
        status=status,
        **registration,
    )


@pytest.fixture
def forum():
    """A hybrid forum in Berlin after the day: who said what in the survey, who came."""
    event = make_event(title="Cluster Forum Berlin", slug="cluster-forum-berlin")
    answered_and_registered(
        event,
        "Müller",
        "anna.mueller@cluster-bw.example.de",
        ON_SITE,
        ON_SITE,
        checked_in_at=ON_THE_DAY,
    )
    answered_and_registered(
        event,
        "Järvenpää",
        "jukka.jarvenpaa@cluster.example.fi",
        ONLINE,
        ONLINE,
        first_joined_at=ON_THE_DAY,
    )
    answered_and_registered(
        event, "Wójcik", "l.wojcik@klaster.example.pl", ON_SITE, ONLINE
    )  # changed mode, never joined
    answered_and_registered(
        event,
        "Gonçalves",
        "ines.goncalves@cluster.example.pt",
        UNDECIDED,
        ON_SITE,
        status=WAITLISTED,
    )
    # Joined online once, then cancelled: not an attendee.
    answered_and_registered(
        event,
        "Ó Briain",
        "zoe.obriain@cluster.example.ie",
        ONLINE,
        ONLINE,
        status=CANCELLED,
        first_joined_at=ON_THE_DAY,
    )
    make_survey_response(event, last_name="Kowalska", intent=ON_SITE)  # never registered
    make_survey_response(event, last_name="Virtanen", intent=ONLINE)  # never registered
    # Registered without the survey; used the join link but was never checked in at the venue.
    make_registration(event, last_name="Łukasiewicz", first_joined_at=ON_THE_DAY)
    return event


def test_the_funnel_per_mode(forum):
    funnel = event_funnel(event=forum)

    on_site, online, undecided = funnel.modes
    assert (on_site.label, on_site.intended) == ("On site", 3)
    assert (on_site.confirmed, on_site.waitlisted, on_site.cancelled) == (2, 1, 0)
    assert on_site.attended == 1  # Müller checked in; Łukasiewicz's join link does not count
    assert (online.label, online.intended) == ("Online", 3)
    assert (online.confirmed, online.waitlisted, online.cancelled) == (2, 0, 1)
    assert online.attended == 1  # Järvenpää; Ó Briain cancelled
    assert (undecided.label, undecided.intended) == ("Not sure yet", 1)
    assert (undecided.confirmed, undecided.attended) == (None, None)
    assert (funnel.survey_total, funnel.registrations_total) == (7, 6)


def test_the_rates(forum):
    on_site, online, undecided = event_funnel(event=forum).modes

    assert (str(on_site.registered_rate), str(on_site.attended_rate)) == ("100%", "50%")
    assert (str(online.registered_rate), str(online.attended_rate)) == ("67%", "50%")
    assert (undecided.registered_rate, undecided.attended_rate) == (None, None)


def test_who_kept_or_changed_their_intended_mode(forum):
    funnel = event_funnel(event=forum)

    assert [
        (change.intent_label, change.mode_label, change.kept, change.count)
        for change in funnel.changes
    ] == [
        ("On site", "On site", True, 1),
        ("Online", "Online", True, 2),  # Järvenpää, and Ó Briain though cancelled
        ("On site", "Online", False, 1),
        ("Online", "On site", False, 0),
        ("Not sure yet", "On site", False, 1),
        ("Not sure yet", "Online", False, 0),
    ]
    assert funnel.respondents_registered == 5


def test_a_registration_of_another_event_with_the_same_email_is_not_matched(forum):
    other = make_event(title="Matchmaking online")
    make_registration(other, email="kowalska@cluster.example.eu", attendance_mode=ONLINE)
    make_survey_response(forum, email="Virtanen@Cluster.example.eu", intent=UNDECIDED)
    make_registration(other, email="virtanen@cluster.example.eu", attendance_mode=ONLINE)

    assert event_funnel(event=forum).respondents_registered == 5


def test_rates_without_a_base_are_a_dash(admin_client_for):
    event = make_event()
    make_registration(event, attendance_mode=ONLINE, status=WAITLISTED)

    on_site, online, _ = event_funnel(event=event).modes

    assert on_site.registered_rate.percent is None
    assert str(on_site.registered_rate) == str(on_site.attended_rate) == "—"
    assert str(online.attended_rate) == "—"  # nobody confirmed online
    assert str(online.registered_rate) == "—"  # nobody answered the survey
    page = admin_client_for.get(report_url(event)).content.decode()
    assert "<td>—</td>" in page
    assert "%" not in page.split('id="funnel"')[1].split("</table>")[0]


def test_without_the_survey_permission_the_funnel_starts_at_registration(client, staff, forum):
    funnel = event_funnel(event=forum, include_survey=False)
    assert [line.label for line in funnel.modes] == ["On site", "Online"]
    assert (funnel.changes, funnel.survey_total, funnel.modes[0].registered_rate) == (
        None,
        None,
        None,
    )

    client.force_login(staff)
    page = client.get(report_url(forum)).content.decode()
    assert "Attended per confirmed" in page
    assert 'id="mode-changes"' not in page
    assert "Survey intent" not in page


@pytest.fixture
def staff(django_user_model, forum, monkeypatch):
    """Staff whose role shows the report, not the survey's answers (no role of the table does
    that today: the viewer's is narrowed for the test)."""
    monkeypatch.setitem(ROLE_CAPABILITIES, OrganiserRole.VIEWER, frozenset({Capability.REPORT}))
    user = django_user_model.objects.create_user("wojcik", "w@example.pl", "pw", is_staff=True)
    give_team_role(user, forum, role=OrganiserRole.VIEWER)
    return user


def test_the_page_shows_both_tables_and_what_attended_means(admin_client_for, forum):
    page = admin_client_for.get(report_url(forum)).content.decode()

    funnel_table = page.split('<table id="funnel">')[1].split("</table>")[0]
    assert "<caption>" in funnel_table
    assert '<th scope="col">Attended</th>' in funnel_table
    assert '<th scope="row">On site</th>' in funnel_table
    assert "<td>67%</td>" in funnel_table
    changes_table = page.split('<table id="mode-changes">')[1].split("</table>")[0]
    assert "<caption>" in changes_table
    assert '<th scope="row">On site → Online</th>' in changes_table
    assert "<td>Changed</td>" in changes_table
    assert "5 of 7 survey respondents registered" in page
    meaning = page.split('id="attended-meaning"')[1].split("</dl>")[0]
    assert "checked in at the venue" in meaning
    assert "join link" in meaning
    assert f'href="{funnel_csv_url(forum)}"' in page


def make_people(event, n: int) -> None:
    """n people of every kind: answered or not, registered in either mode, some attended."""
    intents = [ON_SITE, ONLINE, UNDECIDED]
    statuses = [CONFIRMED, WAITLISTED, CANCELLED]
    for index in range(n):
        mode = [ON_SITE, ONLINE][index % 2]
        email = f"person{index}@klaster-lodz.example.pl"
        make_survey_response(event, email=email, intent=intents[index % 3])
        make_registration(
            event,
            email=email,
            attendance_mode=mode,
            status=statuses[index % 3],
            checked_in_at=ON_THE_DAY if mode == ON_SITE else None,
            first_joined_at=ON_THE_DAY if mode == ONLINE else None,
            created_at=datetime(2030, 2, 1 + index % 25, 9, tzinfo=UTC),
        )


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)  # the rows are read while streaming
    return len(queries)


@pytest.mark.parametrize("people", [3, 30])
def test_a_fixed_number_of_aggregate_queries(people, django_assert_num_queries):
    event = make_event()
    make_people(event, people)

    with django_assert_num_queries(3):
        funnel = event_funnel(event=event)
    with django_assert_num_queries(1):
        event_funnel(event=event, include_survey=False)
    with django_assert_num_queries(6):
        event_report(event=event)
    assert funnel.survey_total == funnel.registrations_total == people


def test_the_page_and_the_csv_read_as_much_for_30_people_as_for_3(admin_client_for):
    small, large = make_event(), make_event()
    make_people(small, 3)
    make_people(large, 30)

    for url in (report_url, funnel_csv_url):
        assert queries_for(admin_client_for, url(small)) == queries_for(
            admin_client_for, url(large)
        )


def test_the_funnel_csv_and_its_export_record(admin_client_for, organiser, forum):
    response = admin_client_for.get(funnel_csv_url(forum))

    assert "funnel-cluster-forum-berlin-" in response["Content-Disposition"]
    rows = [(row["Table"], row["Row"], row["Figure"], row["Value"]) for row in rows_of(response)]
    assert rows[:7] == [
        ("Funnel", "On site", "Survey intent", "3"),
        ("Funnel", "On site", "Confirmed", "2"),
        ("Funnel", "On site", "Waiting list", "1"),
        ("Funnel", "On site", "Cancelled", "0"),
        ("Funnel", "On site", "Attended", "1"),
        ("Funnel", "On site", "Registered (confirmed or waiting) per survey answer", "100%"),
        ("Funnel", "On site", "Attended per confirmed", "50%"),
    ]
    assert ("Funnel", "Online", "Registered (confirmed or waiting) per survey answer", "67%") in (
        rows
    )
    assert [row for row in rows if row[1] == "Not sure yet"] == [
        ("Funnel", "Not sure yet", "Survey intent", "1")
    ]
    assert rows[-6:] == [
        ("Survey intent to registered mode", "On site → On site", "People", "1"),
        ("Survey intent to registered mode", "Online → Online", "People", "2"),
        ("Survey intent to registered mode", "On site → Online", "People", "1"),
        ("Survey intent to registered mode", "Online → On site", "People", "0"),
        ("Survey intent to registered mode", "Not sure yet → On site", "People", "1"),
        ("Survey intent to registered mode", "Not sure yet → Online", "People", "0"),
    ]
    record = ExportRecord.objects.get()
    assert (record.kind, record.via, record.user, record.event) == (
        "funnel",
        "admin",
        organiser,
        forum,
    )


def test_a_rate_without_a_base_is_an_empty_csv_cell(admin_client_for):
    event = make_event()

    rows = rows_of(admin_client_for.get(funnel_csv_url(event)))

    rates = {row["Value"] for row in rows if "per" in row["Figure"]}
    assert rates == {""}


def test_the_csv_follows_the_report_permissions(client, staff, forum, django_user_model):
    client.force_login(staff)
    rows = rows_of(client.get(funnel_csv_url(forum)))
    assert {row["Table"] for row in rows} == {"Funnel"}
    assert "Survey intent" not in {row["Figure"] for row in rows}
    assert ExportRecord.objects.get().filters == "without the survey's figures"

    outsider = django_user_model.objects.create_user("virtanen", "v@example.fi", is_staff=True)
    client.force_login(outsider)
    assert client.get(funnel_csv_url(forum)).status_code == 404  # not an event of theirs
    assert client.get(funnel_csv_url(forum).replace(f"/{forum.pk}/", "/999/")).status_code == 404
    assert ExportRecord.objects.count() == 1


def test_a_one_day_span_is_charted_per_hour_in_the_event_zone(admin_client_for):
    event = make_event(timezone="Europe/Berlin")
    # 23:30 UTC on 1 March is 00:30 on 2 March in Berlin: all on one day there.
    for created_at in [
        datetime(2030, 3, 1, 23, 30, tzinfo=UTC),
        datetime(2030, 3, 2, 2, 10, tzinfo=UTC),
        datetime(2030, 3, 2, 2, 50, tzinfo=UTC),
        datetime(2030, 3, 2, 6, 5, tzinfo=UTC),
    ]:
        make_registration(event, created_at=created_at)

    chart = event_report(event=event).chart

    assert chart.hourly
    assert [(bar.hour, bar.count) for bar in chart.bars] == [
        (0, 1),
        (1, 0),
        (2, 0),
        (3, 2),
        (4, 0),
        (5, 0),
        (6, 0),
        (7, 1),
    ]
    assert [bar.hour for bar in chart.bars if bar.labelled] == [0, 3, 6]
    page = admin_client_for.get(report_url(event)).content.decode()
    time_labels = [
        part.split("</text>")[0].split(">")[-1] for part in page.split('class="time-label"')[1:]
    ]
    assert time_labels == ["00:00", "03:00", "06:00"]
    assert "<title>Sat 2 Mar 2030, 03:00\u201304:00: 2 registrations</title>" in page
    assert "<title>Sat 2 Mar 2030, 07:00\u201308:00: 1 registration</title>" in page
    assert "Hour on 2 Mar 2030 (Europe/Berlin)" in page
    assert "Registrations per hour on 2 Mar 2030; the busiest hour had 2 registrations." in page


def test_a_daily_chart_names_its_axes_and_counts(admin_client_for):
    event = make_event(timezone="UTC")
    make_registration(event, created_at=datetime(2030, 3, 1, 9, tzinfo=UTC))
    for _ in range(4):
        make_registration(event, created_at=datetime(2030, 3, 8, 9, tzinfo=UTC))

    page = admin_client_for.get(report_url(event)).content.decode()

    count_labels = [
        part.split("</text>")[0].split(">")[-1] for part in page.split('class="count-label"')[1:]
    ]
    assert count_labels == ["0", "2", "4"]
    time_labels = [
        part.split("</text>")[0].split(">")[-1] for part in page.split('class="time-label"')[1:]
    ]
    assert time_labels == ["1 Mar", "4 Mar", "7 Mar"]
    assert '<line class="axis"' in page
    assert ">Day</text>" in page
    assert ">Registrations</text>" in page
    assert "<title>Sat 2 Mar 2030: 0 registrations</title>" in page


def test_plurals_of_one(admin_client_for):
    event = make_event()
    make_survey_response(event, email="mueller@cluster.example.eu")
    make_registration(event, email="Mueller@cluster.example.eu")

    page = admin_client_for.get(report_url(event)).content.decode()

    assert "1 survey response, 1 registration (all statuses)" in page
    assert "1 of 1 survey respondent registered" in page
    assert "the busiest hour had 1 registration." in page
