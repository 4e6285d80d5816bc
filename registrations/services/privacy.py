"""The privacy notice: organisers publish a version; from then on consent is given to it."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registrations.cache_use import forget_quietly
from registrations.models import PrivacyNotice
from registrations.models.common import PRIVACY_NOTICE_VERSION_CACHE_KEY

from .action_log import Actor, log_action
from .errors import TransitionRefused


@transaction.atomic
def privacy_notice_publish(
    *, notice: PrivacyNotice, actor: Actor, now: datetime | None = None
) -> PrivacyNotice:
    """Publish this version: shown at /privacy/ and recorded with every consent from now on."""
    notice = PrivacyNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.is_published:
        raise TransitionRefused(
            _("Version %(version)s is published already.") % {"version": notice.version}
        )
    notice.published_at = now or timezone.now()
    notice.save(update_fields=["published_at"])
    # Now for this process, and again once committed, should a form read it in between.
    forget_quietly(PRIVACY_NOTICE_VERSION_CACHE_KEY)
    transaction.on_commit(lambda: forget_quietly(PRIVACY_NOTICE_VERSION_CACHE_KEY))
    log_action(
        subject=notice,
        action="published",
        actor=actor,
        changes={"published_at": [None, notice.published_at]},
    )
    return notice
