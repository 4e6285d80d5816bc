"""A strict Content-Security-Policy on every response, public pages and admin alike, and pages
that keep to it: no inline script, no <style> element, no style attribute (mails are not pages
and keep their inline styles)."""

from html.parser import HTMLParser

import pytest
from django.core import mail
from django.urls import reverse

from registrations.forms.registration import RegistrationForm
from tests.factories import (
    bot_trap_fields,
    make_call,
    make_meeting_event,
    make_open_event,
    make_participant,
    make_response,
    make_slots,
    make_survey,
    register,
)

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


class InlineCode(HTMLParser):
    """Collects what a strict policy blocks: inline scripts, style elements and attributes,
    event-handler attributes."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"{name}= on <{tag}>" for name in names if name == "style"]
        self.found += [f"{name}= on <{tag}>" for name in names if name.startswith("on")]


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


@pytest.fixture
def public_pages(invitation):
    event = make_open_event(title="European Cluster Conference")
    registration = register(event, last_name="Järvenpää", dietary_needs="Vegan")
    meeting_event = make_meeting_event()
    make_slots(meeting_event)
    participant = make_participant(meeting_event, organisation="Klaster Łódź")
    survey = make_survey()
    token = participant.registration.token
    return [
        "/",
        event.get_absolute_url(),
        "/privacy/",
        f"/events/{survey.event.slug}/survey/",
        f"/survey/{make_response(survey).token}/",
        f"/events/{event.slug}/register/",
        f"/registration/{registration.token}/",
        f"/registration/{registration.token}/done/",
        f"/events/{make_call().event.slug}/apply/",
        reverse("registrations:invitation", kwargs={"token": invitation.token}),
        *(
            reverse(f"registrations:{name}", kwargs={"token": token})
            for name in ("meetings", "meetings_profile", "meetings_partners")
        ),
        reverse("registrations:meetings_availability", kwargs={"token": token}),
        "/no-such-page/",
    ]


def test_every_public_page_sends_the_policy_and_keeps_to_it(client, public_pages):
    for address in public_pages:
        response = client.get(address)

        assert response.status_code in (200, 404), address
        assert policy_of(response) == POLICY, address
        assert inline_code(response.text) == [], address


def test_a_form_with_errors_and_a_redirect_send_it_too(client):
    event = make_open_event()
    form = client.post(
        f"/events/{event.slug}/register/",
        {"first_name": "Zoë", **bot_trap_fields(RegistrationForm)},
    )
    redirect = client.get(f"/survey/{make_response(make_survey()).token}/withdraw/")

    assert form.status_code == 200 and inline_code(form.text) == []
    assert redirect.status_code == 302
    assert policy_of(form) == POLICY
    assert policy_of(redirect) == POLICY


def test_the_admin_sends_the_policy_and_the_projects_admin_pages_keep_to_it(admin_client_for):
    event = make_meeting_event()
    make_slots(event)
    make_participant(event)
    pages = [
        "/admin/",
        "/admin/registrations/event/",
        f"/admin/registrations/event/{event.pk}/change/",
        f"/admin/registrations/event/{event.pk}/report/",
        f"/admin/registrations/event/{event.pk}/meetings/",
    ]
    for address in pages:
        response = admin_client_for.get(address)

        assert response.status_code == 200, address
        assert policy_of(response) == POLICY, address
    for address in pages[-2:]:  # the project's own admin templates
        assert inline_code(admin_client_for.get(address).text) == [], address


def test_mails_keep_their_inline_styles(client, django_capture_on_commit_callbacks):
    """Mail is read in a mail program, outside the site's policy."""
    with django_capture_on_commit_callbacks(execute=True):
        register(make_open_event(), last_name="Gonçalves")

    (html, _), *_ = mail.outbox[-1].alternatives
    assert "style=" in html
