"""The report page of an event, in the admin: intent against registrations, seats, spread."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path

from registrations.reporting import event_report


class EventReportMixin:
    """Adds <event>/report/ to the Event admin; its change page links there."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/report/",
                self.admin_site.admin_view(self.report_view),
                name="registrations_event_report",
            ),
            *super().get_urls(),
        ]

    def may_view_report(self, request, event) -> bool:
        """Staff who may view the event and its registrations (the survey figures on it need
        the survey responses' view permission too)."""
        return self.has_view_permission(request, event) and request.user.has_perm(
            "registrations.view_registration"
        )

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["may_view_report"] = obj is not None and self.may_view_report(request, obj)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def report_view(self, request, object_id):
        event = self.get_object(request, unquote(object_id))
        if event is None:  # unknown, or not an id at all ("abc", "1%00")
            raise Http404
        if not self.may_view_report(request, event):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": event,
            "title": f"Report: {event.title}",
            "report": event_report(
                event=event,
                include_survey=request.user.has_perm("registrations.view_surveyresponse"),
            ),
        }
        return TemplateResponse(request, "admin/registrations/event/report.html", context)
