"""The whole action log, read-only: every logged change of every object, filterable."""

from django.contrib import admin
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from registrations.models import (
    ActionLogEntry,
    ApplicationCall,
    InterestSurvey,
    Invitation,
    Meeting,
    MeetingRequest,
    MeetingRules,
    MeetingSlot,
    ParticipantProfile,
    Registration,
    ScheduleRun,
)

from .base import EventsiteModelAdmin, change_lines, entry_time


def subjects_with_their_names():
    """The subjects whose names read a related row, fetched with it: one query per subject
    model for the whole list page rather than one per row."""
    return [
        Registration.objects.select_related("event"),
        Invitation.objects.select_related("application"),
        ApplicationCall.objects.select_related("event"),
        InterestSurvey.objects.select_related("event"),
        ParticipantProfile.objects.select_related("registration"),
        MeetingRequest.objects.select_related("sender__registration", "receiver__registration"),
        Meeting.objects.select_related(
            "request__sender__registration", "request__receiver__registration"
        ),
        MeetingRules.objects.select_related("event"),
        MeetingSlot.objects.select_related("event"),
        ScheduleRun.objects.select_related("event"),
    ]


LOG_FIELDS: tuple[str, ...] = (
    "time",
    "event",
    "subject_link",
    "action",
    "actor",
    "changed_fields",
)


@admin.register(ActionLogEntry)
class ActionLogEntryAdmin(EventsiteModelAdmin):
    """Scoped by the entry's event: entries of no event are for superusers only."""

    event_path = "event"
    list_display = ["time", "event", "subject_link", "action", "actor"]
    list_filter = [
        ("event", admin.RelatedOnlyFieldListFilter),
        "actor_kind",
        "action",
        ("content_type", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["actor_label", "action"]
    list_select_related = ["event", "content_type", "actor_user"]
    date_hierarchy = "created_at"
    fields = LOG_FIELDS
    readonly_fields = LOG_FIELDS
    show_action_log = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(GenericPrefetch("subject", subjects_with_their_names()))
        )

    def has_add_permission(self, request):
        return False  # entries are written by the services and the admin's edits

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("time"), ordering="created_at")
    def time(self, entry: ActionLogEntry) -> str:
        return entry_time(entry)

    @admin.display(description=_("subject"))
    def subject_link(self, entry: ActionLogEntry) -> str:
        """The object's name, linked to its admin page; only its type and id once deleted."""
        subject = entry.subject
        model = entry.content_type.model_class()
        if subject is None or model is None:
            name = model._meta.verbose_name if model else entry.content_type.model
            return _("%(model)s #%(id)s (deleted)") % {"model": name, "id": entry.object_id}
        if not self.admin_site.is_registered(model):
            return str(subject)
        try:
            url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                args=[subject.pk],
                current_app=self.admin_site.name,
            )
        except NoReverseMatch:
            return str(subject)
        return format_html('<a href="{}">{}</a>', url, subject)

    @admin.display(description=_("actor"), ordering="actor_kind")
    def actor(self, entry: ActionLogEntry) -> str:
        return entry.actor_display

    @admin.display(description=_("changed fields"))
    def changed_fields(self, entry: ActionLogEntry) -> str:
        lines = change_lines(entry)
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)) or "—"
