"""The client's IP address, the one way the project reads it (login lockout, rate limits)."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address in the header named by CLIENT_IP_HEADER, else the peer's (REMOTE_ADDR).

    A list such as X-Forwarded-For gives its last address: the one our proxy added, which the
    client cannot forge (the addresses before it are whatever the client sent). A missing or
    malformed value falls back to the peer's address.
    """
    header = settings.CLIENT_IP_HEADER
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        last = value.rsplit(",", 1)[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR")
