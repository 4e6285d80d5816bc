"""The registrations list, whose actions go through the same services as the public pages."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from registrations import selectors
from registrations.models import CONTACT_FIELDS, Registration
from registrations.services.action_log import Actor
from registrations.services.errors import ServiceError
from registrations.services.messages import message_create_for_selection
from registrations.services.personal_data import registration_delete
from registrations.services.registration import (
    registration_cancel,
    registration_confirm_from_waitlist,
    registration_resend_confirmation,
)

from .actions import apply_to_each as _apply
from .exports import CsvExportAdmin
from .filters import CountriesPresentFilter
from .personal_data import PERSONAL_DATA_ACTIONS, PersonalDataActions


class RegistrationAdminForm(forms.ModelForm):
    def clean_email(self) -> str:
        """The event is read-only here, so the model form skips the (event, lower(email)) check."""
        email = self.cleaned_data["email"]
        if selectors.email_registered(
            event=self.instance.event, email=email, other_than=self.instance
        ):
            raise forms.ValidationError(
                _("Another registration for this event already uses this email address."),
                code="email_taken",
            )
        return email


@admin.register(Registration)
class RegistrationAdmin(PersonalDataActions, CsvExportAdmin):
    event_path = "event"
    form = RegistrationAdminForm
    # Status and mode first: they fit a 1280 px screen without scrolling sideways.
    list_display = [
        "last_name",
        "first_name",
        "status",
        "attendance_mode",
        "organisation",
        "country",
        "event",
        "created_at",
        "checked_in_at",
        "language",
    ]
    # The date filter of a nullable field offers "No date" / "Has date": not yet / checked in.
    list_filter = [
        "event",
        "attendance_mode",
        "status",
        ("country", CountriesPresentFilter),
        "organisation_type",
        "checked_in_at",
        "language",
    ]
    search_fields = ["first_name", "last_name", "email", "organisation"]
    list_select_related = ["event"]
    date_hierarchy = "created_at"
    actions = [
        "confirm_from_waitlist",
        "cancel",
        "resend_confirmation",
        "write_to_selected",
        *PERSONAL_DATA_ACTIONS,
    ]
    readonly_fields = [
        "event",
        "attendance_mode",
        "status",
        "sessions_list",
        "source",
        "language",
        "consent_version",
        "consented_at",
        "waitlisted_at",
        "cancelled_at",
        "checked_in_at",
        "checked_in_by",
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
                    "language",
                    "consent_version",
                    "consented_at",
                    "waitlisted_at",
                    "cancelled_at",
                    "checked_in_at",
                    "checked_in_by",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people register through the form or an invitation

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        """Superusers only; organisers cancel, or erase the person (which keeps the figures)."""
        return request.user.is_superuser

    def delete_model(self, request: HttpRequest, obj: Registration) -> None:
        registration_delete(registration=obj, actor=Actor.organiser(request.user))

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        """Each through the service: a freed seat goes to the first person waiting."""
        for registration in queryset.order_by("pk"):
            self.delete_model(request, registration)

    @admin.display(description=_("sessions"))
    def sessions_list(self, registration: Registration) -> str:
        return ", ".join(session.title for session in registration.sessions.all()) or "-"

    @admin.action(description=_("Confirm from the waiting list"), permissions=["change"])
    def confirm_from_waitlist(self, request, queryset):
        _apply(
            request,
            queryset.order_by("waitlisted_at", "pk"),
            lambda registration: registration_confirm_from_waitlist(
                registration=registration, actor=Actor.organiser(request.user)
            ),
            _("%(count)d confirmed from the waiting list and emailed."),
        )

    @admin.action(
        description=_("Cancel (frees the seat for the next person waiting)"), permissions=["change"]
    )
    def cancel(self, request, queryset):
        _apply(
            request,
            queryset,
            lambda registration: registration_cancel(
                registration=registration, actor=Actor.organiser(request.user)
            ),
            _("%(count)d registration(s) cancelled."),
        )

    @admin.action(description=_("Resend the confirmation email"), permissions=["change"])
    def resend_confirmation(self, request, queryset):
        _apply(
            request,
            queryset,
            lambda registration: registration_resend_confirmation(
                registration=registration, actor=Actor.organiser(request.user)
            ),
            _("Confirmation resent to %(count)d person(s)."),
        )

    @admin.action(description=_("Write to the selected people"), permissions=["message"])
    def write_to_selected(self, request, queryset) -> HttpResponse | None:
        """A draft message to the selection (cancelled registrations left out), opened to write."""
        try:
            message, left_out = message_create_for_selection(
                registrations=queryset, actor=Actor.organiser(request.user)
            )
        except ServiceError as error:
            messages.error(request, error.message)
            return None
        if left_out:
            messages.warning(
                request,
                _("%(count)d cancelled registration(s) left out: they are not written to.")
                % {"count": left_out},
            )
        return redirect("admin:registrations_organisermessage_change", message.pk)
