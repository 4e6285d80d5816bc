"""The public forms as the best public-service forms are: autofill tokens (WCAG 1.3.5), an error
summary that links to each field, messages that say what to do, optional questions marked in
words, and the answers of a form whose CSRF token expired kept to send again."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

import registrations.forms.meetings  # noqa: F401 - its forms are among those walked below
from registrations.forms import ServiceForm
from registrations.models import ExpressionOfInterest
from tests.factories import make_meeting_event, make_participant
from tests.helpers.public_forms import PUBLIC_FORMS, make_public_form

pytestmark = pytest.mark.django_db

# The personal questions and the token each must carry, under whichever name a form asks them.
AUTOCOMPLETE = {
    "first_name": "given-name",
    "contact_first_name": "given-name",
    "last_name": "family-name",
    "contact_last_name": "family-name",
    "email": "email",
    "contact_email": "email",
    "organisation": "organization",
    "legal_name": "organization",
    "job_title": "organization-title",
    "contact_job_title": "organization-title",
    "country": "country",
}


def _meetings_profile_url() -> str:
    profile = make_participant(make_meeting_event())
    return reverse("registrations:meetings_profile", kwargs={"token": profile.registration.token})


def _public_form_pages() -> dict[str, str]:
    pages = {name: make_public_form(name).url for name in PUBLIC_FORMS}
    pages["meetings profile"] = _meetings_profile_url()
    return pages


def _all_subclasses(cls: type) -> set[type]:
    return {sub for direct in cls.__subclasses__() for sub in {direct, *_all_subclasses(direct)}}


def _input_tag(page: str, name: str) -> str:
    return re.search(rf'<(?:input|select|textarea)[^>]*\bname="{name}"[^>]*>', page).group(0)


def test_every_public_form_is_covered_below():
    """A new public form must be added to the pages walked by these tests."""
    assert {form.__name__ for form in _all_subclasses(ServiceForm)} == {
        "SurveyAnswerForm",  # the private survey page; the same fields as the survey
        "SurveyResponseForm",
        "RegistrationForm",  # the registration and the invitation
        "ExpressionOfInterestForm",
        "ProfileForm",
        "MeetingRequestForm",  # one optional message, no personal details
        "AcceptForm",  # one optional time
        "AvailabilityForm",  # optional times
        "TwoFactorSetupForm",  # the organisers' admin, not public
    }


def test_every_personal_question_of_every_public_form_has_its_autocomplete_token(client):
    for page_name, url in _public_form_pages().items():
        page = client.get(url).content.decode()
        asked = [name for name in AUTOCOMPLETE if f'name="{name}"' in page]
        assert {"country"} <= set(asked), page_name
        for name in asked:
            assert f'autocomplete="{AUTOCOMPLETE[name]}"' in _input_tag(page, name), (
                page_name,
                name,
            )


def test_optional_questions_are_marked_in_words_and_the_form_says_so_at_the_top(client):
    for page_name, url in _public_form_pages().items():
        page = unescape(client.get(url).content.decode())
        assert "All fields are required unless marked (optional)." in page, page_name
        labels = re.findall(r"<label[^>]*>(.*?)</label>", page, re.DOTALL)
        assert not any("asteriskField" in label for label in labels if "display" in label)
    registration = client.get(make_public_form("registration").url).content.decode()
    assert re.search(r"Job title\s*\(optional\)", registration)
    assert re.search(r"Dietary needs \(on site\)\s*\(optional\)", registration)
    assert not re.search(r"Last name\s*\(optional\)", registration)


@pytest.mark.parametrize("form_name", PUBLIC_FORMS)
def test_a_failed_submit_lists_each_problem_as_a_link_to_its_field(client, form_name):
    form = make_public_form(form_name)
    data = {name: value for name, value in form.data.items() if name in ("website", "form_started")}

    response = client.post(form.url, data)

    page = unescape(response.content.decode())
    summary = re.search(r"<div[^>]*data-error-summary.*?</div>", page, re.DOTALL).group(0)
    assert "There is a problem" in summary
    assert 'tabindex="-1"' in summary
    errors = response.context["form"].errors
    assert errors
    for name in errors:
        field = response.context["form"][name]
        field_id = field.id_for_label or field.subwidgets[0].id_for_label  # a radio: its first
        assert f'href="#{field_id}"' in summary
        assert f'id="{field_id}"' in page
    assert re.search(r"<title>\s*Error: ", page)
    assert "This field is required." not in page
    assert "js/error-summary.js" in page


def test_the_messages_say_what_to_do(client):
    form = make_public_form("registration")

    response = client.post(form.url, {**form.data, "first_name": "", "email": "anna(at)example"})

    errors = response.context["form"].errors
    assert errors["first_name"] == ["Enter your given name"]
    assert errors["email"] == ["Enter your email address, like name@example.org"]


def test_a_page_without_errors_has_no_error_title(client):
    page = client.get(make_public_form("survey").url).content.decode()
    assert "Error:" not in page
    assert "data-error-summary" not in page


def _hidden_inputs(page: str) -> list[tuple[str, str]]:
    return [
        (unescape(name), unescape(value))
        for name, value in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', page)
    ]


def test_an_expired_expression_of_interest_is_kept_to_send_again():
    form = make_public_form("application")
    browser = Client(enforce_csrf_checks=True)
    browser.get(form.url)  # the page gave a token; it has expired since
    browser.cookies.pop("csrftoken", None)
    typed = {**form.data, "offers": "Łódź textile cluster: testing labs, 140 members."}

    expired = browser.post(form.url, {**typed, "csrfmiddlewaretoken": "expired" * 5})

    page = expired.content.decode()
    assert expired.status_code == 403
    assert "The form has expired" in page
    sent_again = dict(_hidden_inputs(page))
    assert sent_again["offers"] == "Łódź textile cluster: testing labs, 140 members."
    assert sent_again["legal_name"] == form.data["legal_name"]
    assert "expired" * 5 not in page
    assert ExpressionOfInterest.objects.count() == 0
    fresh_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    action = re.search(r'<form method="post" action="([^"]+)"', page).group(1)

    resent: dict[str, list[str]] = {}
    for name, value in _hidden_inputs(page):
        resent.setdefault(name, []).append(value)
    again = browser.post(action, {**resent, "csrfmiddlewaretoken": fresh_token})

    assert again.status_code == 302
    assert ExpressionOfInterest.objects.get().offers == typed["offers"]


def test_an_expired_form_elsewhere_offers_no_answers_back():
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/admin/login/", {"username": "organiser", "password": "secret-1"})

    assert response.status_code == 403
    assert "secret-1" not in response.content.decode()
    assert "Send my answers again" not in response.content.decode()
