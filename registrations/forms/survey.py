"""The public survey forms: a new answer, a change through the private link, a withdrawal.

Plain forms, not model forms: only the fields listed here are ever read from a POST.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from registrations.forms.fields import (
    CountryChoiceField,
    MultiLineField,
    NormalisedEmailField,
    PersonNameField,
    PrivacyConsentField,
    SingleLineField,
)
from registrations.models import Event, OrganisationType
from registrations.selectors import survey_intent_choices
from registrations.services.survey import SURVEY_ANSWER_FIELDS, SurveyAnswer

from . import ServiceForm, field_of
from .bot_trap import BotTrapForm


class SurveyAnswerForm(ServiceForm):
    """Everything a person answers except their email; used as it is to change an answer."""

    submit_label = _("Save my changes")

    first_name = PersonNameField(label=_("First name"), max_length=100)
    last_name = PersonNameField(label=_("Last name"), max_length=100)
    organisation = SingleLineField(label=_("Organisation"), max_length=200)
    organisation_type = forms.ChoiceField(
        label=_("Type of organisation"), choices=[("", "---------"), *OrganisationType.choices]
    )
    job_title = SingleLineField(label=_("Job title"), max_length=150, required=False)
    country = CountryChoiceField(label=_("Country"))
    intent = forms.ChoiceField(label=_("Would you attend?"), widget=forms.RadioSelect)
    notify_when_registration_opens = forms.BooleanField(
        label=_("Email me when registration opens"), required=False
    )
    comment = MultiLineField(
        label=_("Comment (optional)"),
        max_length=2000,
        required=False,
        help_text=_("Anything the organisers should know. At most 2000 characters."),
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "intent", forms.ChoiceField).choices = survey_intent_choices(event=event)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}  # the server's messages, not the browser's
        self.helper.add_input(Submit("submit", self.submit_label))

    def answer(self) -> SurveyAnswer:
        return SurveyAnswer(**{name: self.cleaned_data[name] for name in SURVEY_ANSWER_FIELDS})


class SurveyResponseForm(BotTrapForm, SurveyAnswerForm):
    """A new answer: the email that identifies the person and their consent as well."""

    submit_label = _("Send my answer")
    field_order = ["first_name", "last_name", "email"]

    email = NormalisedEmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We send the private link to change or withdraw your answer to this address."),
    )
    consent = PrivacyConsentField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_tag = False  # survey_form.html writes the tag, around the bot trap too


class SurveyWithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, delete my answer and the personal data in it."),
        error_messages={"required": _("Please tick the box to confirm the deletion.")},
    )

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.add_input(Submit("withdraw", _("Withdraw my answer"), css_class="btn-danger"))
