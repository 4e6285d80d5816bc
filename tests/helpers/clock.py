"""Setting the time that the code under test reads (timezone.now, auto_now fields included)."""

from contextlib import contextmanager
from datetime import datetime
from unittest import mock


@contextmanager
def clock_at(moment: datetime):
    """Inside, django.utils.timezone.now() returns `moment` (in every thread)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield
