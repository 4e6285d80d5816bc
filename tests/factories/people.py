"""Contact details of people, with realistic names: one place for who registers or answers."""

from itertools import count

from django.contrib.auth.models import Permission, User

from registrations.models import OrganisationType

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


def make_checkin_staff(username: str = "desk.berlin"):
    """A staff member who may only check attendees in (no other admin permission)."""
    user = User.objects.create_user(username, f"{username}@eccp.example.eu", "desk password 2030")
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="check_in_attendees"))
    return user
