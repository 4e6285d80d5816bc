"""One spelling per mailbox: addresses are normalised before they are compared or stored.

A fullwidth letter in the domain, a Unicode domain and its ASCII (IDNA) form, or a domain in
capitals all reach the same inbox; without this they would each pass the
one-entry-per-email rule. The local part keeps its case (mail servers may tell it apart); the
database constraints compare it case-insensitively.
"""

import contextlib
import unicodedata


def normalise_email(address: str) -> str:
    """NFKC over the whole address, then the domain in its lower-case ASCII (IDNA) form.

    A domain that IDNA cannot encode is left as it is, for the email validator to refuse.
    """
    address = unicodedata.normalize("NFKC", address.strip())
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    return f"{local}@{domain.lower()}"
