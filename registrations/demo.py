"""The two events of the 20 Aug 2020 announcement, as demo data.

Keyed by slug, so loading again updates the same rows instead of adding new ones. The year can be
moved so that every flow (survey, registration, matchmaking) can be tried before the dates pass.

The matchmaking event also gets a working matchmaking (`_matchmaking_sample`): registration open
(by invitation), meeting rules and slots, forty sample cluster organisations who applied, were
found eligible, invited and registered, their profiles, meeting requests between them, and a
schedule built by the solver and published as preliminary; a few more applications wait for
review. All of it is made through the real services, as the demo's actor. The organisations are
keyed by their application's contact email or legal name (the call's own duplicate rule), each
request by its pair, and the schedule is built and published once: loading again adds nothing,
mails nothing and builds nothing.
"""

import random
import time as clock
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django_countries import countries

from registrations import selectors
from registrations.demo_past_edition import (
    PAST_EDITION_SLUG,
    past_edition_load,
    past_edition_loaded,
)
from registrations.models import (
    DEFAULT_REMINDERS,
    ApplicationCall,
    ApplicationStatus,
    AttendanceMode,
    EligibilityDeclaration,
    Event,
    EventFormat,
    EventReminder,
    ExpressionOfInterest,
    InterestSurvey,
    Invitation,
    Meeting,
    MeetingRequest,
    MeetingRequestStatus,
    MeetingRules,
    MeetingSlot,
    OrganisationType,
    OrganiserRole,
    OrganiserTeam,
    ParticipantProfile,
    Registration,
    ScheduleRun,
    ScheduleRunStatus,
    ScheduleState,
    Sector,
    Session,
    SessionKind,
    TeamEventRole,
)
from registrations.services.action_log import Actor
from registrations.services.matchmaking import (
    ApplicationDetails,
    application_mark_eligible,
    application_mark_not_eligible,
    application_submit,
    invitation_accept,
    invitations_send,
)
from registrations.services.meeting_requests import (
    meeting_request_accept,
    meeting_request_decline,
    meeting_request_send,
)
from registrations.services.meeting_schedule import (
    schedule_build,
    schedule_build_request,
    schedule_publish,
)
from registrations.services.meeting_slots import (
    MeetingRulesDetails,
    availability_set,
    meeting_rules_change,
    meeting_rules_set_up,
    meeting_slots_generate,
)
from registrations.services.participants import (
    ProfileDetails,
    participant_profile_for,
    participant_profile_update,
)
from registrations.services.registration import RegistrantDetails, registration_open
from registrations.tasks.meetings import build_meeting_schedule

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


# The demo's schedule build: short, so `make run` starts quickly (an organiser's rebuild in the
# admin gets the worker's full time).
DEMO_SOLVER_SECONDS = 3.0


def demo_data_load(
    *,
    year: int,
    sample: bool = True,
    solver_seconds: float = DEMO_SOLVER_SECONDS,
    now: datetime | None = None,
) -> list[Event]:
    """The two events and (unless `sample` is off) the matchmaking's sample participants,
    meetings and schedule, and last year's conference with its attendance."""
    now = now or timezone.now()
    loading_since = timezone.now()
    with transaction.atomic():
        conference = _conference(year)
        matchmaking = _matchmaking(year)
        first_sample = not ParticipantProfile.objects.filter(
            registration__event=matchmaking
        ).exists()
        for name in SECTORS:
            Sector.objects.get_or_create(name=name)
        timeline = _Timeline.for_event(matchmaking, now=now)
        if sample:
            first_sample = first_sample or not past_edition_loaded()
            _matchmaking_sample(matchmaking, timeline)
            past_edition_load(year=year - 1, build_event=_event)
        else:
            _slots_follow_their_sessions(matchmaking)  # a sample loaded before moves along
        _demo_teams(conference, matchmaking)  # after last year's conference is there
    if sample:
        # The schedule after the commit: the build request's job reaches the worker's queue
        # only then, and the demo takes that job over (see _take_over_build).
        _matchmaking_schedule(matchmaking, timeline, solver_seconds=solver_seconds)
        if first_sample:  # a reload queues nothing of the sample's, so nothing is dropped then
            _discard_queued_mail(since=loading_since)
    return [conference, matchmaking]


# The demo's organiser teams and the event each manages (ensure_organiser adds a member each).
DEMO_TEAMS = {"conference": "DG GROW events", "matchmaking": "ECCP secretariat"}


