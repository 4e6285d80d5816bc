"""Reminder mails: queued for their due times when registration opens (and again when the event
or its reminders change), sent to confirmed attendees in their mode, each person once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.duration import duration_string

from registrations.models import (
    ActionLogEntry,
    AttendanceMode,
    Event,
    EventReminder,
    RegistrationStatus,
    ReminderDelivery,
)
from registrations.services.action_log import Actor
from registrations.services.registration import registration_cancel, registration_open
from registrations.services.reminders import reminders_schedule
from registrations.tasks.reminders import lead_time_in_words, send_reminder
from tests.factories import (
    event_form_data,
    make_event,
    make_open_event,
    make_reminders,
    register,
)
from tests.helpers import clock_at, queued, run_queued_on_time, run_together

pytestmark = pytest.mark.django_db

ON_SITE, ONLINE = AttendanceMode.ON_SITE, AttendanceMode.ONLINE
WEEK, HOUR = timedelta(days=7), timedelta(hours=1)
SECRET_ADDRESS = "https://meet.example.eu/j/ecc-2027-plenary"
SECRET_NOTES = "Meeting ID 816 2027 4711, passcode Hanse47"


@pytest.fixture
def deferring_backend(settings):
    """Tasks are queued with their run_after, not run (as the database backend does)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def send_when_due(reminder: EventReminder, *, late: timedelta = timedelta(0)) -> int:
    """Run the reminder's task as the worker would at its due time (or `late` after it)."""
    with clock_at(reminder.due_at() + late):
        return send_reminder.call(reminder_id=reminder.pk, due_at=reminder.due_at().isoformat())


def reminder_of(event: Event, send_before: timedelta) -> EventReminder:
    return EventReminder.objects.select_related("event").get(event=event, send_before=send_before)


def mails_to(registration) -> list:
    return [message for message in mail.outbox if message.to == [registration.email]]


def html_of(message) -> str:
    return message.alternatives[0][0]


def move_event(event: Event, by: timedelta, organiser, capture) -> None:
    event.start += by
    event.end += by
    event.save()
    with capture(execute=True):
        reminders_schedule(event=event, actor=Actor.organiser(organiser))


# Scheduling ----------------------------------------------------------------------------------


def test_opening_registration_queues_each_reminder_for_its_due_time(
    deferring_backend, organiser, django_capture_on_commit_callbacks
):
    event = make_event(timezone="Europe/Helsinki")
    week, hour = make_reminders(event)

    with django_capture_on_commit_callbacks(execute=True):
        registration_open(
            event=event, actor=Actor.organiser(organiser), at=timezone.now() + timedelta(days=2)
        )

    queued_for = {
        result.kwargs["reminder_id"]: (
            result.task.run_after,
            datetime.fromisoformat(result.kwargs["due_at"]),
        )
        for result in queued(send_reminder)
    }
    assert queued_for == {
        week.pk: (event.start - WEEK, event.start - WEEK),
        hour.pk: (event.start - HOUR, event.start - HOUR),
    }
    entry = ActionLogEntry.objects.get(action="reminders scheduled")
    local_start = timezone.localtime(event.start, ZoneInfo("Europe/Helsinki"))
    assert entry.changes["reminders due (Europe/Helsinki)"][1] == [
        f"{(local_start - WEEK):%-d %b %Y, %H:%M}",
        f"{(local_start - HOUR):%-d %b %Y, %H:%M}",
    ]


def test_nothing_is_queued_before_registration_opens_or_once_the_event_has_started(
    deferring_backend, organiser, django_capture_on_commit_callbacks
):
    not_open = make_event()
    make_reminders(not_open)
    started = make_open_event(start=timezone.now() - HOUR, end=timezone.now() + HOUR)
    make_reminders(started)

    with django_capture_on_commit_callbacks(execute=True):
        for event in (not_open, started):
            assert reminders_schedule(event=event, actor=Actor.organiser(organiser)) == []

    assert queued(send_reminder) == []


# What each person gets -----------------------------------------------------------------------


