"""Choices and field groups shared by surveys, registrations and applications."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_stubs_ext import StrOrPromise

from registrations.cache_use import cache_quietly, cached_or_none
from registrations.email_addresses import normalise_email
from registrations.tokens import TOKEN_LENGTH, new_token

from .privacy import PrivacyNotice


class OrganisationType(models.TextChoices):
    CLUSTER = "cluster", _("Cluster organisation")
    PUBLIC_AUTHORITY = "public_authority", _("Public authority / policy maker")
    RESEARCH = "research", _("Research or academia")
    COMPANY = "company", _("Company")
    OTHER = "other", _("Other")


class AttendanceMode(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    ONLINE = "online", _("Online")


class AttendanceIntent(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    ONLINE = "online", _("Online")
    UNDECIDED = "undecided", _("Not sure yet")


PRIVATE_LINK_TOKEN = _("private link token")


def private_token_field(
    verbose_name: StrOrPromise = PRIVATE_LINK_TOKEN,
) -> "models.CharField[str, str]":
    return models.CharField(
        verbose_name,
        max_length=TOKEN_LENGTH,
        unique=True,
        default=new_token,
        editable=False,
    )


class NormalisedEmailField(models.EmailField):  # type: ignore[type-arg]
    """An email address kept in its one spelling (registrations.email_addresses) whoever writes
    it (a form, a service, the admin, a command), and looked up in that spelling too."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return normalise_email(value) if value else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return normalise_email(value) if value else value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = self.to_python(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value


class ContactDetails(models.Model):
    """Who a person is: the same fields in the survey and the registration."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = NormalisedEmailField(_("email"), max_length=254)
    organisation = models.CharField(_("organisation"), max_length=200)
    organisation_type = models.CharField(
        _("organisation type"), max_length=32, choices=OrganisationType.choices
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    country = CountryField(_("country"))

    class Meta:
        abstract = True

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


CONTACT_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "organisation",
    "organisation_type",
    "job_title",
    "country",
]


# Every form and every consent reads the version: cached, and forgotten when one is published
# (other processes with their own local cache see it at most this late).
PRIVACY_NOTICE_VERSION_CACHE_KEY = "privacy-notice-version"
PRIVACY_NOTICE_VERSION_CACHE_SECONDS = 60


def privacy_notice_version() -> str:
    """The version of the privacy notice people consent to now: the one place it is read.

    The organisers' notice published last; settings.PRIVACY_NOTICE_VERSION (the built-in
    notice) until they publish one."""
    version = cached_or_none(PRIVACY_NOTICE_VERSION_CACHE_KEY)
    if version is None:
        notice = PrivacyNotice.objects.current()
        version = notice.version if notice is not None else str(settings.PRIVACY_NOTICE_VERSION)
        cache_quietly(
            PRIVACY_NOTICE_VERSION_CACHE_KEY, version, PRIVACY_NOTICE_VERSION_CACHE_SECONDS
        )
    return str(version)


def consent_given(now: datetime) -> dict[str, object]:
    """ConsentRecord's fields for consent given now to the current privacy notice."""
    return {"consent_version": privacy_notice_version(), "consented_at": now}


class EntryLanguage(models.Model):
    """The language a person used on the form (the page's active language when they sent it):
    every later mail to them is written in it (registrations.emails)."""

    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )

    class Meta:
        abstract = True


class ConsentRecord(models.Model):
    """Which version of the privacy notice a person accepted, and when."""

    consent_version = models.CharField(_("privacy notice version"), max_length=32)
    consented_at = models.DateTimeField(_("consent given at"))

    class Meta:
        abstract = True
