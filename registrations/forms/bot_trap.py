"""Two traps for bots on every public form: a field people never see, and a minimum fill time.

The form page carries a signed start time; a POST without one, with a tampered one or sent
faster than a person can fill the form in, or with the hidden field filled in, is a bot's.
The view then shows the same page a person sees after sending the form, and stores and sends
nothing, so a bot learns nothing to adapt to. A person whose page has been open longer than
the stamp's lifetime is asked to send it again (the page then carries a fresh stamp).
"""

import logging
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

HONEYPOT_FIELD = "website"
STARTED_FIELD = "form_started"


class BotTrapForm(forms.Form):
    """Mixed into a public form; its template includes registrations/_bot_trap.html.

    The trap's inputs are not form fields: the cached rendering of an unbound form
    (form_rendering.crispy_reused) must not hold a start time.
    """

    bot_trap = True  # for the templates

    @classmethod
    def _signing_salt(cls) -> str:
        return f"registrations.form-started.{cls.__name__}"

    @classmethod
    def stamp(cls, started_at: float) -> str:
        """A start time, signed for this form only."""
        return signing.dumps(started_at, salt=cls._signing_salt())

    def started_stamp(self) -> str:
        """The signed start time for the page being rendered now."""
        return self.stamp(time.time())

    def _started_at(self) -> float | None:
        try:
            started = signing.loads(
                str(self.data.get(STARTED_FIELD, "")), salt=self._signing_salt()
            )
        except signing.BadSignature:
            return None
        return started if isinstance(started, float | int) else None

    def caught_bot(self) -> bool:
        """True for a POST a person did not send; check it before validating the form."""
        started = self._started_at()
        if self.data.get(HONEYPOT_FIELD):
            reason = "hidden field filled in"
        elif started is None:
            reason = "start time missing or tampered with"
        elif time.time() - started < settings.PUBLIC_FORM_MIN_FILL_SECONDS:
            reason = "sent too fast"
        else:
            return False
        logger.info("Public form %s: bot trap (%s)", type(self).__name__, reason)
        return True

    def clean(self):
        cleaned_data = super().clean()
        started = self._started_at()
        if started is not None and time.time() - started > settings.PUBLIC_FORM_MAX_AGE_SECONDS:
            raise ValidationError(
                _(
                    "This page was open for a long time, so nothing was stored yet. Please "
                    "check your answers and send the form again."
                ),
                code="stale_form",
            )
        return cleaned_data
