"""The matchmaking call: expressions of interest, eligibility review and invitations.

Each public function is one transaction. Mail goes out only after commit: the applicant's own
confirmation straight away, review decisions and invitations through the background worker.
Registration through an invitation is made by the registration service, in the same transaction.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks.base import Task

from registrations.emails import send_templated_email_on_commit
from registrations.models import (
    ApplicationCall,
    ApplicationStatus,
    EligibilityDeclaration,
    ExpressionOfInterest,
    Invitation,
    Registration,
    RegistrationSource,
    RegistrationStatus,
    Sector,
)
from registrations.services.registration import registration_create
from registrations.tasks import matchmaking as tasks
from registrations.tokens import new_token


class MatchmakingError(Exception):
    """A refused step, with a message for the person who tried it (and the form field, if any)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def eligible_country_names(call: ApplicationCall) -> str:
    return ", ".join(sorted(country.name for country in call.eligible_countries))


def country_is_eligible(*, call: ApplicationCall, country: str) -> bool:
    return not call.eligible_countries or country in {c.code for c in call.eligible_countries}


def _as_read(text: str) -> str:
    """A name as people read it: case and runs of white space do not count."""
    return " ".join(text.split()).casefold()


def application_duplicate_error(
    *, event_id: int, contact_email: str, legal_name: str, exclude_pk: int | None = None
) -> MatchmakingError | None:
    """An answer naming the field that repeats another application (email first), or None.

    Shared by the public form and the admin's edit form (which excludes the edited application).
    Compared in Python, as people read names: runs of white space collapsed, then casefolded.
    No database expression does that on both backends (SQLite's lower() ignores non-ASCII
    letters, and casefold turns ß into ss), so the database constraint alone would let "ŁÓDŹ"
    and "Łódź" both in there; only the two columns of the event's applications are read.
    """
    earlier = (
        ExpressionOfInterest.objects.filter(event_id=event_id)
        .exclude(pk=exclude_pk)
        .values_list("contact_email", "legal_name")
    )
    emails, names = set(), set()
    for email, name in earlier.iterator():
        emails.add(_as_read(email))
        names.add(_as_read(name))
    if _as_read(contact_email) in emails:
        return MatchmakingError(
            _(
                "An expression of interest from this email address has already been received "
                "for this event. Each organisation applies once; please contact the organisers "
                "if something needs to change."
            ),
            field="contact_email",
        )
    if _as_read(legal_name) in names:
        return MatchmakingError(
            _(
                "An expression of interest for an organisation with this legal name has already "
                "been received for this event. Each organisation applies once; please contact "
                "the organisers if something needs to change."
            ),
            field="legal_name",
        )
    return None


