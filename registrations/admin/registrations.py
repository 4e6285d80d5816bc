"""Registration in the admin: opening and closing it on events, seats per mode, and the
registrations list whose actions go through the same services as the public pages."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from registrations import selectors
from registrations.models import CONTACT_FIELDS, AttendanceMode, Event, Registration
from registrations.services.registration import (
    RegistrationError,
    email_registered,
    registration_cancel,
    registration_close,
    registration_confirm_from_waitlist,
    registration_open,
    registration_resend_confirmation,
)

from .actions import apply_to_each as _apply
from .exporting import CsvExportMixin


def _local_time_field(*, label: str, help_text: str) -> forms.DateTimeField:
    """An optional time, read in the active zone (the event's: see _schedule_view)."""
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=help_text,
    )


class OpenRegistrationForm(forms.Form):
    at = _local_time_field(
        label=_("Open at"),
        help_text=_("Leave empty to open now. A time is read in the event's time zone."),
    )
    explanation = _(
        "Everyone who answered the interest survey and asked to be told gets one email with a "
        "pre-filled registration link, sent by the background worker when registration opens."
    )


class CloseRegistrationForm(forms.Form):
    at = _local_time_field(
        label=_("Close at"),
        help_text=_(
            "Leave empty to close now (or call off a scheduled opening). A time is read in the "
            "event's time zone."
        ),
    )
    explanation = _("People already registered keep their registration.")


