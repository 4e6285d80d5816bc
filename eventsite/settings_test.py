"""Test settings: the real settings, with what a test run must not do switched off."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")

from .settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests log in without a second factor; tests/test_organiser_login.py switches it on.
OTP_REQUIRED_FOR_SUPERUSERS = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run at once in tests; tests of the worker path switch to the database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STATIC_ROOT = None  # no collectstatic in tests; whitenoise then looks only at the finders
# Rate limits off: tests count requests from one address; tests of the limits switch them on.
RATELIMIT_ENABLE = False
# Test clients send a form the moment they fetch it; the bot trap's own tests set a minimum.
PUBLIC_FORM_MIN_FILL_SECONDS = 0
