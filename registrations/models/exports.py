"""A record of every export: who took which data, when."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .events import Event


class ExportRecord(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=32)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL)
    via = models.CharField(_("via"), max_length=16, help_text=_("admin or command"))
    filters = models.TextField(_("filters"), blank=True)
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export record")
        verbose_name_plural = _("export records")

    def __str__(self) -> str:
        return f"{self.kind} export by {self.user} at {self.created_at:%Y-%m-%d %H:%M}"
