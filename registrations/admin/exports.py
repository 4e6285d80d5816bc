"""Exports in the admin: CSV of the selected rows (an action) or of every row the list matches,
and the read-only log of every export taken (who took which data, when, with which filters).

A ModelAdmin for survey responses, registrations or expressions of interest derives from
`CsvExportAdmin`; its change list then shows an "Export all matching to CSV" button
(templates/admin/registrations/<model>/change_list.html) and offers the action.
"""

from collections.abc import Iterable

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBadRequest, StreamingHttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registrations.exports import ExportKind, encoded, export_csv_chunks, kind_for_model
from registrations.models import Event, ExportRecord
from registrations.organiser_roles import Capability
from registrations.services.action_log import Actor
from registrations.services.exports import export_record_create

from .base import EventsiteModelAdmin


class CsvExportAdmin(EventsiteModelAdmin):
    @property
    def export_kind(self) -> ExportKind:
        return kind_for_model(self.model)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "export-csv/",
                self.admin_site.admin_view(self.export_all_matching_view),
                name="{}_{}_export_csv".format(*info),
            ),
            *super().get_urls(),
        ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if actions is not None and self.has_export_permission(request):
            actions["export_selected_csv"] = self.get_action("export_selected_csv")
        return actions

    def changelist_view(self, request, extra_context=None):
        if self.has_export_permission(request):
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_export_csv",
                current_app=self.admin_site.name,
            )
            query = request.GET.urlencode()
            extra_context = {
                **(extra_context or {}),
                "export_all_url": f"{url}?{query}" if query else url,
            }
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Export selected to CSV"), permissions=["export"])
    def export_selected_csv(self, request: HttpRequest, queryset):
        if request.POST.get("select_across") == "1":
            filters = f"all selected across the list: {request.GET.urlencode() or 'no filters'}"
        else:
            selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
            filters = "selected ids: " + ", ".join(selected)
        return self.csv_response(request, queryset, filters=filters)

    def export_all_matching_view(self, request: HttpRequest):
        """Everything the change list shows for the same filters, search and date drill-down."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest("These list filters are not valid.")
        filters = f"all matching: {request.GET.urlencode() or 'no filters'}"
        rows = self.scoped(request, changelist.queryset, Capability.EXPORT)
        return self.csv_response(request, rows, filters=filters)

    def csv_response(self, request: HttpRequest, queryset, *, filters: str):
        kind = self.export_kind
        return recorded_csv_response(
            request,
            kind=kind.slug,
            event=self.single_event_of(queryset),
            filters=filters,
            chunks=export_csv_chunks(kind, queryset),
        )

    def single_event_of(self, queryset) -> Event | None:
        """The event of these rows when they all belong to one (named in the record and file)."""
        lookup = self.export_kind.event_lookup
        event_ids = list(queryset.order_by().values_list(lookup, flat=True).distinct()[:2])
        return Event.objects.get(pk=event_ids[0]) if len(event_ids) == 1 else None


def recorded_csv_response(
    request: HttpRequest,
    *,
    kind: str,
    event: Event | None,
    filters: str,
    chunks: Iterable[str],
) -> StreamingHttpResponse:
    """Record the export by the organiser, then stream the CSV text chunks as a download named
    after the kind, the event and the time."""
    export_record_create(
        kind=kind,
        via="admin",
        actor=Actor.organiser(request.user),
        event=event,
        filters=filters,
    )
    name = f"{kind}-{event.slug if event else 'all-events'}-{timezone.now():%Y%m%d-%H%M}"
    return StreamingHttpResponse(
        encoded(chunks),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@admin.register(ExportRecord)
class ExportRecordAdmin(EventsiteModelAdmin):
    """Scoped by the export's event: exports of no one event are for superusers only."""

    event_path = "event"
    list_display = ["created_at", "user", "kind", "event", "via", "filters"]
    list_filter = ["kind", "via", "event"]
    list_select_related = ["user", "event"]
    search_fields = ["user__username", "filters"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
