"""Someone who has an entry already gets its private link again, whatever form they used."""

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import transaction

from registrations.emails import link_again_allowed, send_templated_email_on_commit

from .errors import AlreadyEntered

Params = ParamSpec("Params")
Result = TypeVar("Result")


def emails_private_link_again(service: Callable[Params, Result]) -> Callable[Params, Result]:
    """Run `service` in a transaction; if it refuses with AlreadyEntered, email the existing
    entry's private link (in a transaction of its own, after the rollback), then re-raise.

    The one place the survey, registration and invitations answer a repeat submission; views
    only show the refusal. Mark only the outermost service: an inner one's mail would be rolled
    back with the transaction of the service that called it.
    """

    @functools.wraps(service)
    def run(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        try:
            with transaction.atomic():
                return service(*args, **kwargs)
        except AlreadyEntered as refusal:
            with transaction.atomic():
                refusal.email_link_again()
            raise

    return run


def email_private_link(
    *, to: str, token: str, template: str, context: dict[str, object], language: str
) -> None:
    """The "here is your link again" mail, at most once per interval per link (no flooding)."""
    if link_again_allowed(token):
        send_templated_email_on_commit(to=to, template=template, context=context, language=language)