class EventRegistrationAdminMixin:
    """Registration controls for EventAdmin: actions, open/close pages, seats per mode."""

    actions = ["open_registration_now", "close_registration"]

    def get_readonly_fields(self, request, obj=None):
        # The opening and closing times are set through "Open registration" and "Close
        # registration": opening also records who opened it and sends the survey notices, and
        # editing the fields directly could reopen registration around the service.
        return [
            *super().get_readonly_fields(request, obj),
            "registration_opens_at",
            "registration_closes_at",
            "registration_state",
            "registration_seats",
        ]

    @admin.display(description=_("registration"))
    def registration_state(self, event: Event) -> str:
        if not event.pk:
            return _("Save the event first.")
        now = timezone.now()
        if event.registration_is_open(now):
            state = _("Open")
        elif event.registration_opens_at and event.registration_opens_at > now:
            state = _("Scheduled to open")
        else:
            state = _("Not open")
        links = format_html(
            '<a class="button" href="{}">{}</a> <a class="button" href="{}">{}</a>',
            reverse("admin:registrations_event_registration_open", args=[event.pk]),
            _("Open registration…"),
            reverse("admin:registrations_event_registration_close", args=[event.pk]),
            _("Close registration…"),
        )
        return format_html("<strong>{}</strong><br>{}", state, links)

    @admin.display(description=_("seats per mode"))
    def registration_seats(self, event: Event) -> str:
        if not event.pk:
            return "-"
        seats = selectors.registration_seats(event=event)
        return format_html_join(
            "",
            "<div>{}: {} confirmed, {} left, {} waiting</div>",
            (
                (
                    AttendanceMode(mode).label,
                    count.confirmed,
                    _("unlimited") if count.left is None else count.left,
                    count.waiting,
                )
                for mode, count in seats.items()
            ),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/registration/open/",
                view(self.open_registration_view),
                name="registrations_event_registration_open",
            ),
            path(
                "<path:object_id>/registration/close/",
                view(self.close_registration_view),
                name="registrations_event_registration_close",
            ),
            *super().get_urls(),
        ]

    def _event_for_change(self, request: HttpRequest, object_id: str) -> Event:
        event = self.get_object(request, object_id)
        if event is None:
            raise Http404
        if not self.has_change_permission(request, event):
            raise PermissionDenied
        return event

    def _registration_page(self, request, event, *, title, form=None, button) -> HttpResponse:
        return TemplateResponse(
            request,
            "admin/registrations/event/registration_change.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": event,
                "event": event,
                "title": title,
                "form": form,
                "button": button,
                "seats": self.registration_seats(event),
            },
        )

    def _back_to_event(self, event: Event) -> HttpResponse:
        return redirect("admin:registrations_event_change", event.pk)

    def _schedule_view(
        self, request: HttpRequest, object_id: str, *, form_class, service, title, button, done
    ) -> HttpResponse:
        """Ask for an optional time (in the event's zone), then open or close through `service`."""
        event = self._event_for_change(request, object_id)
        with timezone.override(event.tzinfo):
            form = form_class(request.POST if request.method == "POST" else None)
            if request.method == "POST" and form.is_valid():
                try:
                    event = service(event=event, by=request.user, at=form.cleaned_data["at"])
                except RegistrationError as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(request, done(event))
                    return self._back_to_event(event)
            return self._registration_page(
                request, event, title=title % {"event": event}, form=form, button=button
            )

    def open_registration_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._schedule_view(
            request,
            object_id,
            form_class=OpenRegistrationForm,
            service=registration_open,
            title=_("Open registration: %(event)s"),
            button=_("Open registration"),
            done=_open_message,
        )

    def close_registration_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._schedule_view(
            request,
            object_id,
            form_class=CloseRegistrationForm,
            service=registration_close,
            title=_("Close registration: %(event)s"),
            button=_("Close registration"),
            done=_close_message,
        )

    @admin.action(description=_("Open registration now"), permissions=["change"])
    def open_registration_now(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        _apply(
            request,
            queryset,
            lambda event: registration_open(event=event, by=request.user),
            _(
                "Registration opened for %(count)d event(s); survey respondents who asked are "
                "being emailed."
            ),
        )

    @admin.action(description=_("Close registration"), permissions=["change"])
    def close_registration(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        _apply(
            request,
            queryset,
            lambda event: registration_close(event=event, by=request.user),
            _("Registration closed for %(count)d event(s)."),
        )


def _in_event_zone(event: Event, when) -> str:
    return timezone.localtime(when, event.tzinfo).strftime("%d %b %Y %H:%M")


def _close_message(event: Event) -> str:
    if event.registration_is_open() or (
        event.registration_opens_at and event.registration_opens_at > timezone.now()
    ):
        return _("Registration for %(event)s closes on %(when)s (%(zone)s).") % {
            "event": event,
            "when": _in_event_zone(event, event.registration_closes_at),
            "zone": event.timezone,
        }
    return _("Registration for %(event)s is closed.") % {"event": event}


def _open_message(event: Event) -> str:
    if event.registration_opens_at > timezone.now():
        return _(
            "Registration for %(event)s opens on %(when)s (%(zone)s); the survey notices go "
            "out then."
        ) % {
            "event": event,
            "when": _in_event_zone(event, event.registration_opens_at),
            "zone": event.timezone,
        }
    return _(
        "Registration for %(event)s is open; survey respondents who asked are being emailed."
    ) % {"event": event}


class RegistrationAdminForm(forms.ModelForm):
    def clean_email(self) -> str:
        """The event is read-only here, so the model form skips the (event, lower(email)) check."""
        email = self.cleaned_data["email"]
        if email_registered(self.instance.event, email, other_than=self.instance):
            raise forms.ValidationError(
                _("Another registration for this event already uses this email address."),
                code="email_taken",
            )
        return email


@admin.register(Registration)
class RegistrationAdmin(CsvExportMixin, admin.ModelAdmin):
    form = RegistrationAdminForm
    list_display = [
        "last_name",
        "first_name",
        "email",
        "organisation",
        "event",
        "attendance_mode",
        "status",
        "country",
        "created_at",
    ]
    list_filter = ["event", "attendance_mode", "status", "country", "organisation_type"]
    search_fields = ["first_name", "last_name", "email", "organisation"]
    list_select_related = ["event"]
    date_hierarchy = "created_at"
    actions = ["confirm_from_waitlist", "cancel", "resend_confirmation"]
    readonly_fields = [
        "event",
        "attendance_mode",
        "status",
        "sessions_list",
        "source",
        "consent_version",
        "consented_at",
        "waitlisted_at",
        "cancelled_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["event", "status", "attendance_mode", "sessions_list", "source"]}),
        (
            _("Person (edit only to correct a mistake)"),
            {"fields": [*CONTACT_FIELDS, "accessibility_needs", "dietary_needs"]},
        ),
        (
            _("Record"),
            {
                "fields": [
                    "consent_version",
                    "consented_at",
                    "waitlisted_at",
                    "cancelled_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people register through the form or an invitation

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # deleting would free a seat without promoting anyone: cancel instead

    @admin.display(description=_("sessions"))
    def sessions_list(self, registration: Registration) -> str:
        return ", ".join(session.title for session in registration.sessions.all()) or "-"

    @admin.action(description=_("Confirm from the waiting list"), permissions=["change"])
    def confirm_from_waitlist(self, request, queryset):
        _apply(
            request,
            queryset.order_by("waitlisted_at", "pk"),
            lambda registration: registration_confirm_from_waitlist(registration=registration),
            _("%(count)d confirmed from the waiting list and emailed."),
        )

    @admin.action(
        description=_("Cancel (frees the seat for the next person waiting)"), permissions=["change"]
    )
    def cancel(self, request, queryset):
        _apply(
            request,
            queryset,
            lambda registration: registration_cancel(registration=registration),
            _("%(count)d registration(s) cancelled."),
        )

    @admin.action(description=_("Resend the confirmation email"), permissions=["change"])
    def resend_confirmation(self, request, queryset):
        _apply(
            request,
            queryset,
            lambda registration: registration_resend_confirmation(registration=registration),
            _("Confirmation resent to %(count)d person(s)."),
        )
