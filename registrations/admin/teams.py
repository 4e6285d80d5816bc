"""Organiser teams, their members and their roles on events: kept by superusers."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from registrations.models import Event, OrganiserTeam, TeamEventRole
from registrations.services.action_log import Actor, log_action

from .base import SUPERUSERS_ONLY, EventsiteInline, EventsiteModelAdmin


class TeamEventRoleInline(EventsiteInline, admin.TabularInline):
    model = TeamEventRole
    extra = 1
    fields = ["event", "role"]
    verbose_name_plural = _("roles on events")


@admin.register(OrganiserTeam)
class OrganiserTeamAdmin(EventsiteModelAdmin):
    event_path = SUPERUSERS_ONLY
    list_display = ["name", "member_names", "event_roles"]
    search_fields = ["name", "members__username"]
    filter_horizontal = ["members"]
    inlines = [TeamEventRoleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("members", "event_roles__event")

    def save_formset(self, request, form, formset, change):
        """Each role given, changed or taken away is logged on its event's history (moving an
        event between teams here is logged as on the event's "Move to another team…")."""
        before = {
            role_form.instance.pk: (role_form.initial.get("event"), role_form.initial.get("role"))
            for role_form in formset.initial_forms
        }
        super().save_formset(request, form, formset, change)
        if formset.model is not TeamEventRole:
            return
        actor = Actor.organiser(request.user)
        team = form.instance.name
        old_events = Event.objects.in_bulk(
            [before[role.pk][0] for role, changed in formset.changed_objects if "event" in changed]
        )
        for role in formset.new_objects:
            self._log_role(role.event, "team role given", [None, f"{team}: {role.role}"], actor)
        for role, changed_fields in formset.changed_objects:
            old_event_id, old_role = before[role.pk]
            if "event" in changed_fields:
                self._log_role(
                    old_events[old_event_id],
                    "team role taken away",
                    [f"{team}: {old_role}", None],
                    actor,
                )
                self._log_role(role.event, "team role given", [None, f"{team}: {role.role}"], actor)
            else:
                self._log_role(
                    role.event,
                    "team role changed",
                    [f"{team}: {old_role}", f"{team}: {role.role}"],
                    actor,
                )
        for role in formset.deleted_objects:
            self._log_role(
                role.event, "team role taken away", [f"{team}: {role.role}", None], actor
            )

    def _log_role(self, event: Event, action: str, change: list, actor: Actor) -> None:
        log_action(
            subject=event, action=action, actor=actor, changes={"team role": change}, event=event
        )

    @admin.display(description=_("members"))
    def member_names(self, team: OrganiserTeam) -> str:
        return ", ".join(member.get_username() for member in team.members.all()) or "—"

    @admin.display(description=_("roles on events"))
    def event_roles(self, team: OrganiserTeam) -> str:
        return (
            "; ".join(f"{role.get_role_display()}: {role.event}" for role in team.event_roles.all())
            or "—"
        )
