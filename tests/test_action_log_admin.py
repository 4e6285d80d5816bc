"""The action log in the admin: each object's history on its change page, organiser edits
logged with old and new values, the whole log as a read-only list, and none of it in exports."""

import datetime
import json

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.forms import modelform_factory
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registrations.admin.base import EventsiteModelAdmin
from registrations.models import ActionLogEntry, ActorKind, Registration, Session, SessionKind
from registrations.services.action_log import Actor, log_action
from registrations.services.meeting_requests import meeting_request_accept, meeting_request_send
from tests.factories import (
    make_event,
    make_meeting_event,
    make_open_event,
    make_participant,
    make_registration,
    register,
)

pytestmark = pytest.mark.django_db

# Where a test needs its log to hold only what it writes, the registration is stored directly
# (make_registration): registering through the service logs "registered" by the person itself.

LOG_LIST = "admin:registrations_actionlogentry_changelist"


def change_url(obj) -> str:
    return reverse(f"admin:registrations_{obj._meta.model_name}_change", args=[obj.pk])


def history_panel(page: str) -> str:
    """The history panel's part of a change page."""
    start = page.index('id="action-log"')
    return page[start : page.index("</div>", start)]


def content_type_id(obj) -> int:
    return ContentType.objects.get_for_model(obj).pk


def form_data_with(client, obj, **overrides) -> dict:
    """The admin change form of `obj` as it is shown, with some fields typed over."""
    form = client.get(change_url(obj)).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data.update(overrides)
    return data


# The history on the change page ------------------------------------------------------------


def test_the_registration_page_shows_its_history_newest_first(admin_client_for, organiser):
    registration = register(make_open_event(timezone="Europe/Helsinki"), last_name="Müller")
    event = registration.event
    log_action(subject=registration, action="registered", actor=Actor.person(), event=event)
    log_action(
        subject=registration,
        action="changed their details",
        actor=Actor.organiser(organiser),
        changes={"last_name": ["Müller", "Müller-Järvenpää"], "city": [None, "Łódź"]},
        event=event,
    )
    log_action(
        subject=registration,
        action="promoted from the waiting list",
        actor=Actor.system("a seat became free"),
        event=event,
    )

    panel = history_panel(admin_client_for.get(change_url(registration)).content.decode())

    assert panel.index("promoted from the waiting list") < panel.index("changed their details")
    assert panel.index("changed their details") < panel.index("registered")
    assert "The person, through their private link" in panel
    assert "organiser" in panel  # the organiser's user name
    assert "system: a seat became free" in panel
    assert "last name: Müller → Müller-Järvenpää" in panel
    assert "city: — → Łódź" in panel
    assert "(Europe/Helsinki)" in panel


def test_an_entry_without_an_event_is_shown_in_the_sites_time_zone(
    admin_client_for, organiser, settings
):
    settings.TIME_ZONE = "Europe/Lisbon"
    registration = register(make_open_event(timezone="Europe/Helsinki"))
    entry = log_action(subject=registration, action="noted", actor=Actor.organiser(organiser))
    entry.created_at = datetime.datetime(2026, 3, 2, 11, 30, tzinfo=datetime.UTC)
    entry.save(update_fields=["created_at"])

    panel = history_panel(admin_client_for.get(change_url(registration)).content.decode())

    assert "2 Mar 2026, 11:30:00 (Europe/Lisbon)" in panel


def test_logged_text_is_escaped_on_the_page(admin_client_for):
    registration = register(make_open_event())
    log_action(
        subject=registration,
        action="<b>shouted</b>",
        actor=Actor.system("<script>alert(1)</script>"),
        changes={"comment": ["", "<i>Łódź</i>"]},
    )

    panel = history_panel(admin_client_for.get(change_url(registration)).content.decode())

    assert "<script>" not in panel
    assert "<b>" not in panel
    assert "&lt;i&gt;Łódź&lt;/i&gt;" in panel


def test_a_page_without_history_says_so(admin_client_for):
    event = make_event()

    page = admin_client_for.get(change_url(event)).content.decode()

    assert "No changes recorded yet." in history_panel(page)


# Organiser edits through the admin form ----------------------------------------------------


