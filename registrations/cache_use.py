"""The shared cache (Redis in production) speeds things up and throttles; it is never the one
thing a form needs. When it cannot be reached, these calls log it and go on without it, as the
rate limits do (RATELIMIT_FAIL_OPEN)."""

import logging
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)


def cached_or_none(key: str) -> Any:
    try:
        return cache.get(key)
    except Exception:
        logger.exception("Cache unreachable: reading %s from the database instead", key)
        return None


def cache_quietly(key: str, value: Any, seconds: int) -> None:
    try:
        cache.set(key, value, seconds)
    except Exception:
        logger.exception("Cache unreachable: %s not kept", key)


def forget_quietly(key: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        logger.exception("Cache unreachable: %s not forgotten", key)


def first_in_interval(key: str, seconds: int) -> bool:
    """True at most once per interval for `key` (atomic: the cache's add); True when the cache
    cannot be reached (the rate limits still stand in front of every form)."""
    try:
        return bool(cache.add(key, True, seconds))
    except Exception:
        logger.exception("Cache unreachable: %s allowed without its throttle", key)
        return True
