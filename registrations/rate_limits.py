"""Limits on what one client, or one target address, may ask of the public site.

Three counts, each in a fixed window in the default cache (Redis when `CACHE_URL` names it, so
every web process counts together; django-ratelimit does the counting):

- every POST of a public page, per client address (`RATE_LIMIT_POSTS_PER_IP`);
- every POST that names an email address, per that address, normalised, whichever form and
  address it comes from (`RATE_LIMIT_POSTS_PER_EMAIL`): one inbox cannot be flooded from many
  clients;
- every request of a private link (an address with a token), per client address
  (`RATE_LIMIT_LINKS_PER_IP`): tokens cannot be guessed at speed.

Over a limit the page is refused before its view runs (nothing stored, nothing sent) with
HTTP 429 and the time to wait. Clients are counted by `eventsite.client_ip.client_ip`; an IPv6
client by its /64 network, the block one household or server usually holds whole.
"""

import ipaddress
import logging
import math
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import checks
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage  # type: ignore[import-untyped]  # no type hints
from redis.exceptions import RedisError

from eventsite.client_ip import client_ip

logger = logging.getLogger(__name__)

TOO_MANY_REQUESTS = 429

# The form fields that name the address a page's mails go to.
EMAIL_FIELDS = ("email", "contact_email")


@dataclass(frozen=True)
class Limit:
    group: str
    setting: str  # the name of the setting that holds the rate, e.g. "30/10m"


POSTS_PER_IP = Limit("public-posts-per-ip", "RATE_LIMIT_POSTS_PER_IP")
POSTS_PER_EMAIL = Limit("public-posts-per-email", "RATE_LIMIT_POSTS_PER_EMAIL")
LINKS_PER_IP = Limit("private-links-per-ip", "RATE_LIMIT_LINKS_PER_IP")

RATE = re.compile(r"[1-9]\d*/\d*[smhd]")


@checks.register(checks.Tags.security)
def check_rates(**kwargs: Any) -> list[checks.CheckMessage]:
    """A mistyped rate would fail every form at its first POST: refuse it at start-up."""
    return [
        checks.Error(
            f"{limit.setting} is {getattr(settings, limit.setting)!r}, not a rate.",
            hint='Write count/period, the period s, m, h or d with an optional multiple: "30/10m".',
            id="registrations.E001",
        )
        for limit in (POSTS_PER_IP, POSTS_PER_EMAIL, LINKS_PER_IP)
        if not RATE.fullmatch(getattr(settings, limit.setting))
    ]


def client_key(request: HttpRequest) -> str:
    """The client address a limit counts by: an IPv6 address as its /64 network."""
    try:
        address = ipaddress.ip_address(client_ip(request) or "")
    except ValueError:  # no address (e.g. a Unix socket without the proxy's header)
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def posted_email(request: HttpRequest) -> str:
    """The address a POST names, lower-case; "" when it names none."""
    for field in EMAIL_FIELDS:
        value = request.POST.get(field, "").strip().lower()
        if "@" in value:
            return value
    return ""


def seconds_to_wait(request: HttpRequest, *, private_link: bool) -> int:
    """0 when the request is within every limit that applies to it, else the seconds until the
    limit it went over opens again. Counts the request; stops counting at the first limit
    exceeded, so a refused flood does not use up an address's allowance as well."""
    checks: list[tuple[Limit, str]] = []
    if private_link:
        checks.append((LINKS_PER_IP, client_key(request)))
    if request.method == "POST":
        checks.append((POSTS_PER_IP, client_key(request)))
        if email := posted_email(request):
            checks.append((POSTS_PER_EMAIL, email))
    for limit, value in checks:
        if wait := _count(request, limit, value):
            return wait
    return 0


def _count(request: HttpRequest, limit: Limit, value: str) -> int:
    try:
        usage = get_usage(
            request,
            group=limit.group,
            key=lambda group, request: value,
            rate=getattr(settings, limit.setting),
            increment=True,
        )
    except (RedisError, OSError):
        # Open rather than shut: a cache outage must not take the registration forms down.
        logger.exception("Rate limit %s not counted: the cache is unavailable", limit.group)
        return 0
    if usage is None or not usage["should_limit"]:  # None: limits switched off
        return 0
    return max(usage["time_left"], 1)


def too_many_requests(request: HttpRequest, seconds: int) -> HttpResponse:
    response = render(
        request,
        "429.html",
        {"minutes": math.ceil(seconds / 60)},
        status=TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = str(seconds)
    return response
