"""Public pages of a matchmaking call: the expression of interest and registration by invitation."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation

from registrations import selectors
from registrations.forms.matchmaking import ExpressionOfInterestForm, initial_from_application
from registrations.forms.registration import RegistrationForm
from registrations.services.action_log import Actor
from registrations.services.errors import InvitationUnusable, RegistrationClosed, ServiceError
from registrations.services.matchmaking import (
    DuplicateApplication,
    application_submit,
    invitation_accept,
)
from registrations.views import form_page


@form_page
def application_create(request: HttpRequest, slug: str) -> HttpResponse:
    call = selectors.published_event_call(slug=slug)
    context = {"event": call.event, "call": call}
    if not call.is_open or call.event.is_over():
        return render(request, "registrations/matchmaking/apply_closed.html", context)
    form = ExpressionOfInterestForm(request.POST if request.method == "POST" else None, call=call)
    if request.method == "POST" and form.caught_bot():
        return redirect("registrations:application_thanks", slug=slug)
    if request.method == "POST" and form.is_valid():
        try:
            application_submit(
                call=call,
                details=form.details(),
                actor=Actor.person(),
                language=translation.get_language(),
            )
        except DuplicateApplication:  # the service has emailed the address given: same page
            return redirect("registrations:application_thanks", slug=slug)
        except ServiceError as error:
            form.add_service_error(error)
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
    if refusal := InvitationUnusable.for_invitation(invitation):
        return _unusable(request, context, refusal)
    now = timezone.now()
    if not event.registration_is_open(now):
        return render(
            request,
            "registrations/matchmaking/invitation_not_open.html",
            {
                **context,
                # before the opening the page says when it opens (the invitee is mailed then)
                "not_open_yet": not event.is_over(now) and not event.registration_has_opened(now),
                "opening_scheduled": event.registration_opening_scheduled(now),
                "reason": RegistrationClosed.for_event(event, now).message,
            },
        )
    form = RegistrationForm(
        request.POST if request.method == "POST" else None,
        event=event,
        locked_email=application.contact_email,
        initial=initial_from_application(application),
    )
    if request.method == "POST" and form.caught_bot():
        return redirect("registrations:registration_sent", slug=event.slug)
    if request.method == "POST" and form.is_valid():
        try:  # the email is always the invited address, whatever was posted
            registration = invitation_accept(
                invitation=invitation,
                details=form.details(),
                actor=Actor.person(),
                language=translation.get_language(),
            )
        except InvitationUnusable as refusal:  # used or withdrawn a moment ago
            return _unusable(request, context, refusal)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return redirect("registrations:registration_done", token=registration.token)
    form.show_places()
    return render(
        request, "registrations/matchmaking/invitation_register.html", {**context, "form": form}
    )


def _unusable(request: HttpRequest, context: dict, refusal: InvitationUnusable) -> HttpResponse:
    return render(
        request,
        "registrations/matchmaking/invitation_unavailable.html",
        {**context, "problem": refusal.message},
        status=410,
    )
