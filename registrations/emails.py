"""Email: rendered from a plain-text and an HTML template, sent by the background worker.

Templates live in templates/registrations/email/: NAME_subject.txt, NAME.txt and NAME.html.
Every mail is rendered in the language of the person it goes to (the `language` stored with
their survey answer, registration or expression of interest), whatever language the request or
the worker runs in: render_templated_email takes it and renders inside translation.override.

A service sends one person's email with send_templated_email_on_commit: rendered in the request
(which has the data at hand), handed to the worker once the transaction has committed, so a slow or
failing mail server never delays or breaks the person's request, and a rolled-back change sends
nothing. Bulk mail is a task of its own that calls send_templated_email row by row. Whatever the
path, the worker sends each mail once (registrations.mail_delivery).
"""

import base64
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.mime.image import MIMEImage
from typing import Any, TypeVar

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from registrations.cache_use import first_in_interval
from registrations.mail_delivery import MailNotSent, deliver_once, task_mail_key

logger = logging.getLogger(__name__)

Row = TypeVar("Row", bound=models.Model)


@dataclass(frozen=True)
class Attachment:
    """A file sent with a mail; with a `content_id`, an image the HTML shows inline
    (`<img src="cid:...">`). Inline images go through send_templated_email only."""

    filename: str
    content: bytes
    mimetype: str
    content_id: str = ""


def _attach(message: EmailMultiAlternatives, attachment: Attachment) -> None:
    if not attachment.content_id:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
        return
    image = MIMEImage(attachment.content, _subtype=attachment.mimetype.split("/")[1])
    image.add_header("Content-ID", f"<{attachment.content_id}>")
    image.add_header("Content-Disposition", "inline", filename=attachment.filename)
    message.attach(image)


# A form that emails a private link "again" must not become a way to flood someone's inbox.
LINK_AGAIN_INTERVAL_SECONDS = 10 * 60


def link_again_allowed(token: str) -> bool:
    """True at most once per interval for a private link (atomic: the cache's add)."""
    return first_in_interval(f"link-again:{token}", LINK_AGAIN_INTERVAL_SECONDS)


def absolute_url(path: str) -> str:
    """A link for an email: the worker has no request to build it from."""
    return f"{settings.SITE_URL}{path}"


def render_templated_email(
    *,
    to: str,
    template: str,
    context: dict,
    language: str,
    attachments: Iterable[Attachment] = (),
    connection=None,
) -> EmailMultiAlternatives:
    """The mail in `language` (its words, dates and times), the language of the person it is for."""
    with translation.override(language):
        return _render(
            to=to,
            template=template,
            context=context,
            attachments=attachments,
            connection=connection,
        )


def _render(
    *,
    to: str,
    template: str,
    context: dict,
    attachments: Iterable[Attachment],
    connection,
) -> EmailMultiAlternatives:
    context = {**context, "site_url": settings.SITE_URL}
    subject = render_to_string(f"registrations/email/{template}_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=_with_contact_footer(
            render_to_string(f"registrations/email/{template}.txt", context), context
        ),
        to=[to],
        reply_to=organiser_reply_to(context),
        connection=connection,
    )
    message.attach_alternative(
        render_to_string(f"registrations/email/{template}.html", context), "text/html"
    )
    for attachment in attachments:
        _attach(message, attachment)
    return message


def organiser_reply_to(context: dict) -> list[str]:
    """Replies to an event's mail go to its organiser contact."""
    event = context.get("event")
    return [event.contact_email] if event is not None else []


def _with_contact_footer(body: str, context: dict) -> str:
    """An event's plain-text mail ends with its organiser contact (the HTML one: _base.html)."""
    if context.get("event") is None:
        return body
    footer = render_to_string("registrations/email/_footer.txt", context)
    return f"{body.rstrip()}\n\n{footer}"


def send_templated_email(
    *,
    to: str,
    template: str,
    context: dict,
    language: str,
    attachments: Iterable[Attachment] = (),
    connection=None,
    key: str = "",
) -> bool:
    """Send one email now, once (registrations.mail_delivery): `key` names the mail, by default
    the running task's mail to `to`. Bulk senders pass one open `connection` for a whole run.
    False if it had been sent already; MailNotSent if the server did not take it."""
    message = render_templated_email(
        to=to,
        template=template,
        context=context,
        language=language,
        attachments=attachments,
        connection=connection,
    )
    event = context.get("event")
    return deliver_once(
        message, key=key or task_mail_key(to), event_id=event.pk if event is not None else None
    )


def mail_each_once(
    pending: "models.QuerySet[Row]",
    *,
    sent_at_field: str,
    mail: Callable[[Row], dict[str, Any]],
) -> int:
    """Bulk mail: one mail per row of `pending` (rows not yet marked `sent_at_field`), once each,
    however many workers run it and however often it runs again. Returns how many were sent.

    Each row is taken with SKIP LOCKED (only the row itself, never the rows it joins, so workers
    share the work) and marked sent in the transaction that sent it: a worker killed mid-run loses
    at most the mail in hand, which the next run sends. `mail(row)` gives send_templated_email's
    to, template, context and language (the row's person's). A refused address does not stop the
    others; if any was refused, MailNotSent at the end makes the worker run the task again later
    for those.
    """
    sent, failed = 0, set[int]()
    with get_connection() as connection:
        while True:
            with transaction.atomic():
                row = (
                    pending.select_for_update(skip_locked=True, of=("self",))
                    .exclude(pk__in=failed)
                    .order_by("pk")
                    .first()
                )
                if row is None:
                    break
                try:
                    send_templated_email(
                        **mail(row), connection=connection, key=f"{row._meta.label_lower}:{row.pk}"
                    )
                except MailNotSent:
                    logger.warning("Bulk mail to %s %s not sent", row._meta.label, row.pk)
                    failed.add(row.pk)
                    continue
                pending.model._default_manager.filter(pk=row.pk).update(
                    **{sent_at_field: timezone.now()}
                )
                sent += 1
    if failed:
        raise MailNotSent(f"{len(failed)} of {sent + len(failed)} not sent; they go next run")
    return sent


def send_templated_email_on_commit(
    *,
    to: str,
    template: str,
    context: dict,
    language: str,
    attachments: Iterable[Attachment] = (),
) -> None:
    """Render now; the worker sends it once the surrounding transaction has committed."""
    attachments = list(attachments)
    message = render_templated_email(
        to=to, template=template, context=context, language=language, attachments=attachments
    )
    (html, _mimetype) = message.alternatives[0]
    subject, body, reply_to = str(message.subject), str(message.body), list(message.reply_to)
    event = context.get("event")
    encoded = [
        [attachment.filename, base64.b64encode(attachment.content).decode(), attachment.mimetype]
        for attachment in attachments
    ]
    transaction.on_commit(
        lambda: send_rendered_email.enqueue(
            to=to,
            subject=subject,
            body=body,
            html=str(html),
            attachments=encoded,
            reply_to=reply_to,
            event_id=event.pk if event is not None else None,
        )
    )


@task()
def send_rendered_email(
    *,
    to: str,
    subject: str,
    body: str,
    html: str,
    attachments: list[list[str]],
    reply_to: list[str] | None = None,
    event_id: int | None = None,
) -> None:
    """The worker's half of send_templated_email_on_commit (arguments are JSON: no bytes)."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=[to], reply_to=reply_to)
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, base64.b64decode(content), mimetype)
    deliver_once(message, key=task_mail_key(to), event_id=event_id)
