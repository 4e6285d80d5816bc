"""Organisers review expressions of interest in the admin; applicants learn decisions by email."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registrations.admin.filters import CountriesPresentFilter
from registrations.models import ApplicationStatus, ExpressionOfInterest, Invitation
from registrations.services.action_log import Actor
from registrations.services.errors import ServiceError
from registrations.services.matchmaking import (
    application_mark_eligible,
    application_mark_not_eligible,
    application_move_to_reserve,
    invitations_send,
)
from tests.factories import make_application, sectors
from tests.helpers import run_admin_action

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registrations_expressionofinterest_changelist")


def test_marking_eligible_records_who_and_when_and_emails_the_applicant(
    admin_client_for, organiser, call, django_capture_on_commit_callbacks
):
    application = make_application(call, contact_email="anna.muller@example.de")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = run_admin_action(admin_client_for, "mark_eligible", [application])

    assert "1 marked eligible" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ELIGIBLE
    assert application.reviewed_by == organiser
    assert application.reviewed_at is not None
    (message,) = mail.outbox
    assert message.to == ["anna.muller@example.de"]
    assert "eligible" in message.subject
    assert "meets the eligibility criteria" in message.body
    assert "meets the eligibility criteria" in message.alternatives[0][0]


def test_not_eligible_asks_for_the_reason_on_an_intermediate_page(admin_client_for, call):
    application = make_application(call, legal_name="Cluster Müller GmbH")

    response = run_admin_action(admin_client_for, "mark_not_eligible", [application])

    page = response.content.decode()
    assert "Reason the applicants will read" in page
    assert "Cluster Müller GmbH" in page
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_not_eligible_without_a_reason_is_refused_and_changes_nothing(admin_client_for, call):
    application = make_application(call)

    response = run_admin_action(
        admin_client_for, "mark_not_eligible", [application], apply="1", reason="   "
    )

    assert "This field is required" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_not_eligible_with_a_reason_emails_the_reason_to_each_applicant(
    admin_client_for, organiser, call, django_capture_on_commit_callbacks
):
    first = make_application(call, contact_email="jan.kowalski@example.pl")
    second = make_application(call, contact_email="eva.novak@example.cz")
    mail.outbox.clear()
    reason = "Your organisation is a company, not a cluster organisation."

    with django_capture_on_commit_callbacks(execute=True):
        response = run_admin_action(
            admin_client_for, "mark_not_eligible", [first, second], apply="1", reason=reason
        )

    assert "2 marked not eligible" in response.content.decode()
    for application in (first, second):
        application.refresh_from_db()
        assert application.status == ApplicationStatus.NOT_ELIGIBLE
        assert application.decision_reason == reason
        assert application.reviewed_by == organiser
    assert sorted(m.to[0] for m in mail.outbox) == [
        "eva.novak@example.cz",
        "jan.kowalski@example.pl",
    ]
    assert all(reason in m.body and reason in m.alternatives[0][0] for m in mail.outbox)


def test_reserve_list_is_recorded_and_emailed(
    admin_client_for, call, django_capture_on_commit_callbacks
):
    application = make_application(call)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        run_admin_action(admin_client_for, "move_to_reserve", [application])

    application.refresh_from_db()
    assert application.status == ApplicationStatus.RESERVE
    (message,) = mail.outbox
    assert "reserve list" in message.body


def test_the_same_decision_twice_is_refused_with_a_clear_message(admin_client_for, organiser, call):
    application = make_application(call, legal_name="Klaster Łódź")
    application_mark_eligible(application=application, actor=Actor.organiser(organiser))

    response = run_admin_action(admin_client_for, "mark_eligible", [application])

    assert "Klaster Łódź (Eligible): Already marked “Eligible”." in response.content.decode()


def test_the_service_requires_a_reason_for_not_eligible(organiser, call):
    application = make_application(call)

    with pytest.raises(ServiceError, match="reason"):
        application_mark_not_eligible(
            application=application, actor=Actor.organiser(organiser), reason=" "
        )


def test_a_later_decision_withdraws_an_unused_invitation(organiser, call):
    application = make_application(call)
    application_mark_eligible(application=application, actor=Actor.organiser(organiser))
    invitations_send(applications=[application], actor=Actor.organiser(organiser))

    application_move_to_reserve(application=application, actor=Actor.organiser(organiser))

    assert Invitation.objects.get().revoked_at is not None


def test_a_decision_replaced_before_the_worker_ran_sends_only_the_latest(
    organiser, call, django_capture_on_commit_callbacks
):
    application = make_application(call)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as stale:
        application_mark_eligible(application=application, actor=Actor.organiser(organiser))
    with django_capture_on_commit_callbacks(execute=True):
        application_mark_not_eligible(
            application=application, actor=Actor.organiser(organiser), reason="Sorry."
        )

    for callback in stale:  # the worker reaches the first decision only now
        callback()

    (message,) = mail.outbox
    assert "does not meet the eligibility criteria" in message.body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status__exact": "eligible"}, {"Cluster Müller GmbH"}),
        ({"country": "PL"}, {"Klaster Łódź"}),
        ({"declarations": "missing"}, {"Järvenpää Cluster"}),
        ({"declarations": "all"}, {"Cluster Müller GmbH", "Klaster Łódź"}),
        ({"q": "wojcik"}, {"Klaster Łódź"}),
    ],
)
def test_filters_and_search(admin_client_for, organiser, call, query, expected):
    make_application(call, legal_name="Järvenpää Cluster", country="FI")
    # The organiser adds a declaration later: the first applicant has not confirmed it.
    call.declarations.create(text="We can take part in both matchmaking sessions.", position=4)
    muller = make_application(call, legal_name="Cluster Müller GmbH", country="DE")
    make_application(
        call, legal_name="Klaster Łódź", country="PL", contact_email="wojcik@example.pl"
    )
    application_mark_eligible(application=muller, actor=Actor.organiser(organiser))

    response = admin_client_for.get(CHANGELIST, query)

    shown = {a.legal_name for a in response.context["cl"].result_list}
    assert shown == expected


def test_the_country_filter_offers_only_countries_that_applied(admin_client_for, call):
    make_application(call, country="FI")
    make_application(call, country="UA")

    response = admin_client_for.get(CHANGELIST)

    (country_filter,) = [
        f for f in response.context["cl"].filter_specs if isinstance(f, CountriesPresentFilter)
    ]
    offered = [choice["display"] for choice in country_filter.choices(response.context["cl"])]
    assert offered == ["All", "Finland", "Ukraine"]


def test_filter_by_sector(admin_client_for, call):
    (tourism,) = sectors("Tourism")
    make_application(call, legal_name="Tourism Cluster Wójcik", sectors=[tourism])
    make_application(call, legal_name="Digital Cluster Müller")

    response = admin_client_for.get(CHANGELIST, {"sectors__id__exact": tourism.pk})

    assert [a.legal_name for a in response.context["cl"].result_list] == ["Tourism Cluster Wójcik"]


def test_the_list_does_not_query_per_row(admin_client_for, organiser, call):
    for number in range(3):
        application = make_application(call)
        if number:
            application_mark_eligible(application=application, actor=Actor.organiser(organiser))
    invitations_send(
        applications=ExpressionOfInterest.objects.all(), actor=Actor.organiser(organiser)
    )
    admin_client_for.get(CHANGELIST)
    with CaptureQueriesContext(connection) as few:
        admin_client_for.get(CHANGELIST)
    for _number in range(5):
        make_application(call)

    with CaptureQueriesContext(connection) as more:
        response = admin_client_for.get(CHANGELIST)

    assert len(response.context["cl"].result_list) == 8
    assert len(more.captured_queries) == len(few.captured_queries)


def test_the_application_page_shows_the_review_read_only(admin_client_for, organiser, call):
    application = make_application(call)
    application_mark_not_eligible(
        application=application, actor=Actor.organiser(organiser), reason="No ECCP profile."
    )
    url = reverse("admin:registrations_expressionofinterest_change", args=[application.pk])

    response = admin_client_for.get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert "No ECCP profile." in page
    assert 'name="status"' not in page


def test_the_organiser_configures_the_call_in_the_admin(admin_client_for, call):
    url = reverse("admin:registrations_applicationcall_change", args=[call.pk])

    response = admin_client_for.get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert call.declarations.first().text in page
    assert 'name="is_open"' in page


def change_form_data(application, **overrides) -> dict:
    """The admin change form's fields as the organiser would post them back."""
    data = {
        "legal_name": application.legal_name,
        "country": application.country.code,
        "organisation_type": application.organisation_type,
        "eccp_profile_url": application.eccp_profile_url,
        "members_count": application.members_count,
        "sectors": [sector.pk for sector in application.sectors.all()],
        "offers": application.offers,
        "seeks": application.seeks,
        "contact_first_name": application.contact_first_name,
        "contact_last_name": application.contact_last_name,
        "contact_job_title": application.contact_job_title,
        "contact_email": application.contact_email,
        "declarations_confirmed": [d.pk for d in application.declarations_confirmed.all()],
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("field", "value"),
    [("contact_email", "Anna.Mueller@Example.DE"), ("legal_name", "MÜLLER CLUSTER GMBH")],
)
def test_editing_an_application_to_another_ones_email_or_name_is_answered(
    admin_client_for, call, field, value
):
    make_application(
        call, legal_name="Müller Cluster GmbH", contact_email="anna.mueller@example.de"
    )
    application = make_application(call, legal_name="Klaster Łódź", contact_email="ewa@example.pl")
    url = reverse("admin:registrations_expressionofinterest_change", args=[application.pk])

    response = admin_client_for.post(url, change_form_data(application, **{field: value}))

    assert response.status_code == 200
    assert "has already been received" in str(response.context["adminform"].form.errors[field])
    application.refresh_from_db()
    assert (application.legal_name, application.contact_email) == ("Klaster Łódź", "ewa@example.pl")


def test_an_application_can_be_edited_keeping_its_own_email_and_name(admin_client_for, call):
    application = make_application(call, legal_name="Klaster Łódź", contact_email="ewa@example.pl")
    url = reverse("admin:registrations_expressionofinterest_change", args=[application.pk])

    response = admin_client_for.post(
        url, change_form_data(application, legal_name="KLASTER ŁÓDŹ", members_count=91)
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.legal_name, application.members_count) == ("KLASTER ŁÓDŹ", 91)