def test_an_organisers_edit_is_logged_with_old_and_new_values(admin_client_for, organiser):
    registration = make_registration(make_open_event(), last_name="Järvenpää")

    response = admin_client_for.post(
        change_url(registration),
        form_data_with(admin_client_for, registration, last_name="Järvenpää-Müller"),
    )

    assert response.status_code == 302
    entry = ActionLogEntry.objects.get()
    assert entry.subject == registration
    assert entry.event == registration.event
    assert entry.action == "edited in the admin"
    assert entry.actor_kind == ActorKind.ORGANISER
    assert entry.actor_user == organiser
    assert entry.actor_display == "organiser"
    assert entry.changes == {"last_name": ["Järvenpää", "Järvenpää-Müller"]}
    panel = history_panel(admin_client_for.get(change_url(registration)).content.decode())
    assert "last name: Järvenpää → Järvenpää-Müller" in panel


def test_saving_without_a_change_logs_nothing(admin_client_for):
    registration = make_registration(make_open_event())

    admin_client_for.post(change_url(registration), form_data_with(admin_client_for, registration))

    assert not ActionLogEntry.objects.exists()


def test_a_refused_edit_logs_nothing(admin_client_for):
    event = make_open_event()
    make_registration(event, email="anna.mueller@example.de")
    registration = make_registration(event)

    response = admin_client_for.post(
        change_url(registration),
        form_data_with(admin_client_for, registration, email="anna.mueller@example.de"),
    )

    assert response.status_code == 200
    assert not ActionLogEntry.objects.exists()


def test_many_to_many_changes_are_logged_once_saved(organiser):
    """save_related writes one entry, with the related rows' names, after save_m2m."""
    registration = make_registration(make_open_event(), last_name="Wójcik")
    start = registration.event.start
    plenary, workshop = (
        Session.objects.create(
            event=registration.event,
            title=title,
            kind=SessionKind.PLENARY,
            format=registration.event.format,
            start=start,
            end=start + datetime.timedelta(hours=1),
        )
        for title in ["Opening plenary", "Łódź cluster workshop"]
    )
    registration.sessions.set([plenary])
    form_class = modelform_factory(Registration, fields=["last_name", "sessions"])
    form = form_class(
        {"last_name": "Wójcik-Müller", "sessions": [plenary.pk, workshop.pk]}, instance=registration
    )
    assert form.is_valid(), form.errors
    request = RequestFactory().post("/")
    request.user = organiser
    admin_class = type("RegistrationLogAdmin", (EventsiteModelAdmin,), {"event_path": "event"})
    model_admin = admin_class(Registration, admin.site)

    obj = form.save(commit=False)
    model_admin.save_model(request, obj, form, change=True)
    model_admin.save_related(request, form, formsets=[], change=True)

    entry = ActionLogEntry.objects.get()
    assert entry.changes == {
        "last_name": ["Wójcik", "Wójcik-Müller"],
        "sessions": [["Opening plenary"], ["Opening plenary", "Łódź cluster workshop"]],
    }


# The private link's token ------------------------------------------------------------------


def test_the_token_is_never_logged_nor_shown(admin_client_for):
    registration = make_registration(make_open_event(), last_name="Müller")
    log_action(
        subject=registration,
        action="link renewed",
        actor=Actor.system("private link renewed"),
        changes={"token": ["x" * 20, registration.token], "last_name": ["Muller", "Müller"]},
    )
    admin_client_for.post(
        change_url(registration),
        form_data_with(admin_client_for, registration, first_name="Aino-Kaisa"),
    )

    entries = list(ActionLogEntry.objects.all())
    page = admin_client_for.get(change_url(registration)).content.decode()
    log_list = admin_client_for.get(reverse(LOG_LIST)).content.decode()

    assert len(entries) == 2
    for entry in entries:
        assert "token" not in entry.changes
        assert registration.token not in json.dumps(entry.changes)
    assert registration.token not in page
    assert registration.token not in log_list
    assert "last name: Muller → Müller" in history_panel(page)


# The whole log -----------------------------------------------------------------------------


def test_the_whole_log_lists_every_entry_with_its_subject_linked(admin_client_for, organiser):
    registration = register(make_open_event(), last_name="Järvenpää")
    event = make_event(title="Cluster Policy Forum Łódź")
    log_action(subject=registration, action="registered", actor=Actor.person())
    log_action(
        subject=event, action="registration opened", actor=Actor.organiser(organiser), event=event
    )

    response = admin_client_for.get(reverse(LOG_LIST))
    page = response.content.decode()

    assert response.status_code == 200
    assert f'href="{change_url(registration)}"' in page
    assert str(registration) in page
    assert f'href="{change_url(event)}"' in page
    assert "registration opened" in page
    assert "The person, through their private link" in page