@transaction.atomic
def application_submit(
    *,
    call: ApplicationCall,
    legal_name: str,
    country: str,
    eccp_profile_url: str,
    eccp_registration_requested: bool,
    organisation_type: str,
    sectors: Iterable[Sector],
    members_count: int,
    offers: str,
    seeks: str,
    contact_first_name: str,
    contact_last_name: str,
    contact_job_title: str,
    contact_email: str,
    declarations: Iterable[EligibilityDeclaration],
    consent_version: str,
    now: datetime | None = None,
) -> ExpressionOfInterest:
    """Store an expression of interest and email the contact person a confirmation."""
    now = now or timezone.now()
    if not call.is_open or call.event.is_over(now):
        raise MatchmakingError(_("The call for expressions of interest is closed."))
    if not country_is_eligible(call=call, country=country):
        raise MatchmakingError(
            _("The call is open to organisations from: %(countries)s.")
            % {"countries": eligible_country_names(call)},
            field="country",
        )
    required = set(call.declarations.values_list("pk", flat=True))
    declarations = list(declarations)
    if not required <= {declaration.pk for declaration in declarations}:
        raise MatchmakingError(
            _("Please confirm every eligibility declaration."), field="declarations"
        )
    duplicate = dict(event_id=call.event_id, contact_email=contact_email, legal_name=legal_name)
    if error := application_duplicate_error(**duplicate):
        raise error
    try:
        with transaction.atomic():  # a savepoint: a race lost to a twin request is answered too
            application = ExpressionOfInterest.objects.create(
                event_id=call.event_id,
                legal_name=legal_name,
                country=country,
                eccp_profile_url=eccp_profile_url,
                eccp_registration_requested=eccp_registration_requested,
                organisation_type=organisation_type,
                members_count=members_count,
                offers=offers,
                seeks=seeks,
                contact_first_name=contact_first_name,
                contact_last_name=contact_last_name,
                contact_job_title=contact_job_title,
                contact_email=contact_email,
                consent_version=consent_version,
                consented_at=now,
            )
    except IntegrityError as race:  # a twin request committed between the check and the insert
        raise application_duplicate_error(**duplicate) or MatchmakingError(
            _("This expression of interest has already been received.")
        ) from race
    application.sectors.set(sectors)
    application.declarations_confirmed.set(declarations)
    send_templated_email_on_commit(
        to=application.contact_email,
        template="application_received",
        context={"application": application, "event": call.event},
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
    reviewer: AbstractBaseUser | None,
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
        raise MatchmakingError(
            _("Already marked “%(status)s”.") % {"status": application.get_status_display()}
        )
    invitation = (
        Invitation.objects.select_for_update(of=("self",))  # not the outer-joined registration
        .select_related("registration")
        .filter(application=application)
        .first()
    )
    registered = invitation and invitation.registration
    if registered and registered.status != RegistrationStatus.CANCELLED:
        raise MatchmakingError(
            _(
                "Already registered through its invitation; cancel that registration before "
                "changing the decision."
            )
        )
    if invitation and status != ApplicationStatus.ELIGIBLE and invitation.revoked_at is None:
        invitation.revoked_at = now  # an unused link stops working with the decision
        invitation.save(update_fields=["revoked_at"])
    application.status = status
    application.decision_reason = reason
    application.reviewed_by = reviewer
    application.reviewed_at = now
    application.save(
        update_fields=["status", "decision_reason", "reviewed_by", "reviewed_at", "updated_at"]
    )
    _enqueue_on_commit(tasks.application_decision_email_send, application.pk, status.value)
    return application


@transaction.atomic
def application_mark_eligible(
    *,
    application: ExpressionOfInterest,
    reviewer: AbstractBaseUser | None,
    now: datetime | None = None,
) -> ExpressionOfInterest:
    return _decide(
        application=application, status=ApplicationStatus.ELIGIBLE, reviewer=reviewer, now=now
    )


@transaction.atomic
def application_mark_not_eligible(
    *,
    application: ExpressionOfInterest,
    reviewer: AbstractBaseUser | None,
    reason: str,
    now: datetime | None = None,
) -> ExpressionOfInterest:
    """The reason is sent to the applicant, so it is required."""
    if not reason.strip():
        raise MatchmakingError(_("Please give the reason the applicant will read."), field="reason")
    return _decide(
        application=application,
        status=ApplicationStatus.NOT_ELIGIBLE,
        reviewer=reviewer,
        reason=reason.strip(),
        now=now,
    )


@transaction.atomic
def application_move_to_reserve(
    *,
    application: ExpressionOfInterest,
    reviewer: AbstractBaseUser | None,
    now: datetime | None = None,
) -> ExpressionOfInterest:
    return _decide(
        application=application, status=ApplicationStatus.RESERVE, reviewer=reviewer, now=now
    )


# Invitations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationRun:
    """What an invitation action did, for the organiser's message."""

    sent: int
    skipped: int
    already_registered: int = 0  # of the skipped: invited and registered (not cancelled)


def _enqueue_on_commit(task: Task, *args) -> None:
    transaction.on_commit(lambda: task.enqueue(*args))


def _send(invitation: Invitation, *, reminder: bool, now: datetime) -> None:
    invitation.send_count += 1
    invitation.last_sent_at = now
    invitation.save(update_fields=["send_count", "last_sent_at", "token", "revoked_at", "used_at"])
    _enqueue_on_commit(tasks.invitation_email_send, invitation.pk, reminder)


def _has_active_registration(invitation: Invitation) -> bool:
    registration = invitation.registration
    return registration is not None and registration.status != RegistrationStatus.CANCELLED


@transaction.atomic
def invitations_send(
    *, applications: Iterable[ExpressionOfInterest], now: datetime | None = None
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
            if invitation.revoked_at is None and invitation.used_at is None:
                continue  # already invited: a reminder is a separate, explicit action
            invitation.token = new_token()
            invitation.revoked_at = None
            invitation.used_at = None
        _send(invitation, reminder=False, now=now)
        sent += 1
    return InvitationRun(sent=sent, skipped=len(ids) - sent, already_registered=already_registered)


@transaction.atomic
def invitations_resend(
    *, applications: Iterable[ExpressionOfInterest], now: datetime | None = None
) -> InvitationRun:
    """Send a reminder with the same link to invited applicants who have not registered yet."""
    now = now or timezone.now()
    ids = [application.pk for application in applications]
    pending = (
        Invitation.objects.select_for_update()
        .filter(
            application__in=ids,
            application__status=ApplicationStatus.ELIGIBLE,
            revoked_at__isnull=True,
            used_at__isnull=True,
        )
        .order_by("pk")
    )
    sent = 0
    for invitation in pending:
        _send(invitation, reminder=True, now=now)
        sent += 1
    return InvitationRun(sent=sent, skipped=len(ids) - sent)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, now: datetime | None = None) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.used_at:
        raise MatchmakingError(
            _("This invitation has already been used; cancel the registration instead.")
        )
    if invitation.revoked_at is None:
        invitation.revoked_at = now or timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_unusable_reason(invitation: Invitation) -> str:
    """Why this link cannot be used to register (empty if it can), in words for the invitee.

    Use is recorded in `used_at`, not read from the registration link: that link is cleared if
    the registration is deleted, and the link must not work again then.
    """
    if invitation.used_at:
        return _(
            "This invitation has already been used to register. To change or cancel the "
            "registration, use the private link in your registration confirmation email."
        )
    if invitation.revoked_at or invitation.application.status != ApplicationStatus.ELIGIBLE:
        return _(
            "This invitation has been withdrawn by the organisers. If you think this is a "
            "mistake, please reply to the email that brought you here."
        )
    return ""


def lock_invitation(invitation: Invitation) -> Invitation:
    """Lock the application, then its invitation (the review's order), and read both afresh.

    A module-level function on purpose: the concurrency control test replaces it with plain
    reads to show that without the locks a decision and a registration both get through.
    """
    application = ExpressionOfInterest.objects.select_for_update().get(pk=invitation.application_id)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation.application = application
    return invitation


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, now: datetime | None = None, **registrant: Any
) -> Registration:
    """Register the invited organisation's contact person with a single-use link.

    `registrant` holds registration_create's person and choice arguments; the event, the email
    and the source come from the invitation (passing them too is a TypeError). The application
    and the invitation are locked, so a double submit or a decision made at the same moment
    cannot slip past the checks; the registration is made in the same transaction and links the
    invitation as used.
    """
    now = now or timezone.now()
    invitation = lock_invitation(invitation)
    application = invitation.application
    if reason := invitation_unusable_reason(invitation):
        raise MatchmakingError(reason)
    registration = registration_create(
        event=application.event,
        email=application.contact_email,
        source=RegistrationSource.INVITATION,
        now=now,
        **registrant,
    )
    invitation.registration = registration
    invitation.used_at = now
    invitation.save(update_fields=["registration", "used_at"])
    return registration
