"""The Event admin page, assembled here: the programme, registration controls (open and close,
now or at a time in the event's zone; seats per mode), the survey panel and the report page."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_stubs_ext import StrOrPromise
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from registrations import selectors
from registrations.agendas import schedule_grid
from registrations.event_report import event_funnel, event_report
from registrations.exports import FUNNEL_SLUG, funnel_csv_chunks
from registrations.models import (
    DEFAULT_REMINDERS,
    AttendanceMode,
    Event,
    EventReminder,
    InterestSurvey,
    MeetingRules,
    OrganiserTeam,
    ScheduleRun,
    ScheduleState,
    Session,
)
from registrations.organiser_roles import Capability
from registrations.services.action_log import Actor
from registrations.services.errors import ServiceError
from registrations.services.meeting_schedule import schedule_build_request, schedule_publish
from registrations.services.registration import (
    registration_close,
    registration_fill_free_seats,
    registration_open,
)
from registrations.services.reminders import reminders_schedule
from registrations.services.teams import event_give_to_team, event_move_to_team

from .actions import apply_to_each as _apply
from .base import EVENT_ITSELF, EventsiteInline, EventsiteModelAdmin, LabelledTabularInline
from .content_languages import in_english, in_every_language, translation_fieldsets
from .exports import recorded_csv_response
from .filters import CountriesPresentFilter
from .surveys import answers_by_intent


def _local_time_field(*, label: StrOrPromise, help_text: StrOrPromise) -> forms.DateTimeField:
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


class EventAddForm(forms.ModelForm):
    """A new event is managed by a team: the creator's, or the one they choose of theirs."""

    organiser_team = forms.ModelChoiceField(
        label=_("organiser team"),
        queryset=OrganiserTeam.objects.none(),
        help_text=_("The team that manages the event (its members see and run it)."),
    )


class MoveToTeamForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=OrganiserTeam.objects.all())


class SessionInline(EventsiteInline, LabelledTabularInline, TranslationTabularInline):
    """Title and description: a column per language (English required for the title)."""

    model = Session
    extra = 0
    fields = [
        "title",
        "kind",
        "format",
        "start",
        "end",
        "description",
        "online_join_url",
        "online_access_notes",
    ]


class EventReminderForm(forms.ModelForm):
    def has_changed(self) -> bool:
        """A new row filled in from the defaults is saved although nobody typed it."""
        filled_in = self.instance.pk is None and bool(self["send_before"].value())
        return filled_in or super().has_changed()


class EventReminderInline(EventsiteInline, LabelledTabularInline):
    """A new event starts with the default reminders filled in; the organiser may change them.
    Each saved one shows when it falls due and how many people it was sent to."""

    model = EventReminder
    form = EventReminderForm
    fields = ["send_before", "due_at_in_event_zone", "sent_to"]
    readonly_fields = ["due_at_in_event_zone", "sent_to"]
    verbose_name_plural = _("reminder mails to confirmed attendees")

    def get_extra(self, request, obj=None, **kwargs):
        return len(DEFAULT_REMINDERS) if obj is None or obj.pk is None else 0

    def get_queryset(self, request):
        sent = Count("deliveries", filter=Q(deliveries__sent_at__isnull=False))
        return super().get_queryset(request).select_related("event").annotate(sent_count=sent)

    @admin.display(description=_("due at (event's time zone)"))
    def due_at_in_event_zone(self, reminder: EventReminder) -> str:
        return _in_event_zone(reminder.event, reminder.due_at()) if reminder.pk else "-"

    @admin.display(description=_("sent to"))
    def sent_to(self, reminder: EventReminder) -> str:
        if reminder.pk is None:
            return "-"
        count = reminder.sent_count  # type: ignore[attr-defined]
        return ngettext("%(count)d person", "%(count)d people", count) % {"count": count}


