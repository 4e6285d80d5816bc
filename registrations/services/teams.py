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


def _make_manager(
    *, event: Event, team: OrganiserTeam, actor: Actor, action: str, only: bool
) -> TeamEventRole:
    """The team manages the event (with `only`, instead of the teams that managed it); the
    managing teams before and after go into the action log."""
    before = _managing_teams(event)
    if only:
        TeamEventRole.objects.filter(event=event, role=OrganiserRole.MANAGER).exclude(
            team=team
        ).delete()
    role, _created = TeamEventRole.objects.update_or_create(
        team=team, event=event, defaults={"role": OrganiserRole.MANAGER}
    )
    log_action(
        subject=event,
        action=action,
        actor=actor,
        changes={"managing teams": [before, _managing_teams(event)]},
        event=event,
    )
    return role


@transaction.atomic
def event_give_to_team(*, event: Event, team: OrganiserTeam, actor: Actor) -> TeamEventRole:
    """The team manages the new event (its creator is a member, or a superuser chose it)."""
    return _make_manager(event=event, team=team, actor=actor, action="given to a team", only=False)


@transaction.atomic
def event_move_to_team(*, event: Event, team: OrganiserTeam, actor: Actor) -> TeamEventRole:
    """The team becomes the event's only manager; the teams that managed it lose their access
    (teams with another role, such as viewers, keep theirs). Superusers only."""
    if actor.user is None or not actor.user.is_superuser:
        raise ServiceError(_("Only a superuser moves an event to another team."))
    return _make_manager(
        event=event, team=team, actor=actor, action="moved to another team", only=True
    )
