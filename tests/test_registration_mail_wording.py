"""What the registration mails say: where to go (or the personal join link and when it opens),
who signs them, and what a switch of attendance mode changed; nothing about on-site attendance
for an online event."""

import pytest
from django.core import mail

from registrations.emails import absolute_url
from registrations.joining import join_window
from registrations.models import AttendanceMode, EventFormat, Registration
from registrations.services.action_log import Actor
from registrations.services.registration import (
    registration_cancel,
    registration_change_mode,
    registration_resend_confirmation,
)
from tests.factories import BERLIN, make_open_event, register

pytestmark = pytest.mark.django_db

ON_SITE, ONLINE = AttendanceMode.ON_SITE, AttendanceMode.ONLINE
VENUE = "Estrel Congress Center, Berlin, Germany"
JOINING = "personal join link"


def parts(message) -> tuple[str, str]:
    """The plain-text body and the HTML part of one mail."""
    return message.body, message.alternatives[0][0]


def only_mail_to(registration: Registration):
    (message,) = [m for m in mail.outbox if m.to == [registration.email]]
    return message


def join_link_and_opening(registration: Registration) -> tuple[str, str]:
    """The person's join link and "It opens at 08:30 on Tuesday 10 November 2026 (...)"."""
    opens = join_window(registration.event).opens.astimezone(BERLIN)
    return (
        absolute_url(registration.join_path()),
        f"It opens at {opens:%H:%M} on {opens:%A} {opens.day} {opens:%B %Y} (Europe/Berlin time), "
        "30 minutes before the start",
    )


def hybrid_event(**fields):
    return make_open_event(
        title="European Cluster Conference Berlin",
        organisers="DG GROW, ECCP",
        venue="Estrel Congress Center",
        city="Berlin",
        country="DE",
        **fields,
    )


def online_event(**fields):
    """Like the matchmaking event: online only, no venue."""
    return make_open_event(
        title="EU-Ukraine Cluster Matchmaking",
        organisers="DG GROW, ECCP",
        format=EventFormat.ONLINE,
        venue="",
        city="",
        country="",
        onsite_capacity=None,
        **fields,
    )


def test_on_site_confirmation_names_the_venue_and_signs_off_from_the_organisers(
    django_capture_on_commit_callbacks,
):
    event = hybrid_event()
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(
            event, first_name="Jürgen", last_name="Müller", attendance_mode=ON_SITE
        )

    message = only_mail_to(registration)
    assert message.subject == "Registration confirmed: European Cluster Conference Berlin"
    for part in parts(message):
        assert f"Where: {VENUE}" in part
        assert JOINING not in part
        assert "switch between on site and online" in part
        assert "DG GROW, ECCP" in part
        assert part.index("Kind regards,") < part.index("DG GROW, ECCP")


def test_online_confirmation_gives_the_personal_join_link_and_when_it_opens(
    django_capture_on_commit_callbacks,
):
    event = hybrid_event()
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(
            event, first_name="Aino", last_name="Järvenpää", attendance_mode=ONLINE
        )

    link, opening = join_link_and_opening(registration)
    for part in parts(only_mail_to(registration)):
        assert f"Join online through your personal join link: {link}" in part or (
            f'<a href="{link}">personal join link</a>' in part
        )
        assert opening in part
        assert "Estrel" not in part
        assert "DG GROW, ECCP" in part


def test_waiting_online_is_told_the_join_link_comes_with_the_place(
    django_capture_on_commit_callbacks,
):
    event = hybrid_event(online_capacity=1)
    register(event, last_name="Müller", attendance_mode=ONLINE)
    with django_capture_on_commit_callbacks(execute=True):
        waiting = register(event, last_name="Nowak", attendance_mode=ONLINE, join_waiting_list=True)

    for part in parts(only_mail_to(waiting)):
        assert "your personal join link comes by email once your place is confirmed" in part
        assert waiting.join_token not in part


