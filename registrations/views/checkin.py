"""The check-in desk at the venue: staff scan an attendee's code with a phone, or find them by
name, and check them in once. Staff log in through the admin's login page."""

from datetime import datetime
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from registrations import selectors
from registrations.forms.fields import is_model_id
from registrations.models import Event, Registration
from registrations.organiser_roles import Capability
from registrations.services.action_log import Actor
from registrations.services.checkin import CheckIn, attendee_check_in, check_in_refusal
from registrations.services.errors import ServiceError


def desk_staff_only(view):
    """Logged-in staff whose team may check people in at some event (others: the admin login,
    or 403; each desk answers 404 for an event the user may not check in at); the pages name
    attendees, so no cache keeps them."""

    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not selectors.events_where(request.user, Capability.CHECK_IN).exists():
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wraps(view)(staff_member_required(never_cache(checked)))


@desk_staff_only
@require_GET
def checkin_choose_event(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registrations/checkin/events.html",
        {"events": selectors.checkin_events(user=request.user)},
    )


@desk_staff_only
@require_GET
def checkin_desk(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.checkin_event(slug=slug, user=request.user)
    text = request.GET.get("q", "").strip()[:100]
    found = selectors.checkin_search(event=event, text=text) if text else []
    return render(
        request,
        "registrations/checkin/desk.html",
        {
            "event": event,
            "counts": selectors.checkin_counts(event=event),
            "query": text,
            "results": [
                (registration, check_in_refusal(registration, event)) for registration in found
            ],
        },
    )


@desk_staff_only
@require_POST
def checkin_check_in(request: HttpRequest, slug: str) -> HttpResponse:
    """A scanned code (`code`, sent by static/js/checkin.js as JSON request) or a person found by
    name (`registration`, a plain form post that returns to the search)."""
    event = selectors.checkin_event(slug=slug, user=request.user)
    registration_id = request.POST.get("registration", "")
    try:
        check_in = attendee_check_in(
            event=event,
            actor=Actor.organiser(request.user),
            token=request.POST.get("code", ""),
            registration_id=int(registration_id) if is_model_id(registration_id) else None,
        )
    except ServiceError as error:
        outcome, message = "refused", error.message
    else:
        outcome, message = _outcome(check_in, event)
    if request.headers.get("Accept") == "application/json":
        counts = selectors.checkin_counts(event=event)
        return JsonResponse(
            {
                "outcome": outcome,
                "message": message,
                "checked_in": counts.checked_in,
                "expected": counts.expected,
            }
        )
    level = {"checked-in": messages.SUCCESS, "already": messages.WARNING}.get(
        outcome, messages.ERROR
    )
    messages.add_message(request, level, message)
    desk = reverse("checkin:desk", kwargs={"slug": event.slug})
    query = request.POST.get("q", "")
    return redirect(f"{desk}?{urlencode({'q': query})}" if query else desk)


def _outcome(check_in: CheckIn, event: Event) -> tuple[str, str]:
    registration = check_in.registration
    who = _who(registration)
    if check_in.now:
        return "checked-in", _("Checked in: %(who)s") % {"who": who}
    return "already", _("Already checked in at %(time)s (by %(staff)s): %(who)s") % {
        "time": checked_in_time(registration.checked_in_at, event),
        "staff": registration.checked_in_by or _("a staff member no longer listed"),
        "who": who,
    }


def _who(registration: Registration) -> str:
    return f"{registration.full_name}, {registration.organisation}"


def checked_in_time(moment: datetime | None, event: Event) -> str:
    """09:12 in the event's time zone; with the date when it was not today there."""
    if moment is None:
        return ""
    local = timezone.localtime(moment, event.tzinfo)
    if local.date() == timezone.localdate(timezone=event.tzinfo):
        return date_format(local, "H:i")
    return date_format(local, "d M Y, H:i")
