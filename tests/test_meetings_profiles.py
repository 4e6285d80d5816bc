"""Participant profiles of the matchmaking meetings: made from the expression of interest, kept by
the organisation, listed by its choice; the catalogue with its filters and full-text search
(PostgreSQL's text search there, plain word matching on SQLite)."""

from dataclasses import replace

import pytest
from django.db import connection
from django.http import Http404

from registrations import selectors
from registrations.models import (
    ActionLogEntry,
    ActorKind,
    MeetingRules,
    ParticipantProfile,
    RegistrationStatus,
)
from registrations.services.action_log import Actor, action_log_for
from registrations.services.errors import InvalidInput, ServiceError
from registrations.services.participants import (
    MeetingsNotSetUp,
    NotAParticipant,
    ProfileDetails,
    participant_profile_for,
    participant_profile_update,
)
from registrations.services.registration import registration_cancel
from tests.factories import (
    make_invited_registration,
    make_meeting_event,
    make_open_event,
    make_participant,
    register,
    sectors,
)

pytestmark = pytest.mark.django_db

PERSON = Actor.person()


@pytest.fixture
def event():
    return make_meeting_event()


def details_of(profile: ParticipantProfile, **changes) -> ProfileDetails:
    """The profile as its form would send it back, with `changes`."""
    details = ProfileDetails(
        description=profile.description,
        offers=profile.offers,
        seeks=profile.seeks,
        sectors=list(profile.sectors.all()),
        website=profile.website,
        attendees=profile.attendees,
        is_listed=profile.is_listed,
    )
    return replace(details, **changes)


# A new profile ------------------------------------------------------------------------------


def test_a_new_profile_starts_from_the_expression_of_interest_and_is_not_listed(event):
    registration = make_invited_registration(
        event,
        legal_name="Klaster Łódź Innowacje",
        country="PL",
        contact_first_name="Łukasz",
        contact_last_name="Wójcik",
        contact_job_title="Cluster manager",
        offers="Textile and digital SMEs from the Łódź region.",
        seeks="Partners for a joint Horizon Europe proposal.",
        eccp_profile_url="https://clustercollaboration.eu/cluster-organisations/lodz",
        sectors=sectors("Textiles", "Digital"),
    )

    profile = participant_profile_for(registration=registration, actor=PERSON)

    assert profile.registration == registration
    assert profile.offers == "Textile and digital SMEs from the Łódź region."
    assert profile.seeks == "Partners for a joint Horizon Europe proposal."
    assert profile.website == "https://clustercollaboration.eu/cluster-organisations/lodz"
    assert sorted(sector.name for sector in profile.sectors.all()) == ["Digital", "Textiles"]
    assert profile.description == ""
    assert profile.attendees == "Łukasz Wójcik, Cluster manager"
    assert profile.is_listed is False
    (entry,) = action_log_for(profile)
    assert entry.action == "participant profile created"
    assert entry.actor_kind == ActorKind.PERSON
    assert entry.event == event
    assert entry.changes["offers"] == [None, "Textile and digital SMEs from the Łódź region."]
    assert entry.changes["sectors"] == [[], ["Digital", "Textiles"]]


def test_the_profile_is_made_once_and_then_read(event):
    registration = make_invited_registration(event)
    first = participant_profile_for(registration=registration, actor=PERSON)
    entries = ActionLogEntry.objects.count()

    again = participant_profile_for(registration=registration, actor=PERSON)

    assert again == first
    assert ParticipantProfile.objects.count() == 1
    assert ActionLogEntry.objects.count() == entries


def test_without_an_invitation_only_the_attendees_are_filled_in():
    event = make_open_event()
    MeetingRules.objects.create(event=event)
    registration = register(event, first_name="Anna", last_name="Müller", job_title="")

    profile = participant_profile_for(registration=registration, actor=PERSON)

    assert (profile.offers, profile.seeks, profile.website, profile.description) == ("",) * 4
    assert not profile.sectors.exists()
    assert profile.attendees == "Anna Müller"


def test_no_profile_for_a_cancelled_registration(event):
    registration = make_invited_registration(event)
    registration_cancel(registration=registration, actor=PERSON)

    with pytest.raises(NotAParticipant, match="cancelled"):
        participant_profile_for(registration=registration, actor=PERSON)

    assert not ParticipantProfile.objects.exists()


def test_no_profile_for_a_registration_on_the_waiting_list():
    event = make_open_event(onsite_capacity=1)
    MeetingRules.objects.create(event=event)
    register(event)
    waiting = register(event, join_waiting_list=True)
    assert waiting.status == RegistrationStatus.WAITLISTED

    with pytest.raises(NotAParticipant, match="waiting list"):
        participant_profile_for(registration=waiting, actor=PERSON)

    assert not ParticipantProfile.objects.exists()


