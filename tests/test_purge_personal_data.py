"""manage.py purge_personal_data: the retention rules, run daily."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registrations.emails import send_rendered_email
from registrations.models import (
    ExpressionOfInterest,
    Registration,
    RegistrationStatus,
    SurveyResponse,
)
from registrations.services.action_log import Actor, action_log_for, log_action
from tests.factories import (
    make_event,
    make_registration,
    make_stored_application,
    make_survey_response,
)

pytestmark = pytest.mark.django_db


def event_ended(days_ago: int):
    start = timezone.now() - timedelta(days=days_ago, hours=30)
    return make_event(start=start, end=start + timedelta(hours=30))


def purge(*arguments: str) -> str:
    out = StringIO()
    call_command("purge_personal_data", *arguments, stdout=out)
    return out.getvalue()


@pytest.fixture
def last_year():
    """An event that ended 400 days ago, with an answer, a registration and an application."""
    event = event_ended(400)
    make_survey_response(event, email="anna.mueller@example.de", comment="Call me")
    make_registration(event, email="jarvenpaa@example.fi", dietary_needs="Kosher")
    make_stored_application(event, contact_email="wojcik@example.pl")
    return event


def test_entries_of_events_ended_long_ago_are_anonymised(last_year):
    recent = event_ended(10)
    kept = make_registration(recent, email="lukasz.wojcik@example.pl")

    output = purge("--older-than", "365")

    assert "Entries anonymised (events ended over 365 days ago): 3" in output
    registration = Registration.objects.get(event=last_year)
    assert registration.email.endswith("@invalid") and registration.dietary_needs == ""
    assert registration.status == RegistrationStatus.CONFIRMED
    assert SurveyResponse.objects.get().comment == ""
    assert ExpressionOfInterest.objects.get().contact_email.endswith("@invalid")
    kept.refresh_from_db()
    assert kept.email == "lukasz.wojcik@example.pl"


def test_a_second_run_changes_nothing(last_year):
    purge("--older-than", "365")
    before = list(Registration.objects.values())

    output = purge("--older-than", "365")

    assert "Entries anonymised (events ended over 365 days ago): 0" in output
    assert "needs removed (events ended over 30 days ago): 0" in output
    assert list(Registration.objects.values()) == before


def test_a_dry_run_counts_and_changes_nothing(last_year):
    before = list(Registration.objects.values())

    output = purge("--older-than", "365", "--dry-run")

    assert "Entries would be anonymised (events ended over 365 days ago): 3" in output
    assert "needs would be removed (events ended over 30 days ago): 1" in output
    assert list(Registration.objects.values()) == before


def test_needs_are_removed_thirty_days_after_the_event_whatever_the_age_given(settings):
    month_ago = event_ended(31)
    last_week = event_ended(7)
    old = make_registration(month_ago, accessibility_needs="Wheelchair", dietary_needs="Halal")
    fresh = make_registration(last_week, accessibility_needs="Step-free access")
    log_action(
        subject=old,
        action="changed",
        actor=Actor.person(),
        changes={"dietary_needs": ["", "Halal"], "attendance_mode": ["online", "on_site"]},
    )

    output = purge("--older-than", "3650")

    assert "needs removed (events ended over 30 days ago): 1" in output
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.accessibility_needs, old.dietary_needs) == ("", "")
    assert old.email != "" and not old.email.endswith("@invalid")
    assert fresh.accessibility_needs == "Step-free access"
    assert action_log_for(old).get().changes == {"attendance_mode": ["online", "on_site"]}


def test_the_needs_retention_is_a_setting(settings):
    settings.SENSITIVE_NEEDS_RETENTION_DAYS = 5
    registration = make_registration(event_ended(7), dietary_needs="Halal")

    purge("--older-than", "3650")

    registration.refresh_from_db()
    assert registration.dietary_needs == ""


def test_sent_mail_is_deleted_from_the_task_queue():
    def mail_result(status, finished_days_ago=0):
        return DBTaskResult.objects.create(
            task_path=send_rendered_email.module_path,
            args_kwargs={"args": [], "kwargs": {"to": "anna.mueller@example.de"}},
            backend_name="default",
            run_after=timezone.now(),
            status=status,
            finished_at=timezone.now() - timedelta(days=finished_days_ago),
        )

    mail_result("SUCCESSFUL")
    mail_result("FAILED", finished_days_ago=8)
    failed_yesterday = mail_result("FAILED", finished_days_ago=1)
    waiting = mail_result("READY")

    output = purge("--older-than", "365")

    assert "Sent mail deleted from the task queue: 2" in output
    assert set(DBTaskResult.objects.all()) == {failed_yesterday, waiting}


def test_a_negative_age_is_refused():
    with pytest.raises(CommandError):
        purge("--older-than", "-1")
