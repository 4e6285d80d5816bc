"""Matchmaking mail sent by the background worker: review decisions, invitation links, and the
"registration is open" notice to invitees invited before it opened."""

from django_tasks import task

from registrations.emails import absolute_url, mail_each_once, send_templated_email
from registrations.models import (
    ApplicationStatus,
    Event,
    ExpressionOfInterest,
    Invitation,
    InvitationState,
    invitation_state_expression,
)
from registrations.services.action_log import Actor, log_action

DECISION_TEMPLATES = {
    ApplicationStatus.ELIGIBLE: "application_eligible",
    ApplicationStatus.NOT_ELIGIBLE: "application_not_eligible",
    ApplicationStatus.RESERVE: "application_reserve",
}


@task()
def application_decision_email_send(application_id: int, status: str) -> None:
    """Tell the applicant the decision, unless a later decision replaced it before the worker ran
    (that one sends its own email)."""
    application = (
        ExpressionOfInterest.objects.select_related("event").filter(pk=application_id).first()
    )
    if application is None or application.status != status:
        return
    send_templated_email(
        to=application.contact_email,
        template=DECISION_TEMPLATES[ApplicationStatus(status)],
        context={"application": application, "event": application.event},
        language=application.language,
    )


@task()
def invitation_email_send(invitation_id: int, reminder: bool) -> None:
    """Send the single-use link, unless it was used or withdrawn before the worker ran."""
    invitation = (
        Invitation.objects.select_related("application__event")
        .alias(current_state=invitation_state_expression(prefix=""))
        .filter(pk=invitation_id, current_state=InvitationState.INVITED)
        .first()
    )
    if invitation is None:
        return
    application = invitation.application
    send_templated_email(
        to=application.contact_email,
        template="invitation",
        context={
            "application": application,
            "event": application.event,
            "reminder": reminder,
            "invitation_url": absolute_url(invitation.link_path()),
        },
        language=application.language,
    )


def _pending_open_notices(event: Event):
    """Usable invitations whose link went out before the (latest) opening, not yet told."""
    return Invitation.objects.alias(current_state=invitation_state_expression(prefix="")).filter(
        application__event=event,
        application__status=ApplicationStatus.ELIGIBLE,
        current_state=InvitationState.INVITED,
        last_sent_at__lt=event.registration_opens_at,
        open_notice_sent_at__isnull=True,
    )


@task()
def send_invitation_open_notices(event_id: int) -> int:
    """Tell each invitee whose link went out before registration opened that it is open now,
    once each; returns how many were sent.

    Sent as the survey notices are (emails.mail_each_once).
    """
    event = Event.objects.filter(pk=event_id).first()
    if event is None or not event.registration_is_open():
        return 0  # called off or moved: a later opening enqueues its own notices
    sent = mail_each_once(
        _pending_open_notices(event).select_related("application"),
        sent_at_field="open_notice_sent_at",
        mail=lambda invitation: {
            "to": invitation.application.contact_email,
            "template": "invitation_open_notice",
            "context": {
                "application": invitation.application,
                "event": event,
                "invitation_url": absolute_url(invitation.link_path()),
            },
            "language": invitation.application.language,
        },
    )
    _log_open_notices_sent(event, sent)
    return sent


def _log_open_notices_sent(event: Event, sent: int) -> None:
    if sent:
        log_action(
            subject=event,
            event=event,
            action="invitation open notices sent",
            actor=Actor.system("registration opened"),
            changes={"invitees told": [0, sent]},
        )
