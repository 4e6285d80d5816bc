"""The privacy notice, written by the organisers in the admin; each published version kept."""

from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The sections Art. 13 GDPR asks for, in the order the page shows them.
SECTIONS = [
    "controller",
    "data_protection_officer",
    "purposes_and_legal_basis",
    "recipients",
    "retention",
    "rights",
    "supervisory_authority",
]


class PrivacyNoticeQuerySet(models.QuerySet["PrivacyNotice"]):
    def published(self, now: datetime | None = None) -> "PrivacyNoticeQuerySet":
        return self.filter(published_at__lte=now or timezone.now())

    def current(self) -> "PrivacyNotice | None":
        """The notice people consent to now: the one published last."""
        return self.published().order_by("-published_at", "-pk").first()


class PrivacyNotice(models.Model):
    """One version of the notice, with every section Art. 13 GDPR asks for. A published version
    never changes (people consented to it): a change is a new version."""

    version = models.CharField(
        _("version"),
        max_length=32,
        unique=True,
        help_text=_("Stored with every consent given to it, e.g. 2026-11."),
    )
    controller = models.TextField(
        _("controller and contact"),
        help_text=_("Who decides on the processing: name, postal address, email."),
    )
    data_protection_officer = models.TextField(
        _("data protection officer"),
        help_text=_("How to reach the data protection officer (or why none is appointed)."),
    )
    purposes_and_legal_basis = models.TextField(
        _("purposes and legal basis"),
        help_text=_("What the data is used for, and the legal basis of each use (Art. 6 GDPR)."),
    )
    recipients = models.TextField(
        _("recipients"),
        help_text=_("Who receives the data (mail and hosting providers, partners), and where."),
    )
    retention = models.TextField(
        _("retention periods"),
        help_text=_(
            "How long each kind of data is kept: say what manage.py purge_personal_data "
            "is run with, and that accessibility and dietary needs go soon after the event."
        ),
    )
    rights = models.TextField(
        _("your rights"),
        help_text=_(
            "Access, rectification, erasure, restriction, objection and portability; "
            "withdrawing consent; how to exercise them."
        ),
    )
    supervisory_authority = models.TextField(
        _("right to complain"),
        help_text=_("The supervisory authority one may complain to, with its address."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    # django-modeltranslation swaps in a manager class of its own, made at run time (it keeps
    # this queryset's methods), which the type checker's Django plugin cannot look up.
    objects = PrivacyNoticeQuerySet.as_manager()  # type: ignore[django-manager-missing]

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")

    def __str__(self) -> str:
        return f"Privacy notice {self.version}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def sections(self) -> list[tuple[str, str]]:
        """(heading, text) in the order the page shows them."""
        fields = [self._meta.get_field(name) for name in SECTIONS]
        return [
            (str(field.verbose_name).capitalize(), getattr(self, field.name))
            for field in fields
            if isinstance(field, models.Field)
        ]
