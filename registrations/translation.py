"""Event content organisers enter per language (django-modeltranslation finds this module).

Each field below gets a column per language (`title_en`, `title_fi`, `title_de`, `title_fr`) on
the same table; reading `event.title` gives the active language's text, or the English one where
that translation is empty. English is required wherever the field itself is; the other languages
are optional. Names of places, people and organisations, addresses and links stay single.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.signals import pre_save
from modeltranslation.translator import TranslationOptions, register, translator

from registrations.models import (
    ApplicationCall,
    EligibilityDeclaration,
    Event,
    InterestSurvey,
    PrivacyNotice,
    Session,
)
from registrations.models.privacy import SECTIONS


class ContentTranslationOptions(TranslationOptions):
    # English is required where the field is; the model's own validation says so too.
    required_languages = (settings.MODELTRANSLATION_DEFAULT_LANGUAGE,)


@register(Event)
class EventTranslationOptions(ContentTranslationOptions):
    fields = ("title", "summary", "description", "audience", "online_access_notes")


@register(Session)
class SessionTranslationOptions(ContentTranslationOptions):
    # A session's own access notes only override the event's (numbers and codes, mostly), and
    # each translated field adds four columns to the programme table of the event page.
    fields = ("title", "description")


@register(InterestSurvey)
class InterestSurveyTranslationOptions(ContentTranslationOptions):
    fields = ("intro",)


@register(ApplicationCall)
class ApplicationCallTranslationOptions(ContentTranslationOptions):
    fields = ("intro",)


@register(EligibilityDeclaration)
class EligibilityDeclarationTranslationOptions(ContentTranslationOptions):
    fields = ("text",)


@register(PrivacyNotice)
class PrivacyNoticeTranslationOptions(ContentTranslationOptions):
    """The translations belong to the version: a published version keeps every language as it
    was (see PrivacyNoticeAdmin), so a consent record names exactly what was shown."""

    fields = tuple(SECTIONS)


def keep_original_columns_in_english(
    sender: type[models.Model], instance: models.Model, **kwargs: Any
) -> None:
    """Keep each original column (`title`) equal to its English one (`title_en`).

    The admin writes the language columns only, so the original one would keep whatever it
    held. A query made through a model without translations (a registration's `event__title`
    in an export) reads the original column: it reads the English text.
    """
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    for name in translator.get_options_for_model(sender).fields:
        instance.__dict__[name] = getattr(instance, f"{name}_{default}") or ""


for translated_model in translator.get_registered_models(abstract=False):
    pre_save.connect(
        keep_original_columns_in_english,
        sender=translated_model,
        dispatch_uid=f"keep-original-columns-in-english-{translated_model._meta.label}",
    )
