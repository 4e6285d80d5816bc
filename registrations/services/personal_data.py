"""A person's data: export it, erase it, and keep it no longer than needed.

Erasing anonymises rather than deletes: the rows stay, with their status, attendance mode,
organisation type and country, so seat counts and the event report's figures stay right, while
names, addresses, free texts and private links go. Mail is the other place personal data hides:
send_templated_email_on_commit hands the rendered mail (name, address, private link) to the
worker, whose task result keeps it; those results are deleted with the person, and every sent
one by the daily purge (manage.py purge_personal_data).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import quote

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registrations.emails import send_rendered_email
from registrations.models import (
    ActionLogEntry,
    ExportRecord,
    ExpressionOfInterest,
    Invitation,
    MeetingRequest,
    MessageRecipient,
    OutgoingMail,
    ParticipantProfile,
    Registration,
    RegistrationStatus,
    ReminderDelivery,
    SurveyResponse,
)
from registrations.tokens import new_token

from .action_log import Actor, action_log_for, forget_changes, log_action, loggable
from .registration import registration_cancel

Row = TypeVar("Row", bound=models.Model)

ERASED_NAME = "Erased"
# .invalid is reserved (RFC 2606): a placeholder address never reaches anyone.
ERASED_DOMAIN = "invalid"
# Fields that can reveal health or religion: removed soon after the event.
SENSITIVE_NEEDS = ("accessibility_needs", "dietary_needs")
TOKEN_FIELDS = frozenset({"token", "join_token", "checkin_token"})
# A failed mail's result stays this long, for the operator to see why, then goes too.
FAILED_MAIL_RESULT_DAYS = 7


def erased_email(row: models.Model) -> str:
    """A unique placeholder address (the tables allow one row per address)."""
    return f"erased-{row._meta.model_name}-{row.pk}@{ERASED_DOMAIN}"


def not_erased(
    queryset: "models.QuerySet[Row]", email_field: str = "email"
) -> "models.QuerySet[Row]":
    return queryset.exclude(**{f"{email_field}__endswith": f"@{ERASED_DOMAIN}"})


# -- mail kept by the task queue ------------------------------------------------------------


def _mail_results() -> "models.QuerySet[DBTaskResult[Any, Any]]":
    return DBTaskResult.objects.filter(task_path=send_rendered_email.module_path)


def forget_mail_to(email: str, *, mentioning: str = "") -> int:
    """Delete the queued and finished mail to `email`, only those whose text holds
    `mentioning` if given (a private link token: the mail about one answer); a running one
    finishes first and goes with the next purge. Returns how many were deleted."""
    mail = _mail_results().filter(args_kwargs__kwargs__to__iexact=email).exclude(status="RUNNING")
    if mentioning:
        mail = mail.filter(args_kwargs__kwargs__body__icontains=mentioning)
    deleted, _ = mail.delete()
    return deleted


def prune_sent_mail(*, dry_run: bool = False) -> int:
    """Delete the results of mail sent, and of mail that failed a while ago; returns how many."""
    failed_before = timezone.now() - timedelta(days=FAILED_MAIL_RESULT_DAYS)
    done = _mail_results().filter(
        Q(status="SUCCESSFUL") | Q(status="FAILED", finished_at__lt=failed_before)
    )
    if dry_run:
        return done.count()
    deleted, _ = done.delete()
    return deleted


# -- export ---------------------------------------------------------------------------------


def _record(row: models.Model) -> dict[str, Any]:
    """A row's fields as JSON keeps them, without private link tokens (they are passwords)."""
    values: dict[str, Any] = {"id": row.pk}
    for model_field in row._meta.concrete_fields:
        if model_field.name not in TOKEN_FIELDS and not model_field.primary_key:
            values[model_field.name] = loggable(getattr(row, model_field.name))
    for many in row._meta.many_to_many:
        values[many.name] = loggable(list(getattr(row, many.name).all()))
    return values


def _history(rows: Iterable[models.Model]) -> list[dict[str, Any]]:
    return [
        {
            "subject": f"{entry.content_type.model} {entry.object_id}",
            "time": loggable(entry.created_at),
            "action": entry.action,
            "by": entry.actor_display,
            "changes": entry.changes,
        }
        for row in rows
        for entry in action_log_for(row).select_related("content_type")
    ]


@dataclass
class PersonRecords:
    """Every row about the person with one email address."""

    registrations: list[Registration]
    survey_responses: list[SurveyResponse]
    applications: list[ExpressionOfInterest]
    invitations: list[Invitation]
    profiles: list[ParticipantProfile]
    meeting_requests: list[MeetingRequest]
    message_recipients: list[MessageRecipient]
    reminders: list[ReminderDelivery] = field(default_factory=list)
    outgoing_mails: list[OutgoingMail] = field(default_factory=list)

    def subjects(self) -> list[models.Model]:
        """The rows the action log can be about."""
        return [
            *self.registrations,
            *self.survey_responses,
            *self.applications,
            *self.invitations,
            *self.profiles,
            *self.meeting_requests,
        ]

    def entries(self) -> int:
        """How many registrations, survey answers and applications."""
        return len(self.registrations) + len(self.survey_responses) + len(self.applications)


