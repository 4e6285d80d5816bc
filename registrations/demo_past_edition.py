"""Last year's conference, over and done, as demo data: what the report's funnel and the
check-in history look like once an event has taken place.

Everything goes through the real services at the times it would have happened: the survey,
registration (with a full on-site room, so a waiting list), a switch of mode, cancellations,
check-ins at the venue and join links used online; and a thank-you message to the online
attendees waits as a draft for the organiser to preview and send.
Loaded once: an edition that already has registrations is left as it is (a later load in
another year moves its dates along, as it does the other events').
"""

import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from registrations.models import (
    AttendanceIntent,
    AttendanceMode,
    Event,
    EventFormat,
    InterestSurvey,
    MessageSegment,
    OrganisationType,
    OrganiserMessage,
    Registration,
    RegistrationStatus,
    SessionKind,
    SurveyResponse,
)
from registrations.services.action_log import Actor
from registrations.services.checkin import attendee_check_in
from registrations.services.joining import join_link_use
from registrations.services.messages import message_save_draft
from registrations.services.registration import (
    RegistrantDetails,
    registration_cancel,
    registration_change_mode,
    registration_create,
    registration_open,
)
from registrations.services.survey import SurveyAnswer, survey_open, survey_response_submit

PAST_EDITION_SLUG = "european-cluster-conference-previous"
ON_SITE_SEATS = 6


@dataclass(frozen=True)
class PastAttendee:
    first_name: str
    last_name: str
    organisation: str
    country: str


# Forty people; who answered the survey, how they registered and whether they came follows
# from a seeded draw (see _edition_people), the same on every load.
PAST_ATTENDEES = [
    PastAttendee(*row)
    for row in (
        ("Anna", "Müller", "Berlin Digital Health e.V.", "DE"),
        ("Aino", "Järvenpää", "Regional Council of Lapland", "FI"),
        ("Łukasz", "Wójcik", "Klaster Łódź Innowacje", "PL"),
        ("Sophie", "Lambert", "Wallonia Cluster Policy Unit", "BE"),
        ("Giulia", "Romano", "Regione Emilia-Romagna", "IT"),
        ("Jürgen", "Weber", "Bavarian Ministry of Economic Affairs", "DE"),
        ("Inês", "Carvalho", "ANI Portugal", "PT"),
        ("Mikkel", "Andersen", "Cluster Excellence Denmark", "DK"),
        ("Elena", "Popescu", "Romanian Cluster Association", "RO"),
        ("Tomáš", "Novák", "CzechInvest", "CZ"),
        ("Marie", "Dubois", "France Clusters", "FR"),
        ("Pedro", "Sánchez", "Cluster de Energía de Euskadi", "ES"),
        ("Katarzyna", "Nowak", "Polish Agency for Enterprise Development", "PL"),
        ("Lars", "Johansson", "Vinnova", "SE"),
        ("Eleni", "Georgiou", "Corallia", "GR"),
        ("Matej", "Kovač", "SPIRIT Slovenia", "SI"),
        ("Kristiina", "Kask", "Enterprise Estonia", "EE"),
        ("Hannes", "Gruber", "ecoplus Niederösterreich", "AT"),
        ("Niamh", "O'Brien", "Enterprise Ireland", "IE"),
        ("Pieter", "Janssens", "Flanders Innovation & Entrepreneurship", "BE"),
        ("Chiara", "Ferrari", "Lombardy Aerospace Cluster", "IT"),
        ("Ville", "Korhonen", "Business Finland", "FI"),
        ("Agnieszka", "Zielińska", "Śląski Klaster Wodorowy", "PL"),
        ("Felix", "Schneider", "Cluster Nanotechnologie Sachsen", "DE"),
        ("Lucía", "Fernández", "Clúster TIC Galicia", "ES"),
        ("Jan", "de Jong", "Brainport Development", "NL"),
        ("Ana", "Horvat", "Croatian Cluster of Competitiveness", "HR"),
        ("Dimitar", "Ivanov", "Bulgarian ICT Cluster", "BG"),
        ("Zsófia", "Nagy", "Hungarian Cluster Association", "HU"),
        ("Rūta", "Kazlauskienė", "Lithuanian Innovation Agency", "LT"),
        ("Jānis", "Bērziņš", "Latvian IT Cluster", "LV"),
        ("Nicolas", "Moreau", "Pôle Mer Bretagne Atlantique", "FR"),
        ("Sofia", "Lindberg", "Region Skåne", "SE"),
        ("Marco", "Bianchi", "Cluster Agrifood Nazionale", "IT"),
        ("Eva", "Horváthová", "Slovak Innovation and Energy Agency", "SK"),
        ("Thomas", "Becker", "Automotive Cluster Franken e.V.", "DE"),
        ("Maria", "Grech", "Malta Enterprise", "MT"),
        ("Luc", "Schmit", "Luxinnovation", "LU"),
        ("Andreas", "Christodoulou", "Cyprus Research and Innovation Foundation", "CY"),
        ("Saara", "Niemi", "Lapland Tourism Network ry", "FI"),
    )
]

