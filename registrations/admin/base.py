"""The base class of every ModelAdmin of the project: what all organiser pages share.

Today that is the action log: each change page shows its object's history, and an organiser's
edit through an admin form is logged like any service's change. Keep shared admin behaviour
here, so there is one place to add to (per-event permissions come next).
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.forms import ModelForm
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from registrations.models import ActionLogEntry, Event
from registrations.services.action_log import (
    SECRET_FIELDS,
    Actor,
    FieldChanges,
    action_log_for,
    log_action,
    loggable,
)

ADDED_IN_THE_ADMIN = "added in the admin"
EDITED_IN_THE_ADMIN = "edited in the admin"

# Set on the admin form between save_model and save_related (see EventsiteModelAdmin).
_PENDING_CHANGES = "_action_log_pending_changes"


@dataclass(frozen=True)
class HistoryRow:
    """One action log entry as the history panel shows it (every part escaped or plain text)."""

    time: str
    time_iso: str
    action: str
    actor: str
    changes: list[SafeString]


def entry_zone(entry: ActionLogEntry) -> datetime.tzinfo:
    """The event's time zone for an entry about an event, else the site's."""
    return entry.event.tzinfo if entry.event is not None else timezone.get_default_timezone()


def entry_time(entry: ActionLogEntry) -> str:
    """The time in the zone of the entry's event: "30 Nov 2026, 14:05:09 (Europe/Berlin)"."""
    zone = entry_zone(entry)
    local = timezone.localtime(entry.created_at, zone)
    return f"{formats.date_format(local, 'j M Y, H:i:s')} ({zone})"


def shown_value(value: Any) -> str:
    """A logged value as text: nothing shown as "—", lists joined with commas."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def field_label(model: type[models.Model] | None, name: str) -> str:
    """The field's verbose name where the model still has the field, else the logged name."""
    if model is None:
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(field.verbose_name) if isinstance(field, models.Field) else name


def change_lines(entry: ActionLogEntry) -> list[SafeString]:
    """ "last name: Müller → Müller-Lüdenscheidt" per changed field, escaped, in the model's
    field order (PostgreSQL's jsonb keeps its own key order, not the logged one)."""
    model = entry.content_type.model_class()
    fields = model._meta.get_fields() if model is not None else []
    position = {field.name: index for index, field in enumerate(fields)}
    changes = sorted(entry.changes.items(), key=lambda item: position.get(item[0], len(position)))
    return [
        format_html("{}: {} → {}", field_label(model, name), shown_value(old), shown_value(new))
        for name, (old, new) in changes
        if name not in SECRET_FIELDS
    ]


def history_rows(entries) -> list[HistoryRow]:
    return [
        HistoryRow(
            time=entry_time(entry),
            time_iso=entry.created_at.isoformat(),
            action=entry.action,
            actor=entry.actor_display,
            changes=change_lines(entry),
        )
        for entry in entries
    ]


def _form_loggable(value: Any) -> Any:
    """As loggable, with times in the active zone (the event's on an Event page)."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if isinstance(value, list | tuple | set | models.QuerySet):
        return sorted(loggable(item) for item in value)
    return loggable(value)


def _related_object(field: models.ForeignKey, key: Any) -> Any:
    """The related row a foreign key's stored value names (the value itself if it is gone)."""
    if key is None:
        return None
    related: type[models.Model] = field.related_model  # type: ignore[assignment] # never "self" here
    found = related._base_manager.filter(**{field.target_field.attname: key}).first()
    return found if found is not None else key