def test_an_online_attendee_gets_the_personal_join_link_and_joins_through_it_in_time(client):
    helsinki = ZoneInfo("Europe/Helsinki")
    start = (
        (timezone.now() + timedelta(days=20))
        .astimezone(helsinki)
        .replace(hour=9, minute=0, second=0, microsecond=0)
    )
    event = make_open_event(
        title="European Cluster Conference 2027",
        timezone="Europe/Helsinki",
        start=start,
        end=start + timedelta(days=2),
        online_join_url=SECRET_ADDRESS,
        online_access_notes=SECRET_NOTES,
        join_opens_minutes_before=30,
    )
    make_reminders(event)
    jukka = register(
        event, attendance_mode=ONLINE, first_name="Jukka", last_name="Järvenpää", country="FI"
    )

    assert send_when_due(reminder_of(event, HOUR)) == 1

    (message,) = mail.outbox
    join_url = f"http://127.0.0.1:8000{jukka.join_path()}"
    assert message.subject == "In 1 hour: European Cluster Conference 2027"
    assert "Dear Jukka Järvenpää" in message.body
    assert join_url in message.body and f'href="{join_url}"' in html_of(message)
    assert f"When: {start:%A} {start.day} {start:%B %Y}, 09:00 to" in message.body  # Helsinki
    assert f"It opens at 08:30 on {start:%A} {start.day} {start:%B %Y}" in message.body
    assert "30 minutes before the start" in message.body
    assert f"http://127.0.0.1:8000{jukka.private_path()}" in message.body
    for text in (message.body, html_of(message)):
        assert SECRET_ADDRESS not in text
        assert "Hanse47" not in text
        assert "Estrel" not in text and "QR code" not in text
    with clock_at(start - timedelta(minutes=29)):
        joined = client.get(jukka.join_path())
    assert joined.status_code == 302 and joined["Location"] == SECRET_ADDRESS


@pytest.mark.parametrize("join_link_for_on_site", [False, True])
def test_an_on_site_attendee_gets_the_venue_and_what_to_bring(join_link_for_on_site):
    event = make_open_event(
        title="European Cluster Conference 2027",
        venue="Estrel Congress Center",
        city="Berlin",
        country="DE",
        online_join_url=SECRET_ADDRESS,
        join_link_for_on_site=join_link_for_on_site,
    )
    make_reminders(event)
    anna = register(event, attendance_mode=ON_SITE, first_name="Anna", last_name="Müller")

    send_when_due(reminder_of(event, WEEK))

    (message,) = mail.outbox
    assert message.subject == "In 7 days: European Cluster Conference 2027"
    assert "Where: Estrel Congress Center, Berlin, Germany" in message.body
    assert "check-in QR code" in message.body and "identity document" in message.body
    assert "seat goes to the next person on the waiting list" in message.body
    assert SECRET_ADDRESS not in message.body
    offers_the_link = f"http://127.0.0.1:8000{anna.join_path()}" in message.body
    assert offers_the_link == join_link_for_on_site
    assert ("To follow online as well" in message.body) == join_link_for_on_site


def test_an_online_only_events_reminder_never_mentions_on_site_attendance():
    event = make_open_event(
        title="Intra-European Cluster Matchmaking",
        format="online",
        venue="",
        city="",
        country="",
        onsite_capacity=None,
    )
    make_reminders(event)
    register(event, attendance_mode=ONLINE, first_name="Łukasz", last_name="Wójcik")

    send_when_due(reminder_of(event, WEEK))

    (message,) = mail.outbox
    for text in (message.body.lower(), html_of(message).lower()):
        for on_site_word in ("on site", "venue", "where:", "seat", "check-in", "identity"):
            assert on_site_word not in text
    assert "/join/" in message.body


def test_the_waiting_list_and_cancelled_registrations_get_no_reminder(organiser):
    event = make_open_event(onsite_capacity=1)
    make_reminders(event)
    confirmed = register(event, attendance_mode=ON_SITE)
    waiting = register(event, attendance_mode=ON_SITE, join_waiting_list=True)
    cancelled = register(event, attendance_mode=ONLINE)
    registration_cancel(registration=cancelled, actor=Actor.person())
    assert waiting.status == RegistrationStatus.WAITLISTED

    assert send_when_due(reminder_of(event, WEEK)) == 1

    assert [message.to for message in mail.outbox] == [[confirmed.email]]


def test_someone_who_cancels_after_the_reminder_fell_due_is_not_mailed_by_a_later_run():
    event = make_open_event()
    make_reminders(event)
    staying = register(event, attendance_mode=ONLINE)
    leaving = register(event, attendance_mode=ONLINE)
    week = reminder_of(event, WEEK)
    ReminderDelivery.objects.bulk_create(
        [ReminderDelivery(reminder=week, registration=person) for person in (staying, leaving)]
    )  # a worker created the rows, then stopped before mailing
    registration_cancel(registration=leaving, actor=Actor.person())

    assert send_when_due(week) == 1

    assert [message.to for message in mail.outbox] == [[staying.email]]


# Once each -----------------------------------------------------------------------------------


def test_a_reminder_is_not_sent_twice_when_its_task_runs_twice():
    event = make_open_event()
    make_reminders(event)
    people = [register(event, attendance_mode=ONLINE) for _ in range(3)]
    week = reminder_of(event, WEEK)

    assert send_when_due(week) == 3
    assert send_when_due(week, late=timedelta(minutes=5)) == 0

    assert sorted(message.to[0] for message in mail.outbox) == sorted(p.email for p in people)
    assert ReminderDelivery.objects.filter(sent_at__isnull=False).count() == 3
    (entry,) = ActionLogEntry.objects.filter(action="reminder sent")
    assert entry.changes == {"reminders sent": [0, 3]}
    assert entry.actor_label == "reminder 7 days before the start"


