"""The public registration form and the forms of the private registration page."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from registrations import selectors
from registrations.forms.fields import (
    CountryChoiceField,
    ModelIdMultipleChoiceField,
    NormalisedEmailField,
    PersonNameField,
    PrivacyConsentField,
    SingleLineField,
)
from registrations.models import (
    AttendanceIntent,
    AttendanceMode,
    Event,
    OrganisationType,
    Registration,
    SurveyResponse,
)
from registrations.services.errors import ServiceError
from registrations.services.registration import RegistrantDetails, SeatsTaken

from . import ServiceForm, field_of, mark_optional
from .bot_trap import BotTrapForm


def _sessions_field(event: Event) -> ModelIdMultipleChoiceField:
    return ModelIdMultipleChoiceField(
        label=_("Sessions you will attend"),
        queryset=event.sessions.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Please choose only sessions of this event.")},
    )


def _mode_label(mode: str, seats: selectors.Seats, *, waiting_list: bool) -> StrOrPromise:
    """The mode with the places a newcomer can still get (people waiting come first)."""
    label = AttendanceMode(mode).label
    free = seats.free_for_newcomer
    if free is None:
        return label
    if free:
        return _("%(mode)s (%(count)s places left)") % {"mode": label, "count": free}
    if waiting_list:
        return _("%(mode)s (no places left: waiting list)") % {"mode": label}
    return _("%(mode)s (no places left)") % {"mode": label}


def waiting_list_choice(mode: str) -> str:
    """The attendance choice of a full mode: choosing it is asking for its waiting list."""
    return f"{mode}{_WAITING_LIST_SUFFIX}"


_WAITING_LIST_SUFFIX = ":waiting_list"


def _mode_choices(
    event: Event, seats: dict[str, selectors.Seats], *, waiting_list: bool
) -> list[tuple[str, StrOrPromise]]:
    return [
        (
            waiting_list_choice(mode) if waiting_list and seats[mode].full else mode.value,
            _mode_label(mode, seats[mode], waiting_list=waiting_list),
        )
        for mode in event.offered_modes
    ]


class RegistrationForm(BotTrapForm, ServiceForm):
    """Explicit fields only: anything else in the POST is ignored."""

    error_summary = _(
        "Your registration was not stored yet: please correct the fields marked below."
    )

    first_name = PersonNameField(label=_("First name"), max_length=100)
    last_name = PersonNameField(label=_("Last name"), max_length=100)
    email = NormalisedEmailField(label=_("Email"), max_length=254)
    organisation = SingleLineField(label=_("Organisation"), max_length=200)
    organisation_type = forms.ChoiceField(
        label=_("Type of organisation"), choices=[("", "---------"), *OrganisationType.choices]
    )
    job_title = SingleLineField(label=_("Job title"), max_length=150, required=False)
    country = CountryChoiceField(label=_("Country"))
    attendance_mode = forms.ChoiceField(label=_("I will attend"), widget=forms.RadioSelect)
    accessibility_needs = SingleLineField(
        label=_("Accessibility needs (on site)"), max_length=500, required=False
    )
    dietary_needs = SingleLineField(
        label=_("Dietary needs (on site)"), max_length=500, required=False
    )
    consent = PrivacyConsentField()

    def __init__(self, *args, event: Event, locked_email: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        mode_field = field_of(self, "attendance_mode", forms.ChoiceField)
        # Plain labels to validate a POST; show_places() adds the places left for display. Each
        # mode's waiting list is a valid answer too: the service decides under its lock whether
        # a place is free after all.
        mode_field.choices = [
            *((mode, AttendanceMode(mode).label) for mode in event.offered_modes),
            *(
                (waiting_list_choice(mode), AttendanceMode(mode).label)
                for mode in event.offered_modes
            ),
        ]
        mode_field.error_messages["invalid_choice"] = _(
            "Please choose one of the attendance modes this event offers."
        )
        if len(event.offered_modes) == 1:
            mode_field.initial = event.offered_modes[0]
        if locked_email:
            self.fields["email"].disabled = True
            self.fields["email"].initial = locked_email
            self.fields["email"].help_text = _("Your invitation is for this address.")
        if selectors.event_offers_session_choice(event=event):
            self.fields["sessions"] = _sessions_field(event)
            mark_optional(self.fields["sessions"])
        if AttendanceMode.ON_SITE not in event.offered_modes:
            del self.fields["accessibility_needs"]
            del self.fields["dietary_needs"]
        # Sessions right after the attendance choice; the rest keeps its declared order.
        declared = list(self.base_fields)
        self.order_fields([*declared[: declared.index("attendance_mode") + 1], "sessions"])

    def show_places(self) -> None:
        """Before the form is shown (not to validate it, which leaves the seats to the service):
        each mode with the places left; a full mode is offered as its waiting list."""
        self.seats = selectors.registration_seats(event=self.event)
        field_of(self, "attendance_mode", forms.ChoiceField).choices = _mode_choices(
            self.event, self.seats, waiting_list=True
        )

    @property
    def full_modes(self) -> list[str]:
        """The offered modes with no place for a newcomer: there, only the waiting list."""
        return [mode for mode, seats in self.seats.items() if seats.full]

    def full_notices(self) -> list[str]:
        """For each full mode, what the person can do instead (as the service would say it)."""
        return [SeatsTaken.for_newcomer(mode, self.seats).message for mode in self.full_modes]

    def add_service_error(self, error: ServiceError) -> None:
        if isinstance(error, SeatsTaken):  # the last places went before this person's turn
            self.add_error(
                "attendance_mode",
                _('%(taken)s To join it, choose "%(choice)s".')
                % {
                    "taken": error.message,
                    "choice": _("%(mode)s (no places left: waiting list)")
                    % {"mode": AttendanceMode(error.attendance_mode).label},
                },
            )
        else:
            super().add_service_error(error)

    def clean_attendance_mode(self) -> str:
        """The mode alone; whether its waiting list was chosen is kept for details()."""
        choice = self.cleaned_data["attendance_mode"]
        self.joins_waiting_list = choice.endswith(_WAITING_LIST_SUFFIX)
        return choice.removesuffix(_WAITING_LIST_SUFFIX)

    def details(self) -> RegistrantDetails:
        data = self.cleaned_data
        return RegistrantDetails(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            organisation=data["organisation"],
            organisation_type=data["organisation_type"],
            job_title=data["job_title"],
            country=data["country"],
            attendance_mode=data["attendance_mode"],
            sessions=list(data.get("sessions", ())),
            accessibility_needs=data.get("accessibility_needs", ""),
            dietary_needs=data.get("dietary_needs", ""),
            join_waiting_list=self.joins_waiting_list,
        )


def initial_from_survey(response: SurveyResponse, event: Event) -> dict:
    """The registration form's starting values from a survey answer (intent as mode)."""
    initial = {
        "first_name": response.first_name,
        "last_name": response.last_name,
        "email": response.email,
        "organisation": response.organisation,
        "organisation_type": response.organisation_type,
        "job_title": response.job_title,
        "country": str(response.country),
    }
    if response.intent != AttendanceIntent.UNDECIDED and response.intent in event.offered_modes:
        initial["attendance_mode"] = response.intent
    return initial


class AttendanceModeForm(forms.Form):
    attendance_mode = forms.ChoiceField(label=_("Switch to"), widget=forms.RadioSelect)

    def __init__(self, *args, registration: Registration, **kwargs):
        super().__init__(*args, **kwargs)
        event = registration.event
        seats = selectors.registration_seats(event=event)
        field_of(self, "attendance_mode", forms.ChoiceField).choices = [
            choice
            for choice in _mode_choices(event, seats, waiting_list=False)
            if choice[0] != registration.attendance_mode
        ]


class SessionsForm(forms.Form):
    def __init__(self, *args, registration: Registration, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sessions"] = _sessions_field(registration.event)
        self.fields["sessions"].initial = list(registration.sessions.all())


class CancelRegistrationForm(forms.Form):
    """Cancelling gives the place away at once, so it takes a deliberate tick."""

    confirm = forms.BooleanField(
        label=_("Yes, cancel my registration."),
        error_messages={"required": _("Please tick the box to confirm the cancellation.")},
    )

    def __init__(self, *args, registration: Registration, **kwargs):
        super().__init__(*args, **kwargs)
