"""Background mail for registration: each person's own mails (confirmation, cancellation,
promotion), and the "registration is open" notice to survey respondents.

Run by the worker (`manage.py run_worker`, started by `make run`). A scheduled opening enqueues
the task with run_after = the opening time (the django-tasks database backend supports deferred
tasks), so the notices go out when registration really opens, without a cron job.
"""

from datetime import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from registrations.calendar import registration_calendar
from registrations.checkin_codes import (
    MAIL_IMAGE_CONTENT_ID,
    checkin_code_mail_image,
    shows_checkin_code,
)
from registrations.emails import (
    Attachment,
    absolute_url,
    mail_each_once,
    send_templated_email,
)
from registrations.joining import joining_for
from registrations.models import (
    AttendanceMode,
    Event,
    Registration,
    RegistrationStatus,
    SurveyResponse,
)
from registrations.prefill import MAX_AGE, prefill_value
from registrations.services.action_log import Actor, log_action
from registrations.tasks.matchmaking import send_invitation_open_notices


def enqueue_registration_email(
    *, registration_id: int, template: str, status: str, previous_mode: str = ""
) -> None:
    send_registration_email.enqueue(
        registration_id=registration_id,
        template=template,
        status=status,
        previous_mode=previous_mode,
    )


@task()
def send_registration_email(
    *, registration_id: int, template: str, status: str, previous_mode: str = ""
) -> None:
    """Render and send one person's mail from their registration as it is now.

    Rendered here, not in the request: the event's row lock is never held for it. Skipped if the
    status changed before the worker ran (the later change sent its own mail). `previous_mode`:
    the attendance mode before a switch, named in words in the mode-change mail.
    """
    registration = (
        Registration.objects.select_related("event")
        .prefetch_related("sessions")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or registration.status != status:
        return
    event = registration.event
    checkin_code = template in CHECKIN_CODE_MAILS and shows_checkin_code(registration)
    # The calendar file's words too are in the person's language, as the mail is.
    with translation.override(registration.language):
        send_templated_email(
            to=registration.email,
            template=template,
            context={
                "registration": registration,
                "event": event,
                "manage_url": absolute_url(registration.private_path()),
                "joining": joining_for(registration),
                "previous_mode": AttendanceMode(previous_mode).label if previous_mode else "",
                "checkin_code_cid": MAIL_IMAGE_CONTENT_ID if checkin_code else "",
            },
            language=registration.language,
            attachments=[
                *_calendar_attachments(registration, template),
                *([checkin_code_mail_image(registration)] if checkin_code else []),
            ],
        )


# The mails that give a confirmed on-site attendee a place at the venue carry the QR code.
CHECKIN_CODE_MAILS = {
    "registration_confirmation",
    "registration_mode_changed",
    "registration_promoted",
}


def _calendar_attachments(registration: Registration, template: str) -> list[Attachment]:
    """A confirmed person's entries (a later mail updates them, e.g. after a switch of mode);
    the cancellation mail removes the same entries (harmless where none were ever added)."""
    filename = f"{registration.event.slug}.ics"
    if registration.status == RegistrationStatus.CONFIRMED:
        content = registration_calendar(registration, method="PUBLISH")
        return [Attachment(filename, content, "text/calendar")]
    if template == "registration_cancelled":
        content = registration_calendar(registration, method="CANCEL")
        return [Attachment(filename, content, "text/calendar")]
    return []


def _log_notices_sent(event: Event, sent: int) -> None:
    """The opening as the system carried it out (at its scheduled time, if it had one)."""
    if sent:
        log_action(
            subject=event,
            event=event,
            action="registration-open notices sent",
            actor=Actor.system("registration opened"),
            changes={"notices sent": [0, sent]},
        )


def enqueue_registration_open_notices(*, event_id: int, opens_at: datetime) -> None:
    """Queue the notices to run at the opening time (now, or later if the backend can defer):
    the survey respondents', and, for an event that takes applications (so may have invitees by
    the opening time), the invitees' invited before the opening."""
    takes_applications = (
        Event.objects.filter(pk=event_id)
        .filter(Q(call__isnull=False) | Q(applications__isnull=False))
        .exists()
    )
    queued = [send_registration_open_notices]
    if takes_applications:
        queued.append(send_invitation_open_notices)
    for notices in queued:
        if opens_at > timezone.now() and notices.get_backend().supports_defer:
            notices = notices.using(run_after=opens_at)
        notices.enqueue(event_id=event_id)


def _pending_notices(event_id: int):
    return SurveyResponse.objects.filter(
        survey__event_id=event_id,
        notify_when_registration_opens=True,
        registration_notice_sent_at__isnull=True,
    )


@task()
def send_registration_open_notices(event_id: int) -> int:
    """Email every respondent who asked, once each (emails.mail_each_once); returns how many
    were sent."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None or not event.registration_is_open():
        return 0  # called off or moved: a later opening enqueues its own notices
    register_url = absolute_url(reverse("registrations:register", kwargs={"slug": event.slug}))
    sent = mail_each_once(
        _pending_notices(event_id),
        sent_at_field="registration_notice_sent_at",
        mail=lambda response: {
            "to": response.email,
            "template": "registration_open_notice",
            "context": {
                "event": event,
                "response": response,
                "link_valid_days": MAX_AGE.days,
                "register_url": f"{register_url}?from={prefill_value(response, event)}",
            },
            "language": response.language,
        },
    )
    _log_notices_sent(event, sent)
    return sent
