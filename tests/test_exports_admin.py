"""Organisers export the selected rows or the whole filtered list to CSV from the admin."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registrations.models import (
    AttendanceMode,
    Event,
    ExportRecord,
    Registration,
    RegistrationStatus,
)
from tests.factories import (
    give_team_role,
    make_event,
    make_registration,
    make_stored_application,
    make_survey_response,
)
from tests.helpers.export_admin_site import site
from tests.helpers.exports import rows_of

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.helpers.export_admin_site")]

CHANGELIST = "admin:registrations_registration_changelist"
EXPORT_ALL = "admin:registrations_registration_export_csv"


def url(name: str) -> str:
    return reverse(name, current_app="export_test_admin")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        "wojcik", "wojcik@example.org", "pw", is_staff=True
    )


def grant_view(user, model_name: str) -> None:
    """The user's team manages every event there is (the role that may export)."""
    give_team_role(user, *Event.objects.all())


@pytest.fixture
def forum():
    event = make_event(slug="cluster-forum-lodz")
    make_registration(event, last_name="Müller", attendance_mode=AttendanceMode.ON_SITE)
    make_registration(event, last_name="Järvenpää", attendance_mode=AttendanceMode.ONLINE)
    make_registration(
        event,
        last_name="Wójcik",
        attendance_mode=AttendanceMode.ONLINE,
        status=RegistrationStatus.CANCELLED,
    )
    make_registration(make_event(), last_name="Elsewhere")
    return event


def test_staff_without_view_permission_gets_403(client, staff, forum):
    client.force_login(staff)
    assert client.get(url(EXPORT_ALL)).status_code == 403
    assert not ExportRecord.objects.exists()


def test_anonymous_is_sent_to_login(client, forum):
    response = client.get(url(EXPORT_ALL))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_export_all_matching_keeps_filters_and_search(client, staff, forum):
    grant_view(staff, "registration")
    client.force_login(staff)
    params = {"event__id__exact": forum.pk, "attendance_mode__exact": "online", "q": "järv"}

    response = client.get(url(EXPORT_ALL), params)

    assert response.status_code == 200
    assert [row["Last name"] for row in rows_of(response)] == ["Järvenpää"]
    assert "cluster-forum-lodz" in response["Content-Disposition"]
    record = ExportRecord.objects.get()
    assert (record.user, record.kind, record.via, record.event) == (
        staff,
        "registrations",
        "admin",
        forum,
    )
    assert "attendance_mode__exact=online" in record.filters
    assert "q=j%C3%A4rv" in record.filters


def test_export_all_without_filters_covers_every_event(admin_client_for, forum):
    response = admin_client_for.get(url(EXPORT_ALL))
    assert len(rows_of(response)) == 4
    assert "all-events" in response["Content-Disposition"]
    assert ExportRecord.objects.get().event is None


def test_bad_filter_is_a_400_not_a_500(admin_client_for, forum):
    response = admin_client_for.get(url(EXPORT_ALL), {"status__exact": "x", "nonsense__in": "1"})
    assert response.status_code == 400


def test_changelist_links_to_export_all_with_its_filters(client, staff, forum):
    grant_view(staff, "registration")
    client.force_login(staff)
    response = client.get(url(CHANGELIST), {"status__exact": "confirmed"})
    assert response.status_code == 200
    assert response.context["export_all_url"] == url(EXPORT_ALL) + "?status__exact=confirmed"
    assert "Export all matching to CSV" in response.content.decode()


def test_export_selected_action(client, staff, forum):
    grant_view(staff, "registration")
    client.force_login(staff)
    chosen = forum.registrations.filter(last_name__in=["Müller", "Wójcik"])

    response = client.post(
        url(CHANGELIST),
        {"action": "export_selected_csv", "_selected_action": [r.pk for r in chosen]},
    )

    assert response.status_code == 200
    assert sorted(row["Last name"] for row in rows_of(response)) == ["Müller", "Wójcik"]
    record = ExportRecord.objects.get()
    assert record.user == staff
    assert record.filters.startswith("selected ids: ")
    assert record.event == forum


def test_action_is_not_offered_without_view_permission(rf, staff, forum):
    request = rf.get("/")
    request.user = staff
    assert "export_selected_csv" not in site._registry[Registration].get_actions(request)
    grant_view(staff, "registration")
    request = rf.get("/")  # the events a user may act on are read once per request
    request.user = staff
    assert "export_selected_csv" in site._registry[Registration].get_actions(request)


@pytest.mark.parametrize(
    ("model_name", "make", "expected"),
    [
        ("surveyresponse", make_survey_response, "Response ID"),
        ("expressionofinterest", make_stored_application, "Application ID"),
    ],
)
def test_other_kinds_export_all(client, staff, model_name, make, expected):
    make(make_event())
    grant_view(staff, model_name)
    client.force_login(staff)
    response = client.get(url(f"admin:registrations_{model_name}_export_csv"))
    rows = rows_of(response)
    assert len(rows) == 1
    assert expected in rows[0]


