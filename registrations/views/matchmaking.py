"""Public pages of a matchmaking call: the expression of interest and registration by invitation."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from registrations import selectors
from registrations.forms.matchmaking import ExpressionOfInterestForm, initial_from_application
from registrations.forms.registration import RegistrationForm
from registrations.services.matchmaking import (
    MatchmakingError,
    application_submit,
    invitation_accept,
    invitation_unusable_reason,
)
from registrations.services.registration import RegistrationError, SeatsTaken, closed_reason
from registrations.views import form_page


@form_page
def application_create(request: HttpRequest, slug: str) -> HttpResponse:
    call = selectors.published_event_call(slug=slug)
    context = {"event": call.event, "call": call}
    if not call.is_open or call.event.is_over():
        return render(request, "registrations/matchmaking/apply_closed.html", context)
    form = ExpressionOfInterestForm(request.POST if request.method == "POST" else None, call=call)
    if request.method == "POST" and form.is_valid():
        try:
            application_submit(
                call=call,
                consent_version=settings.PRIVACY_NOTICE_VERSION,
                **form.service_arguments(),
            )
        except MatchmakingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("registrations:application_thanks", slug=slug)
    return render(request, "registrations/matchmaking/apply.html", {**context, "form": form})


def application_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    call = selectors.published_event_call(slug=slug)
    return render(
        request, "registrations/matchmaking/apply_thanks.html", {"event": call.event, "call": call}
    )


@form_page
def invitation_register(request: HttpRequest, token: str) -> HttpResponse:
    """Registration through a single-use invitation link, locked to the invited email."""
    invitation = selectors.invitation_by_token(token=token)
    application = invitation.application
    event = application.event
    context = {"event": event, "application": application}
    if problem := invitation_unusable_reason(invitation):
        return render(
            request,
            "registrations/matchmaking/invitation_unavailable.html",
            {**context, "problem": problem},
            status=410,
        )
    now = timezone.now()
    if not event.registration_is_open(now):
        return render(
            request,
            "registrations/matchmaking/invitation_not_open.html",
            {**context, "reason": closed_reason(event, now)},
        )
    form = RegistrationForm(
        request.POST if request.method == "POST" else None,
        event=event,
        locked_email=application.contact_email,
        initial=initial_from_application(application),
    )
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        del arguments["email"]  # always the invited address, whatever was posted
        try:
            registration = invitation_accept(invitation=invitation, **arguments)
        except SeatsTaken as error:
            form.show_seats_taken(error)
        except (RegistrationError, MatchmakingError) as error:
            form.add_error(None, error.message)
        else:
            return redirect("registrations:registration_done", token=registration.token)
    return render(
        request, "registrations/matchmaking/invitation_register.html", {**context, "form": form}
    )
