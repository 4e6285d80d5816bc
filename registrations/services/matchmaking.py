"""The matchmaking call: expressions of interest, eligibility review and invitations.

Each public function is one transaction, logged with its actor. Mail goes out only after commit:
the applicant's own confirmation straight away, review decisions and invitations through the
background worker. Registration through an invitation is made by the registration service, in
the same transaction.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks.base import Task

from registrations import selectors
from registrations.emails import send_templated_email_on_commit
from registrations.models import (
    ApplicationCall,
    ApplicationStatus,
    EligibilityDeclaration,
    ExpressionOfInterest,
    Invitation,
    InvitationState,
    Registration,
    RegistrationSource,
    RegistrationStatus,
    Sector,
    consent_given,
    invitation_state_expression,
)
from registrations.services.registration import RegistrantDetails, register
from registrations.tasks import matchmaking as tasks
from registrations.tokens import new_token

from .action_log import Actor, field_changes, log_action, snapshot
from .errors import (
    AlreadyEntered,
    InvalidInput,
    InvitationUnusable,
    ServiceError,
    TransitionRefused,
)
from .private_links import email_private_link, emails_private_link_again


@dataclass(frozen=True)
class ApplicationDetails:
    """What an organisation gives in its expression of interest."""

    legal_name: str
    country: str
    eccp_profile_url: str
    eccp_registration_requested: bool
    organisation_type: str
    sectors: Sequence[Sector]
    members_count: int
    offers: str
    seeks: str
    contact_first_name: str
    contact_last_name: str
    contact_job_title: str
    contact_email: str
    declarations: Sequence[EligibilityDeclaration] = ()


# The answers stored as they are in the application's own columns (the rest are relations).
_APPLICATION_COLUMNS = [
    field.name
    for field in fields(ApplicationDetails)
    if field.name not in ("sectors", "declarations")
]


def _nobody_to_email() -> None:
    pass


class DuplicateApplication(AlreadyEntered):
    """Each organisation applies once: the same contact email or legal name came before.

    From the public form nothing tells the sender so: the address they gave is emailed
    (`email_link_again`), and the page is the one a new application gets.
    """

    MESSAGES = {
        "contact_email": gettext_lazy(
            "An expression of interest from this email address has already been received "
            "for this event. Each organisation applies once; please contact the organisers "
            "if something needs to change."
        ),
        "legal_name": gettext_lazy(
            "An expression of interest for an organisation with this legal name has already "
            "been received for this event. Each organisation applies once; please contact "
            "the organisers if something needs to change."
        ),
    }

    def __init__(self, field: str, *, email_link_again: Callable[[], None] = _nobody_to_email):
        super().__init__(self.MESSAGES[field], email_link_again=email_link_again)
        self.field = field

    @classmethod
    def emailing(
        cls, field: str, *, call: ApplicationCall, details: ApplicationDetails, language: str
    ) -> "DuplicateApplication":
        """The refusal that emails the address given in `details` what happened (in the
        language of the form just sent)."""
        return cls(
            field,
            email_link_again=lambda: _email_already_received(field, call, details, language),
        )


def _email_already_received(
    field: str, call: ApplicationCall, details: ApplicationDetails, language: str
) -> None:
    email_private_link(
        to=details.contact_email,
        token=f"application:{call.event_id}:{details.contact_email.lower()}",
        template="application_already_received",
        # Nothing the sender typed: the mail may reach someone else's inbox.
        context={"event": call.event, "same_contact": field == "contact_email"},
        language=language,
    )


def _eligibility_errors(call: ApplicationCall, details: ApplicationDetails) -> list[ServiceError]:
    """The call's rules: an eligible country, an ECCP profile (or one asked for), every
    declaration confirmed. The one place they are checked; the form only presents them."""
    errors = []
    if not call.accepts_country(details.country):
        countries = ", ".join(sorted(country.name for country in call.eligible_countries))
        errors.append(
            ServiceError(
                _("The call is open to organisations from: %(countries)s.")
                % {"countries": countries},
                field="country",
            )
        )
    if not details.eccp_profile_url and not details.eccp_registration_requested:
        errors.append(
            ServiceError(
                _(
                    "Please give your ECCP profile URL, or tick that you have asked to be "
                    "registered on the ECCP."
                ),
                field="eccp_profile_url",
            )
        )
    required = set(call.declarations.values_list("pk", flat=True))
    if not required <= {declaration.pk for declaration in details.declarations}:
        errors.append(
            ServiceError(
                _(
                    "Please confirm every eligibility declaration: the call is open only to "
                    "organisations that meet all of them."
                ),
                field="declarations",
            )
        )
    return errors


def _duplicate_field(call: ApplicationCall, details: ApplicationDetails) -> str | None:
    return selectors.application_duplicate_field(
        event_id=call.event_id, contact_email=details.contact_email, legal_name=details.legal_name
    )


@emails_private_link_again
def application_submit(
    *,
    call: ApplicationCall,
    details: ApplicationDetails,
    actor: Actor,
    language: str = settings.LANGUAGE_CODE,
    now: datetime | None = None,
) -> ExpressionOfInterest:
    """Store an expression of interest and email the contact person a confirmation (in
    `language`, the form's, as every later mail about it).

    A repeat (the same contact email or legal name) is refused with DuplicateApplication, and
    the address given is emailed that the organisation has applied already.
    """
    now = now or timezone.now()
    if not call.is_open or call.event.is_over(now):
        raise ServiceError(_("The call for expressions of interest is closed."))
    InvalidInput.raise_if_any(_eligibility_errors(call, details))
    if field := _duplicate_field(call, details):
        raise DuplicateApplication.emailing(field, call=call, details=details, language=language)
    try:
        with transaction.atomic():  # a savepoint: a race lost to a twin request is answered too
            application = ExpressionOfInterest.objects.create(
                event_id=call.event_id,
                **{name: getattr(details, name) for name in _APPLICATION_COLUMNS},
                language=language,
                **consent_given(now),
            )
    except IntegrityError as race:  # a twin request committed between the check and the insert
        field = _duplicate_field(call, details) or "contact_email"
        raise DuplicateApplication.emailing(
            field, call=call, details=details, language=language
        ) from race
    application.sectors.set(details.sectors)
    application.declarations_confirmed.set(details.declarations)
    log_action(subject=application, event=call.event, action="submitted", actor=actor)
    send_templated_email_on_commit(
        to=application.contact_email,
        template="application_received",
        context={"application": application, "event": call.event},
        language=application.language,
    )
    return application


# Review --------------------------------------------------------------------------------------

_DECISION_FROM = {
    ApplicationStatus.ELIGIBLE: {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.RESERVE,
        ApplicationStatus.NOT_ELIGIBLE,
    },
    ApplicationStatus.NOT_ELIGIBLE: {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.RESERVE,
        ApplicationStatus.ELIGIBLE,
    },
    ApplicationStatus.RESERVE: {
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.ELIGIBLE,
        ApplicationStatus.NOT_ELIGIBLE,
    },
}


def _decide(
    *,
    application: ExpressionOfInterest,
    status: ApplicationStatus,
    actor: Actor,
    now: datetime | None,
    reason: str = "",
) -> ExpressionOfInterest:
    now = now or timezone.now()
    application = (
        ExpressionOfInterest.objects.select_for_update()
        .select_related("event")
        .get(pk=application.pk)
    )
    if application.status not in _DECISION_FROM[status]:
        raise TransitionRefused(
            _("Already marked “%(status)s”.") % {"status": application.get_status_display()}
        )
    invitation = (
        Invitation.objects.select_for_update(of=("self",))  # not the outer-joined registration
        .select_related("registration")
        .filter(application=application)
        .first()
    )
    if invitation and _has_active_registration(invitation):
        raise TransitionRefused(
            _(
                "Already registered through its invitation; cancel that registration before "
                "changing the decision."
            )
        )
    if invitation and status != ApplicationStatus.ELIGIBLE and invitation.revoked_at is None:
        invitation.revoked_at = now  # an unused link stops working with the decision
        invitation.save(update_fields=["revoked_at"])
    before = snapshot(application, ["status", "decision_reason"])
    application.status = status
    application.decision_reason = reason
    application.reviewed_by = actor.user
    application.reviewed_at = now
    application.save(
        update_fields=["status", "decision_reason", "reviewed_by", "reviewed_at", "updated_at"]
    )
    log_action(
        subject=application,
        event=application.event,
        action=f"marked {ApplicationStatus(status).label.lower()}",
        actor=actor,
        changes=field_changes(before, application),
    )
    _enqueue_on_commit(tasks.application_decision_email_send, application.pk, status.value)
    return application


@transaction.atomic
def application_mark_eligible(
    *, application: ExpressionOfInterest, actor: Actor, now: datetime | None = None
) -> ExpressionOfInterest:
    return _decide(application=application, status=ApplicationStatus.ELIGIBLE, actor=actor, now=now)


@transaction.atomic
def application_mark_not_eligible(
    *,
    application: ExpressionOfInterest,
    actor: Actor,
    reason: str,
    now: datetime | None = None,
) -> ExpressionOfInterest:
    """The reason is sent to the applicant, so it is required."""
    if not reason.strip():
        raise ServiceError(_("Please give the reason the applicant will read."), field="reason")
    return _decide(
        application=application,
        status=ApplicationStatus.NOT_ELIGIBLE,
        actor=actor,
        reason=reason.strip(),
        now=now,
    )


@transaction.atomic
def application_move_to_reserve(
    *, application: ExpressionOfInterest, actor: Actor, now: datetime | None = None
) -> ExpressionOfInterest:
    return _decide(application=application, status=ApplicationStatus.RESERVE, actor=actor, now=now)


# Invitations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationRun:
    """What an invitation action did, for the organiser's message."""

    sent: int
    skipped: int
    already_registered: int = 0  # of the skipped: invited and registered (not cancelled)


def _enqueue_on_commit(task: Task[..., None], *args: object) -> None:
    transaction.on_commit(lambda: task.enqueue(*args))


def _send(invitation: Invitation, *, reminder: bool, actor: Actor, now: datetime) -> None:
    invitation.send_count += 1
    invitation.last_sent_at = now
    invitation.save(update_fields=["send_count", "last_sent_at", "token", "revoked_at", "used_at"])
    log_action(
        subject=invitation,
        event=invitation.application.event,
        action="invitation reminder sent" if reminder else "invitation sent",
        actor=actor,
        changes={"send_count": [invitation.send_count - 1, invitation.send_count]},
    )
    _enqueue_on_commit(tasks.invitation_email_send, invitation.pk, reminder)


def _has_active_registration(invitation: Invitation) -> bool:
    registration = invitation.registration
    return registration is not None and registration.status != RegistrationStatus.CANCELLED


@transaction.atomic
def invitations_send(
    *, applications: Iterable[ExpressionOfInterest], actor: Actor, now: datetime | None = None
) -> InvitationRun:
    """Invite each eligible applicant without a working invitation; skip the others.

    A new link (the old one stays dead) goes to an applicant whose earlier link was revoked (say,
    marked not eligible and later eligible again), and to one whose registration through its
    link was cancelled or deleted: the invitation keeps its link to the cancelled registration,
    which registering again reactivates. An applicant registered through its link is skipped.
    """
    now = now or timezone.now()
    ids = [application.pk for application in applications]
    eligible = (
        ExpressionOfInterest.objects.select_for_update()
        .select_related("event")
        .filter(pk__in=ids, status=ApplicationStatus.ELIGIBLE)
        .order_by("pk")
    )
    sent = already_registered = 0
    for application in eligible:
        invitation, created = Invitation.objects.select_related("registration").get_or_create(
            application=application
        )
        if not created:
            if _has_active_registration(invitation):
                already_registered += 1
                continue
            if invitation.is_pending:
                continue  # already invited: a reminder is a separate, explicit action
            invitation.token = new_token()
            invitation.revoked_at = None
            invitation.used_at = None
        _send(invitation, reminder=False, actor=actor, now=now)
        sent += 1
    return InvitationRun(sent=sent, skipped=len(ids) - sent, already_registered=already_registered)


@transaction.atomic
def invitations_resend(
    *, applications: Iterable[ExpressionOfInterest], actor: Actor, now: datetime | None = None
) -> InvitationRun:
    """Send a reminder with the same link to invited applicants who have not registered yet."""
    now = now or timezone.now()
    ids = [application.pk for application in applications]
    pending = (
        Invitation.objects.select_for_update()
        .select_related("application__event")
        .alias(current_state=invitation_state_expression(prefix=""))
        .filter(
            application__in=ids,
            application__status=ApplicationStatus.ELIGIBLE,
            current_state=InvitationState.INVITED,
        )
        .order_by("pk")
    )
    sent = 0
    for invitation in pending:
        _send(invitation, reminder=True, actor=actor, now=now)
        sent += 1
    return InvitationRun(sent=sent, skipped=len(ids) - sent)


@transaction.atomic
def invitation_revoke(
    *, invitation: Invitation, actor: Actor, now: datetime | None = None
) -> Invitation:
    invitation = (Invitation.objects.select_for_update().select_related("application__event")).get(
        pk=invitation.pk
    )
    if invitation.state == InvitationState.REGISTERED:
        raise TransitionRefused(
            _("This invitation has already been used; cancel the registration instead.")
        )
    if invitation.revoked_at is None:
        before = snapshot(invitation, ["revoked_at"])
        invitation.revoked_at = now or timezone.now()
        invitation.save(update_fields=["revoked_at"])
        log_action(
            subject=invitation,
            event=invitation.application.event,
            action="invitation withdrawn",
            actor=actor,
            changes=field_changes(before, invitation),
        )
    return invitation


def lock_invitation(invitation: Invitation) -> Invitation:
    """Lock the application, then its invitation (the review's order), and read both afresh.

    A module-level function on purpose: the concurrency control test replaces it with plain
    reads to show that without the locks a decision and a registration both get through.
    """
    application = (
        ExpressionOfInterest.objects.select_for_update()
        .select_related("event")
        .get(pk=invitation.application_id)
    )
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation.application = application
    return invitation


@emails_private_link_again
def invitation_accept(
    *,
    invitation: Invitation,
    details: RegistrantDetails,
    actor: Actor,
    language: str = settings.LANGUAGE_CODE,
    now: datetime | None = None,
) -> Registration:
    """Register the invited organisation's contact person with a single-use link.

    The email is always the invited address, whatever `details` says. The application and the
    invitation are locked, so a double submit or a decision made at the same moment cannot slip
    past the checks; the registration is made in the same transaction and marks the invitation
    used. An address already registered gets its private link again, as on the public form.
    """
    now = now or timezone.now()
    invitation = lock_invitation(invitation)
    application = invitation.application
    if refusal := InvitationUnusable.for_invitation(invitation):
        raise refusal
    registration = register(
        event=application.event,
        details=replace(details, email=application.contact_email),
        actor=actor,
        source=RegistrationSource.INVITATION,
        language=language,
        now=now,
    )
    before = snapshot(invitation, ["used_at"])
    invitation.registration = registration
    invitation.used_at = now
    invitation.save(update_fields=["registration", "used_at"])
    log_action(
        subject=invitation,
        event=application.event,
        action="invitation used to register",
        actor=actor,
        changes=field_changes(before, invitation),
    )
    return registration
