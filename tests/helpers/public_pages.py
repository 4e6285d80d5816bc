"""Every public page in its usual states, with the data each needs: walked by the browser tests
of accessibility (axe-core, screenshots at narrow widths)."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from registrations.models import Registration
from tests.factories import (
    make_meeting_event,
    make_open_event,
    make_participant,
    make_session,
    make_slots,
    make_survey,
    make_survey_response,
    register,
)
from tests.helpers.public_forms import PUBLIC_FORMS, make_public_form


@dataclass
class PublicPages:
    pages: dict[str, str]  # name: path, shown as they are
    forms: dict[str, str]  # name: path of a page whose first form can be sent with errors


def make_public_pages() -> PublicPages:
    """The data behind every public page, and their paths."""
    public_forms = {name: make_public_form(name).url for name in PUBLIC_FORMS}
    event = make_open_event(
        title="European Cluster Conference 2030", onsite_capacity=1, online_capacity=100
    )
    make_session(event, title="Opening plenary")
    register(event, last_name="Järvenpää")  # the last on-site seat: the waiting list shows
    registration: Registration = register(event, attendance_mode="online", last_name="Müller")
    survey = make_survey()
    response = make_survey_response(survey.event)
    meetings_event = make_meeting_event()
    make_slots(meetings_event)
    participant = make_participant(meetings_event, organisation="Klaster Łódź", country="PL")
    make_participant(meetings_event, organisation="Järvenpää Battery Cluster", country="FI")
    token = participant.registration.token
    meetings = {
        f"meetings {page}": reverse(f"registrations:{name}", kwargs={"token": token})
        for page, name in [
            ("overview", "meetings"),
            ("profile", "meetings_profile"),
            ("partners", "meetings_partners"),
            ("availability", "meetings_availability"),
            ("agenda", "meetings_agenda"),
        ]
    }
    pages = {
        "event list": reverse("registrations:event_list"),
        "event page": event.get_absolute_url(),
        "privacy notice": reverse("registrations:privacy"),
        **{f"{name} form": url for name, url in public_forms.items()},
        "survey thanks": reverse("registrations:survey_thanks", kwargs={"slug": survey.event.slug}),
        "survey private page": response.private_path(),
        "registration sent": reverse(
            "registrations:registration_sent", kwargs={"slug": event.slug}
        ),
        "registration private page": registration.private_path(),
        "not found": "/events/no-such-event/",
        **meetings,
    }
    forms = {
        **public_forms,
        "survey change": response.private_path(),
        "meetings profile": meetings["meetings profile"],
        "registration with a full mode": event.get_absolute_url() + "register/",
    }
    return PublicPages(pages=pages, forms=forms)


def site_languages() -> list[str]:
    """The languages a reader can choose: settings.LANGUAGES once LocaleMiddleware picks one."""
    if "django.middleware.locale.LocaleMiddleware" not in settings.MIDDLEWARE:
        return [settings.LANGUAGE_CODE]
    return [code for code, _name in settings.LANGUAGES]


# Empties every answer of the page's first form in <main> and sends it, as a person who pressed
# the button too early: the page comes back with its errors.
SEND_FORM_EMPTY = """() => {
  const form = document.querySelector("main form[method=post]");
  for (const field of form.querySelectorAll("input, select, textarea")) {
    if (["hidden", "submit", "button"].includes(field.type)) continue;
    if (field.type === "checkbox" || field.type === "radio") field.checked = false;
    else field.value = "";
  }
  form.querySelector("[type=submit]").click();
}"""
