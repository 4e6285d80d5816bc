"""Form fields shared by the public forms: clean single-line text, long text, names, emails,
consent, country."""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import lazy
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_stubs_ext import StrOrPromise

from registrations.email_addresses import normalise_email
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


# A web address in a name: a scheme, "www.", or a host name (two labels, the second at least
# two letters, as in evil.example or evil.example/login; "J.Smith" is a name). The dots
# include the ones IDNA reads as dots, so 「evil。example」 is caught too.
_DOT = "[.\u3002\uff0e\uff61]"
_WEB_ADDRESS = re.compile(
    rf"[a-z][a-z0-9+.-]*://|\bwww{_DOT}|[\w-]{{2,}}{_DOT}[^\W\d_]{{2,}}\b", re.IGNORECASE
)


def reject_web_addresses(value: str) -> None:
    """Names appear in our greetings; a link there would be sent out under our name."""
    if _WEB_ADDRESS.search(unicodedata.normalize("NFKC", value)):
        raise ValidationError(_("Please enter a name without a web address."), code="web_address")


class PersonNameField(SingleLineField):
    """A first or last name: one line, and never a web address."""

    default_validators = [*SingleLineField.default_validators, reject_web_addresses]


class NormalisedEmailField(forms.EmailField):
    """An email address in its one spelling (see registrations.email_addresses)."""

    def to_python(self, value):
        address = super().to_python(value)
        return normalise_email(address) if address else address


class MultiLineField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 4})
    default_validators = [reject_control_characters_multi_line]


def _consent_label() -> SafeString:
    return format_html(
        gettext(
            'I agree that my data is processed as described in the <a href="{url}">privacy '
            "notice</a> (version {version})."
        ),
        url=reverse("registrations:privacy"),
        version=privacy_notice_version(),
    )


# Primary keys are 64-bit integers on every database this site runs on; anything outside that
# range cannot name a row, and SQLite raises OverflowError if such a value reaches a query.
_LARGEST_ID = 2**63 - 1


def is_model_id(value) -> bool:
    text = str(value)
    # The length first: int() of thousands of digits is slow, and refused past 4,300.
    fits = text.isascii() and text.isdigit() and len(text) <= len(str(_LARGEST_ID))
    return fits and int(text) <= _LARGEST_ID


class ModelIdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of rows by their ids; a value that cannot be an id is an invalid choice."""

    def _check_values(self, value):
        for item in value:
            if not is_model_id(item):  # answered before it reaches a query
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


class CountryChoices(BaseChoiceIterator):
    """A blank choice, then every country, named and sorted in the active language.

    Built once per language: a callable would be called and its 250 choices normalised again
    each time the field or its widget looks at them.
    """

    def __iter__(self):
        return iter(_countries_in(get_language()).choices)


class _RenderedOptions:
    """The choices and their <option> markup as forms.Select writes it, none selected.

    Like forms.Select, `with_selected` marks only the first option whose value is among the
    given values.
    """

    def __init__(self, choices: list[tuple[str, str]]):
        self.choices = tuple(choices)
        parts: list[str] = []
        self._spans: dict[str, tuple[int, int]] = {}
        self._selected: dict[str, str] = {}
        position = 0
        for value, label in self.choices:
            value = str(value)
            escaped_value, escaped_label = escape(value), conditional_escape(str(label))
            # Each option as select.html includes select_option.html (its final newline too).
            part = f'\n  <option value="{escaped_value}">{escaped_label}</option>\n'
            if value not in self._spans:
                self._spans[value] = (position, position + len(part))
                self._selected[value] = (
                    f'\n  <option value="{escaped_value}" selected>{escaped_label}</option>\n'
                )
            parts.append(part)
            position += len(part)
        self.markup = "".join(parts)

    def with_selected(self, values: list[str]) -> str:
        found = [(self._spans[value], value) for value in values if value in self._spans]
        if not found:
            return self.markup
        (start, end), value = min(found)
        return self.markup[:start] + self._selected[value] + self.markup[end:]


@lru_cache(maxsize=16)
def _countries_in(language: str | None) -> _RenderedOptions:
    """Called with the active language, which names and orders the countries."""
    return _RenderedOptions([("", "---------"), *((code, name) for code, name in countries)])


class CountrySelect(forms.Select):
    """forms.Select for CountryChoices, with the options rendered once per language.

    Rendering some 250 options through the widget templates took most of a form page's time,
    while only the selected option differs between requests. The select tag itself still goes
    through the template; the output is byte for byte forms.Select's. Other choices are
    rendered as forms.Select does.
    """

    _CLOSING = "\n</select>"

    def render(self, name, value, attrs=None, renderer=None):
        if not isinstance(self.choices, CountryChoices) or self.allow_multiple_selected:
            return super().render(name, value, attrs, renderer)
        # Widget.get_context: the name, the value as a list of strings and attributes, without
        # building one option dict per country (ChoiceWidget.optgroups).
        context = forms.Widget.get_context(self, name, value, attrs)
        empty_select = self._render(self.template_name, context, renderer)
        if not empty_select.endswith(self._CLOSING):  # a project template of another shape
            return super().render(name, value, attrs, renderer)
        options = _countries_in(get_language())
        return mark_safe(  # noqa: S308 - both parts are escaped markup
            empty_select[: -len(self._CLOSING)]
            + options.with_selected(context["widget"]["value"])
            + self._CLOSING
        )


class CountryChoiceField(forms.ChoiceField):
    """A country code out of CountryChoices (in the active language at each use)."""

    widget = CountrySelect

    def __init__(self, **kwargs):
        super().__init__(choices=CountryChoices(), **kwargs)


@dataclass(frozen=True)
class FieldGuidance:
    """What the browser may fill in (WCAG 1.3.5) and what to do when the answer is missing or
    not valid, for a question asked under the same field name on several public forms."""

    required: StrOrPromise
    invalid: StrOrPromise | None = None
    autocomplete: str | None = None


_EMAIL = _("Enter your email address, like name@example.org")
_GIVEN_NAME = FieldGuidance(required=_("Enter your given name"), autocomplete="given-name")
_FAMILY_NAME = FieldGuidance(required=_("Enter your family name"), autocomplete="family-name")
_JOB_TITLE = FieldGuidance(required=_("Enter your job title"), autocomplete="organization-title")

# By field name, applied by ServiceForm to every public form (so none can forget it).
FIELD_GUIDANCE: dict[str, FieldGuidance] = {
    "first_name": _GIVEN_NAME,
    "contact_first_name": _GIVEN_NAME,
    "last_name": _FAMILY_NAME,
    "contact_last_name": _FAMILY_NAME,
    "email": FieldGuidance(required=_EMAIL, invalid=_EMAIL, autocomplete="email"),
    "contact_email": FieldGuidance(required=_EMAIL, invalid=_EMAIL, autocomplete="email"),
    "organisation": FieldGuidance(
        required=_("Enter the name of your organisation"), autocomplete="organization"
    ),
    "legal_name": FieldGuidance(
        required=_("Enter the legal name of your organisation"), autocomplete="organization"
    ),
    "job_title": _JOB_TITLE,
    "contact_job_title": _JOB_TITLE,
    "country": FieldGuidance(required=_("Choose a country from the list"), autocomplete="country"),
    "organisation_type": FieldGuidance(required=_("Choose the type of your organisation")),
    "attendance_mode": FieldGuidance(required=_("Choose how you will attend")),
    "intent": FieldGuidance(
        required=_(
            "Choose whether you would attend on site or online, or that you are not sure yet"
        )
    ),
    "sectors": FieldGuidance(required=_("Choose at least one sector")),
    "members_count": FieldGuidance(
        required=_("Enter the number of members, like 120"),
        invalid=_("Enter the number of members as a whole number, like 120"),
    ),
    "offers": FieldGuidance(
        required=_("Describe in a few sentences what your organisation offers")
    ),
    "seeks": FieldGuidance(required=_("Describe in a few sentences what your organisation seeks")),
    "eccp_profile_url": FieldGuidance(
        required=_("Enter the web address of your ECCP profile"),
        invalid=_(
            "Enter the web address of your ECCP profile, like "
            "https://clustercollaboration.eu/cluster-organisations/your-cluster"
        ),
    ),
    "website": FieldGuidance(
        required=_("Enter your organisation's website"),
        invalid=_("Enter a web address, like https://www.cluster.example.eu"),
    ),
}


def apply_field_guidance(field: forms.Field, guidance: FieldGuidance) -> None:
    field.error_messages["required"] = guidance.required
    if guidance.invalid is not None:
        field.error_messages["invalid"] = guidance.invalid
    if guidance.autocomplete is not None:
        field.widget.attrs["autocomplete"] = guidance.autocomplete
