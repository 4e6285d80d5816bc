"""Organiser messages, mailed by the background worker: each recipient once, however many
workers run the task or how often it runs."""

import re
from typing import Any

from django.db.models import QuerySet
from django_tasks import task

from registrations.emails import absolute_url, mail_each_once
from registrations.models import (
    MessageRecipient,
    MessageState,
    OrganiserMessage,
    Registration,
    SurveyResponse,
)
from registrations.services.action_log import Actor, log_action

# What a message's body may name in braces; anything else in braces is refused when it is saved.
PLACEHOLDERS = ("first_name", "last_name", "organisation")
PLACEHOLDER_PATTERN = re.compile(r"\{(\w+)\}")


def personalised(body: str, person: Registration | SurveyResponse) -> str:
    """The body with {first_name}, {last_name} and {organisation} filled in from the person;
    other braces stay as typed (the person's own text is never read as a placeholder)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(getattr(person, name)) if name in PLACEHOLDERS else match.group(0)

    return PLACEHOLDER_PATTERN.sub(value, body)


def organiser_message_mail(
    message: OrganiserMessage, person: Registration | SurveyResponse
) -> dict[str, Any]:
    """send_templated_email's arguments for one person's copy (also the admin's preview)."""
    return {
        "to": person.email,
        "template": "organiser_message",
        "context": {
            "event": message.event,
            "subject": message.subject,
            "body": personalised(message.body, person),
            "person": person,
            "is_registration": isinstance(person, Registration),
            "private_url": absolute_url(person.private_path()),
        },
        "language": person.language,
    }


def recipient_person(recipient: MessageRecipient) -> Registration | SurveyResponse:
    """The row's person: its check constraint says it has exactly one of the two."""
    return recipient.registration or recipient.survey_response  # type: ignore[return-value]


def pending_recipients(message: OrganiserMessage) -> QuerySet[MessageRecipient]:
    return MessageRecipient.objects.filter(message=message, sent_at__isnull=True)


@task()
def send_organiser_message(message_id: int) -> int:
    """Mail every recipient not yet mailed, once each; mark the message sent when nobody is left
    (a failed address stays pending and the message "sending"). Returns how many were sent."""
    message = OrganiserMessage.objects.select_related("event").filter(pk=message_id).first()
    if message is None or message.state == MessageState.DRAFT:
        return 0
    sent = mail_each_once(
        pending_recipients(message).select_related("registration", "survey_response"),
        sent_at_field="sent_at",
        mail=lambda recipient: organiser_message_mail(message, recipient_person(recipient)),
    )
    if not pending_recipients(message).exists():
        finished = OrganiserMessage.objects.filter(
            pk=message.pk, state=MessageState.SENDING
        ).update(state=MessageState.SENT)
        if finished:
            log_action(
                subject=message,
                event=message.event,
                action="sent to everyone",
                actor=Actor.system("organiser message"),
                changes={"state": [MessageState.SENDING, MessageState.SENT]},
            )
    return sent
