"""One family for every refusal: a view, an admin action or a command handles any of them alike.

A service refuses by raising a `ServiceError` (or a subclass): `message` is written for the person
who tried, `field` names the form field it concerns, if any. `InvalidInput` carries several at once,
so a form can show every problem of one submission. Each subclass owns its wording.
"""

from collections.abc import Callable, Iterable
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from registrations.models import Event, Invitation, InvitationState


class ServiceError(Exception):
    """A step the service refused; nothing was stored."""

    default_message = gettext_lazy("This cannot be done.")

    def __init__(self, message: StrOrPromise = "", *, field: str | None = None) -> None:
        self.message = str(message or self.default_message)
        self.field = field
        super().__init__(self.message)


class InvalidInput(ServiceError):
    """Several problems with one submission, each a ServiceError naming its field."""

    def __init__(self, errors: Iterable[ServiceError]) -> None:
        self.errors = list(errors)
        super().__init__(self.errors[0].message, field=self.errors[0].field)

    @classmethod
    def raise_if_any(cls, errors: Iterable[ServiceError]) -> None:
        errors = list(errors)
        if errors:
            raise cls(errors)


class TransitionRefused(ServiceError):
    """A change that makes no sense in the object's current state."""


class AlreadyEntered(ServiceError):
    """This email already has an entry here, so nothing new was stored.

    `email_link_again` mails that entry's private link to its address; services marked with
    `services.private_links.emails_private_link_again` call it after their transaction rolled
    back, so the person who lost their link gets it, and the page reveals nothing more.
    """

    def __init__(self, message: StrOrPromise = "", *, email_link_again: Callable[[], None]) -> None:
        super().__init__(message, field="email")
        self.email_link_again = email_link_again


class LinkInvalid(ServiceError):
    """A private, pre-filled or invitation link that cannot be used (any more)."""


class RegistrationClosed(ServiceError):
    """Nobody can register for this event right now."""

    @classmethod
    def for_event(cls, event: Event, now: datetime) -> "RegistrationClosed":
        """Why, in words for the public: over, not open yet, or closed."""
        if event.is_over(now):
            return cls(_("This event has taken place; registration is closed."))
        if not event.registration_has_opened(now):
            return cls(_("Registration for this event is not open yet."))
        return cls(_("Registration for this event is closed."))


class InvitationUnusable(LinkInvalid):
    """A used or withdrawn invitation link."""

    @classmethod
    def for_invitation(cls, invitation: Invitation) -> "InvitationUnusable | None":
        """The refusal for this link, or None if it can be used to register."""
        state = invitation.state
        if state == InvitationState.REGISTERED:
            return cls(
                _(
                    "This invitation has already been used to register. To change or cancel the "
                    "registration, use the private link in your registration confirmation email."
                )
            )
        if state == InvitationState.WITHDRAWN or not invitation.application.is_eligible:
            return cls(
                _(
                    "This invitation has been withdrawn by the organisers, so nothing can be "
                    "registered with it. If you think this is a mistake, please reply to the "
                    "email that brought you here."
                )
            )
        return None