def test_no_profile_where_meetings_are_not_set_up(event):
    registration = make_invited_registration(event)
    MeetingRules.objects.filter(event=event).delete()

    with pytest.raises(MeetingsNotSetUp, match="not set up"):
        participant_profile_for(registration=registration, actor=PERSON)

    assert not ParticipantProfile.objects.exists()


# Changing it --------------------------------------------------------------------------------


def test_the_organisation_changes_and_lists_its_profile(event, organiser):
    profile = make_participant(event, listed=False)
    health, energy = sectors("Health", "Energy")

    profile = participant_profile_update(
        profile=profile,
        details=details_of(
            profile,
            description="  Järvenpää's cluster of 84 health-tech SMEs.  ",
            offers="Clinical testbeds.",
            seeks="Hospitals in Łódź.",
            sectors=[health, energy],
            website="https://jarvenpaa-health.example.fi",
            attendees="Aino Järvenpää, Cluster manager; Jukka Virtanen, Analyst",
            is_listed=True,
        ),
        actor=Actor.organiser(organiser),
    )

    profile.refresh_from_db()
    assert profile.description == "Järvenpää's cluster of 84 health-tech SMEs."
    assert profile.offers == "Clinical testbeds."
    assert profile.seeks == "Hospitals in Łódź."
    assert sorted(sector.name for sector in profile.sectors.all()) == ["Energy", "Health"]
    assert profile.website == "https://jarvenpaa-health.example.fi"
    assert profile.attendees.endswith("Jukka Virtanen, Analyst")
    assert profile.is_listed is True
    entry = action_log_for(profile).first()
    assert entry.action == "participant profile changed"
    assert (entry.actor_kind, entry.actor_user) == (ActorKind.ORGANISER, organiser)
    assert entry.changes["is_listed"] == [False, True]
    assert entry.changes["offers"] == ["Access to 84 SMEs in health tech.", "Clinical testbeds."]
    assert entry.changes["sectors"] == [["Digital", "Health"], ["Energy", "Health"]]
    assert "website" in entry.changes


def test_taking_the_profile_out_of_the_catalogue(event):
    profile = make_participant(event, listed=True)

    participant_profile_update(
        profile=profile, details=details_of(profile, is_listed=False), actor=PERSON
    )

    assert list(selectors.listed_participants(event=event)) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"website": "jarvenpaa health"}, "website"),
        ({"website": "ftp://files.example.fi"}, "website"),
        ({"offers": "x" * 2001}, "offers"),
        ({"attendees": "Aino Järvenpää, " * 40}, "attendees"),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(event, changes, field):
    profile = make_participant(event, listed=False)
    entries = ActionLogEntry.objects.count()

    with pytest.raises(InvalidInput) as refusal:
        participant_profile_update(
            profile=profile, details=details_of(profile, is_listed=True, **changes), actor=PERSON
        )

    assert [error.field for error in refusal.value.errors] == [field]
    profile.refresh_from_db()
    assert profile.is_listed is False
    assert ActionLogEntry.objects.count() == entries


def test_a_cancelled_registration_can_neither_change_nor_list_its_profile(event):
    profile = make_participant(event, listed=False)
    registration_cancel(registration=profile.registration, actor=PERSON)

    with pytest.raises(ServiceError, match="cancelled"):
        participant_profile_update(
            profile=profile, details=details_of(profile, is_listed=True), actor=PERSON
        )

    profile.refresh_from_db()
    assert profile.is_listed is False


def test_no_change_once_the_meetings_are_called_off(event):
    profile = make_participant(event, listed=False)
    MeetingRules.objects.filter(event=event).delete()

    with pytest.raises(MeetingsNotSetUp):
        participant_profile_update(
            profile=profile, details=details_of(profile, is_listed=True), actor=PERSON
        )

    profile.refresh_from_db()
    assert profile.is_listed is False


# The private link ---------------------------------------------------------------------------


def test_the_private_link_finds_the_profile(event):
    profile = make_participant(event)

    assert selectors.participant_by_token(profile.registration.token) == profile


@pytest.mark.parametrize("token", ["x" * 43, "not a token", "a\x00" * 20, ""])
def test_an_unknown_or_malformed_link_is_404(event, token):
    make_participant(event)

    with pytest.raises(Http404):
        selectors.participant_by_token(token)


def test_a_registration_without_a_profile_yet_or_cancelled_is_404(event):
    without = make_invited_registration(event)
    cancelled = make_participant(event).registration
    registration_cancel(registration=cancelled, actor=PERSON)

    for registration in (without, cancelled):
        with pytest.raises(Http404):
            selectors.participant_by_token(registration.token)


# The catalogue ------------------------------------------------------------------------------


