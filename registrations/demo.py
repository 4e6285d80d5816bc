"""The two events of the 20 Aug 2020 announcement, as demo data.

Keyed by slug, so loading again updates the same rows instead of adding new ones. The year can be
moved so that every flow (survey, registration, matchmaking) can be tried before the dates pass.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from registrations.models import (
    ApplicationCall,
    EligibilityDeclaration,
    Event,
    EventFormat,
    InterestSurvey,
    Sector,
    Session,
    SessionKind,
)

BERLIN = ZoneInfo("Europe/Berlin")
CONFERENCE_SLUG = "european-cluster-conference"
MATCHMAKING_SLUG = "intra-european-cluster-matchmaking"

EU_MEMBER_STATES = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
]  # fmt: skip
# Non-EU countries taking part in COSME in 2020 (the United Kingdom during the transition period).
COSME_PARTICIPATING_COUNTRIES = [
    "AL", "AM", "BA", "GB", "IS", "MD", "ME", "MK", "RS", "TR", "UA",
]  # fmt: skip

ELIGIBILITY_DECLARATIONS = [
    "We are a legal entity established in an EU member state or another country "
    "participating in the COSME programme.",
    "We are registered on the European Cluster Collaboration Platform (ECCP) with a complete "
    "profile, or have asked to be registered.",
    "We are a cluster organisation or business network organisation matching the ECCP "
    "definition of a cluster organisation.",
]

SECTORS = [
    "Aerospace and defence",
    "Agri-food",
    "Construction",
    "Creative and cultural industries",
    "Digital",
    "Electronics",
    "Energy-intensive industries",
    "Health",
    "Mobility, transport and automotive",
    "Proximity, social economy and civil security",
    "Renewable energy",
    "Retail",
    "Textile",
    "Tourism",
]


def default_demo_year(*, now: datetime | None = None) -> int:
    """The next year whose matchmaking (ending 12 November) is still ahead, so every flow works."""
    now = (now or timezone.now()).astimezone(BERLIN)
    return now.year if (now.month, now.day) < (11, 12) else now.year + 1


def _at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(date(year, month, day), time(hour, minute), tzinfo=BERLIN)


@transaction.atomic
def demo_data_load(*, year: int) -> list[Event]:
    conference = _conference(year)
    matchmaking = _matchmaking(year)
    for name in SECTORS:
        Sector.objects.get_or_create(name=name)
    return [conference, matchmaking]


def _event(slug: str, sessions: list[dict], **fields) -> Event:
    event, _created = Event.objects.update_or_create(slug=slug, defaults=fields)
    for session in sessions:
        Session.objects.update_or_create(event=event, title=session.pop("title"), defaults=session)
    return event


def _conference(year: int) -> Event:
    event = _event(
        CONFERENCE_SLUG,
        title=f"European Cluster Conference {year}",
        summary=(
            "The annual European Cluster Conference on cluster policy at regional, national "
            "and EU level. In Berlin, and online."
        ),
        description=(
            "The European Commission's Directorate-General for Internal Market, Industry, "
            "Entrepreneurship and SMEs (DG GROW) organises the European Cluster Conference "
            "together with the European Cluster Collaboration Platform (ECCP) and the German "
            "Federal Ministry for Economic Affairs and Energy.\n\n"
            "The conference looks at how cluster policy develops at regional, national and EU "
            "level. It aims to support interregional cooperation and to build links between "
            "European value chains, clusters and ecosystems. It takes place in Berlin and can "
            "also be followed online."
        ),
        organisers=(
            "European Commission (DG GROW), European Cluster Collaboration Platform (ECCP), "
            "German Federal Ministry for Economic Affairs and Energy"
        ),
        audience="Cluster policy makers, cluster managers, experts and stakeholder representatives",
        format=EventFormat.HYBRID,
        venue="Conference venue to be announced",
        city="Berlin",
        country="DE",
        timezone="Europe/Berlin",
        start=_at(year, 11, 10, 9),
        end=_at(year, 11, 11, 13),
        more_info_url="https://clustercollaboration.eu/",
        is_published=True,
        onsite_capacity=150,
        online_capacity=None,
        invitation_only=False,
        sessions=[
            dict(
                title="Opening plenary: cluster policy in Europe",
                kind=SessionKind.PLENARY,
                format=EventFormat.HYBRID,
                start=_at(year, 11, 10, 9, 30),
                end=_at(year, 11, 10, 11),
            ),
            dict(
                title="Interregional cooperation and European value chains",
                kind=SessionKind.PLENARY,
                format=EventFormat.HYBRID,
                start=_at(year, 11, 10, 11, 30),
                end=_at(year, 11, 10, 13),
            ),
            dict(
                title="Clusters and ecosystems: policy at regional, national and EU level",
                kind=SessionKind.PLENARY,
                format=EventFormat.HYBRID,
                start=_at(year, 11, 10, 14, 30),
                end=_at(year, 11, 10, 17, 30),
            ),
            dict(
                title="Closing plenary and outlook",
                kind=SessionKind.PLENARY,
                format=EventFormat.HYBRID,
                start=_at(year, 11, 11, 9, 30),
                end=_at(year, 11, 11, 12, 30),
            ),
        ],
    )
    InterestSurvey.objects.get_or_create(
        event=event,
        defaults={
            "is_open": True,
            "intro": (
                "Registration is not open yet. Tell us whether you plan to come to Berlin or "
                "to follow the conference online, and we can email you when registration opens."
            ),
        },
    )
    return event


def _matchmaking(year: int) -> Event:
    event = _event(
        MATCHMAKING_SLUG,
        title=f"Intra-European Cluster Matchmaking {year}",
        summary=(
            "Virtual cluster-to-cluster networking right after the European Cluster Conference: "
            "a preparatory webinar and two sessions of one-to-one meetings."
        ),
        description=(
            "Organised by the European Cluster Collaboration Platform (ECCP) to help European "
            "clusters network. The event starts with a preparatory webinar on how to take part "
            "successfully, followed by two cluster-to-cluster networking sessions of "
            "pre-scheduled one-to-one virtual meetings.\n\n"
            "Cluster organisations first send an expression of interest. Those that meet the "
            "eligibility criteria are invited to register."
        ),
        organisers="European Cluster Collaboration Platform (ECCP)",
        audience="Cluster organisations and business network organisations",
        format=EventFormat.ONLINE,
        venue="",
        city="",
        country="",
        timezone="Europe/Berlin",
        start=_at(year, 11, 11, 14),
        end=_at(year, 11, 12, 17),
        more_info_url="https://clustercollaboration.eu/",
        is_published=True,
        onsite_capacity=None,
        online_capacity=150,
        invitation_only=True,
        sessions=[
            dict(
                title="Preparatory webinar: how to take part successfully",
                kind=SessionKind.WEBINAR,
                format=EventFormat.ONLINE,
                start=_at(year, 11, 11, 14),
                end=_at(year, 11, 11, 15),
            ),
            dict(
                title="Matchmaking session 1: cluster-to-cluster meetings",
                kind=SessionKind.MATCHMAKING,
                format=EventFormat.ONLINE,
                start=_at(year, 11, 11, 15, 30),
                end=_at(year, 11, 11, 18),
            ),
            dict(
                title="Matchmaking session 2: cluster-to-cluster meetings",
                kind=SessionKind.MATCHMAKING,
                format=EventFormat.ONLINE,
                start=_at(year, 11, 12, 10),
                end=_at(year, 11, 12, 13),
            ),
        ],
    )
    call, created = ApplicationCall.objects.get_or_create(
        event=event,
        defaults={
            "is_open": True,
            "eligible_countries": EU_MEMBER_STATES + COSME_PARTICIPATING_COUNTRIES,
            "intro": (
                "Open to cluster organisations and business network organisations established "
                "in an EU member state or another COSME-participating country. No sector "
                "restriction."
            ),
        },
    )
    if created:
        EligibilityDeclaration.objects.bulk_create(
            EligibilityDeclaration(call=call, text=text, position=position)
            for position, text in enumerate(ELIGIBILITY_DECLARATIONS, start=1)
        )
    return event
