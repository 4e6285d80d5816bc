"""Private-link tokens: 256 random bits, URL-safe, never derived from a database id."""

import secrets

TOKEN_BYTES = 32
TOKEN_LENGTH = 43  # len(secrets.token_urlsafe(32))


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_well_formed_token(value: str) -> bool:
    """Checked before any query: a NUL byte or an odd length must give a 404, not a DB error."""
    return len(value) == TOKEN_LENGTH and all(
        char.isascii() and (char.isalnum() or char in "-_") for char in value
    )
