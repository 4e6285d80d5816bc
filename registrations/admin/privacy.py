"""The privacy notice: organisers write a version, then publish it; a published one is kept as
it was (people consented to it)."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from registrations.models import PrivacyNotice
from registrations.models.privacy import SECTIONS
from registrations.services.action_log import Actor
from registrations.services.privacy import privacy_notice_publish

from .actions import apply_to_each
from .base import SHARED, EventsiteModelAdmin
from .content_languages import in_english, translation_fieldsets


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(TranslationAdmin, EventsiteModelAdmin):
    """One notice for the whole site: organisers read it, superusers write and publish it. Every
    language of a version is part of it: published, none of them changes."""

    event_path = SHARED
    list_display = ["version", "published_at", "created_at"]
    readonly_fields = ["published_at", "created_at"]
    fieldsets = [
        (None, {"fields": ["version", *map(in_english, SECTIONS), *readonly_fields]}),
        *translation_fieldsets(PrivacyNotice),
    ]
    actions = ["publish"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        """A published version is read-only: change the text in a new version."""
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(
        description=_("Publish (people consent to it from now on)"), permissions=["change"]
    )
    def publish(self, request, queryset):
        apply_to_each(
            request,
            queryset.order_by("pk"),
            lambda notice: privacy_notice_publish(
                notice=notice, actor=Actor.organiser(request.user)
            ),
            _("%(count)d privacy notice(s) published."),
        )