def _demo_teams(conference: Event, matchmaking: Event) -> None:
    """Each demo event managed by its own team (last year's conference by the conference's), so
    that a member of one sees only its events; a role an organiser changed since is kept."""
    managed = {
        DEMO_TEAMS["conference"]: [
            conference,
            *Event.objects.filter(slug=PAST_EDITION_SLUG),
        ],
        DEMO_TEAMS["matchmaking"]: [matchmaking],
    }
    for name, events in managed.items():
        team, _created = OrganiserTeam.objects.get_or_create(name=name)
        for event in events:
            TeamEventRole.objects.get_or_create(
                team=team, event=event, defaults={"role": OrganiserRole.MANAGER}
            )


def _discard_queued_mail(*, since: datetime) -> int:
    """The sample's mails stay unsent: the services queued them (confirmations, invitations,
    answers, agendas) for organisations that exist only here. Only jobs still waiting in the
    database queue since the load began are dropped; nothing else is touched."""
    from django_tasks_db.models import DBTaskResult

    deleted, _kinds = (
        DBTaskResult.objects.ready()
        .filter(enqueued_at__gte=since)
        .exclude(task_path=build_meeting_schedule.module_path)
        .delete()
    )
    return deleted


def _event(slug: str, sessions: list[dict], **fields) -> Event:
    event, _created = Event.objects.update_or_create(slug=slug, defaults=fields)
    for before in DEFAULT_REMINDERS:
        EventReminder.objects.get_or_create(event=event, send_before=before)
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
        # Translated as an organiser would in the admin; the description is left in English, so
        # the page in another language shows the fallback too.
        title_fi=f"Euroopan klusterikonferenssi {year}",
        title_de=f"Europäische Clusterkonferenz {year}",
        title_fr=f"Conférence européenne des clusters {year}",
        summary_fi=(
            "Vuosittainen Euroopan klusterikonferenssi klusteripolitiikasta alueellisella, "
            "kansallisella ja EU-tasolla. Berliinissä ja verkossa."
        ),
        summary_de=(
            "Die jährliche Europäische Clusterkonferenz zur Clusterpolitik auf regionaler, "
            "nationaler und EU-Ebene. In Berlin und online."
        ),
        summary_fr=(
            "La conférence européenne annuelle des clusters sur la politique des clusters aux "
            "niveaux régional, national et européen. À Berlin et en ligne."
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
        contact_name="European Cluster Conference team",
        contact_email="conference@cluster-events.example.org",
        online_join_url="https://stream.cluster-events.example.org/conference",
        online_access_notes="The stream runs in your browser; no software to install.",
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
                title_fi="Avaustäysistunto: klusteripolitiikka Euroopassa",
                title_de="Eröffnungsplenum: Clusterpolitik in Europa",
                title_fr="Séance plénière d'ouverture : la politique des clusters en Europe",
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
                title_fi="Päätöstäysistunto ja katse tulevaan",
                title_de="Abschlussplenum und Ausblick",
                title_fr="Séance plénière de clôture et perspectives",
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
        contact_name="ECCP matchmaking team",
        contact_email="matchmaking@cluster-events.example.org",
        online_join_url="https://webinar.cluster-events.example.org/matchmaking",
        online_access_notes="Meeting ID 4711 0815, passcode: clusters",
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


# The matchmaking's sample ---------------------------------------------------------------------

DEMO = Actor.system("demo data")

# Each topic as the profiles word it; offers and seeks are made of these, so the partner
# suggestions (TF-IDF over the listed profiles) pair those whose words really meet.
TOPICS = {
    "additive": "additive manufacturing and 3D printing of metal parts",
    "aerospace": "aerospace composites and satellite data services",
    "agrifood": "food processing, traceability and food safety",
    "ai": "artificial intelligence and machine learning for SMEs",
    "automotive": "electric vehicles and automotive supply chains",
    "batteries": "battery cell production and recycling of lithium-ion batteries",
    "bioeconomy": "forest bioeconomy and bio-based materials",
    "blue": "blue economy, aquaculture and sustainable fisheries",
    "circular": "circular economy, recycling and industrial symbiosis",
    "construction": "timber construction and energy-efficient buildings",
    "creative": "video games, animation and immersive media",
    "cyber": "cybersecurity for industrial control systems",
    "ehealth": "digital health, telemedicine and health data",
    "hydrogen": "green hydrogen, electrolysers and fuel cells",
    "logistics": "smart logistics and port digitalisation",
    "medtech": "medical devices and clinical validation",
    "microelectronics": "microelectronics, photonics and sensor design",
    "offshore": "offshore wind and marine renewable energy",
    "precision_farming": "precision farming with drones and soil sensors",
    "smart_grids": "smart grids and energy storage",
    "textiles": "technical textiles and circular fashion",
    "tourism": "sustainable tourism and cultural heritage experiences",
}


@dataclass(frozen=True)
class SampleOrganisation:
    legal_name: str
    country: str
    first_name: str
    last_name: str
    job_title: str
    sectors: tuple[str, ...]
    offers: tuple[str, ...]  # TOPICS keys
    seeks: tuple[str, ...]
    members: int
    listed: bool = True
    popular: bool = False  # asked for meetings more often

    @property
    def email(self) -> str:
        german = self.country in ("DE", "AT")  # Müller writes mueller
        first, last = _ascii(self.first_name, german=german), _ascii(self.last_name, german=german)
        return f"{first}.{last}@{self.country.lower()}.example.org"  # a reserved domain


_Letters = dict[str, str | int | None]
PLAIN_LETTERS = str.maketrans(_Letters({"ł": "l", "ø": "o", "æ": "ae", "ß": "ss"}))
GERMAN_LETTERS = str.maketrans(_Letters({"ä": "ae", "ö": "oe", "ü": "ue"}))


def _ascii(name: str, *, german: bool = False) -> str:
    """A name as part of an address: "Łukasz Wójcik" as lukasz-wojcik."""
    name = name.lower().translate(PLAIN_LETTERS)
    if german:
        name = name.translate(GERMAN_LETTERS)
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(char if char.isalnum() else "-" for char in plain)


def _org(legal_name: str, country: str, contact: str, job: str, sectors: str, offers: str,
         seeks: str, members: int, **flags: bool) -> SampleOrganisation:  # fmt: skip
    first, last = contact.split(" ", 1)
    return SampleOrganisation(
        legal_name=legal_name,
        country=country,
        first_name=first,
        last_name=last,
        job_title=job,
        sectors=tuple(sectors.split("; ")),
        offers=tuple(offers.split()),
        seeks=tuple(seeks.split()),
        members=members,
        **flags,
    )


MANAGER, DIRECTOR, PROJECTS = "Cluster manager", "Managing director", "International projects"
ENERGY, RENEWABLE = "Energy-intensive industries", "Renewable energy"
MOBILITY, TEXTILE = "Mobility, transport and automotive", "Textile"

# Forty organisations from seventeen countries that take part in the meetings.
SAMPLE_PARTICIPANTS = [
    _org("Järvenpää Battery Cluster ry", "FI", "Aino Virtanen", MANAGER,
         f"{RENEWABLE}; {ENERGY}", "batteries circular", "automotive smart_grids", 64,
         popular=True),
    _org("Oulu Health Technology Cluster ry", "FI", "Mikko Heikkinen", DIRECTOR,
         "Health; Digital", "medtech ehealth", "ai microelectronics", 48),
    _org("Lapland Tourism Network ry", "FI", "Saara Niemi", PROJECTS,
         "Tourism", "tourism", "creative blue", 35, listed=False),
    _org("Klaster Łódź Tekstylia", "PL", "Agnieszka Kamińska", MANAGER,
         TEXTILE, "textiles", "circular ai", 92, popular=True),
    _org("Śląski Klaster Wodorowy", "PL", "Katarzyna Zielińska", DIRECTOR,
         f"{RENEWABLE}; {ENERGY}", "hydrogen smart_grids", "offshore automotive", 41,
         popular=True),
    _org("Klaster Logistyki Morskiej Gdańsk", "PL", "Piotr Kowalczyk", MANAGER,
         MOBILITY, "logistics", "ai cyber", 57),
    _org("Cluster Açores Mar", "PT", "Inês Medeiros", MANAGER,
         "Agri-food; Tourism", "blue", "offshore tourism", 29),
    _org("Cluster Manufatura Aditiva Norte", "PT", "João Ferreira", PROJECTS,
         "Electronics; Aerospace and defence", "additive", "automotive aerospace", 38),
    _org("Berlin Digital Health e.V.", "DE", "Anna Müller", MANAGER,
         "Health; Digital", "ehealth ai", "medtech cyber", 110, popular=True),
    _org("Automotive Cluster Franken e.V.", "DE", "Jürgen Schäfer", DIRECTOR,
         f"{MOBILITY}; Electronics", "automotive microelectronics", "batteries hydrogen", 134),
    _org("Holzbau Cluster Baden-Württemberg e.V.", "DE", "Katrin Weiß", MANAGER,
         "Construction", "construction bioeconomy", "circular smart_grids", 76),
    _org("Windenergie-Netzwerk Hamburg e.V.", "DE", "Lars Petersen", PROJECTS,
         RENEWABLE, "offshore smart_grids", "hydrogen logistics", 88, popular=True),
    _org("Pôle Véhicule du Futur", "FR", "Théo Lefèvre", MANAGER,
         MOBILITY, "automotive hydrogen", "batteries microelectronics", 180, popular=True),
    _org("Pôle Aéronautique Occitanie", "FR", "Camille Dubois", DIRECTOR,
         "Aerospace and defence", "aerospace additive", "microelectronics ai", 150),
    _org("Pôle Mer et Littoral Bretagne", "FR", "Yann Le Goff", MANAGER,
         f"{RENEWABLE}; Agri-food", "blue offshore", "logistics cyber", 97),
    _org("Cluster Jeux Vidéo Occitanie", "FR", "Élodie Garnier", PROJECTS,
         "Creative and cultural industries; Digital", "creative", "tourism ai", 44),
    _org("Cluster Agroalimentare Emilia-Romagna", "IT", "Giulia Bianchi", MANAGER,
         "Agri-food", "agrifood", "precision_farming logistics", 121, popular=True),
    _org("Cluster Lombardo della Mobilità", "IT", "Marco Rossi", DIRECTOR,
         MOBILITY, "automotive logistics", "batteries smart_grids", 103),
    _org("Distretto Aerospaziale della Campania", "IT", "Francesca Esposito", PROJECTS,
         "Aerospace and defence", "aerospace", "additive cyber", 69),
    _org("Cluster Tessile Biellese", "IT", "Alessandro Conti", MANAGER,
         TEXTILE, "textiles circular", "creative ai", 58, listed=False),
    _org("Clúster de Redes Eléctricas de Euskadi", "ES", "Iñaki Etxeberria", MANAGER,
         f"{RENEWABLE}; {ENERGY}", "smart_grids offshore", "hydrogen ai", 82),
    _org("Clúster Agroalimentario de Navarra", "ES", "María Jiménez", DIRECTOR,
         "Agri-food", "precision_farming agrifood", "logistics ai", 73),
    _org("Clúster Salut Digital Catalunya", "ES", "Jordi Puig", MANAGER,
         "Health; Digital", "ehealth medtech", "ai cyber", 95),
    _org("Clúster do Naval Galego", "ES", "Lucía Otero", PROJECTS,
         f"{MOBILITY}; Agri-food", "blue logistics", "offshore additive", 61),
    _org("Eindhoven Fotonica Cluster", "NL", "Sanne de Vries", MANAGER,
         "Electronics; Digital", "microelectronics", "medtech automotive", 87, popular=True),
    _org("Circulair Cluster Zuid-Holland", "NL", "Pieter van Dijk", DIRECTOR,
         f"{ENERGY}; Construction", "circular", "construction textiles", 53),
    _org("Voedingscluster Vlaanderen vzw", "BE", "Els Peeters", MANAGER,
         "Agri-food", "agrifood", "precision_farming circular", 118),
    _org("Cluster Cybersécurité Wallonie asbl", "BE", "Nicolas Lambert", PROJECTS,
         "Digital; Proximity, social economy and civil security", "cyber", "ehealth logistics",
         39),
    _org("Mechatronik-Cluster Oberösterreich", "AT", "Stefan Huber", MANAGER,
         "Electronics; Energy-intensive industries", "additive ai", "aerospace automotive", 140),
    _org("Holzcluster Steiermark", "AT", "Maria Gruber", DIRECTOR,
         "Construction; Renewable energy", "bioeconomy construction", "circular tourism", 66),
    _org("Lund Medtech Kluster", "SE", "Erik Lindqvist", MANAGER,
         "Health", "medtech", "ehealth microelectronics", 55),
    _org("Skogsklustret Norrland", "SE", "Johanna Berg", PROJECTS,
         f"{RENEWABLE}; Construction", "bioeconomy", "construction textiles", 47, listed=False),
    _org("Havvind Klynge Esbjerg", "DK", "Mette Sørensen", MANAGER,
         RENEWABLE, "offshore hydrogen", "smart_grids batteries", 79, popular=True),
    _org("Fødevareklynge Midtjylland", "DK", "Rasmus Nielsen", DIRECTOR,
         "Agri-food", "agrifood bioeconomy", "precision_farming circular", 84),
    _org("Moravskoslezský automobilový klastr", "CZ", "Tomáš Dvořák", MANAGER,
         MOBILITY, "automotive", "additive microelectronics", 72),
    _org("Klastr kybernetické bezpečnosti Brno", "CZ", "Petra Nováková", PROJECTS,
         "Digital", "cyber ai", "automotive ehealth", 33),
    _org("Tartu IKT Klaster MTÜ", "EE", "Kristjan Tamm", MANAGER,
         "Digital", "ai cyber", "ehealth logistics", 51),
    _org("Slovenski lesarski grozd", "SI", "Matej Horvat", DIRECTOR,
         "Construction; Creative and cultural industries", "construction bioeconomy",
         "creative tourism", 46),
    _org("Hellenic Tourism Innovation Cluster", "GR", "Eleni Papadopoulou", MANAGER,
         "Tourism", "tourism", "creative ai", 42, listed=False),
    _org("Transylvania Textile & Fashion Cluster", "RO", "Andreea Popescu", MANAGER,
         TEXTILE, "textiles", "circular creative", 63),
]  # fmt: skip

# Applications left for the organiser to review: three submitted, one found not eligible.
SAMPLE_APPLICANTS = [
    _org("Cluster Legno Dolomiti", "IT", "Paolo Ferrari", MANAGER,
         "Construction", "construction bioeconomy", "tourism circular", 37),
    _org("Klaster Kreatywny Kraków", "PL", "Magdalena Nowak", PROJECTS,
         "Creative and cultural industries", "creative", "tourism ai", 58),
    _org("Clúster Marítimo de Canarias", "ES", "Carmen Suárez", MANAGER,
         "Tourism; Agri-food", "blue tourism", "offshore logistics", 45),
]  # fmt: skip
NOT_ELIGIBLE_APPLICANT = _org(
    "Nordwind Beratung GmbH", "DE", "Felix Hoffmann", DIRECTOR,
    RENEWABLE, "offshore", "hydrogen", 12,
)  # fmt: skip
NOT_ELIGIBLE_REASON = (
    "The matchmaking is open to cluster organisations and business network organisations. "
    "Nordwind Beratung is a consultancy firm, so we cannot invite it this time; its member "
    "cluster may apply instead."
)

MEETING_REQUESTS = 80
# The slots (index in the event's order) a few participants cannot meet in.
UNAVAILABLE = {
    "Berlin Digital Health e.V.": (0, 1),
    "Cluster Lombardo della Mobilità": (6, 7, 8),
    "Lund Medtech Kluster": (0, 1, 2, 3, 4, 5),
    "Havvind Klynge Esbjerg": (11, 12),
    "Clúster do Naval Galego": (3, 9),
}


@dataclass(frozen=True)
class _Timeline:
    """When each step of the sample happens: the call's weeks, all before the matchmaking (so
    the 2020 dates work too) and never after the present (so nothing is dated in the future)."""

    start: datetime

    @classmethod
    def for_event(cls, event: Event, *, now: datetime) -> "_Timeline":
        return cls(start=min(now, event.start - timedelta(days=14)) - timedelta(days=14))

    def day(self, day: float) -> datetime:
        return self.start + timedelta(days=day)


def _matchmaking_sample(event: Event, timeline: _Timeline) -> None:
    _registration_opened(event, timeline)
    _meeting_rules(event)
    _slots_follow_their_sessions(event)
    slots = _slots(event)
    for number, sample in enumerate(SAMPLE_PARTICIPANTS):
        _participant(event, sample, timeline, number=number, slots=slots)
    _applicants(event, timeline)
    _requests(event, timeline)


def _registration_opened(event: Event, timeline: _Timeline) -> None:
    """Open registration (by invitation) once; an organiser's later change is kept."""
    if event.registration_opened_at is None and event.registration_opens_at is None:
        registration_open(event=event, actor=DEMO, now=timeline.day(4))


def _meeting_rules(event: Event) -> None:
    if MeetingRules.objects.filter(event=event).exists():
        return  # set up by an earlier load, or by the organiser since: kept as they are
    rules = meeting_rules_set_up(event=event, actor=DEMO)
    meeting_rules_change(
        rules=rules,
        details=MeetingRulesDetails(
            requests_per_participant=10,
            requests_need_acceptance=True,
            meeting_minutes=20,
            break_minutes=5,
            rooms_limit=None,
            room_link_pattern="https://meet.jit.si/eccp-demo-{room}",
            room_links="",
        ),
        actor=DEMO,
    )


def _slots_follow_their_sessions(event: Event) -> None:
    """Loading the demo for another year moves the sessions; their slots move with them (same
    local time, the sessions' year), as _event moves the sessions themselves."""
    local = event.tzinfo
    for slot in MeetingSlot.objects.filter(event=event).select_related("session"):
        year = slot.session.start.astimezone(local).year
        if slot.start.astimezone(local).year == year:
            continue
        MeetingSlot.objects.filter(pk=slot.pk).update(
            start=slot.start.astimezone(local).replace(year=year),
            end=slot.end.astimezone(local).replace(year=year),
        )


def _slots(event: Event) -> list[MeetingSlot]:
    for session in event.sessions.filter(kind=SessionKind.MATCHMAKING).order_by("start"):
        if not MeetingSlot.objects.filter(session=session).exists():
            meeting_slots_generate(session=session, actor=DEMO)
    return list(MeetingSlot.objects.filter(event=event).order_by("start"))


def _is_known(event: Event, sample: SampleOrganisation) -> bool:
    """The call's own rule: one application per contact email or legal name."""
    field = selectors.application_duplicate_field(
        event_id=event.pk, contact_email=sample.email, legal_name=sample.legal_name
    )
    return field is not None


def _application(
    event: Event, sample: SampleOrganisation, *, when: datetime
) -> ExpressionOfInterest:
    call = event.call
    sector_names = list(sample.sectors)
    return application_submit(
        call=call,
        details=ApplicationDetails(
            legal_name=sample.legal_name,
            country=sample.country,
            eccp_profile_url=(
                f"https://clustercollaboration.eu/cluster-organisations/{_ascii(sample.legal_name)}"
            ),
            eccp_registration_requested=False,
            organisation_type=(
                OrganisationType.COMPANY
                if sample is NOT_ELIGIBLE_APPLICANT
                else OrganisationType.CLUSTER
            ),
            sectors=list(Sector.objects.filter(name__in=sector_names)),
            members_count=sample.members,
            offers=_words("We offer", sample.offers),
            seeks=_words("We are looking for partners in", sample.seeks),
            contact_first_name=sample.first_name,
            contact_last_name=sample.last_name,
            contact_job_title=sample.job_title,
            contact_email=sample.email,
            declarations=list(call.declarations.all()),
        ),
        actor=DEMO,
        now=when,
    )


def _words(lead: str, topics: tuple[str, ...]) -> str:
    phrases = [TOPICS[topic] for topic in topics]
    listed = phrases[0] if len(phrases) == 1 else f"{'; '.join(phrases[:-1])}; and {phrases[-1]}"
    return f"{lead} {listed}. Open to joint projects and value-chain partnerships."


def _participant(
    event: Event,
    sample: SampleOrganisation,
    timeline: _Timeline,
    *,
    number: int,
    slots: list[MeetingSlot],
) -> ParticipantProfile | None:
    """Apply, be found eligible, be invited, register, keep a profile; None if already there."""
    if _is_known(event, sample):
        return None
    application = _application(event, sample, when=timeline.day(number / 20))
    application_mark_eligible(application=application, actor=DEMO, now=timeline.day(3))
    invitations_send(applications=[application], actor=DEMO, now=timeline.day(5))
    invitation = Invitation.objects.get(application=application)
    registration = invitation_accept(
        invitation=invitation,
        details=RegistrantDetails(
            first_name=sample.first_name,
            last_name=sample.last_name,
            email=sample.email,
            organisation=sample.legal_name,
            organisation_type=OrganisationType.CLUSTER,
            job_title=sample.job_title,
            country=sample.country,
            attendance_mode=AttendanceMode.ONLINE,
            sessions=list(event.sessions.all()),
        ),
        actor=DEMO,
        now=timeline.day(6 + number / 20),
    )
    profile = participant_profile_for(registration=registration, actor=DEMO)
    country = countries.name(sample.country)
    profile = participant_profile_update(
        profile=profile,
        details=ProfileDetails(
            description=(
                f"{sample.legal_name} brings together {sample.members} companies, research "
                f"organisations and public bodies in {country}."
            ),
            offers=profile.offers,
            seeks=profile.seeks,
            sectors=list(profile.sectors.all()),
            website=profile.website,
            attendees=profile.attendees,
            is_listed=sample.listed,
        ),
        actor=DEMO,
    )
    unavailable = UNAVAILABLE.get(sample.legal_name, ())
    if unavailable:
        availability_set(
            profile=profile,
            available_slot_ids=[
                slot.pk for index, slot in enumerate(slots) if index not in unavailable
            ],
            actor=DEMO,
        )
    return profile


def _applicants(event: Event, timeline: _Timeline) -> None:
    for number, sample in enumerate(SAMPLE_APPLICANTS):
        if not _is_known(event, sample):
            _application(event, sample, when=timeline.day(2 + number / 3))
    if not _is_known(event, NOT_ELIGIBLE_APPLICANT):
        application = _application(event, NOT_ELIGIBLE_APPLICANT, when=timeline.day(1))
        application_mark_not_eligible(
            application=application, actor=DEMO, reason=NOT_ELIGIBLE_REASON, now=timeline.day(3)
        )


def request_plan() -> list[tuple[str, str, str]]:
    """(sender, receiver, outcome) by legal name: the same every time (a fixed seed).

    A sender asks those whose offers meet its seeks more often, and the popular ones more often
    still; only listed organisations are asked. About three in four are accepted, a few declined,
    the rest wait for an answer.
    """
    rng = random.Random(2020)  # noqa: S311 (a repeatable sample, no secret)
    by_name = {sample.legal_name: sample for sample in SAMPLE_PARTICIPANTS}
    listed = [sample.legal_name for sample in SAMPLE_PARTICIPANTS if sample.listed]
    pairs: set[frozenset[str]] = set()
    sent: Counter[str] = Counter()
    plan: list[tuple[str, str, str]] = []
    while len(plan) < MEETING_REQUESTS:
        sender = rng.choice(SAMPLE_PARTICIPANTS)
        if sent[sender.legal_name] >= 6:
            continue
        weights = []
        for name in listed:
            receiver = by_name[name]
            if name == sender.legal_name or frozenset((sender.legal_name, name)) in pairs:
                weights.append(0.0)
                continue
            match = len(set(sender.seeks) & set(receiver.offers))
            weights.append((1 + 4 * match) * (3 if receiver.popular else 1))
        receiver_name = rng.choices(listed, weights)[0]
        pairs.add(frozenset((sender.legal_name, receiver_name)))
        sent[sender.legal_name] += 1
        position = len(plan) % 16
        outcome = (
            "declined" if position == 5 else "pending" if position in (2, 9, 13) else "accepted"
        )
        plan.append((sender.legal_name, receiver_name, outcome))
    return plan


MESSAGES = [
    "Our members would like to explore a joint project with yours.",
    "We saw your profile in the catalogue: could we talk about a value-chain partnership?",
    "Interested in your members' expertise for an Interreg proposal.",
    "",
]


def _requests(event: Event, timeline: _Timeline) -> None:
    """Send the planned requests not sent yet (any request between the two counts)."""
    profiles = {
        profile.registration.organisation: profile
        for profile in ParticipantProfile.objects.filter(registration__event=event).select_related(
            "registration"
        )
    }
    existing = set(MeetingRequest.objects.filter(event=event).values_list("pair", flat=True))
    for number, (sender_name, receiver_name, outcome) in enumerate(request_plan()):
        sender, receiver = profiles.get(sender_name), profiles.get(receiver_name)
        if sender is None or receiver is None:
            continue
        if MeetingRequest.pair_of(sender.pk, receiver.pk) in existing:
            continue
        sent_at = timeline.day(9 + number / 30)
        request = meeting_request_send(
            sender=sender,
            receiver=receiver,
            message=MESSAGES[number % len(MESSAGES)],
            actor=DEMO,
            now=sent_at,
        )
        answered_at = sent_at + timedelta(hours=20)
        if outcome == "accepted":
            meeting_request_accept(request=request, by=receiver, actor=DEMO, now=answered_at)
        elif outcome == "declined":
            meeting_request_decline(request=request, by=receiver, actor=DEMO, now=answered_at)


def _matchmaking_schedule(event: Event, timeline: _Timeline, *, solver_seconds: float) -> None:
    """Build the schedule and publish it as preliminary: once, on the first load."""
    if not MeetingRules.objects.filter(event=event).exists():
        return
    if ScheduleRun.objects.filter(event=event).exists():
        return  # built by an earlier load (or by the organiser): never again
    if not Meeting.objects.filter(request__event=event).exists():
        return
    run = schedule_build_request(event=event, actor=DEMO)
    run = _take_over_build(run, solver_seconds=solver_seconds)
    if run.status == ScheduleRunStatus.DONE:
        schedule_publish(
            event=event, state=ScheduleState.PRELIMINARY, actor=DEMO, now=timeline.day(14)
        )


def _take_over_build(run: ScheduleRun, *, solver_seconds: float) -> ScheduleRun:
    """Build the run now, with the demo's short time limit, as the worker would.

    The build request has queued a job for the worker (django-tasks' database backend, once the
    request committed). The demo claims that job as a worker does and marks it done with the
    run's outcome, so the worker never builds the run a second time. When some worker took the
    job first, the demo waits for that build; when there is no job (another task backend, or the
    request has not committed, as in the tests), the demo simply builds the run; when the task
    backend ran the job as the request committed (django-tasks' immediate backend), the run is
    already built.
    """
    from django_tasks_db.models import DBTaskResult

    jobs = DBTaskResult.objects.filter(
        task_path=build_meeting_schedule.module_path, args_kwargs__kwargs__run_id=run.pk
    )
    with transaction.atomic():
        job = jobs.ready().select_for_update(skip_locked=True).first()
        if job is not None:
            job.claim("demo data")
    run = ScheduleRun.objects.select_related("event").get(pk=run.pk)
    if job is None and (jobs.exists() or run.status != ScheduleRunStatus.QUEUED):
        return _finished(run)  # a worker took the job, or the task backend ran it at once
    run = schedule_build(run=run, time_limit_seconds=solver_seconds)
    if job is not None:
        job.set_successful(run.status)
    return run


def _finished(run: ScheduleRun, *, patience_seconds: float = 120) -> ScheduleRun:
    """Wait for the worker that took the build."""
    give_up = clock.monotonic() + patience_seconds
    while clock.monotonic() < give_up:
        run.refresh_from_db()
        if run.status in (ScheduleRunStatus.DONE, ScheduleRunStatus.FAILED):
            break
        clock.sleep(0.5)
    return run


def matchmaking_summary(event: Event) -> str:
    """One line for load_demo's output: what the matchmaking demo holds."""
    participants = Registration.objects.filter(event=event, profile__isnull=False)
    countries_count = len(set(participants.values_list("country", flat=True)))
    meetings = Meeting.objects.filter(
        request__event=event, request__status=MeetingRequestStatus.ACCEPTED
    )
    pending = MeetingRequest.objects.filter(event=event, status=MeetingRequestStatus.PENDING)
    waiting = ExpressionOfInterest.objects.filter(event=event, status=ApplicationStatus.SUBMITTED)
    rules = MeetingRules.objects.filter(event=event).first()
    schedule = rules.get_schedule_state_display().lower() if rules else "no meeting rules"
    return (
        f"Matchmaking demo: {participants.count()} organisations from {countries_count} "
        f"countries, {meetings.count()} accepted meetings ({meetings.exclude(slot=None).count()} "
        f"placed in {MeetingSlot.objects.filter(event=event).count()} slots), "
        f"{pending.count()} requests waiting for an answer, {waiting.count()} applications to "
        f"review; schedule {schedule}."
    )


def sample_participant_links(event: Event, *, count: int = 2) -> list[str]:
    """Private meeting pages of the busiest sample participants, so a newcomer can try them
    (local demo data only: these links are what each organisation's mails would carry)."""
    busiest = (
        ParticipantProfile.objects.filter(registration__event=event, is_listed=True)
        .select_related("registration")
        .annotate(requests=Count("requests_received"))
        .order_by("-requests", "pk")[:count]
    )
    return [
        f"{profile.registration.organisation}: {settings.SITE_URL}{profile.private_path()}"
        for profile in busiest
    ]
