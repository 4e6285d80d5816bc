"""The project's settings plus the minimal endpoint app and its URLs; nothing else changes."""

from eventsite.settings import *  # noqa: F403
from eventsite.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.minimal_endpoint"]
ROOT_URLCONF = "bench.minimal_endpoint.urls"
