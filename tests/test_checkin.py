"""On-site check-in: the attendee's QR code (private page and mail) and the staff's desk."""

import re
from datetime import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from registrations.models import ActionLogEntry, AttendanceMode, Registration, RegistrationStatus
from registrations.services.action_log import Actor
from registrations.services.checkin import CheckInRefused, attendee_check_in
from registrations.services.registration import registration_cancel, registration_change_mode
from tests.factories import BERLIN, make_checkin_staff, make_open_event, register
from tests.helpers.concurrency import run_together

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return make_open_event(title="European Cluster Conference", onsite_capacity=2)


@pytest.fixture
def aino(event):
    return register(
        event,
        first_name="Aino",
        last_name="Järvenpää",
        organisation="Regional Council of Lapland",
        email="aino.jarvenpaa@lapland.example.fi",
    )


@pytest.fixture
def desk(client, event):
    staff = make_checkin_staff("desk.berlin", event)
    client.force_login(staff)
    return client


def desk_url(event):
    return reverse("checkin:desk", kwargs={"slug": event.slug})


def check_in_url(event):
    return reverse("checkin:check_in", kwargs={"slug": event.slug})


def scan(client, event, code):
    """What the desk's camera script posts for a decoded QR code."""
    return client.post(check_in_url(event), {"code": code}, headers={"accept": "application/json"})


# The attendee's code ---------------------------------------------------------------------------


def test_the_private_page_shows_the_code_only_to_confirmed_on_site_attendees(client, event, aino):
    online = register(event, attendance_mode=AttendanceMode.ONLINE)
    register(event)  # the last seat
    waiting = register(event, join_waiting_list=True)
    assert waiting.status == RegistrationStatus.WAITLISTED

    page = client.get(aino.private_path()).content.decode()
    assert "Your check-in code" in page
    assert re.search(r"<svg [^>]*class=\"checkin-code\"", page)
    assert aino.checkin_token[-8:] in page
    assert aino.token not in page.split("Your check-in code")[1].split("</section>")[0]
    for other in (online, waiting):
        assert "Your check-in code" not in client.get(other.private_path()).content.decode()
    registration_cancel(registration=aino, actor=Actor.person())
    assert "Your check-in code" not in client.get(aino.private_path()).content.decode()


