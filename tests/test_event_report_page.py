"""The report page of an event: intent against registrations, seats, spread, per-day chart."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registrations.event_report import (
    CHART_BAR_WIDTH,
    CHART_GAP,
    CHART_MAX_BARS,
    daily_chart,
    event_report,
)
from registrations.models import (
    AttendanceIntent,
    AttendanceMode,
    OrganiserRole,
    RegistrationStatus,
)
from registrations.organiser_roles import ROLE_CAPABILITIES, Capability
from tests.factories import give_team_role, make_event, make_registration, make_survey_response

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
ON_SITE, ONLINE = AttendanceMode.ON_SITE, AttendanceMode.ONLINE
CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.CANCELLED,
)


def report_url(event) -> str:
    return reverse("admin:registrations_event_report", args=[event.pk])


@pytest.fixture
def forum():
    """A hybrid event with 10 seats: a survey and registrations over three days."""
    event = make_event(title="Cluster Forum Łódź", timezone="Europe/Warsaw", onsite_capacity=10)
    for intent, n in [
        (AttendanceIntent.ON_SITE, 4),
        (AttendanceIntent.ONLINE, 2),
        (AttendanceIntent.UNDECIDED, 1),
    ]:
        for _ in range(n):
            make_survey_response(event, intent=intent)
    day_one = datetime(2030, 3, 1, 22, 30, tzinfo=UTC)  # 23:30 in Warsaw: 1 March
    late_evening = datetime(2030, 3, 1, 23, 30, tzinfo=UTC)  # 00:30 in Warsaw: 2 March
    day_four = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
    for mode, status, country, organisation_type, created_at in [
        (ON_SITE, CONFIRMED, "DE", "cluster", day_one),
        (ON_SITE, CONFIRMED, "DE", "company", day_one),
        (ON_SITE, CONFIRMED, "FI", "cluster", late_evening),
        (ON_SITE, WAITLISTED, "PL", "research", day_four),
        (ONLINE, CONFIRMED, "PL", "cluster", day_four),
        (ONLINE, CANCELLED, "FI", "cluster", day_four),
    ]:
        make_registration(
            event,
            attendance_mode=mode,
            status=status,
            country=country,
            organisation_type=organisation_type,
            created_at=created_at,
        )
    return event


def test_report_numbers(forum):
    report = event_report(event=forum)

    lines = {line.label: line for line in report.funnel.modes}
    assert (lines["On site"].intended, lines["On site"].confirmed) == (4, 3)
    assert (lines["On site"].waitlisted, lines["On site"].cancelled) == (1, 0)
    assert (lines["Online"].intended, lines["Online"].confirmed, lines["Online"].cancelled) == (
        2,
        1,
        1,
    )
    assert (lines["Not sure yet"].intended, lines["Not sure yet"].confirmed) == (1, None)
    assert (report.funnel.survey_total, report.funnel.registrations_total) == (7, 6)
    assert (report.onsite_seats.confirmed, report.onsite_seats.left) == (3, 7)
    assert report.waiting_list == 1
    assert report.by_country == [("Germany", 2), ("Poland", 2), ("Finland", 1)]
    assert report.by_organisation_type == [
        ("Cluster organisation", 3),
        ("Company", 1),
        ("Research or academia", 1),
    ]
    assert [(day.isoformat(), n) for day, n in report.per_day] == [
        ("2030-03-01", 2),
        ("2030-03-02", 1),
        ("2030-03-04", 3),
    ]
    chart = report.chart
    assert [bar.count for bar in chart.bars] == [2, 1, 0, 3]  # the empty 3 March included
    assert [bar.height for bar in chart.bars] == [107, 53, 0, 160]


def test_a_long_span_is_charted_by_week_within_the_bar_limit():
    # Wednesday 2 January 2030 to Friday 31 May 2030: 150 days, 22 weeks from Monday 31 Dec.
    per_day = [(date(2030, 1, 2), 2), (date(2030, 1, 6), 1), (date(2030, 5, 31), 4)]

    chart = daily_chart(per_day)

    assert chart.days_per_bar == 7
    assert len(chart.bars) == 22
    assert chart.width == 22 * (CHART_BAR_WIDTH + CHART_GAP)
    assert (chart.bars[0].day, chart.bars[0].last_day) == (date(2029, 12, 31), date(2030, 1, 6))
    assert chart.bars[0].count == 3
    assert chart.bars[-1].count == 4
    assert sum(bar.count for bar in chart.bars) == 7


def test_a_span_of_years_stays_within_the_bar_limit():
    chart = daily_chart([(date(2026, 1, 1), 1), (date(2030, 12, 31), 1)])

    assert len(chart.bars) <= CHART_MAX_BARS
    assert chart.days_per_bar % 7 == 0
    assert sum(bar.count for bar in chart.bars) == 2


def test_the_page_names_the_weeks_of_a_weekly_chart(admin_client_for):
    event = make_event(timezone="UTC")
    make_registration(event, created_at=datetime(2030, 1, 2, 10, tzinfo=UTC))
    make_registration(event, created_at=datetime(2030, 5, 31, 10, tzinfo=UTC))

    page = admin_client_for.get(report_url(event)).content.decode()

    assert "<title>31 Dec 2029 \u2013 6 Jan 2030: 1 registration</title>" in page
    assert (
        "Registrations per 7 days from 31 Dec 2029; the busiest period had 1 registration." in page
    )


def test_unlimited_seats_and_an_empty_event():
    report = event_report(event=make_event(onsite_capacity=None))
    assert report.onsite_seats.left is None
    assert report.chart is None
    assert report.funnel.registrations_total == report.funnel.survey_total == 0


def test_full_event_has_no_seats_left():
    event = make_event(onsite_capacity=1)
    make_registration(event)
    make_registration(event)  # e.g. capacity lowered afterwards
    assert event_report(event=event).onsite_seats.left == 0


def test_page_shows_the_report_and_the_event_page_links_to_it(admin_client_for, forum):
    change_page = admin_client_for.get(
        reverse("admin:registrations_event_change", args=[forum.pk])
    ).content.decode()
    assert f'href="{report_url(forum)}"' in change_page

    response = admin_client_for.get(report_url(forum))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Cluster Forum Łódź" in page
    assert 'id="seats-left">7<' in page
    assert 'id="waiting-list">1<' in page
    assert "<svg" in page
    assert "<title>Mon 4 Mar 2030: 3 registrations</title>" in page
    assert "Europe/Warsaw" in page


def test_staff_only(client, django_user_model, forum):
    url = report_url(forum)
    assert client.get(url).status_code == 302  # to the admin login

    staff = django_user_model.objects.create_user("mueller", "m@example.org", "pw", is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 404  # no team of theirs has the event

    give_team_role(staff, forum, role=OrganiserRole.REVIEWER)
    assert client.get(url).status_code == 404  # a reviewer does not see the event itself

    give_team_role(staff, forum, role=OrganiserRole.VIEWER)
    assert client.get(url).status_code == 200


def test_the_report_link_and_survey_figures_follow_the_role(
    client, django_user_model, forum, monkeypatch
):
    change_url = reverse("admin:registrations_event_change", args=[forum.pk])
    staff = django_user_model.objects.create_user("wojcik", "w@example.pl", "pw", is_staff=True)
    give_team_role(staff, forum, role=OrganiserRole.VIEWER)
    client.force_login(staff)
    with monkeypatch.context() as narrowed:  # a role that may read the event, not report
        narrowed.setitem(ROLE_CAPABILITIES, OrganiserRole.VIEWER, frozenset({Capability.VIEW}))
        assert report_url(forum) not in client.get(change_url).content.decode()

    with monkeypatch.context() as narrowed:  # a role that reports, not reading the answers
        narrowed.setitem(ROLE_CAPABILITIES, OrganiserRole.VIEWER, frozenset({Capability.REPORT}))
        without_survey = client.get(report_url(forum)).content.decode()
    assert "Survey intent" not in without_survey
    assert "survey responses" not in without_survey
    assert "6 registrations (all statuses)" in without_survey

    assert f'href="{report_url(forum)}"' in client.get(change_url).content.decode()
    with_survey = client.get(report_url(forum)).content.decode()
    assert "Survey intent" in with_survey
    assert "7 survey responses, 6 registrations (all statuses)" in with_survey


@pytest.mark.parametrize("object_id", ["999", "abc", "1%00", "1_00"])
def test_unknown_or_malformed_event_id_is_404(admin_client_for, forum, object_id):
    url = reverse("admin:registrations_event_report", args=[forum.pk])
    url = url.replace(f"/{forum.pk}/report/", f"/{object_id}/report/")

    assert admin_client_for.get(url).status_code == 404


def queries_for_report_page(client, event) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(report_url(event)).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_data(admin_client_for, django_assert_num_queries):
    event = make_event()
    make_survey_response(event)
    make_registration(event)
    small = queries_for_report_page(admin_client_for, event)

    for index in range(40):
        make_survey_response(event, intent=AttendanceIntent.ONLINE)
        make_registration(
            event,
            attendance_mode=ONLINE if index % 2 else ON_SITE,
            country=["DE", "FI", "PL", "FR", "IT"][index % 5],
            created_at=datetime(2030, 3, 1 + index % 20, 10, tzinfo=UTC),
        )

    with django_assert_num_queries(small):
        admin_client_for.get(report_url(event))
    with django_assert_num_queries(6):
        event_report(event=event)
