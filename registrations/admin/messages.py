"""Messages to an event's people: written as a draft, previewed with one recipient's data, sent
by the worker; once sent, the page shows how far the sending got and who received it."""

from datetime import datetime
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from registrations.emails import render_templated_email
from registrations.models import MessageSegment, MessageState, OrganiserMessage
from registrations.organiser_roles import Capability
from registrations.selectors import message_recipients
from registrations.services.action_log import Actor
from registrations.services.errors import ServiceError
from registrations.services.messages import message_save_draft, message_send, message_send_rest
from registrations.tasks.messages import (
    organiser_message_mail,
    pending_recipients,
    recipient_person,
)

from .meetings import ServiceAdminForm, ServiceFormAdmin

# The recipients a sent message's page lists; the count and progress cover all of them.
RECIPIENTS_SHOWN = 200


class OrganiserMessageForm(ServiceAdminForm):
    class Meta:
        model = OrganiserMessage
        fields = ["event", "segment", "subject", "body"]

    def run_service(self, data: dict[str, Any]) -> OrganiserMessage:
        message = self.instance
        for name, value in data.items():
            setattr(message, name, value)
        return message_save_draft(message=message, actor=self.actor)


@admin.register(OrganiserMessage)
class OrganiserMessageAdmin(ServiceFormAdmin):
    event_path = "event"
    change_capability = Capability.MESSAGE
    form = OrganiserMessageForm
    list_display = ["subject", "event", "segment", "state", "progress", "created_at"]
    list_filter = ["state", "segment", "event"]
    search_fields = ["subject", "body"]
    list_select_related = ["event"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                recipient_count=Count("recipients"),
                sent_count=Count("recipients", filter=Q(recipients__sent_at__isnull=False)),
            )
        )

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["event", "segment", "subject", "body"]
        if obj.state == MessageState.DRAFT:
            return ["event", "segment", "subject", "body", "created_by", "created_at"]
        return [
            "event",
            "segment",
            "subject",
            "body",
            "state",
            "progress",
            "created_by",
            "sent_by",
            "send_started_at",
            "recipients_table",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.state != MessageState.DRAFT:
            return self.get_fields(request, obj)
        # A draft keeps its event; a selection stays a selection (its people are fixed).
        fixed = ["event", "segment"] if obj.segment == MessageSegment.SELECTION else ["event"]
        return [*fixed, "created_by", "created_at"]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "segment":  # a selection is made in the registrations list
            kwargs["choices"] = [
                choice for choice in MessageSegment.choices if choice[0] != MessageSegment.SELECTION
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        """A message that went out is a record: it is looked at, never edited."""
        if obj is not None and obj.state != MessageState.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.state != MessageState.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("sent"))
    def progress(self, message: OrganiserMessage) -> str:
        if message.state == MessageState.DRAFT:
            return "-"
        counts = getattr(message, "recipient_count", None)
        if counts is None:
            total = message.recipients.count()
            sent = message.recipients.filter(sent_at__isnull=False).count()
        else:
            total, sent = counts, message.sent_count  # type: ignore[attr-defined]
        return _("%(sent)d of %(total)d") % {"sent": sent, "total": total}

    @admin.display(description=_("recipients"))
    def recipients_table(self, message: OrganiserMessage) -> str:
        recipients = list(
            message.recipients.select_related("registration", "survey_response")[:RECIPIENTS_SHOWN]
        )
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    recipient_person(recipient).full_name,
                    recipient.email,
                    _local(recipient.sent_at) if recipient.sent_at else _("not yet"),
                )
                for recipient in recipients
            ),
        )
        total = message.recipients.count()
        more = (
            format_html(
                "<p>{}</p>",
                _("The first %(shown)d of %(total)d are listed.")
                % {"shown": len(recipients), "total": total},
            )
            if total > len(recipients)
            else ""
        )
        return format_html(
            '<table><thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>{}',
            _("name"),
            _("email"),
            _("sent at"),
            rows,
            more,
        )

    def may_send(self, request: HttpRequest, message: OrganiserMessage) -> bool:
        """Sending needs the message capability on its event (a sent one is never changed)."""
        return self.has_capability(request, Capability.MESSAGE, message)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None and obj.state == MessageState.DRAFT:
            context.update(draft_preview(obj))
        if obj is not None and obj.state == MessageState.SENDING and self.may_send(request, obj):
            context["waiting_count"] = pending_recipients(obj).count()
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/send/",
                self.admin_site.admin_view(self.send_view),
                name="registrations_organisermessage_send",
            ),
            path(
                "<path:object_id>/send-rest/",
                self.admin_site.admin_view(self.send_rest_view),
                name="registrations_organisermessage_send_rest",
            ),
            *super().get_urls(),
        ]

    def _message_to_send(self, request: HttpRequest, object_id: str) -> OrganiserMessage:
        message = self.get_object(request, unquote(object_id))
        if message is None:
            raise Http404
        if not self.may_send(request, message):
            raise PermissionDenied
        return message

    def send_rest_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        message = self._message_to_send(request, object_id)
        try:
            waiting = message_send_rest(message=message, actor=Actor.organiser(request.user))
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Sending again to the %(count)d not yet mailed.") % {"count": waiting}
            )
        return redirect("admin:registrations_organisermessage_change", message.pk)

    def send_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        message = self._message_to_send(request, object_id)
        if not request.POST.get("checked"):
            messages.error(request, _("Tick the box to confirm that you checked the preview."))
            return redirect("admin:registrations_organisermessage_change", message.pk)
        try:
            message = message_send(message=message, actor=Actor.organiser(request.user))
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Sending to %(count)d people; this page shows how far it got.")
                % {"count": message.recipients.count()},
            )
        return redirect("admin:registrations_organisermessage_change", message.pk)


def draft_preview(message: OrganiserMessage) -> dict[str, Any]:
    """The draft page's preview: the mail as its first recipient gets it, and how many would."""
    recipients = message_recipients(message)
    first = recipients.first()
    context: dict[str, Any] = {"recipient_count": recipients.count(), "preview": None}
    if first is not None and message.subject and message.body:
        mail = render_templated_email(**organiser_message_mail(message, first))
        context["preview"] = {
            "to": first.email,
            "subject": mail.subject,
            "text": mail.body,
            "html": mail.alternatives[0][0],
        }
    return context


def _local(when: datetime) -> str:
    """In the active zone: the event's (ServiceFormAdmin.changeform_view)."""
    return formats.date_format(timezone.localtime(when), "j M Y, H:i:s")