def test_the_confirmation_mail_carries_the_code_as_an_inline_png_the_html_shows(
    event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with_code = register(event, email="aino.jarvenpaa@lapland.example.fi")
    message = mail.outbox[-1]
    assert message.to == [with_code.email]
    raw = message.message()
    images = [part for part in raw.walk() if part.get_content_type() == "image/png"]
    assert len(images) == 1
    assert images[0]["Content-ID"] == "<checkin-code>"
    assert images[0].get_content_disposition() == "inline"
    assert images[0].get_payload(decode=True).startswith(b"\x89PNG")
    html = message.alternatives[0][0]
    assert '<img src="cid:checkin-code"' in html
    assert "show the QR code from your private page" in message.body
    assert with_code.checkin_token not in message.body


def mail_images(message) -> list:
    return [part for part in message.message().walk() if part.get_content_maintype() == "image"]


def test_an_online_attendees_mail_has_no_code_and_a_switch_to_on_site_brings_it(
    event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event, attendance_mode=AttendanceMode.ONLINE)
    message = mail.outbox[-1]
    assert "cid:" not in message.alternatives[0][0]
    assert not mail_images(message)

    with django_capture_on_commit_callbacks(execute=True):
        registration_change_mode(
            registration=registration, attendance_mode=AttendanceMode.ON_SITE, actor=Actor.person()
        )
    switched = mail.outbox[-1]
    assert "You now attend on site" in switched.alternatives[0][0]
    assert '<img src="cid:checkin-code"' in switched.alternatives[0][0]
    assert [image["Content-ID"] for image in mail_images(switched)] == ["<checkin-code>"]


# The desk --------------------------------------------------------------------------------------


def test_a_scan_checks_in_once_and_a_second_says_when_in_the_events_zone(desk, event, aino):
    first = scan(desk, event, aino.checkin_token).json()
    assert first["outcome"] == "checked-in"
    assert first["message"] == "Checked in: Aino Järvenpää, Regional Council of Lapland"
    assert (first["checked_in"], first["expected"]) == (1, 1)
    aino.refresh_from_db()
    assert aino.checked_in_by.username == "desk.berlin"
    # As if the first scan had been at 09:12 in Berlin this morning (08:12 UTC in winter).
    at_0912 = timezone.localtime(timezone=BERLIN).replace(hour=9, minute=12)
    Registration.objects.filter(pk=aino.pk).update(checked_in_at=at_0912)

    second = scan(desk, event, aino.checkin_token).json()
    assert second["outcome"] == "already"
    assert second["message"] == (
        "Already checked in at 09:12 (by desk.berlin): Aino Järvenpää, Regional Council of Lapland"
    )
    assert (second["checked_in"], second["expected"]) == (1, 1)
    assert ActionLogEntry.objects.filter(action="checked in", object_id=aino.pk).count() == 1


def test_a_check_in_of_an_earlier_day_is_told_with_its_date(desk, event, aino):
    Registration.objects.filter(pk=aino.pk).update(
        checked_in_at=datetime(2030, 11, 10, 9, 12, tzinfo=BERLIN)
    )
    answer = scan(desk, event, aino.checkin_token).json()
    assert answer["message"].startswith("Already checked in at 10 Nov 2030, 09:12 (by ")


@pytest.mark.parametrize(
    ("code", "refusal"),
    [
        ("x" * 43, "This code is not a check-in code of ours."),
        ("https://example.org/poster", "This code is not a check-in code of ours."),
    ],
)
def test_an_unknown_code_is_refused(desk, event, aino, code, refusal):
    answer = scan(desk, event, code).json()
    assert answer == {"outcome": "refused", "message": refusal, "checked_in": 0, "expected": 1}


def test_a_code_of_another_event_a_cancelled_a_waiting_and_an_online_person_are_refused(
    desk, event, aino
):
    other_event = make_open_event(title="Cluster Matchmaking Łódź")
    elsewhere = register(other_event, last_name="Wójcik")
    online = register(event, last_name="Gonçalves", attendance_mode=AttendanceMode.ONLINE)
    register(event)
    waiting = register(event, last_name="Müller", join_waiting_list=True)
    cancelled = register(event, last_name="Ó Briain", attendance_mode=AttendanceMode.ONLINE)
    registration_cancel(registration=cancelled, actor=Actor.person())

    def refusal(registration):
        return scan(desk, event, registration.checkin_token).json()["message"]

    assert refusal(elsewhere) == "This code is for another event: Cluster Matchmaking Łódź."
    assert "cancelled their registration" in refusal(cancelled)
    assert "Müller is on the waiting list" in refusal(waiting)
    assert "Gonçalves registered to attend online" in refusal(online)
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


def test_the_desk_needs_the_check_in_permission(client, django_user_model, event, aino):
    response = client.get(desk_url(event))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert "next=" in response.url

    other_staff = django_user_model.objects.create_user("eva.editor", is_staff=True)
    client.force_login(other_staff)
    assert client.get(desk_url(event)).status_code == 403
    assert scan(client, event, aino.checkin_token).status_code == 403
    aino.refresh_from_db()
    assert aino.checked_in_at is None


def test_staff_with_only_the_permission_find_by_name_and_check_in(desk, event, aino):
    register(event, first_name="Anna", last_name="Müller", organisation="Cluster Berlin")
    page = desk.get(desk_url(event), {"q": "jarvenpaa"})
    assert page["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    content = page.content.decode()
    assert "Aino Järvenpää" in content and "Anna Müller" not in content
    assert "Check in Aino Järvenpää" in content

    for text in ("LAPLAND", "aino.jarvenpaa@", "Järvenpää Aino", aino.checkin_token[-8:]):
        assert "Check in Aino Järvenpää" in desk.get(desk_url(event), {"q": text}).content.decode()

    response = desk.post(
        check_in_url(event), {"registration": aino.pk, "q": "jarvenpaa"}, follow=True
    )
    assert response.redirect_chain[-1][0] == desk_url(event) + "?q=jarvenpaa"
    content = response.content.decode()
    assert "Checked in: Aino Järvenpää, Regional Council of Lapland" in content
    assert "alert-success" in content
    assert re.search(r"Checked in at \d\d:\d\d", content)
    assert "1</strong> checked in of <span data-expected>2</span>" in content


@pytest.mark.parametrize("garbage", ["²", "9" * 5000, "-1", "12abc", "99999999999999999999"])
def test_a_garbled_registration_number_is_refused_with_the_desk_page(desk, event, aino, garbage):
    response = desk.post(check_in_url(event), {"registration": garbage}, follow=True)

    assert response.status_code == 200
    assert "alert-success" not in response.content.decode()
    aino.refresh_from_db()
    assert aino.checked_in_at is None


def test_the_check_in_post_needs_the_csrf_token(event, aino):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_checkin_staff("desk.berlin", event))
    assert scan(client, event, aino.checkin_token).status_code == 403
    aino.refresh_from_db()
    assert aino.checked_in_at is None


def test_a_scan_takes_a_fixed_number_of_queries(desk, event, aino, django_assert_num_queries):
    for _ in range(5):
        register(event, attendance_mode=AttendanceMode.ONLINE)
    # session, user, the user's check-in events, event, savepoint, locked registration with who
    # checked in, update, log entry, release, counts: the same however many people registered
    with django_assert_num_queries(10):
        assert scan(desk, event, aino.checkin_token).json()["outcome"] == "checked-in"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # each desk's thread sees the committed rows
def test_two_desks_scanning_one_person_at_once_check_in_once(on_postgresql, event, aino):
    staff = [make_checkin_staff("desk.north"), make_checkin_staff("desk.south")]
    outcomes = run_together(
        [
            lambda user=user: attendee_check_in(
                event=event, token=aino.checkin_token, actor=Actor.organiser(user)
            )
            for user in staff
        ]
    )
    assert sorted(outcome.now for outcome in outcomes) == [False, True]
    aino.refresh_from_db()
    assert aino.checked_in_by.username in {"desk.north", "desk.south"}
    assert ActionLogEntry.objects.filter(action="checked in").count() == 1


def test_the_service_refuses_a_registration_of_another_event(event, aino, organiser):
    with pytest.raises(CheckInRefused):
        attendee_check_in(
            event=make_open_event(),
            registration_id=aino.pk,
            actor=Actor.organiser(organiser),
        )


def test_the_admin_lists_who_is_checked_in_and_links_the_desk(admin_client_for, event, aino):
    anna = register(event, first_name="Anna", last_name="Müller")
    attendee_check_in(event=event, token=aino.checkin_token, actor=Actor.system("test desk"))
    changelist = reverse("admin:registrations_registration_changelist")

    checked_in = admin_client_for.get(changelist, {"checked_in_at__isnull": "False"})
    assert [row.pk for row in checked_in.context["cl"].result_list] == [aino.pk]
    not_yet = admin_client_for.get(changelist, {"checked_in_at__isnull": "True"})
    assert [row.pk for row in not_yet.context["cl"].result_list] == [anna.pk]
    assert "column-checked_in_at" in checked_in.content.decode()

    event_page = admin_client_for.get(reverse("admin:registrations_event_change", args=[event.pk]))
    assert f'href="{desk_url(event)}"' in event_page.content.decode()


def test_a_busy_desk_is_never_held_up_by_the_public_rate_limits(desk, event, settings):
    """One desk scans hundreds of people from one address: the public pages' limits are not its."""
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMIT_POSTS_PER_IP = "2/10m"
    people = [register(event, email=f"attendee{number}@example.de") for number in range(2)]
    unknown = "x" * 43

    answers = [scan(desk, event, code) for code in (unknown, unknown, unknown)]
    answers += [scan(desk, event, person.checkin_token) for person in people]

    assert [answer.status_code for answer in answers] == [200] * 5
    assert desk.get(desk_url(event)).status_code == 200
