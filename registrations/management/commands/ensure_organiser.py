import secrets

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from registrations.models import OrganiserTeam

ORGANISER_USERNAME = "organiser"
# A member of each demo team (registrations/demo.py), to see what a team's organiser sees.
DEMO_TEAM_MEMBERS = {"DG GROW events": "dg.grow", "ECCP secretariat": "eccp.secretariat"}


class Command(BaseCommand):
    help = "Create an organiser (superuser) account if there is none, and print how to log in."

    def handle(self, *args, **options):
        self.ensure_superuser()
        self.ensure_demo_team_members()

    def ensure_demo_team_members(self) -> None:
        """A staff account (no superuser) in each demo team there is, created once."""
        users = get_user_model()
        for team in OrganiserTeam.objects.filter(name__in=DEMO_TEAM_MEMBERS):
            username = DEMO_TEAM_MEMBERS[team.name]
            if users.objects.filter(username=username).exists():
                self.stdout.write(f"Team login: '{username}' ({team.name}) as before.")
                continue
            member = users(username=username, email=f"{username}@localhost", is_staff=True)
            password = acceptable_password(member)
            member.set_password(password)
            member.save()
            team.members.add(member)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Team login for {team.name} (sees only its own event): '{username}' "
                    f"with password '{password}' (shown only now)."
                )
            )

    def ensure_superuser(self) -> None:
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
