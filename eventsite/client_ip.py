"""The address of the person behind a request, also when a proxy sits in front of the site.

Behind a proxy REMOTE_ADDR is the proxy's own address. `CLIENT_IP_HEADER` names the header in
which the proxy passes the client's address on (e.g. `X-Real-IP`, or `X-Forwarded-For`, of which
the last entry is the one the proxy itself added: the ones before it come from the client and
can be made up). Empty (the default): the site faces the internet, REMOTE_ADDR is the client.
Rate limits and the organiser login's lockout both count per this address.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's IP address, or "" when the request carries none that is valid."""
    header = settings.CLIENT_IP_HEADER
    if header:
        forwarded = request.headers.get(header, "").split(",")[-1]
        if address := _valid(forwarded):
            return address
    return _valid(request.META.get("REMOTE_ADDR", ""))


def _valid(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return ""
