"""Organisers open and close registration from the admin, see seats per mode, and manage
registrations with actions that go through the same services as the public pages."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registrations.admin.registrations import RegistrationAdmin
from registrations.models import AttendanceMode, OrganiserRole, Registration, RegistrationStatus
from registrations.services.action_log import Actor
from registrations.services.registration import registration_close, registration_open
from tests.factories import (
    event_form_data,
    give_team_role,
    make_event,
    make_open_event,
    make_organiser,
    make_survey_response,
    register,
)
from tests.helpers import run_admin_action

pytestmark = pytest.mark.django_db

ON_SITE, ONLINE = AttendanceMode.ON_SITE, AttendanceMode.ONLINE


def local_time_in(event, *, days):
    """A time `days` from now in the event's zone, to the minute (as the admin form takes it)."""
    return (
        (timezone.now() + timedelta(days=days))
        .astimezone(event.tzinfo)
        .replace(second=0, microsecond=0)
    )


def change_url(event):
    return reverse("admin:registrations_event_change", args=[event.pk])


def open_url(event):
    return reverse("admin:registrations_event_registration_open", args=[event.pk])


def close_url(event):
    return reverse("admin:registrations_event_registration_close", args=[event.pk])


# Opening from the event page -----------------------------------------------------------------


def test_the_event_page_has_open_and_close_buttons_and_seats_per_mode(admin_client_for):
    event = make_open_event(onsite_capacity=2)
    register(event)
    register(event)
    register(event, attendance_mode=ON_SITE, join_waiting_list=True)
    register(event, attendance_mode=ONLINE)

    page = admin_client_for.get(change_url(event)).content.decode()

    assert open_url(event) in page
    assert close_url(event) in page
    assert "On site: 2 confirmed, 0 left, 1 waiting" in page
    assert "Online: 1 confirmed, unlimited left, 0 waiting" in page


def test_the_open_button_asks_then_opens_now_and_notifies(
    admin_client_for, organiser, django_capture_on_commit_callbacks
):
    event = make_event()
    make_survey_response(event)

    confirm = admin_client_for.get(open_url(event))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_for.post(open_url(event), {"at": ""}, follow=True)

    assert confirm.status_code == 200
    assert "Open registration" in confirm.content.decode()
    event.refresh_from_db()
    assert event.registration_is_open()
    assert event.registration_opened_by == organiser
    assert "is open; survey respondents who asked are being emailed" in response.content.decode()
    assert len(mail.outbox) == 1


def test_a_scheduled_time_is_read_in_the_events_time_zone(admin_client_for):
    event = make_event(timezone="Europe/Helsinki")
    local = local_time_in(event, days=3)

    response = admin_client_for.post(
        open_url(event), {"at": local.strftime("%Y-%m-%dT%H:%M")}, follow=True
    )

    event.refresh_from_db()
    assert event.registration_opens_at == local
    assert "the survey notices go out then" in response.content.decode()
    assert "Europe/Helsinki" in response.content.decode()


def test_opening_an_open_registration_is_answered_on_the_page(admin_client_for):
    event = make_open_event()

    response = admin_client_for.post(open_url(event), {"at": ""})

    assert response.status_code == 200
    assert "already open" in response.content.decode()


def test_the_close_button_closes(admin_client_for):
    event = make_open_event()

    admin_client_for.post(close_url(event))

    event.refresh_from_db()
    assert not event.registration_is_open()


def test_a_get_never_changes_anything(admin_client_for):
    event = make_event()

    admin_client_for.get(open_url(event))
    admin_client_for.get(close_url(event))

    event.refresh_from_db()
    assert event.registration_opens_at is None


