"""What every public page gets in one place, so a new page cannot forget it: the rate limits,
and no caching of a private page.

A private page is one whose address carries a token (a registration's or a survey answer's
private link, an invitation, a join link and everything under them) or the signed value that
pre-fills the registration form: they show names, dietary and accessibility needs, room links.
The Django admin is not a public page: its login has its own lockout.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from registrations.prefill import PREFILL_PARAMETER
from registrations.rate_limits import seconds_to_wait, too_many_requests

PUBLIC_NAMESPACE = "registrations"


def is_public_page(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.namespace == PUBLIC_NAMESPACE


def is_private_page(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return (
        match is not None
        and match.namespace == PUBLIC_NAMESPACE
        and ("token" in match.kwargs or PREFILL_PARAMETER in request.GET)
    )


class PublicPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_private_page(request):
            # The browser and any proxy keep no copy (no-store, private), as never_cache.
            add_never_cache_headers(response)
        return response

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not is_public_page(request):
            return None
        if wait := seconds_to_wait(request, private_link=is_private_page(request)):
            return too_many_requests(request, wait)
        return None
