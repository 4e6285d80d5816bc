"""The forms of a participant's meeting pages: its profile, a meeting request, the answer to one,
its availability, and the catalogue's filters. The services decide what is accepted."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from registrations.models import (
    MeetingSlot,
    OrganisationType,
    ParticipantProfile,
    Sector,
)
from registrations.services.meeting_requests import MESSAGE_LIMIT
from registrations.services.participants import TEXT_LIMITS, ProfileDetails

from . import ServiceForm, field_of
from .fields import (
    CountryChoiceField,
    ModelIdMultipleChoiceField,
    MultiLineField,
    SingleLineField,
)


def slot_words(slot: MeetingSlot) -> str:
    """The slot's day and times in the event's time zone, and its session."""
    return f"{slot} ({slot.session.title})"


class SlotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: MeetingSlot) -> str:  # type: ignore[override]
        return slot_words(obj)


class ProfileForm(ServiceForm):
    description = MultiLineField(
        label=_("About your organisation"),
        max_length=TEXT_LIMITS["description"],
        required=False,
        help_text=_("What it is and who its members are."),
    )
    offers = MultiLineField(
        label=_("What your organisation offers"), max_length=TEXT_LIMITS["offers"], required=False
    )
    seeks = MultiLineField(
        label=_("What your organisation seeks"), max_length=TEXT_LIMITS["seeks"], required=False
    )
    sectors = ModelIdMultipleChoiceField(
        label=_("Sectors"),
        queryset=Sector.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    country = CountryChoiceField(label=_("Country"))
    website = forms.URLField(
        label=_("Website"), max_length=200, required=False, assume_scheme="https"
    )
    attendees = MultiLineField(
        label=_("Who will attend"),
        max_length=TEXT_LIMITS["attendees"],
        required=False,
        help_text=_("Names and roles."),
    )
    is_listed = forms.BooleanField(
        label=_("List us in the catalogue"),
        required=False,
        help_text=_("Other participants can then find your organisation and ask it for meetings."),
    )

    def __init__(self, *args, profile: ParticipantProfile, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "description": profile.description,
                "offers": profile.offers,
                "seeks": profile.seeks,
                "sectors": list(profile.sectors.all()),
                "country": profile.registration.country.code,
                "website": profile.website,
                "attendees": profile.attendees,
                "is_listed": profile.is_listed,
            },
        )
        super().__init__(*args, **kwargs)

    def details(self) -> ProfileDetails:
        data = self.cleaned_data
        return ProfileDetails(
            description=data["description"],
            offers=data["offers"],
            seeks=data["seeks"],
            sectors=list(data["sectors"]),
            website=data["website"],
            attendees=data["attendees"],
            is_listed=data["is_listed"],
            country=data["country"],
        )


class MeetingRequestForm(ServiceForm):
    message = MultiLineField(
        label=_("Short message (optional)"),
        max_length=MESSAGE_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why you would like to meet, in a sentence or two."),
    )


class AcceptForm(ServiceForm):
    """The answer to a request: accept, with a free time if the receiver picks one."""

    slot = SlotChoiceField(
        label=_("Time (optional)"),
        queryset=MeetingSlot.objects.none(),
        required=False,
        empty_label=_("No time now: the schedule will find one"),
    )

    def __init__(self, *args, slots: QuerySet[MeetingSlot], **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "slot", forms.ModelChoiceField).queryset = slots.select_related(
            "event", "session"
        )


class AvailabilityForm(ServiceForm):
    available_slots = ModelIdMultipleChoiceField(
        label=_("Times you can meet"),
        queryset=MeetingSlot.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, slots: QuerySet[MeetingSlot], **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "available_slots", forms.ModelMultipleChoiceField).queryset = slots

    def available_slot_ids(self) -> list[int]:
        return [slot.pk for slot in self.cleaned_data["available_slots"]]


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters, sent by GET; a value that is not a choice is left out."""

    q = SingleLineField(label=_("Search"), max_length=200, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False, empty_label=_("Any")
    )
    organisation_type = forms.ChoiceField(
        label=_("Type of organisation"),
        required=False,
        choices=[("", _("Any")), *OrganisationType.choices],
    )

    def __init__(self, *args, country_codes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"
        field_of(self, "country", forms.ChoiceField).choices = [
            ("", _("Any")),
            *sorted(((code, countries.name(code)) for code in country_codes), key=lambda c: c[1]),
        ]

    def filters(self) -> dict:
        """The valid filters, as selectors.listed_participants takes them."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "country": data.get("country") or None,
            "sector": data.get("sector"),
            "organisation_type": data.get("organisation_type") or None,
            "text": data.get("q") or "",
        }
