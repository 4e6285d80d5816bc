"""What every admin action that runs a service on the selected rows shares."""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django_stubs_ext import StrOrPromise

from registrations.services.errors import ServiceError


def apply_to_each(
    request: HttpRequest,
    items: Iterable[Any],
    service: Callable[[Any], Any],
    done: StrOrPromise,
) -> None:
    """Run a service on each selected item, each in its own transaction (the service's).

    Reports how many succeeded (`done` % {"count": n}) and each refusal, named by its item.
    """
    succeeded = 0
    for item in items:
        try:
            service(item)
        except ServiceError as error:
            messages.error(request, f"{item}: {error.message}")
        else:
            succeeded += 1
    if succeeded:
        messages.success(request, done % {"count": succeeded})
