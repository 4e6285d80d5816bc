import secrets

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
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
        organiser = users(username=ORGANISER_USERNAME, email="organiser@localhost")
        password = acceptable_password(organiser)
        users.objects.create_superuser(organiser.username, organiser.email, password)
        self.stdout.write(
            self.style.SUCCESS(
                "Organiser account created. Log in at http://127.0.0.1:8000/admin/ "
                f"as '{ORGANISER_USERNAME}' with password '{password}' (shown only now)."
            )
        )


def acceptable_password(user) -> str:
    """A random password of 16 characters that the site's password validators accept."""
    while True:
        password = secrets.token_urlsafe(12)
        try:
            password_validation.validate_password(password, user)
        except ValidationError:
            continue  # e.g. all digits, however unlikely
        return password
