"""Plain helpers shared by test modules (fixtures live in conftest.py, test data in
tests.factories). The export tests' URLconf is tests.helpers.export_admin_site."""

from tests.helpers.admin import run_admin_action
from tests.helpers.clock import clock_at
from tests.helpers.concurrency import run_together
from tests.helpers.exports import assert_streams_five_rows_lazily
from tests.helpers.languages import get_in_language
from tests.helpers.tasks import queued, run_queued_on_time
from tests.helpers.two_factor import current_code, wrong_code
from tests.helpers.urls import apply_url, invitation_url, register_url

__all__ = [
    "apply_url",
    "assert_streams_five_rows_lazily",
    "clock_at",
    "current_code",
    "get_in_language",
    "invitation_url",
    "queued",
    "register_url",
    "run_admin_action",
    "run_queued_on_time",
    "run_together",
    "wrong_code",
]