def test_on_site_mails_give_the_join_link_only_where_the_organisers_allow_it(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        usual = register(hybrid_event(), last_name="Müller", attendance_mode=ON_SITE)
        allowed = register(
            hybrid_event(join_link_for_on_site=True), last_name="Wójcik", attendance_mode=ON_SITE
        )

    for part in parts(only_mail_to(usual)):
        assert JOINING not in part and usual.join_token not in part
    link, opening = join_link_and_opening(allowed)
    for part in parts(only_mail_to(allowed)):
        assert f"Where: {VENUE}" in part
        assert "To follow online as well, your" in part
        assert link in part and opening in part


def test_confirmation_for_an_online_event_never_mentions_on_site_attendance(
    django_capture_on_commit_callbacks,
):
    event = online_event()
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(
            event, first_name="Agnieszka", last_name="Wójcik", attendance_mode=ONLINE
        )
    with django_capture_on_commit_callbacks(execute=True):
        registration_resend_confirmation(registration=registration, actor=Actor.person())

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        for part in parts(message):
            assert "on site" not in part.lower()
            assert "on-site" not in part.lower()
            assert "switch" not in part.lower()
            assert JOINING in part
            assert "DG GROW, ECCP" in part
            assert "change your sessions or cancel" in part


def test_promotion_for_an_online_event_gives_the_join_link_and_never_mentions_on_site(
    django_capture_on_commit_callbacks,
):
    event = online_event(online_capacity=1)
    first = register(event, last_name="Kowalczyk", attendance_mode=ONLINE)
    waiting = register(event, last_name="Ivanenko", attendance_mode=ONLINE, join_waiting_list=True)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=first, actor=Actor.person())

    link, opening = join_link_and_opening(waiting)
    for part in parts(only_mail_to(waiting)):
        assert link in part and opening in part
        assert "on site" not in part.lower() and "on-site" not in part.lower()
        assert "venue" not in part.lower()
        assert "DG GROW, ECCP" in part


def test_promotion_mail_names_the_venue_and_signs_off_from_the_organisers(
    django_capture_on_commit_callbacks,
):
    event = hybrid_event(onsite_capacity=1)
    mueller = register(event, last_name="Müller", attendance_mode=ON_SITE)
    goncalves = register(
        event,
        first_name="João",
        last_name="Gonçalves",
        attendance_mode=ON_SITE,
        join_waiting_list=True,
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=mueller, actor=Actor.person())

    message = only_mail_to(goncalves)
    assert message.subject == "A place is free for you: European Cluster Conference Berlin"
    for part in parts(message):
        assert f"Where: {VENUE}" in part
        assert "DG GROW, ECCP" in part


def test_switching_to_online_says_what_changed_under_its_own_subject(
    django_capture_on_commit_callbacks,
):
    event = hybrid_event()
    registration = register(event, first_name="Jürgen", last_name="Müller", attendance_mode=ON_SITE)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        registration_change_mode(
            registration=registration, attendance_mode=ONLINE, actor=Actor.person()
        )

    (message,) = mail.outbox
    assert message.subject == "Attendance mode changed: European Cluster Conference Berlin"
    assert "Registration confirmed" not in message.subject
    assert message.attachments[0][0].endswith(".ics")
    link, opening = join_link_and_opening(registration)
    for part in parts(message):
        assert "Dear Jürgen Müller," in part
        assert "our attendance mode is changed: On site → Online." in part
        assert "You now attend online. Your seat at the venue is freed for someone else." in part
        assert link in part and opening in part
        assert "on_site" not in part
        assert "DG GROW, ECCP" in part


def test_switching_to_on_site_names_the_venue(django_capture_on_commit_callbacks):
    event = hybrid_event()
    registration = register(
        event, first_name="Agnieszka", last_name="Wójcik", attendance_mode=ONLINE
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        registration_change_mode(
            registration=registration, attendance_mode=ON_SITE, actor=Actor.person()
        )

    (message,) = mail.outbox
    assert message.subject == "Attendance mode changed: European Cluster Conference Berlin"
    for part in parts(message):
        assert "our attendance mode is changed: Online → On site." in part
        assert f"You now attend on site, at {VENUE}." in part
        assert JOINING not in part and registration.join_token not in part
        assert "DG GROW, ECCP" in part
