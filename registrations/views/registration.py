"""Public registration: the form, its confirmation page and the private registration page."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from registrations import selectors
from registrations.forms.registration import (
    AttendanceModeForm,
    CancelRegistrationForm,
    RegistrationForm,
    SessionsForm,
    initial_from_survey,
)
from registrations.joining import joining_for
from registrations.models import RegistrationSource
from registrations.prefill import PREFILL_PARAMETER, survey_response_from_prefill
from registrations.services.action_log import Actor
from registrations.services.errors import LinkInvalid, RegistrationClosed, ServiceError
from registrations.services.registration import (
    AlreadyRegistered,
    registration_cancel,
    registration_change_mode,
    registration_change_sessions,
    registration_create,
)
from registrations.views import form_page
from registrations.views.next_step import event_next_step


def _closed(request: HttpRequest, event, reason: str) -> HttpResponse:
    """No form: why registration is closed and what the person can do instead."""
    return render(
        request,
        "registrations/registration_closed.html",
        {"event": event, "reason": reason, "next_step": event_next_step(event=event)},
    )


@form_page
def register(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.published_event(slug=slug)
    now = timezone.now()
    if event.invitation_only:
        return _closed(request, event, _("This event is by invitation only."))
    if not event.registration_is_open(now):
        return _closed(request, event, RegistrationClosed.for_event(event, now).message)

    initial, source = {}, RegistrationSource.DIRECT
    prefill = request.GET.get(PREFILL_PARAMETER, "")
    if prefill:
        try:
            response = survey_response_from_prefill(prefill, event=event)
        except LinkInvalid as error:
            messages.warning(request, error.message)
        else:
            initial, source = initial_from_survey(response, event), RegistrationSource.SURVEY

    form = RegistrationForm(
        request.POST if request.method == "POST" else None, event=event, initial=initial
    )
    if request.method == "POST" and form.caught_bot():
        return redirect("registrations:registration_sent", slug=slug)
    if request.method == "POST" and form.is_valid():
        try:
            registration_create(
                event=event,
                details=form.details(),
                source=source,
                actor=Actor.person(),
                language=translation.get_language(),
            )
        except AlreadyRegistered:  # the service has emailed the address its link: same page
            return redirect("registrations:registration_sent", slug=slug)
        except ServiceError as error:
            form.add_service_error(error)
        else:
            return redirect("registrations:registration_sent", slug=slug)
    form.show_places()
    return render(request, "registrations/registration_form.html", {"event": event, "form": form})


def registration_sent(request: HttpRequest, slug: str) -> HttpResponse:
    """After the public form, for a new registration and a repeated one alike: the page tells
    nobody whether an address is registered; the mail to the address says which it was."""
    event = selectors.published_event(slug=slug)
    return render(request, "registrations/registration_sent.html", {"event": event})


def registration_done(request: HttpRequest, token: str) -> HttpResponse:
    """After registering through an invitation, whose link only the invited person has."""
    registration = selectors.registration_by_token(token=token)
    return render(
        request,
        "registrations/registration_done.html",
        {"registration": registration, "event": registration.event},
    )


@never_cache
def registration_manage(request: HttpRequest, token: str) -> HttpResponse:
    registration = selectors.registration_by_token(token=token)
    return _render_manage(request, registration)


def _render_manage(
    request, registration, *, mode_form=None, sessions_form=None, cancel_form=None, status=200
):
    event = registration.event
    changeable = selectors.registration_is_changeable(registration=registration)
    return render(
        request,
        "registrations/registration_manage.html",
        {
            "registration": registration,
            "event": event,
            "changeable": changeable,
            "joining": joining_for(registration),
            "waiting_position": selectors.waiting_list_position(registration=registration),
            "mode_form": mode_form or AttendanceModeForm(registration=registration),
            "cancel_form": cancel_form or CancelRegistrationForm(registration=registration),
            "sessions_form": (
                sessions_form
                or (
                    SessionsForm(registration=registration)
                    if selectors.event_offers_session_choice(event=event)
                    else None
                )
            ),
        },
        status=status,
    )


def _change(request, token, *, form_class, form_name, change, done) -> HttpResponse:
    """Validate one form of the private page, apply it through a service, redirect or re-show."""
    registration = selectors.registration_by_token(token=token)
    form = form_class(request.POST, registration=registration)
    if form.is_valid():
        try:
            change(registration, form.cleaned_data)
        except ServiceError as error:
            if selectors.registration_is_changeable(registration=registration):
                form.add_error(None, error.message)
            else:  # cancelled or over: the page shows no forms, so say it at the top
                messages.error(request, error.message)
                return redirect("registrations:registration_manage", token=token)
        else:
            messages.success(request, done)
            return redirect("registrations:registration_manage", token=token)
    return _render_manage(request, registration, **{form_name: form})


@require_POST
def registration_switch_mode(request: HttpRequest, token: str) -> HttpResponse:
    return _change(
        request,
        token,
        form_class=AttendanceModeForm,
        form_name="mode_form",
        change=lambda registration, data: registration_change_mode(
            registration=registration, attendance_mode=data["attendance_mode"], actor=Actor.person()
        ),
        done=_("Your attendance mode is changed."),
    )


@require_POST
def registration_sessions(request: HttpRequest, token: str) -> HttpResponse:
    return _change(
        request,
        token,
        form_class=SessionsForm,
        form_name="sessions_form",
        change=lambda registration, data: registration_change_sessions(
            registration=registration, sessions=data["sessions"], actor=Actor.person()
        ),
        done=_("Your sessions are saved."),
    )


@require_POST
def registration_cancel_view(request: HttpRequest, token: str) -> HttpResponse:
    return _change(
        request,
        token,
        form_class=CancelRegistrationForm,
        form_name="cancel_form",
        change=lambda registration, data: registration_cancel(
            registration=registration, actor=Actor.person()
        ),
        done=_("Your registration is cancelled. We have emailed you."),
    )
