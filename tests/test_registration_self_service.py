"""After registering: the private link page, switching mode, changing sessions, cancelling,
and the waiting list moving up when a seat is freed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from registrations.models import AttendanceMode, Registration, RegistrationStatus
from registrations.services.action_log import Actor
from registrations.services.errors import ServiceError, TransitionRefused
from registrations.services.registration import (
    SeatsTaken,
    registration_cancel,
    registration_change_mode,
    registration_change_sessions,
    registration_confirm_from_waitlist,
    registration_fill_free_seats,
    registration_resend_confirmation,
)
from tests.factories import make_open_event, make_session, register

pytestmark = pytest.mark.django_db

ON_SITE, ONLINE = AttendanceMode.ON_SITE, AttendanceMode.ONLINE


PERSON = Actor.person()


def waitlist(event, **fields):
    return register(event, attendance_mode=ON_SITE, join_waiting_list=True, **fields)


@pytest.fixture
def full_event():
    """Two on-site seats, both taken, two people waiting (Järvenpää first)."""
    event = make_open_event(onsite_capacity=2)
    register(event, last_name="Müller")
    register(event, last_name="Wójcik")
    waitlist(event, last_name="Järvenpää")
    waitlist(event, last_name="Gonçalves")
    return event


def statuses(event):
    return dict(Registration.objects.filter(event=event).values_list("last_name", "status"))


# Services ------------------------------------------------------------------------------------


def test_cancelling_an_on_site_seat_promotes_the_first_person_waiting_who_is_emailed(
    full_event, django_capture_on_commit_callbacks
):
    mueller = Registration.objects.get(event=full_event, last_name="Müller")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=mueller, actor=PERSON)

    assert statuses(full_event) == {
        "Müller": RegistrationStatus.CANCELLED,
        "Wójcik": RegistrationStatus.CONFIRMED,
        "Järvenpää": RegistrationStatus.CONFIRMED,
        "Gonçalves": RegistrationStatus.WAITLISTED,
    }
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    jarvenpaa = Registration.objects.get(event=full_event, last_name="Järvenpää")
    assert subjects[jarvenpaa.email].startswith("A place is free for you")
    assert subjects[mueller.email].startswith("Registration cancelled")
    promoted = next(m for m in mail.outbox if m.to == [jarvenpaa.email])
    assert jarvenpaa.token in promoted.body
    assert promoted.attachments[0][0].endswith(".ics")


def test_cancelling_a_waiting_list_place_promotes_nobody(full_event):
    registration_cancel(
        registration=Registration.objects.get(event=full_event, last_name="Järvenpää"),
        actor=PERSON,
    )

    assert statuses(full_event)["Gonçalves"] == RegistrationStatus.WAITLISTED


def test_cancelling_twice_is_refused(full_event):
    mueller = Registration.objects.get(event=full_event, last_name="Müller")
    registration_cancel(registration=mueller, actor=PERSON)

    with pytest.raises(TransitionRefused, match="cancelled"):
        registration_cancel(registration=mueller, actor=PERSON)


def test_switching_to_online_frees_the_seat_for_the_next_person(full_event):
    wojcik = Registration.objects.get(event=full_event, last_name="Wójcik")

    registration_change_mode(registration=wojcik, attendance_mode=ONLINE, actor=PERSON)

    wojcik.refresh_from_db()
    assert (wojcik.attendance_mode, wojcik.status) == (ONLINE, RegistrationStatus.CONFIRMED)
    assert statuses(full_event)["Järvenpää"] == RegistrationStatus.CONFIRMED


def test_a_person_waiting_can_choose_online_instead(full_event):
    goncalves = Registration.objects.get(event=full_event, last_name="Gonçalves")

    registration_change_mode(registration=goncalves, attendance_mode=ONLINE, actor=PERSON)

    goncalves.refresh_from_db()
    assert goncalves.status == RegistrationStatus.CONFIRMED
    assert goncalves.waitlisted_at is None
    assert statuses(full_event)["Järvenpää"] == RegistrationStatus.WAITLISTED


def test_switching_to_on_site_needs_a_free_seat(full_event):
    online = register(full_event, attendance_mode=ONLINE)

    with pytest.raises(SeatsTaken, match="on-site seats are taken"):
        registration_change_mode(registration=online, attendance_mode=ON_SITE, actor=PERSON)

    online.refresh_from_db()
    assert online.attendance_mode == ONLINE


def test_switching_to_a_mode_the_event_does_not_offer_is_refused():
    event = make_open_event(format="in_person")
    registration = register(event)

    with pytest.raises(ServiceError, match="does not offer"):
        registration_change_mode(registration=registration, attendance_mode=ONLINE, actor=PERSON)


def test_switching_to_online_drops_on_site_needs():
    event = make_open_event()
    registration = register(event, attendance_mode=ON_SITE, dietary_needs="Vegan")

    registration_change_mode(registration=registration, attendance_mode=ONLINE, actor=PERSON)

    registration.refresh_from_db()
    assert registration.dietary_needs == ""


def test_sessions_change_only_to_sessions_of_the_same_event():
    event = make_open_event()
    webinar = make_session(event, title="Preparatory webinar")
    other_session = make_session(make_open_event(), title="Somebody else's session")
    registration = register(event)

    registration_change_sessions(registration=registration, sessions=[webinar], actor=PERSON)
    with pytest.raises(ServiceError, match="only sessions of this event"):
        registration_change_sessions(
            registration=registration, sessions=[other_session], actor=PERSON
        )

    assert list(registration.sessions.all()) == [webinar]


def test_nothing_changes_after_the_event_is_over():
    event = make_open_event()
    registration = register(event)
    after = event.end + timedelta(hours=1)

    with pytest.raises(TransitionRefused, match="taken place"):
        registration_cancel(registration=registration, now=after, actor=PERSON)
    with pytest.raises(TransitionRefused, match="taken place"):
        registration_change_mode(
            registration=registration, attendance_mode=ONLINE, now=after, actor=PERSON
        )


def test_seats_added_go_to_the_people_waiting_in_order(
    full_event, django_capture_on_commit_callbacks
):
    assert registration_fill_free_seats(event=full_event) == []
    full_event.onsite_capacity = 3
    full_event.save()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        promoted = registration_fill_free_seats(event=full_event)

    assert [registration.last_name for registration in promoted] == ["Järvenpää"]
    assert [message.to for message in mail.outbox] == [[promoted[0].email]]
    assert statuses(full_event)["Gonçalves"] == RegistrationStatus.WAITLISTED
    assert registration_fill_free_seats(event=full_event) == []


def test_a_limit_removed_seats_everyone_waiting_for_that_mode_only():
    event = make_open_event(onsite_capacity=1, online_capacity=1)
    register(event, attendance_mode=ON_SITE)
    register(event, attendance_mode=ONLINE)
    on_site_waiting = waitlist(event)
    online_waiting = register(event, attendance_mode=ONLINE, join_waiting_list=True)
    event.onsite_capacity = None
    event.save()

    promoted = registration_fill_free_seats(event=event)

    assert promoted == [on_site_waiting]
    online_waiting.refresh_from_db()
    assert online_waiting.status == RegistrationStatus.WAITLISTED


def test_an_organiser_confirms_a_chosen_person_from_the_waiting_list_when_a_seat_is_free(
    full_event, organiser
):
    goncalves = Registration.objects.get(event=full_event, last_name="Gonçalves")
    with pytest.raises(SeatsTaken):
        registration_confirm_from_waitlist(registration=goncalves, actor=Actor.organiser(organiser))
    full_event.onsite_capacity = 3
    full_event.save()

    registration_confirm_from_waitlist(registration=goncalves, actor=Actor.organiser(organiser))

    assert statuses(full_event)["Gonçalves"] == RegistrationStatus.CONFIRMED
    with pytest.raises(TransitionRefused, match="not on the waiting list"):
        registration_confirm_from_waitlist(registration=goncalves, actor=Actor.organiser(organiser))


def test_resending_the_confirmation_mails_the_private_link_again(
    full_event, django_capture_on_commit_callbacks, organiser
):
    wojcik = Registration.objects.get(event=full_event, last_name="Wójcik")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        registration_resend_confirmation(registration=wojcik, actor=Actor.organiser(organiser))

    assert mail.outbox[0].to == [wojcik.email]
    assert wojcik.token in mail.outbox[0].body
    registration_cancel(registration=wojcik, actor=PERSON)
    with pytest.raises(TransitionRefused):
        registration_resend_confirmation(registration=wojcik, actor=Actor.organiser(organiser))


# The private page ----------------------------------------------------------------------------


def manage_url(registration, action=""):
    return f"/registration/{registration.token}/{action + '/' if action else ''}"


def test_the_private_page_shows_the_registration(client):
    event = make_open_event()
    webinar = make_session(event, title="Preparatory webinar")
    make_session(event, title="Matchmaking session 1")
    registration = register(event, first_name="Łukasz", last_name="Wójcik", sessions=[webinar])

    page = client.get(manage_url(registration)).content.decode()

    assert "Łukasz Wójcik" in page
    assert "Confirmed" in page
    assert "On site" in page
    assert "Preparatory webinar" in page


@pytest.mark.parametrize(
    "token",
    ["unknown-" + "x" * 35, "short", "%00%0a", "a" * 500, "../../admin"],
)
def test_unknown_and_malformed_tokens_get_the_same_404(client, token):
    register(make_open_event())

    response = client.get(f"/registration/{token}/")
    post = client.post(f"/registration/{token}/cancel/")

    assert response.status_code == post.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_person_waiting_sees_their_place_in_line(client, full_event):
    goncalves = Registration.objects.get(event=full_event, last_name="Gonçalves")

    page = client.get(manage_url(goncalves)).content.decode()

    assert "You are on the on-site waiting list, at place 2." in page


def test_the_private_page_of_a_person_waiting_does_not_say_they_attend(client, full_event):
    """Gonçalves waits behind Järvenpää: no place yet, and the page says what happens next."""
    goncalves = Registration.objects.get(event=full_event, last_name="Gonçalves")

    page = " ".join(client.get(manage_url(goncalves)).content.decode().split())

    assert "You attend on site." not in page
    assert "You are on the on-site waiting list, at place 2." in page
    assert "You do not have a place yet." in page
    assert (
        "When one becomes free it goes to the first person waiting: your registration is then "
        "confirmed by itself, and we email you."
    ) in page
    switching = (
        "You are on the on-site waiting list; switching gives you a confirmed place at once."
    )
    assert switching in page


def test_switching_mode_through_the_private_page(client):
    event = make_open_event()
    registration = register(event)

    response = client.post(manage_url(registration, "mode"), {"attendance_mode": ONLINE})

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.attendance_mode == ONLINE
    assert "Your attendance mode is changed" in client.get(response.url).content.decode()


def test_a_forged_mode_on_the_private_page_is_answered_and_changes_nothing(client):
    event = make_open_event(format="in_person")
    registration = register(event)

    response = client.post(manage_url(registration, "mode"), {"attendance_mode": "backstage"})

    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.attendance_mode == ON_SITE


def test_switching_to_full_on_site_on_the_private_page_says_so(client, full_event):
    online = register(full_event, attendance_mode=ONLINE)

    response = client.post(manage_url(online, "mode"), {"attendance_mode": ON_SITE})

    page = response.content.decode()
    assert response.status_code == 200
    assert "All on-site seats are taken." in page
    assert "Switch to: On site (no places left)" in page
    assert "waiting list" not in page.split('id="mode-heading"')[1].split("</section>")[0]


def test_changing_sessions_through_the_private_page_ignores_other_events_sessions(client):
    event = make_open_event()
    webinar = make_session(event, title="Preparatory webinar")
    matchmaking = make_session(event, title="Matchmaking session 1")
    foreign = make_session(make_open_event(), title="Foreign session")
    registration = register(event)

    ok = client.post(manage_url(registration, "sessions"), {"sessions": [webinar.pk]})
    forged = client.post(
        manage_url(registration, "sessions"), {"sessions": [matchmaking.pk, foreign.pk]}
    )

    assert ok.status_code == 302
    assert forged.status_code == 200
    assert "only sessions of this event" in forged.content.decode()
    assert list(registration.sessions.all()) == [webinar]


def test_cancelling_through_the_private_page(client, full_event):
    mueller = Registration.objects.get(event=full_event, last_name="Müller")

    unconfirmed = client.post(manage_url(mueller, "cancel"))
    assert unconfirmed.status_code == 200
    assert "Please tick the box to confirm the cancellation." in unconfirmed.content.decode()
    assert statuses(full_event)["Müller"] == RegistrationStatus.CONFIRMED

    response = client.post(manage_url(mueller, "cancel"), {"confirm": "on"}, follow=True)

    assert "Your registration is cancelled" in response.content.decode()
    assert statuses(full_event)["Müller"] == RegistrationStatus.CANCELLED
    again = client.post(manage_url(mueller, "cancel"), {"confirm": "on"}, follow=True)
    assert "has been cancelled" in again.content.decode()


def test_a_get_to_a_change_url_changes_nothing(client):
    registration = register(make_open_event())

    response = client.get(manage_url(registration, "cancel"))

    assert response.status_code == 405
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_the_private_page_of_a_cancelled_registration_offers_no_changes(client):
    registration = register(make_open_event())
    registration_cancel(registration=registration, now=timezone.now(), actor=PERSON)

    page = client.get(manage_url(registration)).content.decode()

    assert "Cancelled" in page
    assert 'action="' + manage_url(registration, "mode") not in page


@pytest.mark.parametrize(("sessions", "asked"), [(0, False), (1, False), (2, True)])
def test_form_and_private_page_ask_for_sessions_by_the_same_rule(client, sessions, asked):
    event = make_open_event()
    for number in range(sessions):
        make_session(event, title=f"Matchmaking session {number + 1}")
    registration = register(event)

    form_page = client.get(f"/events/{event.slug}/register/").content.decode()
    private_page = client.get(manage_url(registration)).content.decode()

    assert ('name="sessions"' in form_page) is asked
    assert ('name="sessions"' in private_page) is asked