def test_export_log_is_read_only_in_the_admin(admin_client_for, organiser):
    ExportRecord.objects.create(kind="registrations", via="command", filters="event=x")
    with override_settings(ROOT_URLCONF="eventsite.urls"):
        changelist = reverse("admin:registrations_exportrecord_changelist")
        response = admin_client_for.get(changelist)
        assert response.status_code == 200
        assert "event=x" in response.content.decode()
        assert (
            admin_client_for.get(reverse("admin:registrations_exportrecord_add")).status_code == 403
        )


def test_export_selected_across_the_filtered_list(client, staff, forum):
    grant_view(staff, "registration")
    client.force_login(staff)
    online = forum.registrations.filter(attendance_mode=AttendanceMode.ONLINE)

    response = client.post(
        url(CHANGELIST) + "?attendance_mode__exact=online",
        {
            "action": "export_selected_csv",
            "select_across": "1",
            "_selected_action": [online.first().pk],
        },
    )

    assert sorted(row["Last name"] for row in rows_of(response)) == ["Järvenpää", "Wójcik"]
    filters = ExportRecord.objects.get().filters
    assert filters == "all selected across the list: attendance_mode__exact=online"


# The project's own admin classes, which derive from CsvExportAdmin.


def named_registration(event, name: str, email: str):
    return make_registration(event, last_name=name, organisation=f"{name} GmbH", email=email)


def named_survey_response(event, name: str, email: str):
    return make_survey_response(event, last_name=name, organisation=f"{name} GmbH", email=email)


def named_application(event, name: str, email: str):
    return make_stored_application(
        event, legal_name=f"{name} Cluster", contact_last_name=name, contact_email=email
    )


PROJECT_ADMINS = [
    pytest.param(
        "registration", named_registration, "event__id__exact", "Last name", id="registrations"
    ),
    pytest.param(
        "surveyresponse",
        named_survey_response,
        "survey__event__id__exact",
        "Last name",
        id="survey-responses",
    ),
    pytest.param(
        "expressionofinterest",
        named_application,
        "event__id__exact",
        "Contact last name",
        id="applications",
    ),
]


@pytest.mark.urls("eventsite.urls")
@pytest.mark.parametrize(("model_name", "make", "event_filter", "name_column"), PROJECT_ADMINS)
def test_project_admin_exports_all_matching(
    client, staff, model_name, make, event_filter, name_column
):
    forum, other = make_event(slug="cluster-forum-lodz"), make_event()
    make(forum, "Müller", "mueller@example.org")
    make(forum, "Järvenpää", "jarvenpaa@example.org")
    make(other, "Müller", "mueller@example.org")
    changelist = reverse(f"admin:registrations_{model_name}_changelist")
    export = reverse(f"admin:registrations_{model_name}_export_csv")
    client.force_login(staff)
    assert client.get(export).status_code == 403

    grant_view(staff, model_name)
    page = client.get(changelist, {event_filter: forum.pk})
    assert page.context["export_all_url"] == f"{export}?{event_filter}={forum.pk}"
    assert "export_selected_csv" in dict(page.context["action_form"].fields["action"].choices)

    response = client.get(export, {event_filter: forum.pk, "q": "müller"})

    assert [row[name_column] for row in rows_of(response)] == ["Müller"]
    record = ExportRecord.objects.get()
    assert (record.user, record.event, record.via) == (staff, forum, "admin")


def changelist_queries(client, model_name: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"admin:registrations_{model_name}_changelist"))
        assert response.status_code == 200
    return len(queries)


@pytest.mark.urls("eventsite.urls")
@pytest.mark.parametrize(("model_name", "make", "event_filter", "name_column"), PROJECT_ADMINS)
def test_project_changelist_queries_do_not_grow_with_rows(
    admin_client_for, model_name, make, event_filter, name_column
):
    events = [make_event(), make_event()]
    make(events[0], "Müller", "mueller@example.org")
    few = changelist_queries(admin_client_for, model_name)
    for index in range(30):
        make(events[index % 2], f"Wójcik {index}", f"wojcik.{index}@example.org")
    assert changelist_queries(admin_client_for, model_name) == few


@pytest.mark.urls("eventsite.urls")
def test_application_export_follows_filters_on_annotations(admin_client_for):
    """The review list filters on annotated counts; the export takes the same rows."""
    event = make_event(invitation_only=True)
    named_application(event, "Järvenpää", "jarvenpaa@example.org")
    export = reverse("admin:registrations_expressionofinterest_export_csv")

    everything = rows_of(admin_client_for.get(export, {"declarations": "all"}))
    missing = rows_of(admin_client_for.get(export, {"declarations": "missing"}))

    assert [row["Legal name"] for row in everything] == ["Järvenpää Cluster"]
    assert missing == []
