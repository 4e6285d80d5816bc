"""A person who cancelled registers again: their cancelled registration is taken up again."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from registrations.models import (
    AttendanceMode,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from registrations.selectors import waiting_list_position
from registrations.services.action_log import Actor
from registrations.services.registration import (
    AlreadyRegistered,
    SeatsTaken,
    registration_cancel,
    registration_create,
)
from tests.factories import (
    make_open_event,
    make_session,
    register,
    registrant,
    registration_form_data,
)
from tests.helpers import register_url

pytestmark = pytest.mark.django_db

ON_SITE, ONLINE = AttendanceMode.ON_SITE, AttendanceMode.ONLINE
EMAIL = "anna.mueller@cluster.example.de"
PERSON = Actor.person()


def cancelled(event, **fields):
    registration = register(event, email=EMAIL, **fields)
    return registration_cancel(registration=registration, actor=PERSON)


def test_a_cancelled_person_registers_again_with_new_answers_and_the_same_link(
    django_capture_on_commit_callbacks,
):
    event = make_open_event()
    workshop = make_session(event, title="Cluster policy workshop")
    first = cancelled(event, organisation="Cluster Berlin")
    later = timezone.now() + timedelta(minutes=5)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        again = registration_create(
            event=event,
            details=registrant(
                email="Anna.Mueller@cluster.example.de",
                organisation="Cluster Łódź",
                attendance_mode=ONLINE,
                sessions=[workshop],
            ),
            actor=PERSON,
            source=RegistrationSource.SURVEY,
            now=later,
        )

    assert again.pk == first.pk and again.token == first.token
    assert Registration.objects.filter(event=event).count() == 1
    again.refresh_from_db()
    assert again.status == RegistrationStatus.CONFIRMED
    assert (again.organisation, again.attendance_mode) == ("Cluster Łódź", ONLINE)
    assert again.email == "Anna.Mueller@cluster.example.de"
    assert again.cancelled_at is None and again.waitlisted_at is None
    assert (again.consent_version, again.consented_at) == (settings.PRIVACY_NOTICE_VERSION, later)
    assert again.source == RegistrationSource.SURVEY
    assert list(again.sessions.all()) == [workshop]
    assert [m.subject for m in mail.outbox] == [f"Registration confirmed: {event.title}"]
    assert again.token in mail.outbox[0].body


def test_registering_again_respects_the_seats():
    event = make_open_event(onsite_capacity=1)
    cancelled(event)
    register(event)

    with pytest.raises(SeatsTaken):
        register(event, email=EMAIL)

    assert Registration.objects.get(email=EMAIL).status == RegistrationStatus.CANCELLED


def test_registering_again_joins_the_end_of_the_waiting_list():
    event = make_open_event(onsite_capacity=1)
    register(event)
    first_waiting = register(event, attendance_mode=ON_SITE, join_waiting_list=True)
    was_waiting = register(event, email=EMAIL, attendance_mode=ON_SITE, join_waiting_list=True)
    registration_cancel(registration=was_waiting, actor=PERSON)
    second_waiting = register(event, attendance_mode=ON_SITE, join_waiting_list=True)

    again = registration_create(
        event=event,
        details=registrant(email=EMAIL, attendance_mode=ON_SITE, join_waiting_list=True),
        actor=PERSON,
        now=timezone.now() + timedelta(seconds=1),
    )

    assert again.status == RegistrationStatus.WAITLISTED
    assert again.waitlisted_at is not None
    assert waiting_list_position(registration=first_waiting) == 1
    assert waiting_list_position(registration=second_waiting) == 2
    assert waiting_list_position(registration=again) == 3


def test_someone_registered_or_waiting_is_still_already_registered():
    event = make_open_event()
    register(event, email=EMAIL)

    with pytest.raises(AlreadyRegistered):
        register(event, email=EMAIL.upper())


def test_the_form_registers_a_cancelled_person_again(client):
    event = make_open_event()
    first = cancelled(event)

    response = client.post(register_url(event), registration_form_data(email=EMAIL))

    assert response.status_code == 302
    assert response["Location"] == f"/events/{event.slug}/register/sent/"
    first.refresh_from_db()
    assert first.status == RegistrationStatus.CONFIRMED


def test_the_cancellation_email_says_they_can_register_again(django_capture_on_commit_callbacks):
    event = make_open_event()
    registration = register(event, email=EMAIL)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration, actor=PERSON)

    body = mail.outbox[0].body
    assert "register again while registration is open" in body
    assert f"{settings.SITE_URL}/events/{event.slug}/" in body
    assert "mistake" not in body
