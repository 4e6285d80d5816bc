"""Private-link tokens: 256 random bits, URL-safe, never derived from a database id."""

import re
import secrets

TOKEN_BYTES = 32
TOKEN_LENGTH = 43  # len(secrets.token_urlsafe(32))


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


_TOKEN_PATTERN = re.compile(rf"[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}")


def is_well_formed_token(value: str) -> bool:
    """Worth a database look-up: PostgreSQL refuses some strings (NUL) outright."""
    return _TOKEN_PATTERN.fullmatch(value) is not None