def names(profiles) -> list[str]:
    return [profile.registration.organisation for profile in profiles]


def test_the_catalogue_lists_only_listed_confirmed_participants_of_the_event(event):
    listed = make_participant(event, organisation="Järvenpää Health Tech")
    make_participant(event, organisation="Unlisted Cluster", listed=False)
    gone = make_participant(event, organisation="Cancelled Cluster")
    registration_cancel(registration=gone.registration, actor=PERSON)
    make_participant(make_meeting_event(), organisation="Another Event's Cluster")

    assert names(selectors.listed_participants(event=event)) == ["Järvenpää Health Tech"]
    assert list(selectors.listed_participants(event=event, exclude=listed)) == []


@pytest.fixture
def catalogue(event):
    make_participant(
        event,
        organisation="Järvenpää Health Tech",
        country="FI",
        sector_names=("Health",),
        offers="Clinical testbeds and robotics for hospitals.",
        seeks="Investors and hospital partners.",
    )
    make_participant(
        event,
        organisation="Klaster Łódź Innowacje",
        country="PL",
        sector_names=("Textiles", "Digital"),
        offers="Smart textiles made in Łódź.",
        seeks="Robotics suppliers for textile factories.",
        organisation_type="research",
    )
    make_participant(
        event,
        organisation="Cluster Müller Automotive",
        country="DE",
        sector_names=("Automotive", "Digital"),
        offers="Battery testing.",
        seeks="Software partners.",
        description="Suppliers of the Bavarian car makers.",
    )
    return event


def test_the_catalogue_is_in_the_order_of_the_names(catalogue):
    assert names(selectors.listed_participants(event=catalogue)) == [
        "Cluster Müller Automotive",
        "Järvenpää Health Tech",
        "Klaster Łódź Innowacje",
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"country": "PL"}, ["Klaster Łódź Innowacje"]),
        ({"country": "ES"}, []),
        ({"sector": "Digital"}, ["Cluster Müller Automotive", "Klaster Łódź Innowacje"]),
        ({"organisation_type": "research"}, ["Klaster Łódź Innowacje"]),
        ({"organisation_type": "cluster", "sector": "Digital"}, ["Cluster Müller Automotive"]),
    ],
)
def test_the_catalogue_filters(catalogue, filters, expected):
    if "sector" in filters:
        filters["sector"] = sectors(filters["sector"])[0]

    assert names(selectors.listed_participants(event=catalogue, **filters)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("robotics", ["Järvenpää Health Tech", "Klaster Łódź Innowacje"]),  # offers and seeks
        ("Bavarian", ["Cluster Müller Automotive"]),  # the description
        ("ROBOTICS hospitals", ["Järvenpää Health Tech"]),  # every word, any case
        ("textiles", ["Klaster Łódź Innowacje"]),
        ("submarines", []),
        ("   ", ["Cluster Müller Automotive", "Järvenpää Health Tech", "Klaster Łódź Innowacje"]),
    ],
)
def test_the_catalogue_searches_offers_seeks_and_description(catalogue, text, expected):
    found = names(selectors.listed_participants(event=catalogue, text=text))

    assert sorted(found) == expected


def test_search_and_filters_combine(catalogue):
    found = selectors.listed_participants(event=catalogue, text="robotics", country="PL")

    assert names(found) == ["Klaster Łódź Innowacje"]


def test_the_search_does_not_look_at_names_or_unlisted_profiles(catalogue):
    make_participant(catalogue, listed=False, offers="Robotics for everyone.")

    assert names(selectors.listed_participants(event=catalogue, text="Müller")) == []
    assert len(selectors.listed_participants(event=catalogue, text="robotics")) == 2


@pytest.mark.postgres
def test_on_postgresql_the_search_knows_word_forms_and_ranks(on_postgresql, catalogue):
    """Text search, not substring matching: "robot" finds "robotics", "partner" finds
    "partners"; the profile that says it more often comes first."""
    assert connection.vendor == "postgresql"
    search = selectors.listed_participants
    assert sorted(names(search(event=catalogue, text="partner"))) == [
        "Cluster Müller Automotive",
        "Järvenpää Health Tech",
    ]
    assert len(search(event=catalogue, text="robot")) == 2
    make_participant(
        catalogue,
        organisation="Ó Briain Marine Robotics",
        offers="Robotics, underwater robotics and robotics training.",
    )
    found = names(selectors.listed_participants(event=catalogue, text="robotics"))
    assert found[0] == "Ó Briain Marine Robotics"
    assert len(found) == 3
    quoted = selectors.listed_participants(event=catalogue, text='"smart textiles"')
    assert names(quoted) == ["Klaster Łódź Innowacje"]
    # Odd input is a query, never a syntax error.
    assert list(selectors.listed_participants(event=catalogue, text="& | ! :*")) == []
