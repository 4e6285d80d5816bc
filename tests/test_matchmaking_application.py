"""Cluster organisations send an expression of interest while the event's call is open."""

import ast
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

import registrations
from registrations.forms.bot_trap import BotTrapForm
from registrations.forms.matchmaking import ExpressionOfInterestForm
from registrations.models import ExpressionOfInterest
from registrations.services.action_log import Actor
from registrations.services.errors import InvalidInput, ServiceError
from registrations.services.matchmaking import (
    DuplicateApplication,
    application_submit,
)
from registrations.views.next_step import event_next_step
from tests.factories import (
    application_details,
    application_form_data,
    make_application,
    make_call,
)
from tests.helpers import apply_url
from tests.helpers.pages import main_of

pytestmark = pytest.mark.django_db


def test_form_lists_the_call_declarations_and_eligible_countries(client, call):
    response = client.get(apply_url(call))

    page = response.content.decode()
    assert response.status_code == 200
    for declaration in call.declarations.all():
        assert declaration.text in page
    assert "The call is open to organisations established in these countries" in page
    assert "Ukraine" in page


def test_a_cluster_applies_and_gets_a_confirmation_page_and_email(
    client, call, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(call), application_form_data(call))

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "registrations:application_thanks", kwargs={"slug": call.event.slug}
    )
    application = ExpressionOfInterest.objects.get()
    assert application.legal_name == "Klaster Łódź Innowacje sp. z o.o."
    assert application.country.code == "PL"
    assert application.status == "submitted"
    assert {s.name for s in application.sectors.all()} == {"Digital", "Health"}
    assert set(application.declarations_confirmed.all()) == set(call.declarations.all())
    assert application.consent_version and application.consented_at
    (message,) = mail.outbox
    assert message.to == ["lukasz.wojcik@example.pl"]
    assert "Expression of interest received" in message.subject
    assert "Klaster Łódź Innowacje sp. z o.o." in message.body
    assert "Klaster Łódź Innowacje sp. z o.o." in message.alternatives[0][0]
    thanks = client.get(response["Location"])
    assert "please check your inbox" in thanks.content.decode()


def test_registration_requested_on_eccp_replaces_the_profile_url(client, call):
    data = application_form_data(call, eccp_profile_url="", eccp_registration_requested="on")

    response = client.post(apply_url(call), data)

    assert response.status_code == 302
    assert ExpressionOfInterest.objects.get().eccp_registration_requested is True


def test_a_country_outside_the_call_is_answered_at_once_and_not_stored(client, call):
    response = client.post(apply_url(call), application_form_data(call, country="US"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "The call is open to organisations from:" in page
    assert "Finland" in page and "Ukraine" in page
    assert not ExpressionOfInterest.objects.exists()
    assert mail.outbox == []


def test_the_service_also_refuses_a_country_outside_the_call(call):
    with pytest.raises(InvalidInput) as refused:
        application_submit(
            call=call, details=application_details(call, country="CN"), actor=Actor.person()
        )

    assert [error.field for error in refused.value.errors] == ["country"]
    assert not ExpressionOfInterest.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"legal_name": "   "}, "legal_name", "Enter the legal name of your organisation"),
        ({"legal_name": "A" * 201}, "legal_name", "at most 200 characters"),
        ({"country": ""}, "country", "Choose a country from the list"),
        ({"country": "XX"}, "country", "Select a valid choice"),
        ({"organisation_type": "company"}, "organisation_type", "Select a valid choice"),
        (
            {"eccp_profile_url": "not a url"},
            "eccp_profile_url",
            "Enter the web address of your ECCP profile",
        ),
        ({"eccp_profile_url": ""}, "eccp_profile_url", "or tick that you have asked"),
        ({"sectors": []}, "sectors", "Choose at least one sector"),
        ({"sectors": ["999999"]}, "sectors", "Select a valid choice"),
        ({"members_count": "0"}, "members_count", "greater than or equal to 1"),
        (
            {"members_count": "many"},
            "members_count",
            "Enter the number of members as a whole number",
        ),
        ({"offers": ""}, "offers", "Describe in a few sentences what your organisation offers"),
        ({"offers": "x" * 2001}, "offers", "at most 2000 characters"),
        ({"seeks": "bell\x07"}, "seeks", "control characters"),
        ({"contact_first_name": "Łukasz\nWójcik"}, "contact_first_name", "single line"),
        ({"contact_last_name": "Wójcik\x00"}, "contact_last_name", "single line"),
        ({"contact_job_title": "Cluster\tmanager"}, "contact_job_title", "single line"),
        (
            {"contact_email": "lukasz@"},
            "contact_email",
            "Enter your email address, like name@example.org",
        ),
        ({"declarations": []}, "declarations", "Please confirm every eligibility declaration"),
        ({"consent": None}, "consent", "Please agree to the privacy notice"),
    ],
)
def test_bad_input_is_answered_next_to_its_field_and_nothing_is_stored(
    client, call, overrides, field, message
):
    response = client.post(apply_url(call), application_form_data(call, **overrides))

    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert not ExpressionOfInterest.objects.exists()


