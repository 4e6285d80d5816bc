"""The public expression-of-interest form of a matchmaking call."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registrations.forms.fields import (
    CountryChoiceField,
    ModelIdMultipleChoiceField,
    MultiLineField,
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
from registrations.services.matchmaking import country_is_eligible, eligible_country_names


class ExpressionOfInterestForm(forms.Form):
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
    contact_first_name = SingleLineField(label=_("Contact person: first name"), max_length=100)
    contact_last_name = SingleLineField(label=_("Contact person: last name"), max_length=100)
    contact_job_title = SingleLineField(
        label=_("Contact person: job title"), max_length=150, required=False
    )
    contact_email = forms.EmailField(
        label=_("Contact person: email"),
        max_length=254,
        help_text=_("We send the confirmation, our decision and any invitation here."),
    )
    declarations = ModelIdMultipleChoiceField(
        label=_("Eligibility declarations"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick each statement that is true for your organisation; all are required."),
        error_messages={"required": _("Please confirm every eligibility declaration.")},
    )
    consent = PrivacyConsentField()

    def __init__(self, *args, call: ApplicationCall, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.fields["declarations"].queryset = call.declarations.all()
        if not call.declarations.exists():
            del self.fields["declarations"]

    def clean_country(self) -> str:
        country = self.cleaned_data["country"]
        if not country_is_eligible(call=self.call, country=country):
            raise forms.ValidationError(
                _("The call is open to organisations from: %(countries)s."),
                params={"countries": eligible_country_names(self.call)},
                code="country_not_eligible",
            )
        return country

    def clean_declarations(self):
        declarations = self.cleaned_data["declarations"]
        if len(declarations) < self.fields["declarations"].queryset.count():
            raise forms.ValidationError(
                _(
                    "Please confirm every eligibility declaration: the call is open only to "
                    "organisations that meet all of them."
                ),
                code="declarations_missing",
            )
        return declarations

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("eccp_profile_url") and not cleaned.get("eccp_registration_requested"):
            self.add_error(
                "eccp_profile_url",
                _(
                    "Please give your ECCP profile URL, or tick that you have asked to be "
                    "registered on the ECCP."
                ),
            )
        return cleaned

    def service_arguments(self) -> dict:
        """The cleaned answers, named as application_submit expects them."""
        data = dict(self.cleaned_data)
        data.pop("consent")
        data.setdefault("declarations", [])
        return data


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
