"""Form fields shared by the public forms: clean single-line text, long text, consent."""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from registrations.models import privacy_notice_version


def _has_control_characters(value: str, allowed: str = "") -> bool:
    return any(unicodedata.category(char) == "Cc" and char not in allowed for char in value)


def reject_control_characters_single_line(value: str) -> None:
    if _has_control_characters(value):
        raise ValidationError(
            _("Please use a single line, without line breaks, tabs or control characters."),
            code="control_characters",
        )


def reject_control_characters_multi_line(value: str) -> None:
    if _has_control_characters(value, allowed="\n\r\t"):
        raise ValidationError(
            _("Please remove control characters from this text."), code="control_characters"
        )


class SingleLineField(forms.CharField):
    """Text on one line; surrounding spaces are trimmed, so only spaces counts as empty."""

    default_validators = [reject_control_characters_single_line]


class MultiLineField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 4})
    default_validators = [reject_control_characters_multi_line]


def _consent_label() -> SafeString:
    return format_html(
        'I agree that my data is processed as described in the <a href="{}">privacy '
        "notice</a> (version {}).",
        reverse("registrations:privacy"),
        privacy_notice_version(),
    )


# Primary keys are 64-bit integers on every database this site runs on; anything outside that
# range cannot name a row, and SQLite raises OverflowError if such a value reaches a query.
_LARGEST_ID = 2**63 - 1


def _is_model_id(value) -> bool:
    text = str(value)
    return text.isascii() and text.isdigit() and int(text) <= _LARGEST_ID


class ModelIdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of rows by their ids; a value that cannot be an id is an invalid choice."""

    def _check_values(self, value):
        for item in value:
            if not _is_model_id(item):  # answered before it reaches a query
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        return super()._check_values(value)


class PrivacyConsentField(forms.BooleanField):
    """A required, unticked consent box that links to the privacy notice.

    The label is built lazily, so forms declaring this field can be imported by the URLconf.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", lazy(_consent_label, SafeString)())
        kwargs.setdefault(
            "error_messages",
            {
                "required": _(
                    "Please agree to the privacy notice; we cannot store your data without it."
                )
            },
        )
        super().__init__(required=True, **kwargs)