def test_every_declaration_must_be_confirmed(client, call):
    first = call.declarations.first()

    response = client.post(
        apply_url(call), application_form_data(call, declarations=[str(first.pk)])
    )

    assert "Please confirm every eligibility declaration" in response.content.decode()
    assert not ExpressionOfInterest.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contact_email": "LUKASZ.WOJCIK@example.pl"}, "contact_email"),
        ({"legal_name": "KLASTER ŁÓDŹ INNOWACJE SP. Z O.O.", "contact_email": "b@ex.pl"}, None),
        ({"legal_name": "Klaster  Łódź  Innowacje Sp. z o.o.", "contact_email": "b@ex.pl"}, None),
    ],
)
def test_a_second_application_from_the_same_email_or_legal_name_gets_the_same_page_and_a_mail(
    client, call, overrides, field, django_capture_on_commit_callbacks
):
    first = client.post(apply_url(call), application_form_data(call))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(call), application_form_data(call, **overrides))

    assert response.status_code == first.status_code == 302
    assert response["Location"] == first["Location"]
    assert ExpressionOfInterest.objects.count() == 1
    (message,) = mail.outbox
    assert message.to == [overrides["contact_email"]]
    assert message.subject.startswith("Expression of interest already received")
    if field == "contact_email":
        assert "from this address" in message.body
    else:
        assert "for the organisation you named" in message.body
        assert "innowacje" not in message.body.lower()  # nothing the sender typed is mailed


@pytest.mark.parametrize(
    ("first", "second"),
    [("Klaster  Łódź", "klaster łódź"), ("Cluster Großraum Süd", "CLUSTER GROSSRAUM SÜD")],
)
def test_legal_names_are_compared_as_read(call, first, second):
    make_application(call, legal_name=first)

    with pytest.raises(DuplicateApplication) as refused:
        make_application(call, legal_name=second)

    assert refused.value.field == "legal_name"
    assert ExpressionOfInterest.objects.count() == 1


