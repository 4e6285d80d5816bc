"""Which organiser team manages an event: a new event goes to its creator's team; moving it to
another team is a superuser's decision, kept in the action log."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from registrations.models import Event, OrganiserRole, OrganiserTeam, TeamEventRole

from .action_log import Actor, log_action
from .errors import ServiceError


def _managing_teams(event: Event) -> list[str]:
    return sorted(
        TeamEventRole.objects.filter(event=event, role=OrganiserRole.MANAGER).values_list(
            "team__name", flat=True
        )
    )


@transaction.atomic
def event_give_to_team(*, event: Event, team: OrganiserTeam, actor: Actor) -> TeamEventRole:
    """The team manages the new event (its creator is a member, or a superuser chose it)."""
    before = _managing_teams(event)
    role, _created = TeamEventRole.objects.update_or_create(
        team=team, event=event, defaults={"role": OrganiserRole.MANAGER}
    )
    log_action(
        subject=event,
        action="given to a team",
        actor=actor,
        changes={"managing teams": [before, _managing_teams(event)]},
        event=event,
    )
    return role


@transaction.atomic
def event_move_to_team(*, event: Event, team: OrganiserTeam, actor: Actor) -> TeamEventRole:
    """The team becomes the event's only manager; the teams that managed it lose their access
    (teams with another role, such as viewers, keep theirs). Superusers only."""
    if actor.user is None or not actor.user.is_superuser:
        raise ServiceError(_("Only a superuser moves an event to another team."))
    before = _managing_teams(event)
    TeamEventRole.objects.filter(event=event, role=OrganiserRole.MANAGER).exclude(
        team=team
    ).delete()
    role, _created = TeamEventRole.objects.update_or_create(
        team=team, event=event, defaults={"role": OrganiserRole.MANAGER}
    )
    log_action(
        subject=event,
        action="moved to another team",
        actor=actor,
        changes={"managing teams": [before, _managing_teams(event)]},
        event=event,
    )
    return role
