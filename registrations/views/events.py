"""Public event pages: list, detail, calendar file."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from registrations import selectors
from registrations.calendar import event_calendar, event_location
from registrations.models import PrivacyNotice, privacy_notice_version
from registrations.views.next_step import event_next_step


def event_list(request: HttpRequest) -> HttpResponse:
    upcoming, past = selectors.upcoming_and_past_events()
    return render(request, "registrations/event_list.html", {"upcoming": upcoming, "past": past})


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.published_event(slug=slug, with_programme=True)
    return render(
        request,
        "registrations/event_detail.html",
        {
            "event": event,
            "location": event_location(event),
            "next_step": event_next_step(event=event),
        },
    )


def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.published_event(slug=slug)
    response = HttpResponse(event_calendar(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


def privacy_notice(request: HttpRequest, version: str | None = None) -> HttpResponse:
    """The notice published last (the built-in text until organisers publish one), or an
    earlier published version, which consent records name."""
    published = PrivacyNotice.objects.published()
    notice = (
        get_object_or_404(published, version=version)
        if version is not None
        else published.current()
    )
    return render(
        request,
        "registrations/privacy.html",
        {
            "notice": notice,
            "version": notice.version if notice is not None else privacy_notice_version(),
            "versions": published.order_by("-published_at", "-pk"),
            "needs_retention_days": settings.SENSITIVE_NEEDS_RETENTION_DAYS,
        },
    )
