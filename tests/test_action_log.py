"""The action log the services write: every state change records who made it (the person through
their private link, an organiser, or the system), when, and which fields changed from what to
what; never a private token, and none of it in the CSV exports."""

import csv
import datetime
import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils import timezone

from registrations.models import (
    ActionLogEntry,
    ActorKind,
    ExpressionOfInterest,
    Invitation,
    Registration,
    RegistrationStatus,
    SurveyResponse,
)
from registrations.services.action_log import Actor, action_log_for
from registrations.services.registration import registration_fill_free_seats, registration_open
from tests.factories import (
    invitation_form_data,
    make_application,
    make_event,
    make_open_event,
    make_response,
    make_survey,
    register,
    registration_form_data,
    survey_change_data,
    survey_form_data,
)
from tests.helpers import invitation_url, register_url, run_admin_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_sanna(django_user_model):
    """An organiser whose user name is nowhere else on the pages."""
    return django_user_model.objects.create_superuser(
        "sanna.järvenpää", "sanna.jarvenpaa@example.fi", "correct horse battery staple"
    )


@pytest.fixture
def sanna_client(client, organiser_sanna):
    client.force_login(organiser_sanna)
    return client


def log_of(subject) -> list[ActionLogEntry]:
    """The subject's entries, oldest first."""
    return list(reversed(action_log_for(subject)))


def entry(subject, action: str) -> ActionLogEntry:
    return action_log_for(subject).get(action=action)


def cancel_url(registration) -> str:
    return reverse("registrations:registration_cancel", kwargs={"token": registration.token})


def switch_mode_url(registration) -> str:
    return reverse("registrations:registration_switch_mode", kwargs={"token": registration.token})


def survey_link(response) -> str:
    return reverse("registrations:survey_private", kwargs={"token": response.token})


def survey_withdraw_link(response) -> str:
    return reverse("registrations:survey_withdraw", kwargs={"token": response.token})


def change_url(obj) -> str:
    return reverse(f"admin:registrations_{obj._meta.model_name}_change", args=[obj.pk])


def history_row(page: str, action: str) -> str:
    """The row of the change page's history panel that shows this action."""
    panel = page[page.index('id="action-log"') :]
    cell = panel.index(f"<td>{action}</td>")
    return panel[panel.rindex("<tr>", 0, cell) : panel.index("</tr>", cell)]


def everything_logged() -> str:
    """Every entry's every column as JSON text, non-ASCII kept as it is (so "Müller" matches)."""
    rows = ActionLogEntry.objects.values(
        "content_type__model",
        "object_id",
        "event_id",
        "action",
        "actor_kind",
        "actor_user__username",
        "actor_label",
        "changes",
        "created_at",
    )
    return json.dumps(list(rows), cls=DjangoJSONEncoder, ensure_ascii=False)


# Registration ------------------------------------------------------------------------------


def test_registering_through_the_public_form_is_logged_as_the_person(client):
    event = make_open_event()
    before = timezone.now()

    response = client.post(register_url(event), registration_form_data(last_name="Müller"))

    assert response.status_code == 302
    registration = Registration.objects.get()
    (registered,) = log_of(registration)
    assert registered.subject == registration
    assert registered.event == event
    assert registered.action == "registered"
    assert registered.actor_kind == ActorKind.PERSON
    assert (registered.actor_user, registered.actor_label) == (None, "")
    assert registered.changes["status"] == [None, "confirmed"]
    assert registered.changes["attendance_mode"] == [None, "on_site"]
    assert before <= registered.created_at <= timezone.now()


