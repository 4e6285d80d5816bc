"""Shared building blocks: clean text fields, the consent field, templated email after commit."""

import pytest
from django import forms
from django.core import mail
from django.db import transaction
from django_tasks.backends.dummy import DummyBackend

from registrations.emails import Attachment, send_rendered_email, send_templated_email_on_commit
from registrations.forms.fields import MultiLineField, PrivacyConsentField, SingleLineField


class SampleForm(forms.Form):
    name = SingleLineField(max_length=20)
    comment = MultiLineField(required=False)
    consent = PrivacyConsentField()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "   ", "consent": "on"}, "name", "This field is required."),
        ({"name": "Anna\nMüller", "consent": "on"}, "name", "Please use a single line"),
        ({"name": "Anna\x00", "consent": "on"}, "name", "Please use a single line"),
        ({"name": "A" * 21, "consent": "on"}, "name", "at most 20 characters"),
        ({"name": "Anna", "comment": "bad\x07bell", "consent": "on"}, "comment", "control"),
        (
            {"name": "Anna"},
            "consent",
            "Please agree to the privacy notice; we cannot store your data without it.",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_on_its_field(data, field, message):
    form = SampleForm(data)

    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_good_input_is_trimmed_and_keeps_line_breaks_in_long_text():
    form = SampleForm({"name": "  Łukasz Wójcik ", "comment": "Line 1\nLine 2", "consent": "on"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Łukasz Wójcik"
    assert form.cleaned_data["comment"] == "Line 1\nLine 2"


@pytest.mark.django_db(transaction=True)
def test_privacy_notice_page_names_its_version(client, settings):
    response = client.get("/privacy/")

    assert response.status_code == 200
    assert f"Version {settings.PRIVACY_NOTICE_VERSION}" in response.content.decode()


@pytest.fixture
def hello_templates(tmp_path, settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    folder = tmp_path / "registrations" / "email"
    folder.mkdir(parents=True)
    (folder / "hello_subject.txt").write_text("Hello {{ name }}\n")
    (folder / "hello.txt").write_text("Dear {{ name }}, see {{ site_url }}.")
    (folder / "hello.html").write_text("<p>Dear {{ name }}</p>")


@pytest.mark.django_db(transaction=True)
def test_mail_is_sent_only_after_commit_and_never_for_a_rolled_back_change(
    hello_templates, settings
):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_templated_email_on_commit(
            to="a@example.org", template="hello", context={"name": "X"}, language="en"
        )
        raise RuntimeError("rolled back")
    with transaction.atomic():
        send_templated_email_on_commit(
            to="jarvenpaa@example.fi",
            template="hello",
            context={"name": "Järvenpää"},
            language="fi",
        )
        assert mail.outbox == []

    (message,) = mail.outbox
    assert message.subject == "Hello Järvenpää"
    assert message.body == f"Dear Järvenpää, see {settings.SITE_URL}."
    assert message.alternatives[0][0] == "<p>Dear Järvenpää</p>"


@pytest.mark.django_db(transaction=True)
def test_mail_goes_to_the_worker_rendered_and_the_worker_sends_it(hello_templates, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ics = "BEGIN:VCALENDAR\r\nSUMMARY:Łódź\r\nEND:VCALENDAR\r\n".encode()

    with transaction.atomic():
        send_templated_email_on_commit(
            to="lodz@example.pl",
            template="hello",
            context={"name": "Wójcik"},
            language="en",
            attachments=[Attachment("event.ics", ics, "text/calendar")],
        )

    backend = send_rendered_email.get_backend()
    assert isinstance(backend, DummyBackend)
    (queued,) = backend.results
    assert mail.outbox == []  # nothing is sent inside the request
    send_rendered_email.call(**queued.kwargs)
    (message,) = mail.outbox
    assert message.to == ["lodz@example.pl"]
    assert message.subject == "Hello Wójcik"
    assert message.alternatives[0][0] == "<p>Dear Wójcik</p>"
    assert message.attachments == [("event.ics", ics.decode(), "text/calendar")]
