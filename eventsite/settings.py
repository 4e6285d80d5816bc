"""Settings for eventsite, read from the environment (django-environ).

Every variable is listed in `.env.example`. The defaults are safe for production
(DEBUG off, secure cookies, HSTS) and SECRET_KEY has none: without it the site refuses to start
unless DEBUG is on. `make run` switches DEBUG on and keeps a local key in `.env`.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from eventsite.local_env import env_file_path

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# `.env` in the project folder, or the file named by ENV_FILE; the environment wins over it.
environ.Env.read_env(env_file_path(), overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set (and DEBUG is off). Set SECRET_KEY in the environment or in "
            "the .env file (see .env.example) to a long random value, the same for every process "
            "of the site, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`. "
            "For local development use `make run`: it sets DEBUG and keeps a key in .env."
        )
    # DEBUG without a key: a random key for this process only. Links and sessions signed by one
    # process (the mail worker's pre-filled links) are then refused by another (the web process).
    # `make run` never gets here: it writes one key into .env (eventsite/local_env.py) first.
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A public form refused for its expired token offers to send the answers again.
CSRF_FAILURE_VIEW = "registrations.views.csrf.csrf_failure"

# Absolute links in emails: the mail worker has no request to build them from.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Event content per language (registrations/translation.py); before the admin, as it asks.
    "modeltranslation",
    # Django's admin with the organiser login (two-factor, see eventsite/admin_site.py).
    "eventsite.apps.OrganiserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "bootstrap",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "registrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After the session, before CommonMiddleware: the language from the cookie set by the
    # switcher, else the browser's Accept-Language (URLs carry no language prefix).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # after CSRF (a forged POST is refused without counting) and the session (messages)
    "registrations.middleware.PublicPagesMiddleware",
    # Last: turns a login refused for too many failures into the "locked out" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "eventsite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

WSGI_APPLICATION = "eventsite.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the mail worker share the file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # DATABASE_POOLER=pgbouncer: DATABASE_URL names PgBouncer in transaction pooling, where
    # consecutive transactions may run on different server connections, so a server-side cursor
    # (Django's .iterator() on PostgreSQL) cannot outlive its transaction. The CSV exports page
    # with keyset queries instead (registrations/exports.py) and need no cursor at all.
    if env.str("DATABASE_POOLER", default="") == "pgbouncer":
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

# Rate limits count here: with several web processes CACHE_URL must name a shared cache, e.g.
# redis://127.0.0.1:6379/1 (Django's RedisCache); the local-memory default counts per process.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# The header in which the proxy in front passes on the client's address (e.g. X-Real-IP, or
# X-Forwarded-For: its last entry); empty when the site faces the internet (REMOTE_ADDR).
# Read by eventsite.client_ip.client_ip, for the rate limits and the login lockout alike.
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")

# Rate limits of the public site (registrations/rate_limits.py), "count/period" with the period
# s, m, h or d and an optional multiple ("30/10m"). The per-client limits are generous because
# a company or a venue behind one address (NAT) sends many people's requests from one address;
# the per-address limit is the one that stops a flood of mail to one inbox.
RATELIMIT_ENABLE = env.bool("RATE_LIMITS", default=True)
RATE_LIMIT_POSTS_PER_IP = env.str("RATE_LIMIT_POSTS_PER_IP", default="30/10m")
RATE_LIMIT_POSTS_PER_EMAIL = env.str("RATE_LIMIT_POSTS_PER_EMAIL", default="10/h")
RATE_LIMIT_LINKS_PER_IP = env.str("RATE_LIMIT_LINKS_PER_IP", default="300/10m")
# A cache that cannot count lets the request through (and logs it) rather than refusing all.
RATELIMIT_FAIL_OPEN = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2 for new passwords; a PBKDF2 hash still verifies and is rehashed with Argon2 at login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Organiser login. django-axes checks every login first and locks one username from one address
# after LOGIN_FAILURE_LIMIT failures (a wrong two-factor code counts as one) for
# LOGIN_COOLOFF_MINUTES; a failure while locked out starts the cool-off again. Another address
# or another username is not locked. `manage.py axes_reset` lifts every lockout.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "eventsite.auth.OrganiserBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# No start-up banner in every process (attempts and lockouts are in the admin, "Axes")
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "eventsite.admin_site.locked_out"
AXES_CLIENT_IP_CALLABLE = "eventsite.client_ip.client_ip"
# Two-factor login (TOTP, django-otp): whoever has set it up enters a code at every login;
# superusers must set it up before they reach the admin, unless DEBUG (so `make run` logs in with
# the printed password alone).
OTP_REQUIRED_FOR_SUPERUSERS = not DEBUG
OTP_TOTP_ISSUER = "European cluster events"  # the name authenticator apps show

LANGUAGE_CODE = "en"
# Each language named in itself (the switcher shows these names). The chosen one is remembered
# in Django's language cookie; private links stay the same in every language (README "Languages").
LANGUAGES = [
    ("en", "English"),
    ("fi", "suomi"),
    ("de", "Deutsch"),
    ("fr", "français"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own date formats (eventsite/formats/): English reads "10 November 2027, 09:00".
FORMAT_MODULE_PATH = ["eventsite.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Organisers enter event content per language; English is required and shown where a
# translation is missing.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Brussels")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT: Path | None = BASE_DIR / "staticfiles"  # None in the test settings
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: console by default; e.g. EMAIL_URL=smtp+tls://user:password@smtp.example.org:587
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="European Cluster Events <events@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (bulk mail): django-tasks with its database backend, run by
# `manage.py run_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# The worker (`manage.py run_worker`, registrations/worker.py): a task whose worker has sent no
# heartbeat for TASK_LEASE_SECONDS is taken up by another; a failed task runs again after
# TASK_RETRY_DELAY_SECONDS (doubling, at most an hour), TASK_MAX_ATTEMPTS times in all.
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=10)
TASK_LEASE_SECONDS = env.float("TASK_LEASE_SECONDS", default=60)
TASK_RETRY_DELAY_SECONDS = env.float("TASK_RETRY_DELAY_SECONDS", default=60)
TASK_MAX_ATTEMPTS = env.int("TASK_MAX_ATTEMPTS", default=8)
# A mail server that does not answer fails the send (and the worker tries again later) instead
# of holding the worker and its database transaction.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# crispy adds each widget's class name as a CSS class: the country select keeps "select".
CRISPY_CLASS_CONVERTERS = {"countryselect": "select"}

# The public forms' bot trap (registrations/forms/bot_trap.py): a person takes longer than the
# minimum to fill a form in; a page open for longer than the maximum is asked to be sent again.
PUBLIC_FORM_MIN_FILL_SECONDS = env.int("PUBLIC_FORM_MIN_FILL_SECONDS", default=3)
PUBLIC_FORM_MAX_AGE_SECONDS = 24 * 60 * 60

# Version of the privacy notice people consent to; stored with every consent.
PRIVACY_NOTICE_VERSION = env.str("PRIVACY_NOTICE_VERSION", default="2020-08")
# Accessibility and dietary needs (they can reveal health or religion) are removed this many
# days after the event ends, by manage.py purge_personal_data.
SENSITIVE_NEEDS_RETENTION_DAYS = env.int("SENSITIVE_NEEDS_RETENTION_DAYS", default=30)

# Security: safe by default, relaxed only with DEBUG.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Trust X-Forwarded-Proto only behind a proxy that always sets it (the usual deployment).
if env.bool("BEHIND_TLS_PROXY", default=True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
# Both commit the whole domain to HTTPS for a long time: switch off where that is not wanted.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp) on every response: scripts and styles only from the
# site's own static files, never inline (a style attribute included), and no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