def test_cancelling_through_the_private_page_is_the_persons_and_the_promotion_the_systems(client):
    event = make_open_event(onsite_capacity=1)
    mueller = register(event, last_name="Müller")
    jarvenpaa = register(event, last_name="Järvenpää", join_waiting_list=True)
    wojcik = register(event, last_name="Wójcik", join_waiting_list=True)

    response = client.post(cancel_url(mueller), {"confirm": "on"})

    assert response.status_code == 302
    cancelled = entry(mueller, "cancelled")
    assert cancelled.actor_kind == ActorKind.PERSON
    assert cancelled.actor_user is None
    assert cancelled.event == event
    assert cancelled.changes == {"status": ["confirmed", "cancelled"]}
    assert [logged.action for logged in log_of(mueller)] == ["registered", "cancelled"]
    promoted = entry(jarvenpaa, "confirmed from the waiting list")
    assert promoted.actor_kind == ActorKind.SYSTEM
    assert promoted.actor_user is None
    assert promoted.actor_label  # what the system did it for
    assert promoted.changes == {"status": ["waitlisted", "confirmed"]}
    assert [logged.action for logged in log_of(wojcik)] == ["registered"]  # still waiting
    assert entry(wojcik, "registered").changes["status"] == [None, "waitlisted"]


def test_filling_free_seats_after_the_limit_was_raised_is_logged_as_the_system():
    event = make_open_event(onsite_capacity=1)
    register(event, last_name="Müller")
    waiting = register(event, last_name="Gonçalves", join_waiting_list=True)
    event.onsite_capacity = 2
    event.save()

    registration_fill_free_seats(event=event)

    promoted = entry(waiting, "confirmed from the waiting list")
    assert promoted.actor_kind == ActorKind.SYSTEM
    assert promoted.changes == {"status": ["waitlisted", "confirmed"]}


def test_an_organisers_cancellation_names_the_organiser_and_the_admin_page_shows_it(
    sanna_client, organiser_sanna
):
    registration = register(make_open_event(), last_name="Wójcik")

    response = run_admin_action(sanna_client, "cancel", [registration])

    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    cancelled = entry(registration, "cancelled")
    assert cancelled.actor_kind == ActorKind.ORGANISER
    assert cancelled.actor_user == organiser_sanna
    assert cancelled.actor_label == "sanna.järvenpää"
    assert cancelled.changes == {"status": ["confirmed", "cancelled"]}
    page = sanna_client.get(change_url(registration)).content.decode()
    row = history_row(page, "cancelled")
    assert "sanna.järvenpää" in row
    assert "status: confirmed → cancelled" in row
    assert "The person, through their private link" in history_row(page, "registered")


# Events ------------------------------------------------------------------------------------


def test_opening_registration_is_logged_on_the_event_with_the_old_and_new_opening_time(
    admin_client_for, organiser
):
    event = make_event(title="Cluster Policy Forum Łódź")
    before = timezone.now()

    run_admin_action(admin_client_for, "open_registration_now", [event])

    (opened,) = log_of(event)
    assert opened.action == "registration opened"
    assert opened.event == event
    assert opened.actor_kind == ActorKind.ORGANISER
    assert (opened.actor_user, opened.actor_label) == (organiser, "organiser")
    old, new = opened.changes["registration_opens_at"]
    assert old is None
    assert before <= datetime.datetime.fromisoformat(new) <= timezone.now()
    event.refresh_from_db()
    assert event.registration_opens_at == datetime.datetime.fromisoformat(new)


def test_a_scheduled_opening_is_logged_with_its_time(organiser):
    event = make_event()
    opens_at = (timezone.now() + datetime.timedelta(days=2)).replace(microsecond=0)

    registration_open(event=event, actor=Actor.organiser(organiser), at=opens_at)

    (scheduled,) = log_of(event)
    assert scheduled.action == "registration opening scheduled"
    assert scheduled.actor_user == organiser
    assert scheduled.changes == {"registration_opens_at": [None, opens_at.isoformat()]}


# Matchmaking -------------------------------------------------------------------------------


