"""The base class of every ModelAdmin of the project: what all organiser pages share.

- Scoping by organiser team: each admin declares `event_path`, the ORM path from its model to
  its Event ("self" for Event itself, SHARED or SUPERUSERS_ONLY for rows of no event). Its list,
  change pages, filter choices, autocomplete, actions, custom pages and form choices then hold
  only the events where the user's teams have a role allowing it (selectors.events_where); a
  URL to another team's row answers 404. An admin without `event_path` fails at registration.
- Permissions come from the team's role (organiser_roles.py), not Django's model permissions:
  viewing needs `view_capabilities`, adding, changing and deleting `change_capability`.
  Superusers may do everything.
- The action log: each change page shows its object's history, and an organiser's edit
  through an admin form is logged like any service's change.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.forms import ModelForm
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from registrations import selectors
from registrations.models import ActionLogEntry, Event
from registrations.organiser_roles import Capability
from registrations.services.action_log import (
    SECRET_FIELDS,
    Actor,
    FieldChanges,
    action_log_for,
    log_action,
    loggable,
)

# `event_path` values for rows that belong to no event.
SHARED = "(shared by every event)"  # every organiser reads them, superusers change them
SUPERUSERS_ONLY = "(superusers only)"
EVENT_ITSELF = "self"

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


def event_path_to(model: type[models.Model], depth: int = 3) -> str | None:
    """The ORM path from `model` to its Event for the rows forms offer to choose from: the
    registered admin's `event_path`, else an `event` field, else one through a foreign key
    (EligibilityDeclaration: "call__event"); None for rows of no event."""
    if model is Event:
        return "pk"
    registered = admin.site._registry.get(model)
    if isinstance(registered, EventsiteModelAdmin):
        return registered.event_lookup()
    relations = [
        (field.name, field.related_model)
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey) and isinstance(field.related_model, type)
    ]
    for name, related in relations:
        if related is Event:
            return name
    if depth > 1:
        for name, related in relations:
            if (further := event_path_to(related, depth - 1)) not in (None, "pk"):
                return f"{name}__{further}"
    return None


def scoped_choices(form: forms.BaseForm, event_ids: Iterable[int]) -> None:
    """Narrow every choice of events, or of rows of events, to these events."""
    allowed = list(event_ids)
    for field in form.fields.values():
        if not isinstance(field, forms.ModelChoiceField) or field.queryset is None:
            continue
        path = event_path_to(field.queryset.model)
        if path is not None:
            field.queryset = field.queryset.filter(**{f"{path}__in": allowed})


class EventsiteModelAdmin(LabelledWidgetsMixin, admin.ModelAdmin):
    """Scopes everything by the user's teams' roles, shows the object's action log on its change
    page and logs organiser edits made here."""

    # The ORM path from the model to its Event (see the module's docstring); required.
    event_path: ClassVar[str]
    # Who may see the rows (any one of these), and who may add, change and delete them.
    view_capabilities: ClassVar[tuple[str, ...]] = (Capability.VIEW,)
    change_capability: ClassVar[str] = Capability.EDIT_EVENT
    # False for an admin whose save_model routes the edit through a service that logs it
    # itself (else each edit would be logged twice).
    log_admin_edits = True
    # False for pages with nothing to show (the action log's own entries).
    show_action_log = True

    def __init__(self, model: type[models.Model], admin_site: admin.AdminSite) -> None:
        super().__init__(model, admin_site)
        path = getattr(self, "event_path", None)
        if path is None:
            raise ImproperlyConfigured(
                f"{type(self).__name__} must declare event_path: the path from "
                f"{model.__name__} to its Event, or SHARED or SUPERUSERS_ONLY."
            )
        if path not in (SHARED, SUPERUSERS_ONLY, EVENT_ITSELF):
            target: Any = model
            for name in path.split("__"):
                target = target._meta.get_field(name).related_model
            if target is not Event:
                raise ImproperlyConfigured(f"{type(self).__name__}.event_path leads to {target}.")

    # Scoping --------------------------------------------------------------------------------

    def event_lookup(self) -> str | None:
        """The lookup of the model's event, None for rows of no event."""
        if self.event_path == EVENT_ITSELF:
            return "pk"
        return None if self.event_path in (SHARED, SUPERUSERS_ONLY) else self.event_path

    def event_ids(self, request: HttpRequest, *capabilities: str) -> list[int]:
        """The events where the user may do one of these, read once per request."""
        cache = request.__dict__.setdefault("_events_where", {})
        key = frozenset(capabilities)
        if key not in cache:
            events = selectors.events_where(request.user, *capabilities)
            cache[key] = list(events.values_list("pk", flat=True))
        return cache[key]

    def scoped(self, request: HttpRequest, queryset: models.QuerySet, *capabilities: str):
        """The rows of `queryset` of the events where the user may do one of these."""
        if request.user.is_superuser or self.event_path == SHARED:
            return queryset
        lookup = self.event_lookup()
        if lookup is None:
            return queryset.none()
        return queryset.filter(**{f"{lookup}__in": self.event_ids(request, *capabilities)})

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        capabilities = (*self.view_capabilities, self.change_capability)
        return self.scoped(request, super().get_queryset(request), *capabilities)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None):
        """Another team's row is as unknown as a deleted one: 404, before any permission check
        (a 403 would tell that it exists)."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def has_capability(self, request: HttpRequest, capability: str, obj: Any = None) -> bool:
        return self._allowed(request, obj, capability)

    def _allowed(self, request: HttpRequest, obj: Any, *capabilities: str) -> bool:
        """May the user do one of these on obj's event (on some event when obj is None)?"""
        user = request.user
        if user.is_superuser:
            return True
        if not (user.is_active and user.is_staff) or self.event_path == SUPERUSERS_ONLY:
            return False
        if self.event_path == SHARED:  # read by every organiser, changed by superusers
            return Capability.VIEW in capabilities and selectors.teams_of(user).exists()
        event_ids = self.event_ids(request, *capabilities)
        if obj is None or obj.pk is None:
            return bool(event_ids)
        return self.model._default_manager.filter(
            pk=obj.pk, **{f"{self.event_lookup()}__in": event_ids}
        ).exists()

    def has_module_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_superuser or (user.is_staff and selectors.teams_of(user).exists())

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj, *self.view_capabilities, self.change_capability)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, None, self.change_capability)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj, self.change_capability)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj, self.change_capability)

    # Action permissions (`@admin.action(permissions=[...])`) named after capabilities.
    def has_open_close_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, None, Capability.OPEN_CLOSE)

    def has_review_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, None, Capability.REVIEW)

    def has_invite_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, None, Capability.INVITE)

    def has_message_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, None, Capability.MESSAGE)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, None, Capability.EXPORT)

    def capabilities_for(self, permissions: Iterable[str]) -> tuple[str, ...]:
        """The capabilities that stand behind an action's permissions."""
        named = {
            "view": self.view_capabilities,
            "add": (self.change_capability,),
            "change": (self.change_capability,),
            "delete": (self.change_capability,),
        }
        found: list[str] = []
        for permission in permissions:
            found.extend(named.get(permission, (permission,)))
        return tuple(found) or (self.change_capability,)

    def get_action(self, action):
        """Each action acts only on the selected rows of the events where the user's role
        allows it (a manager of one event and viewer of another changes only the first)."""
        found = super().get_action(action)
        if found is None:
            return None
        func, name, description = found
        capabilities = self.capabilities_for(getattr(func, "allowed_permissions", ()))

        @wraps(func)
        def narrowed(modeladmin, request, queryset):
            return func(modeladmin, request, modeladmin.scoped(request, queryset, *capabilities))

        return narrowed, name, description

    def get_list_filter(self, request: HttpRequest):
        """A filter by a related row offers only the rows of the lines the user sees."""
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and self._is_relation(entry):
                entry = (entry, admin.RelatedOnlyFieldListFilter)
            filters.append(entry)
        return filters

    def _is_relation(self, path: str) -> bool:
        target: Any = self.model
        field: Any = None
        for name in path.split("__"):
            try:
                field = target._meta.get_field(name)
            except FieldDoesNotExist:
                return False
            target = field.related_model
            if target is None:
                return False
        return field is not None and field.is_relation

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any):  # type: ignore[override]
        """Choices of events, and of rows of events, only where the user may change things.
        (`change` comes in kwargs, as modeltranslation's TranslationAdmin passes it on.)"""
        form = super().get_form(request, obj, **kwargs)
        if request.user.is_superuser:
            return form
        event_ids = self.event_ids(request, self.change_capability)

        def __init__(self: forms.BaseModelForm, *args: Any, **kwargs: Any) -> None:
            form.__init__(self, *args, **kwargs)  # type: ignore[misc]
            scoped_choices(self, event_ids)

        return type(form.__name__, (form,), {"__init__": __init__})

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


class EventsiteInline(admin.options.InlineModelAdmin):
    """An inline may what its page's admin allows on the page's object (its event's role)."""

    def _page_admin(self) -> EventsiteModelAdmin:
        return cast(EventsiteModelAdmin, self.admin_site._registry[self.parent_model])

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._page_admin().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        page_admin = self._page_admin()
        if obj is None:
            return page_admin.has_add_permission(request)
        return page_admin.has_change_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._page_admin().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._page_admin().has_change_permission(request, obj)
