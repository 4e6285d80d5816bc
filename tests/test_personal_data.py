"""A person's data: the organisers export it or erase it; mail kept by the task queue goes too."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from registrations.models import (
    ActionLogEntry,
    ExportRecord,
    MeetingRequest,
    OutgoingMail,
    Registration,
    RegistrationStatus,
    SurveyResponse,
)
from registrations.selectors import registration_seats
from registrations.services.action_log import Actor, action_log_for
from registrations.services.meeting_requests import meeting_request_send
from registrations.services.personal_data import (
    person_data_export,
    person_erase,
    registration_delete,
)
from registrations.services.survey import survey_response_withdraw
from tests.factories import (
    make_meeting_event,
    make_open_event,
    make_participant,
    make_response,
    make_survey,
    make_survey_response,
    register,
)
from tests.helpers.admin import run_admin_action

pytestmark = pytest.mark.django_db

MAIL_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def mail_queue(settings, django_capture_on_commit_callbacks):
    """Mail goes to the database queue, as in production; `sent()` marks it sent by a worker."""
    settings.TASKS = MAIL_QUEUE

    class Queue:
        @staticmethod
        def capture():
            return django_capture_on_commit_callbacks(execute=True)

        @staticmethod
        def mark_all_sent():
            DBTaskResult.objects.update(status="SUCCESSFUL")

        @staticmethod
        def holding(text: str) -> list[DBTaskResult]:
            return [
                row for row in DBTaskResult.objects.all() if text in json.dumps(row.args_kwargs)
            ]

    return Queue


def test_withdrawing_an_answer_deletes_the_mail_that_held_it(mail_queue):
    survey = make_survey()
    with mail_queue.capture():
        answer = make_response(survey, email="anna.mueller@example.de", first_name="Anna")
        make_response(survey, email="jarvenpaa@example.fi", first_name="Aino")
    mail_queue.mark_all_sent()
    assert mail_queue.holding("anna.mueller@example.de")

    survey_response_withdraw(response=answer, actor=Actor.person())

    assert mail_queue.holding("anna.mueller@example.de") == []
    assert mail_queue.holding(answer.token) == []
    assert len(mail_queue.holding("jarvenpaa@example.fi")) == 1


@pytest.fixture
def anna():
    """Anna Müller: a survey answer and a registration with needs, at two events."""
    event = make_open_event(onsite_capacity=1)

    response = make_survey_response(event, email="anna.mueller@example.de", comment="Vegan")
    registration = register(
        event,
        email="Anna.Mueller@example.de",
        first_name="Anna",
        last_name="Müller",
        dietary_needs="Halal",
        accessibility_needs="Wheelchair",
    )
    return {"event": event, "response": response, "registration": registration}


def test_the_export_holds_every_record_of_the_address_as_json(anna):
    other = register(anna["event"], email="lukasz.wojcik@example.pl", join_waiting_list=True)

    export = json.loads(json.dumps(person_data_export("ANNA.MUELLER@example.de")))

    assert [row["id"] for row in export["registrations"]] == [anna["registration"].pk]
    assert export["registrations"][0]["dietary_needs"] == "Halal"
    assert export["survey_responses"][0]["comment"] == "Vegan"
    assert {entry["action"] for entry in export["action_log"]} >= {"registered"}
    assert other.email not in json.dumps(export)
    assert anna["registration"].token not in json.dumps(export)  # a private link is a password


def test_erasing_anonymises_everywhere_and_keeps_the_seat(anna, organiser):
    registration = anna["registration"]
    seats_before = registration_seats(event=anna["event"])
    assert "Halal" in json.dumps(list(ActionLogEntry.objects.values_list("changes", flat=True)))

    person_erase(email="anna.mueller@example.de", actor=Actor.organiser(organiser))

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.email.endswith("@invalid") and registration.first_name == "Erased"
    assert registration.dietary_needs == registration.accessibility_needs == ""
    assert registration_seats(event=anna["event"]) == seats_before
    response = SurveyResponse.objects.get(pk=anna["response"].pk)
    assert response.comment == "" and response.last_name == "Erased"
    logged = json.dumps(list(ActionLogEntry.objects.values_list("changes", flat=True)))
    assert "Halal" not in logged and "Wheelchair" not in logged
    assert ActionLogEntry.objects.filter(action="erased", actor_label="organiser").exists()
    assert Registration.objects.filter(email__icontains="mueller").count() == 0
    assert person_data_export("anna.mueller@example.de")["registrations"] == []


def test_erasing_forgets_list_searches_for_the_address(anna, organiser):
    other = ExportRecord.objects.create(kind="registrations", via="admin", filters="q=Virtanen")
    ExportRecord.objects.create(
        kind="registrations", via="admin", filters="all matching: q=anna.mueller%40example.de"
    )

    person_erase(email="anna.mueller@example.de", actor=Actor.organiser(organiser))

    assert "mueller" not in str(list(ExportRecord.objects.values_list("filters", flat=True)))
    other.refresh_from_db()
    assert other.filters == "q=Virtanen"


def test_after_erasure_the_old_private_links_lead_nowhere(client, anna, organiser):
    old_links = [anna["registration"].private_path(), anna["response"].private_path()]

    person_erase(email="anna.mueller@example.de", actor=Actor.organiser(organiser))

    assert [client.get(link).status_code for link in old_links] == [404, 404]


def test_erasing_deletes_the_mail_kept_for_the_worker(mail_queue, organiser):
    survey = make_survey()
    with mail_queue.capture():
        make_response(survey, email="anna.mueller@example.de")
        make_response(survey, email="jarvenpaa@example.fi")
    mail_queue.mark_all_sent()

    person_erase(email="anna.mueller@example.de", actor=Actor.organiser(organiser))

    assert mail_queue.holding("anna.mueller@example.de") == []
    assert len(mail_queue.holding("jarvenpaa@example.fi")) == 1


def test_the_record_of_mail_sent_is_exported_and_erased_with_the_person(
    organiser, django_capture_on_commit_callbacks
):
    survey = make_survey()
    with django_capture_on_commit_callbacks(execute=True):  # the mail goes out at once here
        make_response(survey, email="anna.mueller@example.de")
        make_response(survey, email="jarvenpaa@example.fi")

    exported = person_data_export("anna.mueller@example.de")["mail_sent"]
    person_erase(email="anna.mueller@example.de", actor=Actor.organiser(organiser))

    assert [row["recipient"] for row in exported] == ["anna.mueller@example.de"]
    assert [row["status"] for row in exported] == ["sent"]
    recipients = set(OutgoingMail.objects.values_list("recipient", flat=True))
    assert "anna.mueller@example.de" not in recipients
    assert "jarvenpaa@example.fi" in recipients


def test_erasing_a_participant_blanks_its_profile_and_meeting_messages(organiser):
    event = make_meeting_event()
    asker = make_participant(event, contact_email="mueller@cluster.example.de")
    other = make_participant(event)
    meeting_request_send(
        sender=asker, receiver=other, message="Call me on +49 30 1234", actor=Actor.person()
    )

    person_erase(email="mueller@cluster.example.de", actor=Actor.organiser(organiser))

    asker.refresh_from_db()
    assert asker.attendees == "" and not asker.is_listed
    assert MeetingRequest.objects.get().message == ""
    application = asker.registration.invitation.application
    assert application.contact_email.endswith("@invalid")
    assert application.contact_last_name == "Erased"


def test_the_admin_exports_the_selected_person_as_a_json_download(admin_client_for, anna):
    response = run_admin_action(admin_client_for, "export_person_data", [anna["registration"]])

    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    (export,) = json.loads(response.content)
    assert export["registrations"][0]["last_name"] == "Müller"
    assert export["survey_responses"][0]["id"] == anna["response"].pk
    record = ExportRecord.objects.get()
    assert (record.kind, record.user.username) == ("personal_data", "organiser")
    assert "mueller" not in record.filters


def test_the_admin_erases_after_a_confirmation_page_listing_the_records(admin_client_for, anna):
    confirmation = run_admin_action(admin_client_for, "erase_person", [anna["response"]])

    page = confirmation.content.decode()
    assert "anna.mueller@example.de" in page and "Survey answer" in page and "Registration" in page
    assert Registration.objects.get().last_name == "Müller"  # nothing erased yet

    run_admin_action(admin_client_for, "erase_person", [anna["response"]], confirm="yes")

    assert Registration.objects.get().last_name == "Erased"
    assert SurveyResponse.objects.get().last_name == "Erased"


def test_only_superusers_may_erase(client, django_user_model, anna):
    staff = django_user_model.objects.create_user("wojcik", "w@example.pl", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(codename__in=["view_registration", "change_registration"])
    )
    client.force_login(staff)
    changelist = reverse("admin:registrations_registration_changelist")

    actions = dict(client.get(changelist).context["action_form"].fields["action"].choices)
    run_admin_action(client, "erase_person", [anna["registration"]], confirm="yes")

    assert "export_person_data" in actions and "erase_person" not in actions
    assert Registration.objects.get().last_name == "Müller"


def test_a_superuser_deleting_a_confirmed_registration_frees_the_seat_for_the_next(
    admin_client_for,
):
    event = make_open_event(onsite_capacity=1)
    seated = register(event, email="anna.mueller@example.de")
    waiting = register(event, email="jarvenpaa@example.fi", join_waiting_list=True)

    admin_client_for.post(
        reverse("admin:registrations_registration_delete", args=[seated.pk]), {"post": "yes"}
    )

    assert not Registration.objects.filter(pk=seated.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    (entry,) = ActionLogEntry.objects.filter(action="deleted")
    assert entry.object_id == seated.pk and entry.changes == {}


def test_deleting_a_survey_answer_in_the_admin_withdraws_it(admin_client_for, mail_queue):
    with mail_queue.capture():
        answer = make_response(make_survey(), email="anna.mueller@example.de")
    mail_queue.mark_all_sent()

    run_admin_action(admin_client_for, "delete_selected", [answer], post="yes")

    assert not SurveyResponse.objects.exists()
    assert mail_queue.holding("anna.mueller@example.de") == []
    assert ActionLogEntry.objects.get(action="withdrawn").actor_label == "organiser"


def test_deleting_a_participant_s_registration_forgets_its_profile_s_history(organiser):
    profile = make_participant(make_meeting_event(), description="Textile cluster in Łódź")
    assert "Textile cluster" in str(list(action_log_for(profile).values_list("changes")))

    registration_delete(registration=profile.registration, actor=Actor.organiser(organiser))

    remaining = list(action_log_for(profile).values_list("changes", flat=True))
    assert remaining and all(changes == {} for changes in remaining)
    assert not Registration.objects.filter(pk=profile.registration.pk).exists()
