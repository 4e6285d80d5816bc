from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registrations.models import Event, Session
from registrations.services.registration import registration_fill_free_seats

from .event_report import EventReportMixin
from .registrations import EventRegistrationAdminMixin
from .surveys import event_survey_panel


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["title", "kind", "format", "start", "end", "description"]


@admin.register(Event)
class EventAdmin(EventReportMixin, EventRegistrationAdminMixin, admin.ModelAdmin):
    list_display = ["title", "start", "format", "city", "is_published", "invitation_only"]
    list_filter = ["format", "is_published", "invitation_only", "country"]
    search_fields = ["title", "slug", "city", "organisers"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "start"
    inlines = [SessionInline]
    readonly_fields = ["registration_opened_at", "registration_opened_by", "survey_answers"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "description", "organisers", "audience"]}),
        (
            _("When and where"),
            {
                "fields": ["format", "timezone", "start", "end", "venue", "city", "country"],
                "description": _(
                    "Once the event is saved, its dates and its sessions' dates are entered "
                    "and shown in the event's own time zone."
                ),
            },
        ),
        (
            _("Registration"),
            {
                "fields": [
                    "onsite_capacity",
                    "online_capacity",
                    "invitation_only",
                    "registration_state",
                    "registration_seats",
                    "registration_opens_at",
                    "registration_closes_at",
                    "registration_opened_at",
                    "registration_opened_by",
                ]
            },
        ),
        (_("Publication"), {"fields": ["is_published", "more_info_url"]}),
        (_("Interest survey"), {"fields": ["survey_answers"]}),
    ]
    survey_answers = event_survey_panel

    def save_model(self, request, obj, form, change):
        """More seats (or no limit any more): the people waiting get them at once, in order."""
        super().save_model(request, obj, form, change)
        promoted = registration_fill_free_seats(event=obj)
        if promoted:
            self.message_user(
                request,
                _("%(count)d person(s) moved from the waiting list to a free place and emailed.")
                % {"count": len(promoted)},
            )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Show and read an existing event's dates in the event's own time zone."""
        event = self.get_object(request, object_id) if object_id else None
        if event is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with timezone.override(event.tzinfo):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()  # render now, while the event's zone is active
            return response
