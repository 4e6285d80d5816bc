"""Private-link tokens: 256 random bits, URL-safe, never derived from a database id."""

import secrets

TOKEN_BYTES = 32
TOKEN_LENGTH = 43  # len(secrets.token_urlsafe(32))


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)