def test_the_review_and_the_invitation_are_logged_as_the_organisers(
    admin_client_for, organiser, call
):
    application = make_application(call, legal_name="Klaster Łódź Innowacje")

    run_admin_action(admin_client_for, "mark_eligible", [application])
    run_admin_action(admin_client_for, "send_invitations", [application])

    submitted, marked = log_of(application)
    assert (submitted.action, submitted.actor_kind) == ("submitted", ActorKind.PERSON)
    assert marked.action == "marked eligible"
    assert marked.event == call.event
    assert marked.actor_kind == ActorKind.ORGANISER
    assert (marked.actor_user, marked.actor_label) == (organiser, "organiser")
    assert marked.changes == {"status": ["submitted", "eligible"]}
    application.refresh_from_db()
    assert application.reviewed_by == organiser
    invitation = Invitation.objects.get(application=application)
    (sent,) = log_of(invitation)
    assert sent.action == "invitation sent"
    assert sent.event == call.event
    assert (sent.actor_kind, sent.actor_user) == (ActorKind.ORGANISER, organiser)
    assert sent.changes == {"send_count": [0, 1]}


# The survey --------------------------------------------------------------------------------


def test_a_change_through_the_private_link_logs_old_and_new_values(client):
    answer = make_response(make_survey(), email="anna.mueller@example.de", intent="on_site")

    response = client.post(
        survey_link(answer), survey_change_data(notify_when_registration_opens="on")
    )

    assert response.status_code == 302
    answered, changed = log_of(answer)
    assert (answered.action, answered.actor_kind) == ("answered", ActorKind.PERSON)
    assert changed.action == "answer changed"
    assert changed.actor_kind == ActorKind.PERSON
    assert changed.event == answer.survey.event
    assert changed.changes == {
        "intent": ["on_site", "online"],
        "comment": ["", "Travel budget was cut."],
    }


def test_withdrawing_keeps_that_it_happened_but_no_personal_data(client):
    answer = make_response(make_survey(), email="anna.mueller@example.de", intent="on_site")
    client.post(survey_link(answer), survey_change_data(organisation="Klaster Łódź Innowacje"))
    assert "Klaster Łódź Innowacje" in everything_logged()  # what it said, until withdrawn

    response = client.post(survey_withdraw_link(answer), {"confirm": "on"})

    assert response.status_code == 302
    assert not SurveyResponse.objects.exists()
    entries = ActionLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(SurveyResponse), object_id=answer.pk
    ).order_by("created_at", "pk")
    assert [logged.action for logged in entries] == ["answered", "answer changed", "withdrawn"]
    assert all(logged.changes == {} for logged in entries)
    withdrawn = entries.last()
    assert withdrawn.actor_kind == ActorKind.PERSON
    assert withdrawn.event == answer.survey.event
    everything = everything_logged()
    for personal in ["Klaster Łódź Innowacje", "Travel budget", "anna.mueller", "Müller"]:
        assert personal not in everything


# Private tokens ----------------------------------------------------------------------------