def test_the_whole_log_filters_and_searches(admin_client_for, organiser):
    registration = make_registration(make_open_event())
    log_action(
        subject=registration, action="registered", actor=Actor.person(), event=registration.event
    )
    log_action(subject=registration, action="reminded", actor=Actor.system("the reminder run"))
    log_action(subject=registration, action="cancelled", actor=Actor.organiser(organiser))

    def listed(query: dict) -> list[str]:
        response = admin_client_for.get(reverse(LOG_LIST), query)
        assert response.status_code == 200
        return [entry.action for entry in response.context["cl"].result_list]

    assert listed({"actor_kind__exact": "system"}) == ["reminded"]
    assert listed({"action": "cancelled"}) == ["cancelled"]
    assert listed({"q": "reminder run"}) == ["reminded"]
    assert listed({"event__id__exact": registration.event.pk}) == ["registered"]
    assert len(listed({"content_type__id__exact": content_type_id(registration)})) == 3
    assert len(listed({})) == 3


def test_a_deleted_subject_is_named_without_a_link(admin_client_for):
    registration = register(make_open_event())
    log_action(subject=registration, action="registered", actor=Actor.person())
    registration_id = registration.pk
    registration.delete()

    page = admin_client_for.get(reverse(LOG_LIST)).content.decode()

    assert f"registration #{registration_id} (deleted)" in page
    assert reverse("admin:registrations_registration_change", args=[registration_id]) not in page


def test_the_whole_log_is_read_only(admin_client_for, organiser):
    registration = register(make_open_event())
    entry = log_action(subject=registration, action="registered", actor=Actor.person())
    entry_url = reverse("admin:registrations_actionlogentry_change", args=[entry.pk])

    changelist = admin_client_for.get(reverse(LOG_LIST))
    view_page = admin_client_for.get(entry_url)
    edit = admin_client_for.post(entry_url, {"action": "forged"})
    delete = admin_client_for.post(
        reverse(LOG_LIST), {"action": "delete_selected", ACTION_CHECKBOX_NAME: [entry.pk]}
    )

    assert changelist.context["action_form"] is None  # no actions at all, so no delete either
    assert (
        admin_client_for.get(reverse("admin:registrations_actionlogentry_add")).status_code == 403
    )
    assert view_page.status_code == 200
    assert 'name="_save"' not in view_page.content.decode()
    assert edit.status_code == 403
    assert delete.status_code in {200, 302}
    entry.refresh_from_db()
    assert entry.action == "registered"


def test_the_whole_log_needs_no_query_per_row(admin_client_for, organiser):
    def queries_for_the_list() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client_for.get(reverse(LOG_LIST)).status_code == 200
        return len(queries)

    event = make_open_event()
    log_action(subject=register(event), action="registered", actor=Actor.person(), event=event)
    log_action(subject=event, action="opened", actor=Actor.organiser(organiser), event=event)
    few = queries_for_the_list()
    for _number in range(4):
        other = make_open_event()
        log_action(subject=register(other), action="registered", actor=Actor.person(), event=other)
        log_action(subject=other, action="opened", actor=Actor.organiser(organiser), event=other)

    assert queries_for_the_list() == few


def test_the_whole_log_of_meetings_needs_no_query_per_row(admin_client_for):
    """Profiles, requests and meetings name their organisations: read with the list, not per row."""

    def queries_for_the_list() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client_for.get(reverse(LOG_LIST)).status_code == 200
        return len(queries)

    def a_meeting(event) -> None:
        first, second = make_participant(event), make_participant(event)
        request = meeting_request_send(
            sender=first, receiver=second, message="", actor=Actor.person()
        )
        meeting_request_accept(request=request, by=second, actor=Actor.person())

    event = make_meeting_event()
    a_meeting(event)
    queries_for_the_list()  # the content types are cached from the first view on
    few = queries_for_the_list()
    a_meeting(event)  # still one page: the same kinds of subject, twice the rows

    assert ActionLogEntry.objects.count() < 100
    assert queries_for_the_list() == few


# Exports -----------------------------------------------------------------------------------


def test_the_registrations_csv_holds_no_log_data(admin_client_for, organiser):
    registration = register(make_open_event(), last_name="Müller")
    log_action(
        subject=registration,
        action="moved to the Łódź hall",
        actor=Actor.system("seat planner Järvenpää"),
        changes={"dietary_needs": ["", "vegetarian-from-the-log"]},
        event=registration.event,
    )

    response = admin_client_for.get(
        reverse("admin:registrations_registration_export_csv"),
        {"event__id__exact": registration.event.pk},
    )
    document = b"".join(response.streaming_content).decode("utf-8")

    assert "Müller" in document
    assert "moved to the Łódź hall" not in document
    assert "seat planner" not in document
    assert "vegetarian-from-the-log" not in document
