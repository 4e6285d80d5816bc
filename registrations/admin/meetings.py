"""Organisers set the meeting rules, cut the matchmaking sessions into slots, follow profiles,
requests and schedule runs, and place single meetings by hand.

Rows that services own are never written by a plain model form: a form here hands its cleaned
data to the service (`ServiceAdminForm`), and a refusal is shown on the form like any other error.
Profiles, requests and schedule runs belong to the participants and the schedule builder: read-only.
The meetings list exports to CSV like the other lists (the selected meetings, or all matching).
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Model
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from registrations.forms import field_of
from registrations.models import (
    Event,
    Meeting,
    MeetingRequest,
    MeetingRules,
    MeetingSlot,
    ParticipantProfile,
    ScheduleRun,
    Session,
    SessionKind,
)
from registrations.services import meeting_slots as services
from registrations.services.action_log import Actor
from registrations.services.errors import InvalidInput, ServiceError

from .actions import apply_to_each
from .base import EventsiteModelAdmin
from .exports import CsvExportAdmin


class ServiceAdminForm(forms.ModelForm):
    """A model form whose save is a service call: the service checks, saves and logs.

    The call runs once the fields are valid, inside the admin's transaction; a refusal becomes a
    form error (next to its field where the form has it), so nothing is stored. The model's own
    validation is left out: the service holds the rules and words them for the organiser.
    """

    actor: Actor  # set per request by ServiceFormAdmin.get_form

    def run_service(self, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def _post_clean(self) -> None:
        if self.errors:
            return
        try:
            self.instance = self.run_service(self.cleaned_data)
        except ServiceError as error:
            problems = error.errors if isinstance(error, InvalidInput) else [error]
            for problem in problems:
                self.add_error(
                    problem.field if problem.field in self.fields else None, problem.message
                )


class ServiceFormAdmin(EventsiteModelAdmin):
    """An admin whose forms save through a service, which logs the change itself."""

    log_admin_edits = False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if issubclass(form, ServiceAdminForm):
            form = type(form.__name__, (form,), {"actor": Actor.organiser(request.user)})
        return form

    def save_model(self, request, obj, form, change):
        """Nothing left to do: the form's service has saved the row."""

    def event_of(self, obj: Any) -> Event | None:
        return self.action_log_event(obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Times of an existing row are shown in its event's time zone."""
        obj = self.get_object(request, object_id) if object_id else None
        event = self.event_of(obj) if obj is not None else None
        if event is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with timezone.override(event.tzinfo):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()
            return response


class ReadOnlyAdmin(EventsiteModelAdmin):
    """Rows that participants or the schedule builder keep: organisers look, and do not touch."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Rules ---------------------------------------------------------------------------------------


class MeetingRulesAddForm(ServiceAdminForm):
    class Meta:
        model = MeetingRules
        fields = ["event"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "event", forms.ModelChoiceField).queryset = Event.objects.filter(
            meeting_rules__isnull=True
        )
        self.fields["event"].help_text = _(
            "An event with a matchmaking session in its programme. The rules start with the "
            "defaults; change them on the next page."
        )

    def run_service(self, data):
        return services.meeting_rules_set_up(event=data["event"], actor=self.actor)


class MeetingRulesChangeForm(ServiceAdminForm):
    class Meta:
        model = MeetingRules
        fields = services.RULES_FIELDS

    def run_service(self, data):
        return services.meeting_rules_change(
            rules=self.instance,
            details=services.MeetingRulesDetails(
                **{name: data[name] for name in services.RULES_FIELDS}
            ),
            actor=self.actor,
        )


@admin.register(MeetingRules)
class MeetingRulesAdmin(ServiceFormAdmin):
    event_path = "event"
    list_display = [
        "event",
        "meeting_minutes",
        "break_minutes",
        "rooms_limit",
        "slot_count",
        "schedule_state",
    ]
    list_filter = ["schedule_state"]
    list_select_related = ["event"]
    readonly_fields = ["event", "slots_per_session", "schedule_state", "schedule_published_at"]
    actions = ["generate_slots"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(slot_total=Count("event__meeting_slots"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = MeetingRulesChangeForm if obj is not None else MeetingRulesAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["event"]})]
        return [
            (None, {"fields": ["event", "schedule_state", "schedule_published_at"]}),
            (_("Requests"), {"fields": ["requests_per_participant", "requests_need_acceptance"]}),
            (
                _("Slots"),
                {
                    "fields": [
                        "meeting_minutes",
                        "break_minutes",
                        "rooms_limit",
                        "slots_per_session",
                    ]
                },
            ),
            (
                _("Video-meeting rooms"),
                {
                    "fields": ["room_link_pattern", "room_links"],
                    "description": _(
                        "Each meeting gets its own room; only its two participants see the link."
                    ),
                },
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False  # slots, availability and meetings depend on them

    def response_add(self, request, obj, post_url_continue=None):
        """Straight on to the rules themselves, to set them."""
        messages.success(
            request, _("Meeting rules set up for %(event)s; set them here.") % {"event": obj.event}
        )
        return redirect("admin:registrations_meetingrules_change", obj.pk)

    @admin.display(description=_("slots"), ordering="slot_total")
    def slot_count(self, rules: MeetingRules) -> int:
        return getattr(rules, "slot_total", 0)

    @admin.display(description=_("slots per matchmaking session"))
    def slots_per_session(self, rules: MeetingRules) -> str:
        sessions = rules.event.sessions.filter(kind=SessionKind.MATCHMAKING).annotate(
            slots=Count("meeting_slots")
        )
        if not sessions:
            return str(_("No matchmaking session in the programme."))
        local = rules.event.tzinfo
        return format_html_join(
            "",
            "<div>{} ({}-{}): {} slot(s)</div>",
            (
                (
                    session.title,
                    date_format(session.start.astimezone(local), "d M H:i"),
                    date_format(session.end.astimezone(local), "H:i"),
                    session.slots,
                )
                for session in sessions
            ),
        )

    @admin.action(
        permissions=["change"],
        description=_("Cut every matchmaking session of the selected events into slots"),
    )
    def generate_slots(self, request, queryset):
        actor = Actor.organiser(request.user)
        events = [rules.event for rules in queryset.select_related("event")]
        sessions = Session.objects.filter(
            event__in=events, kind=SessionKind.MATCHMAKING
        ).select_related("event")
        for event in events:
            if not any(session.event_id == event.pk for session in sessions):
                messages.error(
                    request,
                    _("%(event)s: no matchmaking session in the programme.") % {"event": event},
                )
        apply_to_each(
            request,
            sessions,
            lambda session: services.meeting_slots_generate(session=session, actor=actor),
            _("%(count)d matchmaking session(s) cut into slots (slots already there are kept)."),
        )


# Slots ---------------------------------------------------------------------------------------


class MatchmakingSessionField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Session) -> str:
        local = obj.event.tzinfo
        return f"{obj.event} — {obj.title}, {date_format(obj.start.astimezone(local), 'd M Y H:i')}"


class MeetingSlotAddForm(ServiceAdminForm):
    session = MatchmakingSessionField(
        queryset=Session.objects.filter(kind=SessionKind.MATCHMAKING).select_related("event"),
        label=_("matchmaking session"),
    )

    class Meta:
        model = MeetingSlot
        fields = ["session", "start", "end"]
        help_texts = {
            "start": _("In the event's own time zone."),
            "end": _("In the event's own time zone."),
        }

    def run_service(self, data):
        session = data["session"]
        event = session.event

        def in_event_zone(moment):
            """The admin reads the time in the site's zone; the organiser meant the event's."""
            return timezone.make_aware(timezone.make_naive(moment), event.tzinfo)

        return services.meeting_slot_create(
            event=event,
            session=session,
            start=in_event_zone(data["start"]),
            end=in_event_zone(data["end"]),
            actor=self.actor,
        )


@admin.register(MeetingSlot)
class MeetingSlotAdmin(ServiceFormAdmin):
    """Slots are cut from the sessions (an action on the meeting rules) or added one by one
    here; deleting goes through the service, which keeps slots with meetings."""

    event_path = "event"

    form = MeetingSlotAddForm
    list_display = ["__str__", "session", "event", "meetings_placed"]
    list_filter = ["event", "session"]
    list_select_related = ["event", "session"]
    fields = ["event", "session", "start", "end"]
    readonly_fields = ["event"]
    actions = ["delete_slots"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(placed=Count("meetings"))

    def get_fields(self, request, obj=None):
        return ["session", "start", "end"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.fields

    def has_change_permission(self, request, obj=None):
        return False  # a slot's time is changed by deleting it and adding another

    def has_delete_permission(self, request, obj=None):
        # Only through the "Delete the selected slots" action, which asks the service.
        return obj is None and super().has_delete_permission(request)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("meetings placed"), ordering="placed")
    def meetings_placed(self, slot: MeetingSlot) -> int:
        return getattr(slot, "placed", 0)

    @admin.action(permissions=["delete"], description=_("Delete the selected slots"))
    def delete_slots(self, request, queryset):
        actor = Actor.organiser(request.user)
        apply_to_each(
            request,
            queryset.select_related("event"),
            lambda slot: services.meeting_slot_delete(slot=slot, actor=actor),
            _("%(count)d slot(s) deleted."),
        )


# Profiles and requests (kept by the participants) --------------------------------------------


@admin.register(ParticipantProfile)
class ParticipantProfileAdmin(ReadOnlyAdmin):
    event_path = "registration__event"
    list_display = ["organisation", "event", "is_listed", "updated_at"]
    list_filter = ["registration__event", "is_listed"]
    search_fields = ["registration__organisation"]
    list_select_related = ["registration__event"]

    def action_log_event(self, obj):
        return obj.registration.event

    @admin.display(description=_("organisation"), ordering="registration__organisation")
    def organisation(self, profile: ParticipantProfile) -> str:
        return profile.registration.organisation

    @admin.display(description=_("event"), ordering="registration__event__start")
    def event(self, profile: ParticipantProfile) -> Event:
        return profile.registration.event


@admin.register(MeetingRequest)
class MeetingRequestAdmin(ReadOnlyAdmin):
    event_path = "event"
    list_display = ["sender", "receiver", "status", "event", "created_at", "answered_at"]
    list_filter = ["event", "status"]
    search_fields = ["sender__registration__organisation", "receiver__registration__organisation"]
    list_select_related = ["event", "sender__registration", "receiver__registration"]


@admin.register(ScheduleRun)
class ScheduleRunAdmin(ReadOnlyAdmin):
    event_path = "event"
    list_display = [
        "__str__",
        "status",
        "started_by",
        "proven_optimal",
        "created_at",
        "finished_at",
    ]
    list_filter = ["event", "status"]
    list_select_related = ["event", "started_by"]


# Meetings ------------------------------------------------------------------------------------


class MeetingPlaceForm(ServiceAdminForm):
    """Placing a meeting by hand fixes it in its slot; unticking "placed by hand" lets the
    schedule builder move it again."""

    class Meta:
        model = Meeting
        fields = ["slot", "fixed_by_hand"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "slot", forms.ModelChoiceField).queryset = MeetingSlot.objects.filter(
            event_id=self.instance.request.event_id
        ).select_related("event")

    def run_service(self, data):
        meeting, slot, fixed = self.instance, data.get("slot"), data.get("fixed_by_hand")
        if "slot" in self.changed_data:
            if slot is None:
                raise ServiceError(
                    _(
                        "Choose a slot: a meeting placed by hand needs one. To let the schedule "
                        "builder place it instead, untick “placed by hand” and keep the slot."
                    ),
                    field="slot",
                )
            if not fixed:
                raise ServiceError(
                    _(
                        "A meeting placed in a slot by hand is fixed there: tick “placed by "
                        "hand”, or keep the slot and only untick it."
                    ),
                    field="fixed_by_hand",
                )
            return services.meeting_place_by_hand(meeting=meeting, slot=slot, actor=self.actor)
        if "fixed_by_hand" in self.changed_data:
            if not fixed:
                return services.meeting_unfix(meeting=meeting, actor=self.actor)
            if slot is None:
                raise ServiceError(_("Choose the slot to fix the meeting in."), field="slot")
            return services.meeting_place_by_hand(meeting=meeting, slot=slot, actor=self.actor)
        return meeting


@admin.register(Meeting)
class MeetingAdmin(CsvExportAdmin, ServiceFormAdmin):
    event_path = "request__event"
    form = MeetingPlaceForm
    list_display = ["__str__", "event", "slot", "room_link", "fixed_by_hand", "unplaced_reason"]
    list_filter = ["request__event", "fixed_by_hand", ("slot", admin.EmptyFieldListFilter)]
    search_fields = [
        "request__sender__registration__organisation",
        "request__receiver__registration__organisation",
    ]
    list_select_related = [
        "request__event",
        "request__sender__registration",
        "request__receiver__registration",
        "slot__event",
    ]
    fields = ["request", "event", "slot", "fixed_by_hand", "room_link", "unplaced_reason"]
    readonly_fields = ["request", "event", "room_link", "unplaced_reason"]

    def has_add_permission(self, request):
        return False  # a meeting comes from an accepted request

    def has_delete_permission(self, request, obj=None):
        return False  # it goes when its request is cancelled

    def action_log_event(self, obj):
        return obj.request.event

    @admin.display(description=_("event"), ordering="request__event__start")
    def event(self, meeting: Meeting) -> Event:
        return meeting.request.event
