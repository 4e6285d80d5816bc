"""Matchmaking mail sent by the background worker: review decisions and invitation links."""

from django_tasks import task

from registrations.emails import absolute_url, send_templated_email
from registrations.models import (
    ApplicationStatus,
    ExpressionOfInterest,
    Invitation,
    InvitationState,
    invitation_state_expression,
)

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
    )
