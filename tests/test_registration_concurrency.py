"""Seats under load on PostgreSQL: many registrations at the same moment, each in its own
connection and transaction, started together with a barrier.

The seat count is slowed down a little (a sleep after counting) so that the window between
counting and inserting is wide: with the event lock the seats still hold; the control test
removes the lock and shows the overbooking that the lock prevents.
"""

import time
from collections import Counter
from dataclasses import replace

import pytest
from django.core import mail

from registrations import selectors
from registrations.models import AttendanceMode, Event, Registration, RegistrationStatus
from registrations.services import registration as registration_service
from registrations.services.action_log import Actor
from registrations.services.registration import (
    AlreadyRegistered,
    registration_cancel,
    registration_create,
    registration_fill_free_seats,
)
from tests.factories import make_open_event, registrant
from tests.helpers import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ON_SITE = AttendanceMode.ON_SITE
PERSON = Actor.person()


@pytest.fixture
def slow_seat_count(monkeypatch):
    """Widen the race window between counting the seats and taking one."""
    real = selectors.registration_seats

    def slowed(**kwargs):
        answer = real(**kwargs)
        time.sleep(0.02)
        return answer

    monkeypatch.setattr(selectors, "registration_seats", slowed)


def registering(event, **fields):
    details = registrant(attendance_mode=ON_SITE, join_waiting_list=True, **fields)
    return lambda: registration_create(event=event, details=details, actor=PERSON)


def counts(event):
    return Counter(
        Registration.objects.filter(event=event, attendance_mode=ON_SITE).values_list(
            "status", flat=True
        )
    )


def test_fifty_at_once_for_ten_seats_gives_ten_confirmed_and_forty_waiting(
    on_postgresql, slow_seat_count
):
    event = make_open_event(onsite_capacity=10)

    outcomes = run_together([registering(event) for _ in range(50)])

    errors = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    assert errors == []
    assert counts(event) == {RegistrationStatus.CONFIRMED: 10, RegistrationStatus.WAITLISTED: 40}
    assert Registration.objects.filter(event=event).count() == 50


def test_control_without_the_lock_the_same_burst_overbooks(
    on_postgresql, slow_seat_count, monkeypatch
):
    """Shows the test above can fail: the lock is what keeps the seats."""
    monkeypatch.setattr(
        registration_service, "lock_event", lambda event_id: Event.objects.get(pk=event_id)
    )
    event = make_open_event(onsite_capacity=10)

    run_together([registering(event) for _ in range(50)])

    assert counts(event)[RegistrationStatus.CONFIRMED] > 10


def test_the_same_email_at_once_makes_exactly_one_registration(on_postgresql):
    event = make_open_event(onsite_capacity=10)
    details = registrant(email="anna.mueller@cluster.example.de", attendance_mode=ON_SITE)
    calls = [
        lambda email=email: registration_create(
            event=event, details=replace(details, email=email), actor=PERSON
        )
        for email in ["anna.mueller@cluster.example.de", "Anna.Mueller@Cluster.example.de"] * 5
    ]

    outcomes = run_together(calls)

    assert Registration.objects.filter(event=event).count() == 1
    assert sum(isinstance(outcome, Registration) for outcome in outcomes) == 1
    assert all(isinstance(outcome, (Registration, AlreadyRegistered)) for outcome in outcomes), (
        outcomes
    )


def test_cancellations_racing_promotions_and_newcomers_never_overbook_or_double_promote(
    on_postgresql, slow_seat_count
):
    event = make_open_event(onsite_capacity=10)
    confirmed = [registering(event)() for _ in range(10)]
    waiting = [registering(event)() for _ in range(10)]
    mail.outbox.clear()

    outcomes = run_together(
        [lambda r=r: registration_cancel(registration=r, actor=PERSON) for r in confirmed[:6]]
        + [lambda r=r: registration_cancel(registration=r, actor=PERSON) for r in waiting[7:]]
        + [lambda: registration_fill_free_seats(event=event) for _ in range(6)]
        + [registering(event) for _ in range(6)]
    )

    errors = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    assert errors == []
    assert counts(event) == {
        RegistrationStatus.CONFIRMED: 10,
        RegistrationStatus.CANCELLED: 9,
        RegistrationStatus.WAITLISTED: 1 + 6,  # the seventh of the first ten, then newcomers
    }
    promoted = Registration.objects.filter(
        pk__in=[r.pk for r in waiting[:6]], status=RegistrationStatus.CONFIRMED
    )
    assert promoted.count() == 6  # the first six in line, in order
    promotion_mails = [m for m in mail.outbox if m.subject.startswith("A place is free")]
    assert sorted(m.to[0] for m in promotion_mails) == sorted(r.email for r in promoted)
