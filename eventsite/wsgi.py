"""WSGI entry point (gunicorn eventsite.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eventsite.settings")
application = get_wsgi_application()
