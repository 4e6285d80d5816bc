"""Event content organisers enter per language (django-modeltranslation finds this module).

Each field below gets a column per language (`title_en`, `title_fi`, `title_de`, `title_fr`) on
the same table; reading `event.title` gives the active language's text, or the English one where
that translation is empty. English is required wherever the field itself is; the other languages
are optional. Names of places, people and organisations, addresses and links stay single.

The original column (`title`) is still written: with the text of the language active when the
row was saved. A query that reads a column by name through another model (the exports'
`event__title_en`) names the English column.
"""

from django.conf import settings
from modeltranslation.translator import TranslationOptions, register

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