def test_no_entry_holds_a_private_token_after_a_journey_through_every_link(
    client, admin_client_for, invitation
):
    """Survey answers, registrations (again after cancelling) and an invitation sent twice."""
    tokens = {"first invitation": invitation.token}

    # The survey: answered on the form, changed and withdrawn through the private link.
    survey = make_survey()
    client.post(
        reverse("registrations:survey", kwargs={"slug": survey.event.slug}), survey_form_data()
    )
    withdrawn = SurveyResponse.objects.get()
    tokens["withdrawn answer"] = withdrawn.token
    client.post(survey_link(withdrawn), survey_change_data(intent="undecided"))
    client.post(survey_withdraw_link(withdrawn), {"confirm": "on"})
    kept = make_response(survey, email="zoe.obriain@example.ie")
    client.post(survey_link(kept), survey_change_data(first_name="Zoë", last_name="Ó Briain"))
    tokens["kept answer"] = kept.token

    # Registration: a switch of mode promotes the person waiting; a cancel; registering again.
    event = make_open_event(onsite_capacity=1)
    client.post(register_url(event), registration_form_data(email="anna.mueller@example.de"))
    mueller = Registration.objects.get(event=event)
    waiting = register(event, last_name="Gonçalves", join_waiting_list=True)
    client.post(switch_mode_url(mueller), {"attendance_mode": "online"})
    client.post(cancel_url(mueller), {"confirm": "on"})
    again = registration_form_data(email="anna.mueller@example.de", attendance_mode="online")
    assert client.post(register_url(event), again).status_code == 302
    run_admin_action(admin_client_for, "cancel", [waiting])
    mueller.refresh_from_db()
    assert (mueller.attendance_mode, mueller.status) == ("online", RegistrationStatus.CONFIRMED)

    # The invitation: used, its registration cancelled, invited again with a new link, revoked.
    response = client.post(invitation_url(invitation), invitation_form_data(invitation))
    assert response.status_code == 302, response.context["form"].errors
    invited = Registration.objects.get(event=invitation.application.event)
    run_admin_action(admin_client_for, "cancel", [invited])
    run_admin_action(admin_client_for, "send_invitations", [invitation.application])
    invitation.refresh_from_db()
    tokens["second invitation"] = invitation.token
    run_admin_action(admin_client_for, "resend_invitations", [invitation.application])
    run_admin_action(admin_client_for, "revoke", [invitation])

    tokens |= {f"registration {row.pk}": row.token for row in Registration.objects.all()}
    assert tokens["first invitation"] != tokens["second invitation"]
    assert len(set(tokens.values())) == len(tokens) == 7
    logged = {
        (row.content_type.model_class(), row.action)
        for row in ActionLogEntry.objects.select_related("content_type")
    }
    assert {
        (SurveyResponse, "answered"),
        (SurveyResponse, "answer changed"),
        (SurveyResponse, "withdrawn"),
        (Registration, "registered"),
        (Registration, "registered again"),
        (Registration, "cancelled"),
        (Registration, "confirmed from the waiting list"),
        (ExpressionOfInterest, "marked eligible"),
        (Invitation, "invitation sent"),
        (Invitation, "invitation reminder sent"),
        (Invitation, "invitation used to register"),
        (Invitation, "invitation withdrawn"),
    } <= logged
    everything = everything_logged()
    for name, token in tokens.items():
        assert token not in everything, name


# Exports -----------------------------------------------------------------------------------

ACTION_WORDS = {
    "registered",
    "registered again",
    "cancelled",
    "confirmed from the waiting list",
    "answered",
    "answer changed",
    "submitted",
    "marked eligible",
    "invitation sent",
}


def exported(client, model_name: str) -> list[dict[str, str]]:
    response = client.get(reverse(f"admin:registrations_{model_name}_export_csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_exports_hold_no_action_log_data(admin_client_for, organiser, call):
    event = make_open_event(onsite_capacity=1)
    cancelled = register(event, last_name="Müller")
    register(event, last_name="Järvenpää", join_waiting_list=True)
    admin_client_for.post(cancel_url(cancelled), {"confirm": "on"})
    survey = make_survey(make_event())
    answer = make_response(survey, email="anna.mueller@example.de", intent="on_site")
    admin_client_for.post(survey_link(answer), survey_change_data())
    application = make_application(call, legal_name="Klaster Łódź Innowacje")
    run_admin_action(admin_client_for, "mark_eligible", [application])
    run_admin_action(admin_client_for, "send_invitations", [application])
    assert ActionLogEntry.objects.count() >= 8

    registrations = exported(admin_client_for, "registration")
    answers = exported(admin_client_for, "surveyresponse")
    applications = exported(admin_client_for, "expressionofinterest")

    assert sorted(row["Status"] for row in registrations) == ["Cancelled", "Confirmed"]
    assert [row["Attendance intent"] for row in answers] == ["Online"]
    assert [row["Review status"] for row in applications] == ["Eligible"]
    for rows in (registrations, answers, applications):
        assert not {"action", "actor", "changes", "history"} & {name.lower() for name in rows[0]}
        for row in rows:
            assert not ACTION_WORDS & set(row.values())
            assert not any("waiting list" in cell for cell in row.values())
            assert not any("private link" in cell for cell in row.values())