DEMO = Actor.system("demo data")


def past_edition_loaded() -> bool:
    return Event.objects.filter(slug=PAST_EDITION_SLUG, registrations__isnull=False).exists()


def past_edition_load(*, year: int, build_event) -> Event:
    """Last year's conference (`year`) with its whole story, once. `build_event` is the demo's
    keyed create-or-update of an event and its sessions."""
    event = build_event(
        PAST_EDITION_SLUG,
        title=f"European Cluster Conference {year}",
        title_fi=f"Euroopan klusterikonferenssi {year}",
        title_de=f"Europäische Clusterkonferenz {year}",
        title_fr=f"Conférence européenne des clusters {year}",
        summary="Last year's conference in Berlin and online: over, with its attendance figures.",
        description=(
            "The previous edition of the European Cluster Conference, kept so that organisers "
            "can compare: how many said they would come, registered and really attended."
        ),
        organisers="European Commission (DG GROW), European Cluster Collaboration Platform (ECCP)",
        audience="Cluster policy makers, cluster managers, experts and stakeholder representatives",
        contact_name="European Cluster Conference team",
        contact_email="conference@cluster-events.example.org",
        online_join_url="https://stream.cluster-events.example.org/conference-archive",
        format=EventFormat.HYBRID,
        venue="Estrel Congress Center",
        city="Berlin",
        country="DE",
        timezone="Europe/Berlin",
        start=_berlin(year, 11, 10, 9),
        end=_berlin(year, 11, 11, 13),
        is_published=True,
        onsite_capacity=ON_SITE_SEATS,
        online_capacity=None,
        invitation_only=False,
        sessions=[
            dict(
                title="Opening plenary",
                kind=SessionKind.PLENARY,
                format=EventFormat.HYBRID,
                start=_berlin(year, 11, 10, 9, 30),
                end=_berlin(year, 11, 10, 12, 30),
            ),
            dict(
                title="Closing plenary",
                kind=SessionKind.PLENARY,
                format=EventFormat.HYBRID,
                start=_berlin(year, 11, 11, 9, 30),
                end=_berlin(year, 11, 11, 12, 30),
            ),
        ],
    )
    if not past_edition_loaded():
        _story(event)
    return event


