import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

ORGANISER_USERNAME = "organiser"


class Command(BaseCommand):
    help = "Create an organiser (superuser) account if there is none, and print how to log in."

    def handle(self, *args, **options):
        users = get_user_model()
        if users.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                "Organiser login: http://127.0.0.1:8000/admin/ with your existing account. "
                "Forgot the password? .venv/bin/python manage.py changepassword "
                f"{ORGANISER_USERNAME}"
            )
            return
        password = secrets.token_urlsafe(12)
        users.objects.create_superuser(ORGANISER_USERNAME, "organiser@localhost", password)
        self.stdout.write(
            self.style.SUCCESS(
                "Organiser account created. Log in at http://127.0.0.1:8000/admin/ "
                f"as '{ORGANISER_USERNAME}' with password '{password}' (shown only now)."
            )
        )
