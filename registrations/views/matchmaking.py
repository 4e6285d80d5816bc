"""Public pages of a matchmaking call: the expression-of-interest form and its thank-you page."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from registrations import selectors
from registrations.forms.matchmaking import ExpressionOfInterestForm
from registrations.services.matchmaking import (
    MatchmakingError,
    application_submit,
    invitation_unusable_reason,
)


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


def invitation_register(request: HttpRequest, token: str) -> HttpResponse:
    """Registration through a single-use invitation link."""
    invitation = selectors.invitation_by_token(token=token)
    problem = invitation_unusable_reason(invitation)
    if problem:
        return render(
            request,
            "registrations/matchmaking/invitation_unavailable.html",
            {"event": invitation.application.event, "problem": problem},
            status=410,
        )
    raise Http404