def _berlin(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/Berlin"))


def _address(person: PastAttendee) -> str:
    """Łukasz Wójcik → lukasz.wojcik@… (ł has no decomposition, so it is spelt out)."""
    name = f"{person.first_name}.{person.last_name}".lower().replace("ł", "l").replace("'", "")
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return f"{plain.replace(' ', '-')}@past-edition.example.org"


def _story(event: Event) -> None:
    draw = random.Random(2020)  # noqa: S311 (sample data, not security)
    survey, _created = InterestSurvey.objects.get_or_create(event=event)
    survey_opened = event.start - timedelta(days=90)
    survey_open(survey=survey, actor=DEMO, now=survey_opened)
    intents: dict[PastAttendee, str] = {}
    for number, person in enumerate(PAST_ATTENDEES[:32]):
        intent = (AttendanceIntent.ON_SITE, AttendanceIntent.ONLINE, AttendanceIntent.UNDECIDED)[
            0 if number % 5 < 2 else 1 if number % 5 < 4 else 2
        ]
        intents[person] = intent
        answered = survey_opened + timedelta(hours=number * 7)
        response = survey_response_submit(
            survey=survey,
            email=_address(person),
            answer=SurveyAnswer(
                first_name=person.first_name,
                last_name=person.last_name,
                organisation=person.organisation,
                organisation_type=OrganisationType.PUBLIC_AUTHORITY,
                job_title="",
                country=person.country,
                intent=intent,
                notify_when_registration_opens=draw.random() < 0.7,
            ),
            actor=Actor.person(),
            now=answered,
        )
        _dated(response, answered)
    opened = event.start - timedelta(days=45)
    event = registration_open(event=event, actor=DEMO, now=opened)
    registered = []
    for number, person in enumerate(PAST_ATTENDEES):
        said = intents.get(person)
        if said is not None and draw.random() < 0.15:
            continue  # answered the survey, never registered
        if said is None or said == AttendanceIntent.UNDECIDED:
            mode: str = AttendanceMode.ON_SITE if draw.random() < 0.5 else AttendanceMode.ONLINE
        else:
            kept = draw.random() < 0.8
            mode = said if kept else _other(said)
        at = opened + timedelta(hours=2 + number * 5)
        registration = registration_create(
            event=event,
            details=RegistrantDetails(
                first_name=person.first_name,
                last_name=person.last_name,
                email=_address(person),
                organisation=person.organisation,
                organisation_type=OrganisationType.PUBLIC_AUTHORITY,
                job_title="",
                country=person.country,
                attendance_mode=mode,
                join_waiting_list=True,
            ),
            actor=Actor.person(),
            now=at,
        )
        registered.append(_dated(registration, at))
    changed = opened + timedelta(days=20)
    on_site = [
        registration
        for registration in registered
        if registration.attendance_mode == AttendanceMode.ON_SITE
        and registration.status == RegistrationStatus.CONFIRMED
    ]
    for registration in on_site[2:3]:  # the seat goes to the first person waiting
        registration_change_mode(
            registration=registration,
            attendance_mode=AttendanceMode.ONLINE,
            actor=Actor.person(),
            now=changed,
        )
    for registration in registered[10:13]:
        registration.refresh_from_db()
        registration_cancel(registration=registration, actor=Actor.person(), now=changed)
    _attendance(event, draw)
    _thank_you_draft(event)


def _attendance(event: Event, draw: random.Random) -> None:
    """Most confirmed people came: checked in at the desk on the morning, or joined online."""
    desk = Actor.system("demo check-in desk")
    confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED).order_by("pk")
    for number, registration in enumerate(confirmed):
        arrived = event.start - timedelta(minutes=25) + timedelta(minutes=2 * number)
        if registration.attendance_mode == AttendanceMode.ON_SITE:
            if draw.random() < 0.85:
                attendee_check_in(
                    event=event, actor=desk, registration_id=registration.pk, now=arrived
                )
        elif draw.random() < 0.7:
            join_link_use(registration=registration, actor=Actor.person(), now=arrived)


def _thank_you_draft(event: Event) -> None:
    """A message for the organiser to preview and send (the demo sends nothing itself)."""
    message_save_draft(
        message=OrganiserMessage(
            event=event,
            segment=MessageSegment.ONLINE,
            subject=f"Thank you for following {event.title}: recordings online",
            body=(
                "Dear {first_name} {last_name},\n\n"
                "thank you for following the conference online. The recordings of both plenary "
                "sessions are now on the conference page.\n\n"
                "We would like to hear how the online participation worked for {organisation}: "
                "simply reply to this mail."
            ),
        ),
        actor=DEMO,
    )


Entry = TypeVar("Entry", Registration, SurveyResponse)


def _dated(entry: Entry, at: datetime) -> Entry:
    """The entry as made `at` (its creation time is the clock's, whatever `now` the service had),
    so the report's chart shows when people answered and registered."""
    type(entry).objects.filter(pk=entry.pk).update(created_at=at)
    entry.created_at = at
    return entry


def _other(mode: str) -> str:
    return AttendanceMode.ONLINE if mode == AttendanceMode.ON_SITE else AttendanceMode.ON_SITE
