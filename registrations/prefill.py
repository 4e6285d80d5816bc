"""Signed links that open the registration form filled in from a survey response.

The link carries the response's id and event, signed with the site's SECRET_KEY and a salt of its
own, and expires: a changed or old link is refused and the form simply starts empty.
"""

from datetime import timedelta

from django.core import signing
from django.utils.translation import gettext as _

from registrations.models import Event, SurveyResponse
from registrations.services.errors import LinkInvalid

SALT = "registrations.prefill-from-survey"
# The query parameter of the registration form that carries the signed value.
PREFILL_PARAMETER = "from"
MAX_AGE = timedelta(days=90)


def prefill_value(response: SurveyResponse, event: Event) -> str:
    return signing.dumps({"response": response.pk, "event": event.pk}, salt=SALT)


def survey_response_from_prefill(value: str, *, event: Event) -> SurveyResponse:
    """The survey response a prefill value was made for; LinkInvalid if none."""
    try:
        payload = signing.loads(value, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired as error:
        raise LinkInvalid(
            _("This pre-filled link has expired; please fill in the form yourself.")
        ) from error
    except signing.BadSignature as error:
        raise LinkInvalid(
            _("This pre-filled link is not valid; please fill in the form yourself.")
        ) from error
    if not isinstance(payload, dict) or not isinstance(payload.get("response"), int):
        raise LinkInvalid(_("This pre-filled link is not valid; please fill in the form yourself."))
    response = SurveyResponse.objects.filter(pk=payload["response"], survey__event=event).first()
    if response is None or payload.get("event") != event.pk:
        raise LinkInvalid(_("This pre-filled link is not valid; please fill in the form yourself."))
    return response