def test_staff_without_change_permission_cannot_open(client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    client.force_login(viewer)
    event = make_event()
    give_team_role(viewer, event, role=OrganiserRole.VIEWER)

    response = client.post(open_url(event), {"at": ""})

    assert response.status_code == 403
    event.refresh_from_db()
    assert event.registration_opens_at is None


def test_the_opening_time_cannot_be_edited_around_the_service(admin_client_for):
    event = make_event()

    page = admin_client_for.get(change_url(event)).content.decode()

    assert 'name="registration_opens_at_0"' not in page


def test_an_unknown_event_id_is_a_404(admin_client_for):
    assert (
        admin_client_for.get("/admin/registrations/event/999999/registration/open/").status_code
        == 404
    )


def test_list_actions_open_and_close(admin_client_for, organiser):
    first, second = make_event(), make_event()
    url = reverse("admin:registrations_event_changelist")

    admin_client_for.post(
        url, {"action": "open_registration_now", "_selected_action": [first.pk, second.pk]}
    )
    first.refresh_from_db()
    assert first.registration_is_open()
    assert first.registration_opened_by == organiser

    response = admin_client_for.post(
        url, {"action": "open_registration_now", "_selected_action": [first.pk]}, follow=True
    )
    assert "already open" in response.content.decode()

    admin_client_for.post(url, {"action": "close_registration", "_selected_action": [second.pk]})
    second.refresh_from_db()
    assert not second.registration_is_open()


# The registrations list ----------------------------------------------------------------------


def changelist(client, **params):
    return client.get(reverse("admin:registrations_registration_changelist"), params)


def test_the_list_filters_searches_and_needs_no_query_per_row(admin_client_for):
    event = make_open_event(onsite_capacity=50)
    for _ in range(10):
        register(event)
    register(event, last_name="Kärkkäinen", attendance_mode=ONLINE, country="FI")

    with CaptureQueriesContext(connection) as few:
        changelist(admin_client_for)
    for _ in range(10):
        register(event)
    with CaptureQueriesContext(connection) as more:
        page = changelist(admin_client_for)

    assert page.status_code == 200
    assert len(more) == len(few)
    online = changelist(admin_client_for, attendance_mode__exact=ONLINE).context["cl"]
    assert [r.last_name for r in online.result_list] == ["Kärkkäinen"]
    found = changelist(admin_client_for, q="Kärkkäinen").context["cl"]
    assert found.result_count == 1
    for params in (
        {"status__exact": RegistrationStatus.CONFIRMED},
        {"country__exact": "FI"},
        {"organisation_type__exact": "cluster"},
        {"event__id__exact": event.pk},
    ):
        assert changelist(admin_client_for, **params).status_code == 200


def test_admin_cancel_promotes_the_next_person_who_is_emailed(
    admin_client_for, django_capture_on_commit_callbacks
):
    event = make_open_event(onsite_capacity=1)
    seated = register(event)
    waiting = register(event, attendance_mode=ON_SITE, join_waiting_list=True)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = run_admin_action(admin_client_for, "cancel", [seated])

    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert "1 registration(s) cancelled" in response.content.decode()
    assert {m.to[0] for m in mail.outbox} == {seated.email, waiting.email}


def test_admin_confirm_from_the_waiting_list_respects_the_seats(admin_client_for):
    event = make_open_event(onsite_capacity=1)
    register(event)
    waiting = register(event, attendance_mode=ON_SITE, join_waiting_list=True)

    refused = run_admin_action(admin_client_for, "confirm_from_waitlist", [waiting])
    event.onsite_capacity = 2
    event.save()
    confirmed = run_admin_action(admin_client_for, "confirm_from_waitlist", [waiting])

    assert "on-site seats are taken" in refused.content.decode()
    assert "1 confirmed from the waiting list" in confirmed.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_admin_resend_confirmation(admin_client_for, django_capture_on_commit_callbacks):
    registration = register(make_open_event())
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        run_admin_action(admin_client_for, "resend_confirmation", [registration])

    assert mail.outbox[0].to == [registration.email]
    assert registration.token in mail.outbox[0].body


def test_status_and_mode_cannot_be_edited_in_the_admin(admin_client_for):
    registration = register(make_open_event())
    url = reverse("admin:registrations_registration_change", args=[registration.pk])

    page = admin_client_for.get(url).content.decode()

    assert 'name="attendance_mode"' not in page
    assert 'name="status"' not in page
    assert registration.token not in page
    assert admin_client_for.get(reverse("admin:registrations_registration_add")).status_code == 403


def registration_change_data(registration, **overrides):
    """The editable person fields of the admin's change form, as they are."""
    _title, person_options = RegistrationAdmin.fieldsets[1]
    data = {name: getattr(registration, name) for name in person_options["fields"]}
    data["country"] = registration.country.code
    data.update(overrides)
    return data


@pytest.mark.parametrize("typed", ["anna.mueller@example.de", "Anna.MUELLER@Example.de"])
def test_an_email_of_another_registrant_is_refused_next_to_the_field(admin_client_for, typed):
    event = make_open_event()
    register(event, email="anna.mueller@example.de")
    registration = register(event, email="jukka.jarvenpaa@example.fi")
    url = reverse("admin:registrations_registration_change", args=[registration.pk])

    response = admin_client_for.post(url, registration_change_data(registration, email=typed))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [
        "Another registration for this event already uses this email address."
    ]
    registration.refresh_from_db()
    assert registration.email == "jukka.jarvenpaa@example.fi"


def test_an_email_may_change_case_or_match_a_registrant_of_another_event(admin_client_for):
    registration = register(make_open_event(), email="jukka.jarvenpaa@example.fi")
    register(make_open_event(), email="lukasz.wojcik@example.pl")
    url = reverse("admin:registrations_registration_change", args=[registration.pk])

    recased = admin_client_for.post(
        url, registration_change_data(registration, email="Jukka.Jarvenpaa@example.fi")
    )
    moved = admin_client_for.post(
        url, registration_change_data(registration, email="lukasz.wojcik@example.pl")
    )

    assert recased.status_code == moved.status_code == 302
    registration.refresh_from_db()
    assert registration.email == "lukasz.wojcik@example.pl"


def test_organisers_cannot_delete_registrations_only_cancel(client, django_user_model):
    """Even as the event's manager: deleting is the superuser's (see test_personal_data)."""
    registration = register(make_open_event())
    staff = make_organiser("wojcik", registration.event)
    client.force_login(staff)
    changelist = reverse("admin:registrations_registration_changelist")

    actions = client.get(changelist).context["action_form"].fields["action"].choices
    change_page = client.get(
        reverse("admin:registrations_registration_change", args=[registration.pk])
    )
    delete_page = client.get(
        reverse("admin:registrations_registration_delete", args=[registration.pk])
    )
    run_admin_action(client, "delete_selected", [registration])

    assert "delete_selected" not in dict(actions)
    assert "cancel" in dict(actions)
    assert "deletelink" not in change_page.content.decode()
    assert delete_page.status_code == 403
    assert Registration.objects.filter(pk=registration.pk).exists()


def test_the_closing_time_cannot_be_edited_around_the_service(admin_client_for):
    event = make_open_event()
    data = {"registration_closes_at_0": "2020-01-01", "registration_closes_at_1": "00:00"}

    page = admin_client_for.get(change_url(event)).content.decode()
    admin_client_for.post(change_url(event), data)

    assert 'name="registration_closes_at_0"' not in page
    event.refresh_from_db()
    assert event.registration_closes_at is None


def test_a_scheduled_closing_is_read_in_the_events_time_zone(admin_client_for):
    event = make_open_event(timezone="Europe/Warsaw")
    local = local_time_in(event, days=2)

    page = admin_client_for.get(close_url(event)).content.decode()
    response = admin_client_for.post(
        close_url(event), {"at": local.strftime("%Y-%m-%dT%H:%M")}, follow=True
    )

    assert 'name="at"' in page and "Europe/Warsaw" in page
    event.refresh_from_db()
    assert event.registration_closes_at == local
    assert event.registration_is_open()
    assert not event.registration_is_open(local)
    assert "closes on" in response.content.decode()


def test_a_closing_time_before_a_scheduled_opening_is_refused(admin_client_for, organiser):
    event = make_event()
    opens_at = timezone.now() + timedelta(days=5)
    registration_open(event=event, actor=Actor.organiser(organiser), at=opens_at)
    too_early = (timezone.now() + timedelta(days=1)).astimezone(event.tzinfo)

    response = admin_client_for.post(close_url(event), {"at": too_early.strftime("%Y-%m-%dT%H:%M")})

    assert response.status_code == 200
    assert "Registration opens only after that time" in response.content.decode()
    event.refresh_from_db()
    assert (event.registration_opens_at, event.registration_closes_at) == (opens_at, None)


def test_a_closing_after_a_scheduled_opening_keeps_the_opening(organiser):
    event = make_event()
    opens_at = timezone.now() + timedelta(days=5)
    registration_open(event=event, actor=Actor.organiser(organiser), at=opens_at)

    registration_close(
        event=event, actor=Actor.organiser(organiser), at=opens_at + timedelta(days=7)
    )

    event.refresh_from_db()
    assert event.registration_opens_at == opens_at
    assert event.registration_closes_at == opens_at + timedelta(days=7)
    assert event.registration_is_open(opens_at + timedelta(days=1))


def test_raising_the_capacity_in_the_admin_seats_the_people_waiting_in_order(
    admin_client_for, django_capture_on_commit_callbacks
):
    event = make_open_event(onsite_capacity=1, online_capacity=1)
    register(event, attendance_mode=ON_SITE)
    register(event, attendance_mode=ONLINE)
    waiting = [register(event, attendance_mode=ON_SITE, join_waiting_list=True) for _ in range(3)]
    online_waiting = register(event, attendance_mode=ONLINE, join_waiting_list=True)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_for.post(
            change_url(event),
            event_form_data(onsite_capacity="3", online_capacity="1"),
            follow=True,
        )

    assert "2 person(s) moved from the waiting list" in response.content.decode()
    statuses = {r.pk: r.status for r in Registration.objects.filter(pk__in=[w.pk for w in waiting])}
    assert statuses == {
        waiting[0].pk: RegistrationStatus.CONFIRMED,
        waiting[1].pk: RegistrationStatus.CONFIRMED,
        waiting[2].pk: RegistrationStatus.WAITLISTED,
    }
    online_waiting.refresh_from_db()
    assert online_waiting.status == RegistrationStatus.WAITLISTED
    assert sorted(m.to[0] for m in mail.outbox) == sorted([waiting[0].email, waiting[1].email])
    assert all(m.subject.startswith("A place is free") for m in mail.outbox)