def test_someone_who_registers_after_the_due_time_does_not_get_that_reminder():
    """Their confirmation mail has just told them the same; the next reminder reaches them."""
    event = make_open_event()
    make_reminders(event)
    early = register(event, attendance_mode=ONLINE)
    week = reminder_of(event, WEEK)
    send_when_due(week)
    with clock_at(week.due_at() + timedelta(hours=2)):
        late = register(event, attendance_mode=ONLINE)

    assert send_when_due(week, late=timedelta(hours=3)) == 0  # run again (the event was edited)
    assert send_when_due(reminder_of(event, HOUR)) == 2

    assert [message.subject.split(":")[0] for message in mails_to(early)] == [
        "In 7 days",
        "In 1 hour",
    ]
    assert [message.subject.split(":")[0] for message in mails_to(late)] == ["In 1 hour"]


def test_after_the_event_moved_twice_only_the_last_tasks_send_and_each_person_once(
    deferring_backend, organiser, django_capture_on_commit_callbacks
):
    event = make_event(title="European Cluster Conference 2027")
    make_reminders(event)
    with django_capture_on_commit_callbacks(execute=True):
        event = registration_open(event=event, actor=Actor.organiser(organiser))
    people = [
        register(event, attendance_mode=ON_SITE, last_name="Müller"),
        register(event, attendance_mode=ONLINE, last_name="Järvenpää"),
    ]

    move_event(event, timedelta(days=2), organiser, django_capture_on_commit_callbacks)
    move_event(event, -timedelta(days=1), organiser, django_capture_on_commit_callbacks)

    assert len(queued(send_reminder)) == 6
    assert sorted(run_queued_on_time(send_reminder)) == [0, 0, 0, 0, 2, 2]
    for person in people:
        assert [message.subject for message in mails_to(person)] == [
            "In 7 days: European Cluster Conference 2027",
            "In 1 hour: European Cluster Conference 2027",
        ]
    assert set(ReminderDelivery.objects.values_list("sent_at", flat=True)) == {
        event.start - WEEK,
        event.start - HOUR,
    }


@pytest.mark.parametrize(
    "situation", ["reminder deleted", "time moved", "too early", "event started", "never opened"]
)
def test_the_task_sends_nothing_when_the_reminder_is_no_longer_due(situation):
    event = make_open_event()
    make_reminders(event)
    register(event, attendance_mode=ONLINE)
    week = reminder_of(event, WEEK)
    due_at, run_at = week.due_at(), week.due_at()
    if situation == "reminder deleted":
        week.delete()
    elif situation == "time moved":  # earlier: the task queued for the new time sends it
        Event.objects.filter(pk=event.pk).update(start=event.start - HOUR, end=event.end - HOUR)
    elif situation == "too early":
        run_at = due_at - timedelta(minutes=1)
    elif situation == "event started":
        run_at = event.start + timedelta(minutes=1)
    else:
        Event.objects.filter(pk=event.pk).update(registration_opens_at=None)

    with clock_at(run_at):
        assert send_reminder.call(reminder_id=week.pk, due_at=due_at.isoformat()) == 0

    assert mail.outbox == []
    assert not ReminderDelivery.objects.exists()


def test_a_late_reminder_names_the_time_left_and_one_overtaken_by_a_later_one_is_skipped():
    """The worker was down: at 30 minutes before the start, both reminders are overdue."""
    event = make_open_event(title="Cluster Days Łódź")
    make_reminders(event)
    register(event, attendance_mode=ONLINE)
    week, hour = reminder_of(event, WEEK), reminder_of(event, HOUR)
    thirty_minutes_late = timedelta(minutes=30)

    assert send_when_due(week, late=WEEK - thirty_minutes_late) == 0
    assert send_when_due(hour, late=thirty_minutes_late) == 1

    assert [message.subject for message in mail.outbox] == ["In 30 minutes: Cluster Days Łódź"]


@pytest.mark.parametrize(
    ("lead", "words"),
    [
        (WEEK, "7 days"),
        (HOUR, "1 hour"),
        (timedelta(days=1, hours=12), "1 day and 12 hours"),
        (timedelta(minutes=90), "1 hour and 30 minutes"),
        (timedelta(days=6, hours=23, minutes=59, seconds=50), "7 days"),
        (timedelta(days=2, hours=5, minutes=3), "2 days and 5 hours"),
        (timedelta(minutes=1), "1 minute"),
    ],
)
def test_lead_times_in_words(lead, words):
    assert lead_time_in_words(lead) == words


