"""Plain-text emails and subjects show names and titles as typed; only the HTML part escapes."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from registrations.services.action_log import Actor
from registrations.services.registration import registration_cancel, registration_create
from tests.factories import make_open_event, registrant

pytestmark = pytest.mark.django_db

TITLE = "R&D Clusters Forum"
NAME = ("Seán", "O'Brien")
EMAIL_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "registrations" / "email"


@pytest.mark.parametrize(
    "template", sorted(path.name for path in EMAIL_TEMPLATES.glob("*.txt")), ids=str
)
def test_every_plain_text_template_turns_html_escaping_off(template):
    source = (EMAIL_TEMPLATES / template).read_text()

    assert source.index("{% autoescape off %}") < source.index("{{")
    assert source.rstrip().endswith("{% endautoescape %}")


def test_registration_mails_show_the_title_and_name_verbatim(django_capture_on_commit_callbacks):
    event = make_open_event(title=TITLE)
    first_name, last_name = NAME

    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_create(
            event=event,
            details=registrant(
                first_name=first_name, last_name=last_name, attendance_mode="on_site"
            ),
            actor=Actor.person(),
        )
    # A separate commit: the worker renders each mail from the registration as it is when it
    # runs, and skips a confirmation whose registration was cancelled in the meantime.
    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registration, actor=Actor.person())

    confirmation, cancellation = mail.outbox
    assert confirmation.subject == "Registration confirmed: R&D Clusters Forum"
    assert cancellation.subject == "Registration cancelled: R&D Clusters Forum"
    for message in (confirmation, cancellation):
        assert "Dear Seán O'Brien," in message.body
        assert "R&D Clusters Forum" in message.body
        html = message.alternatives[0][0]
        assert "R&amp;D Clusters Forum" in html
        assert "O&#x27;Brien" in html
        assert "O'Brien" not in html
