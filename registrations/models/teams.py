"""Organiser teams: an organisation's people, and the role the team holds on each event."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .events import Event


class OrganiserRole(models.TextChoices):
    """What a team may do on an event; each role's capabilities are in organiser_roles.py."""

    MANAGER = "manager", _("Manager")
    REVIEWER = "reviewer", _("Reviewer")
    CHECK_IN_STAFF = "check_in_staff", _("Check-in staff")
    VIEWER = "viewer", _("Viewer")


class OrganiserTeam(models.Model):
    name = models.CharField(_("name"), max_length=150, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        blank=True,
        related_name="organiser_teams",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organiser team")
        verbose_name_plural = _("organiser teams")

    def __str__(self) -> str:
        return self.name


class TeamEventRole(models.Model):
    """A team's access to one event. One role per team and event; a user in several teams
    holds every capability of each of their teams' roles on that event."""

    team = models.ForeignKey(
        OrganiserTeam, verbose_name=_("team"), on_delete=models.CASCADE, related_name="event_roles"
    )
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="team_roles"
    )
    role = models.CharField(_("role"), max_length=16, choices=OrganiserRole.choices)

    class Meta:
        ordering = ["team", "event"]
        verbose_name = _("event role")
        verbose_name_plural = _("event roles")
        constraints = [
            models.UniqueConstraint("team", "event", name="one_role_per_team_and_event"),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.get_role_display()} of {self.event}"