# Two workers ---------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_mail_each_person_once_per_reminder(on_postgresql):
    event = make_open_event(onsite_capacity=None)
    make_reminders(event)
    people = [register(event, attendance_mode=(ON_SITE, ONLINE)[n % 2]) for n in range(24)]
    mail.outbox.clear()  # the confirmations

    for reminder in EventReminder.objects.select_related("event").filter(event=event):
        outcomes = run_together([lambda reminder=reminder: send_when_due(reminder)] * 2)
        assert sum(outcomes) == 24, outcomes

    for person in people:
        assert sorted(message.subject.split(":")[0] for message in mails_to(person)) == [
            "In 1 hour",
            "In 7 days",
        ]


# The organiser's side ------------------------------------------------------------------------


def change_url(event: Event) -> str:
    return reverse("admin:registrations_event_change", args=[event.pk])


def saved_event_form_data(event: Event, **overrides) -> dict:
    """The admin form of an event added with event_form_data(), its saved reminders included."""
    reminders = list(event.reminders.all())
    data = event_form_data(
        **{
            "reminders-TOTAL_FORMS": str(len(reminders)),
            "reminders-INITIAL_FORMS": str(len(reminders)),
        }
    )
    for index, reminder in enumerate(reminders):
        data[f"reminders-{index}-id"] = str(reminder.pk)
        data[f"reminders-{index}-event"] = str(event.pk)
        data[f"reminders-{index}-send_before"] = duration_string(reminder.send_before)
    data.update(overrides)
    return data


@pytest.fixture
def open_admin_event(admin_client_for, organiser, deferring_backend):
    """An event added in the admin (10 May 2030, 09:00 in Warsaw; the default reminders) whose
    registration is open, with the queue emptied."""
    admin_client_for.post(reverse("admin:registrations_event_add"), event_form_data())
    event = Event.objects.get(slug="cluster-forum-lodz")
    registration_open(event=event, actor=Actor.organiser(organiser))
    send_reminder.get_backend().clear()
    return event


def test_moving_the_event_in_the_admin_queues_its_reminders_for_the_new_times(
    admin_client_for, open_admin_event, django_capture_on_commit_callbacks
):
    data = saved_event_form_data(open_admin_event, start_0="2030-05-12", end_0="2030-05-13")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_for.post(change_url(open_admin_event), data)

    assert response.status_code == 302
    new_start = datetime(2030, 5, 12, 9, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
    assert sorted(result.task.run_after for result in queued(send_reminder)) == [
        new_start - WEEK,
        new_start - HOUR,
    ]
    entry = ActionLogEntry.objects.filter(action="reminders scheduled").latest("pk")
    assert entry.actor_label == "organiser"
    assert entry.changes["reminders due (Europe/Warsaw)"][1] == [
        "5 May 2030, 09:00",
        "12 May 2030, 08:00",
    ]


def test_a_new_reminder_in_the_admin_is_queued_and_other_edits_queue_nothing(
    admin_client_for, open_admin_event, django_capture_on_commit_callbacks
):
    retitled = saved_event_form_data(open_admin_event, title="Cluster Forum Łódź 2030")
    one_more = saved_event_form_data(open_admin_event, **{"reminders-TOTAL_FORMS": "3"})
    one_more["reminders-2-send_before"] = "1 00:00:00"

    with django_capture_on_commit_callbacks(execute=True):
        admin_client_for.post(change_url(open_admin_event), retitled)
    assert queued(send_reminder) == []
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_for.post(change_url(open_admin_event), one_more)

    start = datetime(2030, 5, 10, 9, 0, tzinfo=ZoneInfo("Europe/Warsaw"))
    assert sorted(result.task.run_after for result in queued(send_reminder)) == [
        start - WEEK,
        start - timedelta(days=1),
        start - HOUR,
    ]


def test_the_event_page_shows_each_reminders_due_time_and_how_many_it_reached(
    admin_client_for,
):
    event = make_open_event(timezone="Europe/Helsinki", onsite_capacity=None)
    week, hour = make_reminders(event)

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            admin_client_for.get(change_url(event))
        return len(queries)

    few = page_queries()
    people = [register(event, attendance_mode=ONLINE) for _ in range(4)]
    ReminderDelivery.objects.bulk_create(
        [ReminderDelivery(reminder=week, registration=p, sent_at=timezone.now()) for p in people]
        + [ReminderDelivery(reminder=hour, registration=people[0])]  # created, not yet sent
    )
    make_reminders(event, timedelta(days=1), timedelta(days=14))

    assert page_queries() == few
    page = admin_client_for.get(change_url(event)).content.decode()
    local_due = timezone.localtime(week.due_at(), ZoneInfo("Europe/Helsinki"))
    assert f"{local_due:%d %b %Y %H:%M}" in page
    assert "4 people" in page
    assert "0 people" in page