def _person_records(
    registrations: "models.QuerySet[Registration]",
    responses: "models.QuerySet[SurveyResponse]",
    applications: "models.QuerySet[ExpressionOfInterest]",
    *,
    recipient_email: str = "",
) -> PersonRecords:
    profiles = ParticipantProfile.objects.filter(registration__in=registrations)
    recipients = MessageRecipient.objects.filter(
        Q(registration__in=registrations) | Q(survey_response__in=responses)
    )
    if recipient_email:
        recipients = recipients | MessageRecipient.objects.filter(email__iexact=recipient_email)
    return PersonRecords(
        registrations=list(registrations.order_by("pk")),
        survey_responses=list(responses.order_by("pk")),
        applications=list(applications.order_by("pk")),
        invitations=list(Invitation.objects.filter(application__in=applications).order_by("pk")),
        profiles=list(profiles.order_by("pk")),
        meeting_requests=list(
            MeetingRequest.objects.filter(
                Q(sender__in=profiles) | Q(receiver__in=profiles)
            ).order_by("pk")
        ),
        message_recipients=list(recipients.distinct().order_by("pk")),
        reminders=list(
            ReminderDelivery.objects.filter(registration__in=registrations).order_by("pk")
        ),
    )


def records_of(email: str) -> PersonRecords:
    """Everything stored about the person who uses `email` (in any letter case)."""
    records = _person_records(
        Registration.objects.filter(email__iexact=email),
        SurveyResponse.objects.filter(email__iexact=email),
        ExpressionOfInterest.objects.filter(contact_email__iexact=email),
        recipient_email=email,
    )
    records.outgoing_mails = list(OutgoingMail.objects.filter(recipient__iexact=email))
    return records


def person_data_export(email: str) -> dict[str, Any]:
    """Every record for `email` as JSON-serialisable data (the right of access, Art. 15)."""
    records = records_of(email)
    return {
        "email": email,
        "exported_at": loggable(timezone.now()),
        "registrations": [_record(row) for row in records.registrations],
        "survey_responses": [_record(row) for row in records.survey_responses],
        "expressions_of_interest": [_record(row) for row in records.applications],
        "invitations": [_record(row) for row in records.invitations],
        "participant_profiles": [_record(row) for row in records.profiles],
        "meeting_requests": [_record(row) for row in records.meeting_requests],
        "messages_received": [
            {"subject": row.message.subject, **_record(row)} for row in records.message_recipients
        ],
        "reminders_received": [_record(row) for row in records.reminders],
        "mail_sent": [_record(row) for row in records.outgoing_mails],
        "action_log": _history(records.subjects()),
    }


# -- erasure --------------------------------------------------------------------------------


def _erase_contact(row: Registration | SurveyResponse) -> None:
    row.first_name = row.last_name = row.organisation = ERASED_NAME
    row.email = erased_email(row)
    row.job_title = ""
    row.token = new_token()


def _erase(records: PersonRecords, *, actor: Actor) -> None:
    """Anonymise these rows in place; their status and the figures they count in stay."""
    for registration in records.registrations:
        _erase_contact(registration)
        registration.accessibility_needs = registration.dietary_needs = ""
        registration.join_token = new_token()
        registration.checkin_token = new_token()
        registration.save()
    for response in records.survey_responses:
        _erase_contact(response)
        response.comment = ""
        response.save()
    for application in records.applications:
        application.contact_first_name = application.contact_last_name = ERASED_NAME
        application.contact_job_title = ""
        application.contact_email = erased_email(application)
        application.token = new_token()
        application.save()
    for invitation in records.invitations:
        invitation.token = new_token()
        invitation.save(update_fields=["token"])
    ParticipantProfile.objects.filter(pk__in=[p.pk for p in records.profiles]).update(
        attendees="", is_listed=False
    )
    MeetingRequest.objects.filter(pk__in=[r.pk for r in records.meeting_requests]).update(
        message=""
    )
    for recipient in records.message_recipients:
        recipient.email = erased_email(recipient)
        recipient.save(update_fields=["email"])
    for outgoing in records.outgoing_mails:
        outgoing.recipient = erased_email(outgoing)
        outgoing.save(update_fields=["recipient"])
    for subject in records.subjects():
        forget_changes(subject=subject)
        log_action(subject=subject, event=_event_of(subject), action="erased", actor=actor)


def _event_of(subject: models.Model) -> Any:
    if isinstance(subject, SurveyResponse):
        return subject.survey.event
    if isinstance(subject, Invitation):
        return subject.application.event
    if isinstance(subject, ParticipantProfile):
        return subject.registration.event
    return getattr(subject, "event", None)


