"""Email: rendered from a plain-text and an HTML template, sent only after the transaction commits.

Templates live in templates/registrations/email/: NAME_subject.txt, NAME.txt and NAME.html.
Single emails go out right after commit; bulk mail is enqueued on the background worker
(django-tasks) by the caller, which then calls send_templated_email from the task.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def absolute_url(path: str) -> str:
    """A link for an email: the worker has no request to build it from."""
    return f"{settings.SITE_URL}{path}"


def send_templated_email(
    *,
    to: str,
    template: str,
    context: dict,
    attachments: Iterable[Attachment] = (),
    connection=None,
) -> None:
    """Send one email; bulk senders pass one open `connection` for a whole batch."""
    context = {**context, "site_url": settings.SITE_URL}
    subject = render_to_string(f"registrations/email/{template}_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string(f"registrations/email/{template}.txt", context),
        to=[to],
        connection=connection,
    )
    message.attach_alternative(
        render_to_string(f"registrations/email/{template}.html", context), "text/html"
    )
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    message.send()


def send_templated_email_on_commit(
    *, to: str, template: str, context: dict, attachments: Iterable[Attachment] = ()
) -> None:
    """Send once the surrounding transaction has committed (never for a rolled-back change)."""
    attachments = list(attachments)
    transaction.on_commit(
        lambda: send_templated_email(
            to=to, template=template, context=context, attachments=attachments
        )
    )
