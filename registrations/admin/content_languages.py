"""Event content per language on the admin pages (the fields: registrations/translation.py).

The English text stays where the field always was, and is required where the field is; each
other language has a folded section of its own, so an organiser translating into French finds
every French field in one place. An empty translation shows the English text on the site. The
sections are plain fieldsets (no script: the tabbed interface of django-modeltranslation needs
jQuery UI from a CDN, which the content security policy rightly refuses).
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldOpts
    from django_stubs_ext import StrOrPromise

DEFAULT_LANGUAGE: str = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != DEFAULT_LANGUAGE]


def in_english(name: str) -> str:
    """The English column of a translated field: "title" → "title_en"."""
    return build_localized_fieldname(name, DEFAULT_LANGUAGE)


def in_every_language(name: str) -> list[str]:
    """Every language's column, e.g. for search_fields (a plain "title" would search only the
    admin user's own language): "event__title" → ["event__title_en", "event__title_fi", …]."""
    return [build_localized_fieldname(name, code) for code, _name in settings.LANGUAGES]


def translation_fieldsets(model: type[models.Model]) -> "list[tuple[StrOrPromise, _FieldOpts]]":
    """A folded fieldset per language other than English, with the model's translated fields."""
    translated = translator.get_options_for_model(model).get_field_names()
    names = [field.name for field in model._meta.fields if field.name in translated]
    return [
        (
            format_lazy("{}: {}", _("Translation"), get_language_info(code)["name_local"]),
            {
                "fields": [build_localized_fieldname(name, code) for name in names],
                "classes": ["collapse"],
                "description": _("Leave a field empty to show the English text."),
            },
        )
        for code in OTHER_LANGUAGES
    ]
