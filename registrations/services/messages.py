"""Organiser messages: a draft written in the admin, then sent to its segment by the worker.

Sending fixes the recipients (one MessageRecipient row per address) in the same transaction that
marks the message "sending", so the list the organiser sees is the list that is mailed, and a
message is sent at most once.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registrations.models import (
    Event,
    MessageRecipient,
    MessageSegment,
    MessageState,
    OrganiserMessage,
    Registration,
    RegistrationStatus,
    SurveyResponse,
)
from registrations.selectors import message_recipients
from registrations.tasks.messages import (
    PLACEHOLDER_PATTERN,
    PLACEHOLDERS,
    pending_recipients,
    send_organiser_message,
)

from .action_log import Actor, field_changes, log_action, snapshot
from .errors import InvalidInput, ServiceError, TransitionRefused

# What an edit of a draft logs.
LOGGED_FIELDS = ["segment", "subject", "body"]


def placeholder_errors(body: str) -> list[ServiceError]:
    """A refusal for each {name} in the body that is not filled in, so no mail goes out with a
    stray {fist_name} in it."""
    unknown = sorted(
        {name for name in PLACEHOLDER_PATTERN.findall(body) if name not in PLACEHOLDERS}
    )
    return [
        ServiceError(
            _("{%(name)s} is not filled in; use {first_name}, {last_name} or {organisation}.")
            % {"name": name},
            field="body",
        )
        for name in unknown
    ]


def _lock_draft(message: OrganiserMessage) -> OrganiserMessage:
    locked = OrganiserMessage.objects.select_for_update().get(pk=message.pk)
    if locked.state != MessageState.DRAFT:
        raise TransitionRefused(
            _("This message has been sent already, so it can no longer be changed or sent.")
        )
    return locked


@transaction.atomic
def message_save_draft(*, message: OrganiserMessage, actor: Actor) -> OrganiserMessage:
    """Store a new draft or an edit of one (refused once it is sent). A selection is made in the
    registrations list; the other segments are chosen here."""
    errors = placeholder_errors(message.body)
    if message.pk is None:
        if message.segment == MessageSegment.SELECTION:
            errors.append(
                ServiceError(
                    _(
                        "To write to chosen people, select them in the registrations list and "
                        "use “Write to the selected people”."
                    ),
                    field="segment",
                )
            )
        InvalidInput.raise_if_any(errors)
        message.state = MessageState.DRAFT
        message.created_by = actor.user
        message.save()
        log_action(subject=message, event=message.event, action="written", actor=actor)
        return message
    stored = _lock_draft(message)
    if (stored.segment == MessageSegment.SELECTION) != (
        message.segment == MessageSegment.SELECTION
    ):
        errors.append(
            ServiceError(_("A selection stays a selection; write a new message."), field="segment")
        )
    InvalidInput.raise_if_any(errors)
    before = snapshot(stored, LOGGED_FIELDS)
    message.save(update_fields=LOGGED_FIELDS)
    log_action(
        subject=message,
        event=message.event,
        action="edited",
        actor=actor,
        changes=field_changes(before, message),
    )
    return message


@transaction.atomic
def message_create_for_selection(
    *, registrations: Iterable[Registration], actor: Actor
) -> tuple[OrganiserMessage, int]:
    """A draft to the chosen registrations of one event; returns it and how many of the chosen
    were left out because they are cancelled."""
    chosen = list(registrations)
    events = {registration.event_id for registration in chosen}
    if len(events) != 1:
        raise ServiceError(_("Select the registrations of one event: a message is per event."))
    people = [person for person in chosen if person.status != RegistrationStatus.CANCELLED]
    if not people:
        raise ServiceError(_("Everyone selected has cancelled; nobody is left to write to."))
    message = OrganiserMessage.objects.create(
        event=Event.objects.get(pk=events.pop()),
        segment=MessageSegment.SELECTION,
        subject="",
        body="",
        created_by=actor.user,
    )
    _fix_recipients(message, people)
    log_action(
        subject=message,
        event=message.event,
        action="written to a selection",
        actor=actor,
        changes={"recipients": [0, len(people)]},
    )
    return message, len(chosen) - len(people)


def _fix_recipients(
    message: OrganiserMessage, people: Iterable[Registration | SurveyResponse]
) -> None:
    """One row per address (a second row for the same address is skipped)."""
    MessageRecipient.objects.bulk_create(
        [
            MessageRecipient(
                message=message,
                email=person.email,
                registration=person if isinstance(person, Registration) else None,
                survey_response=person if isinstance(person, SurveyResponse) else None,
            )
            for person in people
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def message_send(*, message: OrganiserMessage, actor: Actor) -> OrganiserMessage:
    """Fix the recipients as they are now and hand the message to the worker (after commit).

    Refused for a message that is not a draft (sent or being sent), one without a subject or
    text, and one that would reach nobody.
    """
    message = _lock_draft(message)
    errors = placeholder_errors(message.body)
    if not message.subject.strip():
        errors.append(ServiceError(_("Write a subject first."), field="subject"))
    if not message.body.strip():
        errors.append(ServiceError(_("Write the message first."), field="body"))
    InvalidInput.raise_if_any(errors)
    people: list[Registration | SurveyResponse] = list(message_recipients(message))
    if not people:
        raise TransitionRefused(_("Nobody is in this group, so the message would reach no one."))
    if message.segment == MessageSegment.SELECTION:
        # Cancelled since they were selected: they are no longer written to.
        message.recipients.exclude(registration__in=people).delete()
    else:
        _fix_recipients(message, people)
    before = snapshot(message, ["state"])
    message.state = MessageState.SENDING
    message.sent_by = actor.user
    message.send_started_at = timezone.now()
    message.save(update_fields=["state", "sent_by", "send_started_at"])
    log_action(
        subject=message,
        event=message.event,
        action="sent",
        actor=actor,
        changes={**field_changes(before, message), "recipients": [0, message.recipients.count()]},
    )
    _enqueue_sending(message)
    return message


@transaction.atomic
def message_send_rest(*, message: OrganiserMessage, actor: Actor) -> int:
    """Hand the recipients still waiting (their address failed, or a worker stopped) to the
    worker again; returns how many. Each is still mailed once."""
    message = OrganiserMessage.objects.select_for_update().get(pk=message.pk)
    pending = pending_recipients(message).count()
    if message.state != MessageState.SENDING or not pending:
        raise TransitionRefused(_("Everyone has been sent this message; nothing is left to send."))
    log_action(
        subject=message,
        event=message.event,
        action="sending again to those not yet mailed",
        actor=actor,
    )
    _enqueue_sending(message)
    return pending


def _enqueue_sending(message: OrganiserMessage) -> None:
    message_id = message.pk
    transaction.on_commit(lambda: send_organiser_message.enqueue(message_id=message_id))