@transaction.atomic
def person_erase(*, email: str, actor: Actor) -> PersonRecords:
    """Anonymise everything stored about `email` (the right to erasure, Art. 17): every
    registration, survey answer and application, their history's old values and the mail
    kept for the worker. Old private links stop working. Returns what was erased."""
    records = records_of(email)
    _erase(records, actor=actor)
    forget_mail_to(email)
    _forget_searches_for(email)
    return records


def _forget_searches_for(email: str) -> None:
    """An export record keeps the list's search, which may be the address (URL-encoded)."""
    ExportRecord.objects.filter(
        Q(filters__icontains=email) | Q(filters__icontains=quote(email, safe=""))
    ).update(filters="(a search for an erased person)")


@transaction.atomic
def registration_delete(*, registration: Registration, actor: Actor) -> None:
    """Delete a registration outright (a superuser's choice; erasing keeps the figures). A
    confirmed place it held goes to the first person waiting, as with a cancellation."""
    registration = Registration.objects.select_related("event").get(pk=registration.pk)
    if registration.status != RegistrationStatus.CANCELLED and not registration.event.is_over():
        registration = registration_cancel(registration=registration, actor=actor)
    records = _person_records(
        Registration.objects.filter(pk=registration.pk),
        SurveyResponse.objects.none(),
        ExpressionOfInterest.objects.none(),
    )
    for subject in records.subjects():  # its profile and meeting requests go with it
        forget_changes(subject=subject)
    forget_mail_to(registration.email, mentioning=registration.token)
    log_action(subject=registration, event=registration.event, action="deleted", actor=actor)
    registration.delete()


# -- retention ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeCounts:
    entries_anonymised: int
    needs_removed: int
    mail_results_deleted: int
    mail_records_deleted: int = 0


def _mail_records_of_events_ended_before(days: int) -> "models.QuerySet[OutgoingMail]":
    """The worker's record of the mail about events that ended that long ago, and of mail about
    no event that was sent that long ago."""
    ended = _ended_before(days)
    return OutgoingMail.objects.filter(
        Q(event__end__lt=ended) | Q(event__isnull=True, first_attempt_at__lt=ended)
    )


def _ended_before(days: int) -> Any:
    return timezone.now() - timedelta(days=days)


def _entries_of_events_ended_before(days: int) -> PersonRecords:
    ended = _ended_before(days)
    return _person_records(
        not_erased(Registration.objects.filter(event__end__lt=ended)),
        not_erased(SurveyResponse.objects.filter(survey__event__end__lt=ended)),
        not_erased(
            ExpressionOfInterest.objects.filter(event__end__lt=ended), email_field="contact_email"
        ),
    )


def _sensitive_needs_due() -> "models.QuerySet[Registration]":
    return Registration.objects.filter(
        event__end__lt=_ended_before(settings.SENSITIVE_NEEDS_RETENTION_DAYS)
    ).exclude(accessibility_needs="", dietary_needs="")


def _remove_sensitive_needs(registrations: "models.QuerySet[Registration]") -> int:
    """Blank the needs, and their old values in the action log."""
    ids = list(registrations.values_list("pk", flat=True))
    entries = ActionLogEntry.objects.filter(
        content_type__app_label="registrations",
        content_type__model="registration",
        object_id__in=ids,
    )
    for entry in entries:
        kept = {
            name: values for name, values in entry.changes.items() if name not in SENSITIVE_NEEDS
        }
        if kept != entry.changes:
            entry.changes = kept
            entry.save(update_fields=["changes"])
    return Registration.objects.filter(pk__in=ids).update(accessibility_needs="", dietary_needs="")


PURGE = Actor.system("manage.py purge_personal_data")


@transaction.atomic
def personal_data_purge(*, older_than_days: int, dry_run: bool = False) -> PurgeCounts:
    """The retention rules, idempotent: anonymise the entries of events that ended more than
    `older_than_days` ago, remove sensitive needs SENSITIVE_NEEDS_RETENTION_DAYS after the
    event, and delete the mail the worker has sent."""
    old_entries = _entries_of_events_ended_before(older_than_days)
    needs_due = _sensitive_needs_due()
    if dry_run:
        return PurgeCounts(
            entries_anonymised=old_entries.entries(),
            needs_removed=needs_due.count(),
            mail_results_deleted=prune_sent_mail(dry_run=True),
            mail_records_deleted=_mail_records_of_events_ended_before(older_than_days).count(),
        )
    needs_removed = _remove_sensitive_needs(needs_due)
    _erase(old_entries, actor=PURGE)
    return PurgeCounts(
        entries_anonymised=old_entries.entries(),
        needs_removed=needs_removed,
        mail_results_deleted=prune_sent_mail(),
        mail_records_deleted=_mail_records_of_events_ended_before(older_than_days).delete()[0],
    )
