"""Contact details of people, with realistic names: one place for who registers or answers."""

from itertools import count

from django.contrib.auth.models import User

from registrations.models import OrganisationType, OrganiserRole
from tests.factories.organisers import give_team_role

_people = count(1)

PEOPLE = [
    ("Anna", "Müller", "DE"),
    ("Jukka", "Järvenpää", "FI"),
    ("Łukasz", "Wójcik", "PL"),
    ("Inês", "Gonçalves", "PT"),
    ("Zoë", "Ó Briain", "IE"),
]


def person(**fields) -> dict:
    """Contact details of a new person (a unique email each time)."""
    number = next(_people)
    first, last, country = PEOPLE[number % len(PEOPLE)]
    details = dict(
        first_name=first,
        last_name=last,
        email=f"person{number}@cluster-{country.lower()}.example.eu",
        organisation=f"Cluster Łódź-Berlin {number}",
        organisation_type=OrganisationType.CLUSTER,
        job_title="Cluster manager",
        country=country,
    )
    details.update(fields)
    return details


def make_checkin_staff(username: str = "desk.berlin", *events):
    """A staff member whose team may only check attendees in at these events."""
    user = User.objects.create_user(username, f"{username}@eccp.example.eu", "desk password 2030")
    give_team_role(user, *events, role=OrganiserRole.CHECK_IN_STAFF, team=f"Desk {username}")
    return user
