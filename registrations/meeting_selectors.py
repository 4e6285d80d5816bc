"""Reads of the matchmaking meetings shared by the private pages, the admin and the services:
participants by private link, the catalogue with its filters and search, a participant's requests.

Full-text search runs on PostgreSQL with its text search (django.contrib.postgres.search's
SearchVector and SearchQuery: annotating a SearchVector and filtering it with a SearchQuery needs
no "django.contrib.postgres" in INSTALLED_APPS, only the `__search` lookup does); on SQLite every
word must appear, in any case, in one of the searched fields.
"""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from registrations.models import (
    ACTIVE_REQUEST_STATUSES,
    Event,
    Meeting,
    MeetingRequest,
    MeetingRequestStatus,
    ParticipantProfile,
    RegistrationStatus,
    Sector,
)
from registrations.tokens import is_well_formed_token

# What the catalogue's text search looks in.
SEARCHED_FIELDS = ("offers", "seeks", "description")
# The text-search configuration: the profiles are written in English.
SEARCH_CONFIG = "english"


def participants() -> QuerySet[ParticipantProfile]:
    """Profiles of confirmed registrations, with their registration and event."""
    return ParticipantProfile.objects.select_related("registration__event").filter(
        registration__status=RegistrationStatus.CONFIRMED
    )


def participant_by_token(token: str) -> ParticipantProfile:
    """The profile of the confirmed registration with this private token, or 404 (also when it
    has no profile yet: the page makes it with services.participants.participant_profile_for)."""
    if not is_well_formed_token(token):
        raise Http404
    return get_object_or_404(
        participants().prefetch_related("sectors", "unavailable_slots"), registration__token=token
    )


def listed_participants(
    *,
    event: Event,
    exclude: ParticipantProfile | None = None,
    country: str | None = None,
    sector: Sector | int | None = None,
    organisation_type: str | None = None,
    text: str = "",
) -> QuerySet[ParticipantProfile]:
    """The event's catalogue: listed profiles of confirmed registrations, filtered.

    Without search text, in the order of the organisations' names; with it, the best matches
    first on PostgreSQL.
    """
    profiles = participants().filter(registration__event=event, is_listed=True)
    if exclude is not None:
        profiles = profiles.exclude(pk=exclude.pk)
    if country:
        profiles = profiles.filter(registration__country=country)
    if organisation_type:
        profiles = profiles.filter(registration__organisation_type=organisation_type)
    if sector is not None:
        profiles = profiles.filter(sectors=sector)
    text = text.strip()
    if text:
        profiles = _text_search(profiles, text)
    return profiles.prefetch_related("sectors")


def _text_search(profiles: QuerySet[ParticipantProfile], text: str) -> QuerySet[ParticipantProfile]:
    if connection.vendor == "postgresql":
        vector = SearchVector(*SEARCHED_FIELDS, config=SEARCH_CONFIG)
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        return (
            profiles.annotate(search=vector, rank=SearchRank(vector, query))
            .filter(search=query)
            .order_by("-rank", "registration__organisation", "pk")
        )
    for word in text.split():
        profiles = profiles.filter(
            Q(offers__icontains=word) | Q(seeks__icontains=word) | Q(description__icontains=word)
        )
    return profiles


@dataclass(frozen=True)
class ParticipantRequest:
    """One of a participant's meeting requests, seen from its side."""

    request: MeetingRequest
    sent: bool  # False: received
    other: ParticipantProfile

    @property
    def status(self) -> MeetingRequestStatus:
        return MeetingRequestStatus(self.request.status)

    @property
    def meeting(self) -> Meeting | None:
        """The meeting of an accepted request (placed in a slot or not yet)."""
        try:
            return self.request.meeting
        except Meeting.DoesNotExist:
            return None


def requests_of(profile: ParticipantProfile) -> list[ParticipantRequest]:
    """Every request the participant sent or received, newest first, with the other side, the
    state and, once accepted, the meeting."""
    requests = (
        MeetingRequest.objects.filter(Q(sender=profile) | Q(receiver=profile))
        .select_related("sender__registration", "receiver__registration", "meeting__slot", "event")
        .order_by("-created_at", "-pk")
    )
    return [
        ParticipantRequest(
            request=request,
            sent=request.sender_id == profile.pk,
            other=request.receiver if request.sender_id == profile.pk else request.sender,
        )
        for request in requests
    ]


def sent_request_count(profile: ParticipantProfile) -> int:
    """Requests sent that count against the event's limit: waiting for an answer or accepted."""
    return MeetingRequest.objects.filter(sender=profile, status__in=ACTIVE_REQUEST_STATUSES).count()


def active_request_between(
    first: ParticipantProfile, second: ParticipantProfile
) -> MeetingRequest | None:
    """The pending or accepted request between these two, whoever asked."""
    return (
        MeetingRequest.objects.filter(
            event_id=first.registration.event_id,
            pair=MeetingRequest.pair_of(first.pk, second.pk),
            status__in=ACTIVE_REQUEST_STATUSES,
        )
        .select_related("sender__registration", "receiver__registration")
        .first()
    )
