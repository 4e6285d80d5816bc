"""Every mail of an event carries its organiser contact: replies go to it (Reply-To) and both
parts name it in their footer; public pages that send people to the organisers link to it."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from registrations import emails
from registrations.emails import render_templated_email
from registrations.models import MessageSegment
from registrations.services.action_log import Actor
from registrations.services.meeting_requests import meeting_request_accept, meeting_request_send
from registrations.services.messages import message_send
from registrations.services.registration import (
    registration_cancel,
    registration_open,
)
from tests.factories import (
    make_event,
    make_meeting_event,
    make_message,
    make_participant,
    make_response,
    make_survey,
    register,
)

pytestmark = pytest.mark.django_db

EMAIL_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "registrations" / "email"
TEMPLATE_NAMES = sorted(
    path.name.removesuffix("_subject.txt") for path in EMAIL_TEMPLATES.glob("*_subject.txt")
)
CONTACT = {"contact_name": "Agnieszka Wójcik & team", "contact_email": "events@lodz.example.pl"}


def assert_carries_the_contact(message, event):
    assert message.reply_to == [event.contact_email], message.subject
    assert message.body.rstrip().splitlines()[-3:] == [
        f"Questions about {event.title}? Reply to this email, or write to "
        f"{event.contact_name}: {event.contact_email}",
        f"European cluster events · {settings.SITE_URL}/",
        f"How we handle your data: {settings.SITE_URL}/privacy/",
    ], message.subject
    html = message.alternatives[0][0]
    assert f'<a href="mailto:{event.contact_email}">{event.contact_email}</a>' in html
    assert "write to Agnieszka Wójcik &amp; team" in html


@pytest.mark.parametrize("template", TEMPLATE_NAMES)
def test_every_mail_template_ends_with_the_contact_and_replies_go_to_it(template):
    event = make_event(title="Cluster Forum Łódź", **CONTACT)

    message = render_templated_email(
        to="anna.mueller@example.de", template=template, context={"event": event}, language="en"
    )

    assert_carries_the_contact(message, event)
    assert (
        '{% extends "registrations/email/_base.html" %}'
        in (EMAIL_TEMPLATES / f"{template}.html").read_text()
    )


def test_a_mail_without_an_event_has_no_contact_footer(tmp_path, settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    folder = tmp_path / "registrations" / "email"
    folder.mkdir(parents=True)
    (folder / "plain_subject.txt").write_text("Hello")
    (folder / "plain.txt").write_text("Hello Järvenpää")
    (folder / "plain.html").write_text("<p>Hello</p>")

    message = render_templated_email(
        to="a@example.org", template="plain", context={}, language="en"
    )

    assert (message.body, message.reply_to) == ("Hello Järvenpää", [])


@pytest.fixture
def rendered_templates(monkeypatch):
    """The template of every mail rendered from now on."""
    names = []
    real = emails.render_templated_email

    def recording(**kwargs):
        names.append(kwargs["template"])
        return real(**kwargs)

    monkeypatch.setattr(emails, "render_templated_email", recording)
    return names


def test_mails_sent_every_way_carry_the_contact(
    rendered_templates, organiser, django_capture_on_commit_callbacks
):
    """After commit in the request, by a worker task, in bulk (mail_each_once), and the organisers'
    own messages; registration, survey, matchmaking and meetings mails alike."""
    event = make_event(title="Cluster Forum Łódź", **CONTACT)
    meetings = make_meeting_event(title="Matchmaking Łódź", **CONTACT)
    with django_capture_on_commit_callbacks(execute=True):
        make_response(make_survey(event), email="mikko.jarvenpaa@example.fi")
    with django_capture_on_commit_callbacks(execute=True):
        event = registration_open(event=event, actor=Actor.organiser(organiser))
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event, attendance_mode="online")
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration, actor=Actor.person())
    with django_capture_on_commit_callbacks(execute=True):
        aino, lukasz = make_participant(meetings), make_participant(meetings)
    with django_capture_on_commit_callbacks(execute=True):
        request = meeting_request_send(
            sender=aino, receiver=lukasz, message="Hei!", actor=Actor.person()
        )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_request_accept(request=request, by=lukasz, actor=Actor.person())
    with django_capture_on_commit_callbacks(execute=True):
        message_send(
            message=make_message(meetings, segment=MessageSegment.MATCHMAKING),
            actor=Actor.organiser(organiser),
        )

    assert {
        "survey_confirmation",
        "registration_open_notice",
        "registration_confirmation",
        "registration_cancelled",
        "application_received",
        "application_eligible",
        "meeting_request_received",
        "meeting_request_accepted",
        "organiser_message",
    } <= set(rendered_templates)
    assert len(mail.outbox) >= len(rendered_templates)
    for message in mail.outbox:
        assert_carries_the_contact(message, meetings if "Matchmaking" in message.body else event)


def test_the_event_page_shows_the_contact(client):
    event = make_event(**CONTACT)

    page = client.get(event.get_absolute_url()).content.decode()

    assert (
        '<a href="mailto:events@lodz.example.pl">Agnieszka Wójcik &amp; team</a>'
        " (events@lodz.example.pl)" in page
    )


def test_an_event_s_pages_link_to_the_contact_in_their_footer(client):
    event = make_event(registration_opens_at=None, **CONTACT)
    make_survey(event)

    page = client.get(reverse("registrations:survey", kwargs={"slug": event.slug}))

    footer = page.content.decode().split("<footer")[1]
    assert "Questions about" in footer
    assert 'href="mailto:events@lodz.example.pl"' in footer


def test_pages_without_an_event_have_no_contact_footer(client):
    make_event(**CONTACT)

    page = client.get(reverse("registrations:event_list")).content.decode()

    assert "mailto:" not in page.split("<footer")[1]
