"""The matchmaking call: expressions of interest, eligibility review and invitations."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .common import ConsentRecord, EntryLanguage, NormalisedEmailField, private_token_field
from .events import Event
from .registrations import Registration


class ApplicationCall(models.Model):
    """An event's call for expressions of interest."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="call")
    intro = models.TextField(_("introduction"), blank=True)
    is_open = models.BooleanField(_("open"), default=False)
    eligible_countries = CountryField(
        _("eligible countries"),
        multiple=True,
        blank=True,
        help_text=_("Countries of establishment that may apply. Empty: any country."),
    )

    class Meta:
        verbose_name = _("call for expressions of interest")
        verbose_name_plural = _("calls for expressions of interest")

    def __str__(self) -> str:
        return f"Call: {self.event}"

    def accepts_country(self, country: str) -> bool:
        """Organisations established in `country` may apply (any country if none is listed)."""
        return not self.eligible_countries or country in {c.code for c in self.eligible_countries}


class EligibilityDeclaration(models.Model):
    """A statement applicants declare true, configured per call by the organiser."""

    call = models.ForeignKey(ApplicationCall, on_delete=models.CASCADE, related_name="declarations")
    text = models.CharField(_("text"), max_length=500)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("eligibility declaration")
        verbose_name_plural = _("eligibility declarations")

    def __str__(self) -> str:
        return self.text


class Sector(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.name


class ApplicantType(models.TextChoices):
    CLUSTER = "cluster", _("Cluster organisation")
    BUSINESS_NETWORK = "business_network", _("Business network organisation")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ELIGIBLE = "eligible", _("Eligible")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    RESERVE = "reserve", _("Reserve list")


class ExpressionOfInterest(ConsentRecord, EntryLanguage):
    """A cluster organisation's application; one per organisation (email or legal name)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="applications")
    legal_name = models.CharField(_("legal name"), max_length=200)
    country = CountryField(_("country of establishment"))
    eccp_profile_url = models.URLField(_("ECCP profile URL"), blank=True)
    eccp_registration_requested = models.BooleanField(
        _("ECCP registration requested"), default=False
    )
    organisation_type = models.CharField(
        _("organisation type"), max_length=32, choices=ApplicantType.choices
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), related_name="+")
    members_count = models.PositiveIntegerField(_("number of members"))
    offers = models.TextField(_("what the organisation offers"), max_length=2000)
    seeks = models.TextField(_("what the organisation seeks"), max_length=2000)
    contact_first_name = models.CharField(_("contact first name"), max_length=100)
    contact_last_name = models.CharField(_("contact last name"), max_length=100)
    contact_job_title = models.CharField(_("contact job title"), max_length=150, blank=True)
    contact_email = NormalisedEmailField(_("contact email"), max_length=254)
    declarations_confirmed = models.ManyToManyField(
        EligibilityDeclaration,
        verbose_name=_("declarations confirmed"),
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("review status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
        editable=False,
    )
    decision_reason = models.TextField(
        _("reason given to the applicant"), blank=True, editable=False
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    token = private_token_field()
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        constraints = [
            models.UniqueConstraint(
                "event", Lower("contact_email"), name="one_application_per_email"
            ),
            models.UniqueConstraint(
                "event", Lower("legal_name"), name="one_application_per_legal_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.legal_name} ({self.get_status_display()})"

    @property
    def is_eligible(self) -> bool:
        return self.status == ApplicationStatus.ELIGIBLE


class InvitationState(models.TextChoices):
    NOT_INVITED = "not_invited", _("not invited")
    INVITED = "invited", _("invited")
    REGISTERED = "registered", _("registered")
    WITHDRAWN = "withdrawn", _("withdrawn")


# The one rule for an invitation's state, first match wins: (state, the field that is set).
# Invitation.state reads it in Python; invitation_state_expression() in SQL, for lists and exports.
_INVITATION_STATE_BY_FIELD = [
    (InvitationState.REGISTERED, "used_at"),
    (InvitationState.WITHDRAWN, "revoked_at"),
]


def invitation_state_expression(prefix: str = "invitation__") -> models.Case:
    """The state as a database expression; `prefix` leads from the queried model to Invitation
    ("invitation__" from an expression of interest, "" on invitations themselves)."""
    no_invitation = (
        [models.When(**{f"{prefix}isnull": True}, then=models.Value(InvitationState.NOT_INVITED))]
        if prefix
        else []
    )
    return models.Case(
        *no_invitation,
        *(
            models.When(**{f"{prefix}{field}__isnull": False}, then=models.Value(state))
            for state, field in _INVITATION_STATE_BY_FIELD
        ),
        default=models.Value(InvitationState.INVITED),
        output_field=models.CharField(),
    )


class Invitation(models.Model):
    """A single-use link that lets an eligible applicant register for an invitation-only event."""

    application = models.OneToOneField(
        ExpressionOfInterest, on_delete=models.CASCADE, related_name="invitation"
    )
    token = private_token_field()
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(_("times sent"), default=0)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    used_at = models.DateTimeField(
        _("used at"),
        null=True,
        blank=True,
        help_text=_("When the link was used to register; a used link stays used."),
    )
    open_notice_sent_at = models.DateTimeField(
        _("registration-open notice sent at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the invitee, invited before registration opened, was told it opened."),
    )
    registration = models.OneToOneField(
        Registration,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitation",
        help_text=_("The registration made with the link (empty if it was deleted)."),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"Invitation: {self.application.legal_name}"

    def link_path(self) -> str:
        return reverse("registrations:invitation", kwargs={"token": self.token})

    @property
    def state(self) -> InvitationState:
        for state, field in _INVITATION_STATE_BY_FIELD:
            if getattr(self, field) is not None:
                return state
        return InvitationState.INVITED

    @property
    def is_pending(self) -> bool:
        """Sent and neither used nor withdrawn: its link can still be used."""
        return self.state == InvitationState.INVITED