@admin.register(Event)
class EventAdmin(TranslationAdmin, EventsiteModelAdmin):
    event_path = EVENT_ITSELF
    view_capabilities = (Capability.VIEW, Capability.REPORT)
    list_display = ["title", "start", "format", "city", "is_published", "invitation_only"]
    list_filter = ["format", "is_published", "invitation_only", ("country", CountriesPresentFilter)]
    search_fields = [*in_every_language("title"), "slug", "city", "organisers"]
    prepopulated_fields = {"slug": [in_english("title")]}
    date_hierarchy = "start"
    inlines = [SessionInline, EventReminderInline]
    # The opening and closing times are set through "Open registration" and "Close
    # registration": opening also records who opened it and sends the survey notices, and
    # editing the fields directly could reopen registration around the service.
    readonly_fields = [
        "registration_opened_at",
        "registration_opened_by",
        "survey_answers",
        "registration_opens_at",
        "registration_closes_at",
        "registration_state",
        "registration_seats",
    ]
    actions = ["open_registration_now", "close_registration", "move_to_team"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    in_english("title"),
                    "slug",
                    in_english("summary"),
                    in_english("description"),
                    "organisers",
                    in_english("audience"),
                ]
            },
        ),
        (_("Organiser contact"), {"fields": ["contact_name", "contact_email"]}),
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
        (
            _("Joining online"),
            {
                "fields": [
                    "online_join_url",
                    in_english("online_access_notes"),
                    "join_opens_minutes_before",
                    "join_link_for_on_site",
                ],
                "description": _(
                    "Confirmed online attendees get a personal join link that leads here. A "
                    "session with an address of its own overrides these."
                ),
            },
        ),
        (_("Publication"), {"fields": ["is_published", "more_info_url"]}),
        (_("Interest survey"), {"fields": ["survey_answers"]}),
        *translation_fieldsets(Event),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Superusers, and members of a team (the team manages what they create)."""
        return self.has_module_permission(request)

    def has_move_team_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def teams_to_choose(self, request: HttpRequest) -> list[OrganiserTeam]:
        """The teams an event added here may go to: all for a superuser (who may leave it to
        none), else the user's own; none to choose when there is only one. Read once per
        request (the form, its fields and the fieldsets all ask)."""
        if "_teams_to_choose" not in request.__dict__:
            teams = list(
                OrganiserTeam.objects.all()
                if request.user.is_superuser
                else selectors.teams_of(request.user)
            )
            request.__dict__["_teams_to_choose"] = (
                teams if request.user.is_superuser or len(teams) > 1 else []
            )
        return request.__dict__["_teams_to_choose"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = EventAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            return form
        teams, superuser = self.teams_to_choose(request), request.user.is_superuser

        def __init__(self, *args, **kwargs):
            form.__init__(self, *args, **kwargs)
            if not teams:  # the creator's only team, or a superuser's choice of none
                self.fields.pop("organiser_team", None)
            elif "organiser_team" in self.fields:
                self.fields["organiser_team"].queryset = OrganiserTeam.objects.filter(
                    pk__in=[team.pk for team in teams]
                )
                self.fields["organiser_team"].required = not superuser

        return type(form.__name__, (form,), {"__init__": __init__})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None and self.teams_to_choose(request):
            return [(_("Organiser team"), {"fields": ["organiser_team"]}), *fieldsets]
        return fieldsets

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, EventReminderInline) and obj.pk is None:
            kwargs["initial"] = [{"send_before": before} for before in DEFAULT_REMINDERS]
        return kwargs

    def save_model(self, request, obj, form, change):
        """More seats (or no limit any more): the people waiting get them at once, in order.
        A new event goes to the chosen team, or to the creator's only one."""
        super().save_model(request, obj, form, change)
        if not change:
            team = (
                form.cleaned_data.get("organiser_team") or selectors.teams_of(request.user).first()
            )
            if team is not None:
                event_give_to_team(event=obj, team=team, actor=Actor.organiser(request.user))
        promoted = registration_fill_free_seats(event=obj)
        if promoted:
            self.message_user(
                request,
                _("%(count)d person(s) moved from the waiting list to a free place and emailed.")
                % {"count": len(promoted)},
            )

    def save_related(self, request, form, formsets, change):
        """A new start or changed reminders: the reminders are queued for their new times."""
        super().save_related(request, form, formsets, change)
        reminders_changed = any(
            formset.has_changed() for formset in formsets if formset.model is EventReminder
        )
        if change and ("start" in form.changed_data or reminders_changed):
            reminders_schedule(event=form.instance, actor=Actor.organiser(request.user))

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
            path(
                "<path:object_id>/report/",
                view(self.report_view),
                name="registrations_event_report",
            ),
            path(
                "<path:object_id>/report/funnel.csv",
                view(self.funnel_csv_view),
                name="registrations_event_funnel_csv",
            ),
            path(
                "<path:object_id>/meetings/",
                view(self.meeting_schedule_view),
                name="registrations_event_meeting_schedule",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("answers and state"))
    def survey_answers(self, event: Event) -> str:
        """A read-only panel for the Event page: the survey's state and its answers per intent."""
        if event.pk is None:
            return _("Save the event first; then you can add its interest survey.")
        try:
            survey = event.survey
        except InterestSurvey.DoesNotExist:
            add_url = reverse("admin:registrations_interestsurvey_add")
            return format_html(
                'No survey. <a href="{}?event={}">Add an interest survey</a>', add_url, event.pk
            )
        change_url = reverse("admin:registrations_interestsurvey_change", args=[survey.pk])
        return format_html(
            '{} · {}<br><a href="{}">Open, close or edit the survey</a>',
            _("Open") if survey.is_open else _("Closed"),
            answers_by_intent(survey),
            change_url,
        )

    @admin.display(description=_("registration"))
    def registration_state(self, event: Event) -> StrOrPromise:
        if not event.pk:
            return _("Save the event first.")
        now = timezone.now()
        if event.registration_is_open(now):
            state = _("Open")
        elif event.registration_opening_scheduled(now):
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

    def _event_to_open_or_close(self, request: HttpRequest, object_id: str) -> Event:
        event = self.get_object(request, unquote(object_id))
        if event is None:
            raise Http404
        if not self.has_capability(request, Capability.OPEN_CLOSE, event):
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
        event = self._event_to_open_or_close(request, object_id)
        with timezone.override(event.tzinfo):
            form = form_class(request.POST if request.method == "POST" else None)
            if request.method == "POST" and form.is_valid():
                try:
                    event = service(
                        event=event,
                        actor=Actor.organiser(request.user),
                        at=form.cleaned_data["at"],
                    )
                except ServiceError as error:
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

    @admin.action(description=_("Open registration now"), permissions=["open_close"])
    def open_registration_now(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        _apply(
            request,
            queryset,
            lambda event: registration_open(event=event, actor=Actor.organiser(request.user)),
            _(
                "Registration opened for %(count)d event(s); survey respondents who asked are "
                "being emailed."
            ),
        )

    @admin.action(description=_("Close registration"), permissions=["open_close"])
    def close_registration(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        _apply(
            request,
            queryset,
            lambda event: registration_close(event=event, actor=Actor.organiser(request.user)),
            _("Registration closed for %(count)d event(s)."),
        )

    @admin.action(description=_("Move to another team…"), permissions=["move_team"])
    def move_to_team(self, request: HttpRequest, queryset: QuerySet[Event]):
        """The chosen team becomes the only one that manages the selected events (logged)."""
        form = MoveToTeamForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/registrations/event/move_to_team.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Move to another team"),
                    "opts": self.model._meta,
                    "events": queryset,
                    "form": form,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        team = form.cleaned_data["team"]
        _apply(
            request,
            queryset,
            lambda event: event_move_to_team(
                event=event, team=team, actor=Actor.organiser(request.user)
            ),
            _("%%(count)d event(s) moved to %(team)s.") % {"team": str(team).replace("%", "%%")},
        )
        return None

    def may_view_report(self, request, event) -> bool:
        return self.has_capability(request, Capability.REPORT, event)

    def may_see_survey_figures(self, request, event) -> bool:
        """Those who may read the survey's answers."""
        return self.has_capability(request, Capability.VIEW, event)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["may_view_report"] = obj is not None and self.may_view_report(request, obj)
        context["has_meetings"] = (
            obj is not None and MeetingRules.objects.filter(event_id=obj.pk).exists()
        )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def report_event(self, request, object_id) -> Event:
        """The event whose report the user asked for, if they may view it."""
        event = self.get_object(request, unquote(object_id))
        if event is None:  # unknown, or not an id at all ("abc", "1%00")
            raise Http404
        if not self.may_view_report(request, event):
            raise PermissionDenied
        return event

    def report_view(self, request, object_id):
        event = self.report_event(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": event,
            "title": f"Report: {event.title}",
            "report": event_report(
                event=event,
                include_survey=self.may_see_survey_figures(request, event),
            ),
        }
        return TemplateResponse(request, "admin/registrations/event/report.html", context)

    def funnel_csv_view(self, request, object_id):
        """The report's funnel as a recorded CSV export."""
        event = self.report_event(request, object_id)
        include_survey = self.may_see_survey_figures(request, event)
        return recorded_csv_response(
            request,
            kind=FUNNEL_SLUG,
            event=event,
            filters="" if include_survey else "without the survey's figures",
            chunks=funnel_csv_chunks(event_funnel(event=event, include_survey=include_survey)),
        )

    def meeting_schedule_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The meeting schedule: its last build, the grid, and the build and publish buttons."""
        event = self.get_object(request, unquote(object_id))
        if event is None:
            raise Http404
        if not self.has_view_permission(request, event):
            raise PermissionDenied
        rules = MeetingRules.objects.filter(event=event).first()
        if rules is None:
            raise Http404
        if request.method == "POST":
            if not self.has_change_permission(request, event):
                raise PermissionDenied
            actor = Actor.organiser(request.user)
            try:
                if request.POST.get("build"):
                    schedule_build_request(event=event, actor=actor)
                    messages.success(
                        request, _("The schedule is being built; this page shows how far.")
                    )
                elif state := request.POST.get("publish"):
                    schedule_publish(event=event, state=state, actor=actor)
                    messages.success(
                        request, _("Published; every participant is being emailed its agenda.")
                    )
            except ServiceError as error:
                messages.error(request, error.message)
            return redirect("admin:registrations_event_meeting_schedule", event.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": event,
            "event": event,
            "rules": rules,
            "title": _("Meeting schedule: %(event)s") % {"event": event},
            "last_run": ScheduleRun.objects.filter(event=event).first(),
            "grid": schedule_grid(event),
            "states": [ScheduleState.PRELIMINARY, ScheduleState.FINAL],
        }
        return TemplateResponse(request, "admin/registrations/event/meeting_schedule.html", context)


def _in_event_zone(event: Event, when) -> str:
    return date_format(timezone.localtime(when, event.tzinfo), "d M Y H:i")


def _close_message(event: Event) -> str:
    if event.registration_is_open() or event.registration_opening_scheduled():
        return _("Registration for %(event)s closes on %(when)s (%(zone)s).") % {
            "event": event,
            "when": _in_event_zone(event, event.registration_closes_at),
            "zone": event.timezone,
        }
    return _("Registration for %(event)s is closed.") % {"event": event}


def _open_message(event: Event) -> str:
    if event.registration_opening_scheduled():
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
