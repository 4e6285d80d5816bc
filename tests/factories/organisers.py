"""Organiser accounts: their teams and roles on events, and their second factor (an
authenticator app, a django-otp TOTP device)."""

from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice

from registrations.models import Event, OrganiserRole, OrganiserTeam, TeamEventRole


def make_totp_device(user, *, confirmed: bool = True) -> TOTPDevice:
    """An authenticator app set up for `user` (confirmed, so logging in needs its code)."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=confirmed)


def give_team_role(
    user: User,
    *events: Event,
    role: str = OrganiserRole.MANAGER,
    team: str = "",
) -> OrganiserTeam:
    """Put a staff user in a team (its own unless named) holding `role` on these events."""
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    organiser_team, _created = OrganiserTeam.objects.get_or_create(
        name=team or f"Team of {user.get_username()}"
    )
    organiser_team.members.add(user)
    for event in events:
        TeamEventRole.objects.update_or_create(
            team=organiser_team, event=event, defaults={"role": role}
        )
    return organiser_team


def make_organiser(
    username: str, *events: Event, role: str = OrganiserRole.MANAGER, team: str = ""
) -> User:
    """A staff member (no superuser) whose team holds `role` on these events."""
    user = User.objects.create_user(
        username, f"{username}@eccp.example.eu", "organiser password 2030", is_staff=True
    )
    give_team_role(user, *events, role=role, team=team)
    return user
