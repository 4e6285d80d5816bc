"""Outgoing mail: what the worker sent to whom, and what it could not send."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from registrations.models import OutgoingMail
from registrations.services.action_log import Actor
from registrations.services.outgoing_mail import outgoing_mail_retry

from .base import EventsiteModelAdmin


@admin.register(OutgoingMail)
class OutgoingMailAdmin(EventsiteModelAdmin):
    list_display = ["recipient", "subject", "event", "status", "attempts", "last_attempt_at"]
    list_filter = ["status", "event"]
    search_fields = ["recipient", "subject"]
    list_select_related = ["event"]
    readonly_fields = [
        "recipient",
        "subject",
        "event",
        "status",
        "attempts",
        "last_error",
        "first_attempt_at",
        "last_attempt_at",
        "sent_at",
    ]
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutgoingMail | None = None) -> bool:
        return False

    @admin.action(description=_("Try again now to send the selected mails not sent"))
    def retry_now(self, request: HttpRequest, queryset: "QuerySet[OutgoingMail]") -> None:
        retried = outgoing_mail_retry(mails=queryset, actor=Actor.organiser(request.user))
        self.message_user(
            request,
            ngettext(
                "%(count)d mail goes out again now.",
                "%(count)d mails go out again now.",
                retried,
            )
            % {"count": retried},
            messages.SUCCESS if retried else messages.WARNING,
        )