def test_a_duplicate_that_slips_past_the_check_is_caught_by_the_constraint(call, monkeypatch):
    """A twin request inserting between the check and the insert meets the database constraint."""
    from registrations import selectors

    make_application(call, contact_email="anna.muller@example.de")
    check = selectors.application_duplicate_field
    calls = []

    def blind_first_time(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else check(**kwargs)

    monkeypatch.setattr(selectors, "application_duplicate_field", blind_first_time)

    with pytest.raises(DuplicateApplication) as refused:
        make_application(call, contact_email="Anna.Muller@example.de")

    assert refused.value.field == "contact_email"
    assert ExpressionOfInterest.objects.count() == 1


def test_the_same_organisation_may_apply_to_another_event(call):
    other = make_call()
    make_application(call, legal_name="Cluster Müller GmbH", contact_email="anna@example.de")

    make_application(other, legal_name="Cluster Müller GmbH", contact_email="anna@example.de")

    assert ExpressionOfInterest.objects.count() == 2


def test_html_and_script_are_stored_as_text_and_shown_escaped(
    client, call, django_capture_on_commit_callbacks
):
    name = '<script>alert("x")</script> Cluster'
    with django_capture_on_commit_callbacks(execute=True):
        client.post(apply_url(call), application_form_data(call, legal_name=name))

    assert ExpressionOfInterest.objects.get().legal_name == name
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert name in mail.outbox[0].body  # plain text needs no escaping


def test_extra_post_parameters_are_ignored(client, call):
    data = application_form_data(
        call, status="eligible", reviewed_at="2020-01-01", decision_reason="pwned"
    )

    client.post(apply_url(call), data)

    application = ExpressionOfInterest.objects.get()
    assert application.status == "submitted"
    assert application.reviewed_at is None
    assert application.decision_reason == ""


def test_a_closed_call_shows_a_notice_and_stores_nothing(client):
    call = make_call(is_open=False)

    page = client.get(apply_url(call))
    posted = client.post(apply_url(call), application_form_data(call))

    assert "The call for expressions of interest is closed" in page.content.decode()
    assert "<form" not in main_of(page.content.decode())
    assert posted.status_code == 200
    assert "The call for expressions of interest is closed" in posted.content.decode()
    assert not ExpressionOfInterest.objects.exists()


def test_the_service_refuses_a_closed_call():
    call = make_call(is_open=False)

    with pytest.raises(ServiceError, match="closed"):
        make_application(call)


def test_an_unpublished_event_or_one_without_a_call_has_no_form(client):
    hidden = make_call(is_published=False)
    from tests.factories import make_event

    no_call = make_event()

    assert client.get(apply_url(hidden)).status_code == 404
    url = reverse("registrations:application_create", kwargs={"slug": no_call.slug})
    assert client.get(url).status_code == 404


def test_event_page_offers_apply_while_the_call_is_open(client, call):
    response = client.get(call.event.get_absolute_url())

    page = response.content.decode()
    assert "Registration is by invitation" in page
    assert f'href="{apply_url(call)}"' in page
    assert ">Apply<" in page


def test_event_page_explains_invitation_only_once_the_call_is_closed(call):
    call.is_open = False
    call.save()

    step = event_next_step(event=call.event)

    assert "by invitation only" in step.message
    assert step.action_url == ""


# Eligibility: the service's rules, shown by the form ------------------------------------------

ELIGIBILITY_MESSAGES = {
    "country": "The call is open to organisations from:",
    "eccp_profile_url": (
        "Please give your ECCP profile URL, or tick that you have asked to be registered on "
        "the ECCP."
    ),
    "declarations": (
        "Please confirm every eligibility declaration: the call is open only to organisations "
        "that meet all of them."
    ),
}


def test_the_service_names_every_eligibility_problem_at_once(call):
    first = call.declarations.first()
    details = application_details(
        call,
        legal_name="Müller Cluster Inc.",
        country="US",
        eccp_profile_url="",
        eccp_registration_requested=False,
        declarations=[first],
    )

    with pytest.raises(InvalidInput) as refused:
        application_submit(call=call, details=details, actor=Actor.person())

    problems = {error.field: error.message for error in refused.value.errors}
    assert sorted(problems) == ["country", "declarations", "eccp_profile_url"]
    for field, message in ELIGIBILITY_MESSAGES.items():
        assert message in problems[field]
    assert "Finland" in problems["country"] and "Ukraine" in problems["country"]
    assert not ExpressionOfInterest.objects.exists()


def test_the_form_shows_each_eligibility_problem_next_to_its_field(client, call):
    first = call.declarations.first()
    data = application_form_data(
        call,
        legal_name="Müller Cluster Inc.",
        country="US",
        eccp_profile_url="",
        declarations=[str(first.pk)],
    )

    with mock.patch(
        "registrations.views.matchmaking.application_submit", wraps=application_submit
    ) as service:
        response = client.post(apply_url(call), data)

    assert response.status_code == 200
    service.assert_called_once()  # the form let the answers through: the service refused them
    errors = response.context["form"].errors
    assert sorted(errors) == ["country", "declarations", "eccp_profile_url"]
    for field, message in ELIGIBILITY_MESSAGES.items():
        assert message in " ".join(errors[field])
    assert not ExpressionOfInterest.objects.exists()
    assert mail.outbox == []


def test_the_form_has_no_eligibility_checks_of_its_own():
    for name in ("clean_country", "clean_declarations", "clean_eccp_profile_url"):
        assert not hasattr(ExpressionOfInterestForm, name)
    assert ExpressionOfInterestForm.clean is BotTrapForm.clean  # the page-age check only


def string_constants(path: Path) -> list[str]:
    """Every string literal of a module (adjacent literals already joined into one)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_the_eligibility_messages_are_written_only_in_the_service():
    package = Path(registrations.__file__).parent
    found = {
        (message, path.relative_to(package.parent).as_posix())
        for path in sorted(package.glob("**/*.py"))
        for text in string_constants(path)
        for message in ELIGIBILITY_MESSAGES.values()
        if message in text
    }

    assert found == {
        (message, "registrations/services/matchmaking.py")
        for message in ELIGIBILITY_MESSAGES.values()
    }