def saved_form_changes(
    form: ModelForm, instance: models.Model, *, many_to_many: bool
) -> FieldChanges:
    """{field: [old, new]} for the form's changed fields, as the instance holds them now.

    The old value is the form's initial one (the row as it was read for the form). The new one
    is read from the saved instance rather than taken from the cleaned data, so a field an
    admin's save_model set back (e.g. a flag that only a service may change) is not logged as
    changed. Fields that are not the model's are logged with their cleaned value.
    """
    changes: FieldChanges = {}
    for name in form.changed_data:
        if name in SECRET_FIELDS:
            continue
        try:
            found = instance._meta.get_field(name)
        except FieldDoesNotExist:
            found = None
        field = found if isinstance(found, models.Field) else None
        if bool(field is not None and field.many_to_many) != many_to_many:
            continue
        old = form.initial.get(name)
        new = form.cleaned_data.get(name) if field is None else field.value_from_object(instance)
        if many_to_many:
            if {getattr(item, "pk", item) for item in old or []} == {
                getattr(item, "pk", item) for item in new or []
            }:
                continue
        elif old == new:
            continue
        elif isinstance(field, models.ForeignKey):
            old, new = _related_object(field, old), getattr(instance, name)
        changes[name] = [_form_loggable(old), _form_loggable(new)]
    return changes


def label_widget(widget: forms.Widget, label: StrOrPromise) -> None:
    """Name an input for assistive technology where the admin's <label> does not reach it; a
    split date-time gets a name for its date and one for its time (the label points at neither)."""
    while isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    if isinstance(widget, forms.SplitDateTimeWidget):
        date, time = widget.widgets
        date.attrs["aria-label"] = format_lazy("{}: {}", label, _("date"))
        time.attrs["aria-label"] = format_lazy("{}: {}", label, _("time"))
    elif not isinstance(widget, forms.HiddenInput):
        widget.attrs["aria-label"] = label


class LabelledWidgetsMixin:
    """For ModelAdmins: the date and the time of each split date-time get their own names."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        if formfield is not None and isinstance(formfield.widget, forms.SplitDateTimeWidget):
            label_widget(formfield.widget, capfirst(db_field.verbose_name))
        return formfield


class LabelledInlineFormSet(BaseInlineFormSet):
    """A tabular inline's inputs have no <label> (their names are in the column headers): each
    gets one with its row, e.g. "Session 2: Title", the delete box too."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        model = capfirst(self.model._meta.verbose_name)
        row = format_lazy("{} {}", model, index + 1) if index is not None else model
        for field in form.fields.values():
            label_widget(field.widget, format_lazy("{}: {}", row, field.label))


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose every input has an accessible name (LabelledInlineFormSet)."""

    formset = LabelledInlineFormSet


class EventsiteModelAdmin(LabelledWidgetsMixin, admin.ModelAdmin):
    """Shows the object's action log on its change page and logs organiser edits made here."""

    # False for an admin whose save_model routes the edit through a service that logs it
    # itself (else each edit would be logged twice).
    log_admin_edits = True
    # False for pages with nothing to show (the action log's own entries).
    show_action_log = True

    def action_log_event(self, obj: models.Model) -> Event | None:
        """The event an edit of `obj` belongs to: it files the entry and sets its time zone."""
        if isinstance(obj, Event):
            return obj
        event = getattr(obj, "event", None)
        return event if isinstance(event, Event) else None

    def action_log_rows(self, obj: models.Model) -> list[HistoryRow]:
        entries = action_log_for(obj).select_related("event", "content_type")
        return history_rows(entries)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if self.show_action_log and obj is not None and obj.pk is not None:
            context["action_log_rows"] = self.action_log_rows(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request: HttpRequest, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if self.log_admin_edits:
            setattr(form, _PENDING_CHANGES, saved_form_changes(form, obj, many_to_many=False))

    def save_related(self, request: HttpRequest, form, formsets, change) -> None:
        """Write one entry per save, once the many-to-many fields are saved too."""
        super().save_related(request, form, formsets, change)
        if not self.log_admin_edits:
            return
        obj = form.instance
        changes = {
            **getattr(form, _PENDING_CHANGES, {}),
            **saved_form_changes(form, obj, many_to_many=True),
        }
        if change and not changes:
            return
        log_action(
            subject=obj,
            action=EDITED_IN_THE_ADMIN if change else ADDED_IN_THE_ADMIN,
            actor=Actor.organiser(request.user),
            changes=changes,
            event=self.action_log_event(obj),
        )
