"""The action log: every state change, with who made it, when, and the fields it changed."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .events import Event


class ActorKind(models.TextChoices):
    PERSON = "person", _("The person, through their private link")
    ORGANISER = "organiser", _("An organiser")
    SYSTEM = "system", _("The system")


class ActionLogEntry(models.Model):
    """One state change of one object. Never holds a private token (see services.action_log)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="action_log",
    )
    action = models.CharField(_("action"), max_length=64)
    actor_kind = models.CharField(_("actor"), max_length=16, choices=ActorKind.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(
        _("actor name"),
        max_length=150,
        blank=True,
        help_text=_("The organiser's user name, or what the system did it for."),
    )
    changes = models.JSONField(
        _("changed fields"), default=dict, blank=True, help_text=_("{field: [old, new]}")
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("action log entry")
        verbose_name_plural = _("action log")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="action_log_subject_idx")
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_display}"

    @property
    def actor_display(self) -> str:
        if self.actor_kind == ActorKind.ORGANISER:
            return self.actor_label or str(_("an organiser (user deleted)"))
        if self.actor_kind == ActorKind.SYSTEM:
            return f"{_('system')}: {self.actor_label}" if self.actor_label else str(_("system"))
        return str(ActorKind.PERSON.label)
