"""The public expression-of-interest form of a matchmaking call.

The call's eligibility rules are checked by the service (application_submit); the form presents
them and shows the service's messages next to the fields.
"""

from dataclasses import fields

from django import forms
from django.utils.translation import gettext_lazy as _

from registrations.forms.fields import (
    CountryChoiceField,
    ModelIdMultipleChoiceField,
    MultiLineField,
    NormalisedEmailField,
    PersonNameField,
    PrivacyConsentField,
    SingleLineField,
)
from registrations.models import (
    ApplicantType,
    ApplicationCall,
    ExpressionOfInterest,
    OrganisationType,
    Sector,
)
from registrations.services.matchmaking import ApplicationDetails

from . import ServiceForm, field_of
from .bot_trap import BotTrapForm

# The answers passed on as they are (the declarations are left out when the call has none).
APPLICATION_FIELDS = [
    field.name for field in fields(ApplicationDetails) if field.name != "declarations"
]


class ExpressionOfInterestForm(BotTrapForm, ServiceForm):
    legal_name = SingleLineField(label=_("Legal name of the organisation"), max_length=200)
    country = CountryChoiceField(label=_("Country of establishment"))
    organisation_type = forms.ChoiceField(
        label=_("Type of organisation"), choices=ApplicantType.choices, widget=forms.RadioSelect
    )
    eccp_profile_url = forms.URLField(
        label=_("ECCP profile URL"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("Your organisation's profile on clustercollaboration.eu."),
    )
    eccp_registration_requested = forms.BooleanField(
        label=_("We have no ECCP profile yet but have asked to be registered"), required=False
    )
    sectors = ModelIdMultipleChoiceField(
        label=_("Sectors"),
        queryset=Sector.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose every sector your members work in."),
    )
    members_count = forms.IntegerField(
        label=_("Number of members"), min_value=1, max_value=1_000_000
    )
    offers = MultiLineField(
        label=_("What your organisation offers"),
        max_length=2000,
        help_text=_("A few sentences for the clusters you might meet."),
    )
    seeks = MultiLineField(label=_("What your organisation seeks"), max_length=2000)
    contact_first_name = PersonNameField(label=_("Contact person: first name"), max_length=100)
    contact_last_name = PersonNameField(label=_("Contact person: last name"), max_length=100)
    contact_job_title = SingleLineField(
        label=_("Contact person: job title"), max_length=150, required=False
    )
    contact_email = NormalisedEmailField(
        label=_("Contact person: email"),
        max_length=254,
        help_text=_("We send the confirmation, our decision and any invitation here."),
    )
    declarations = ModelIdMultipleChoiceField(
        label=_("Eligibility declarations"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the service asks for every one, with its own message
        help_text=_("Tick each statement that is true for your organisation; all are required."),
    )
    consent = PrivacyConsentField()

    def __init__(self, *args, call: ApplicationCall, **kwargs):
        super().__init__(*args, **kwargs)
        declarations = field_of(self, "declarations", forms.ModelMultipleChoiceField)
        declarations.queryset = call.declarations.all()
        if not call.declarations.exists():
            del self.fields["declarations"]

    def details(self) -> ApplicationDetails:
        data = self.cleaned_data
        return ApplicationDetails(
            **{name: data[name] for name in APPLICATION_FIELDS},
            declarations=list(data.get("declarations", [])),
        )


def initial_from_application(application: ExpressionOfInterest) -> dict:
    """The registration form's starting values from the expression of interest."""
    return {
        "first_name": application.contact_first_name,
        "last_name": application.contact_last_name,
        "email": application.contact_email,
        "organisation": application.legal_name,
        "organisation_type": OrganisationType.CLUSTER,
        "job_title": application.contact_job_title,
        "country": application.country.code,
        "sessions": list(application.event.sessions.all()),
    }
