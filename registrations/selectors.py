"""Read queries shared by public pages, the admin and the exports."""

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Count, Model, Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_stubs_ext import StrOrPromise

from registrations.checkin_codes import MANUAL_CODE_LENGTH
from registrations.models import (
    ACTIVE_REQUEST_STATUSES,
    ApplicationCall,
    AttendanceIntent,
    AttendanceMode,
    Event,
    EventFormat,
    ExpressionOfInterest,
    InterestSurvey,
    Invitation,
    Meeting,
    MeetingRequest,
    MeetingRequestStatus,
    MessageRecipient,
    MessageSegment,
    OrganiserMessage,
    OrganiserTeam,
    ParticipantProfile,
    Registration,
    RegistrationStatus,
    Sector,
    SurveyResponse,
    TeamEventRole,
    invitation_state_expression,
)
from registrations.organiser_roles import Capability, roles_with
from registrations.tokens import is_well_formed_token

PrivateRow = TypeVar("PrivateRow", bound=Model)


def published_events() -> QuerySet[Event]:
    return Event.objects.filter(is_published=True)


def upcoming_and_past_events(*, now: datetime | None = None) -> tuple[list[Event], list[Event]]:
    """Published events: those not yet over (soonest first), then past ones (latest first)."""
    now = now or timezone.now()
    events = published_events()
    return (
        list(events.filter(end__gt=now).order_by("start")),
        list(events.filter(end__lte=now).order_by("-start")),
    )


def published_event(*, slug: str, with_programme: bool = False) -> Event:
    """The published event with this slug, or 404; with its sessions read too if asked.

    It always carries `session_count`, so a form can tell whether there are sessions to choose
    without reading them.
    """
    events = published_events().annotate(session_count=Count("sessions"))
    if with_programme:
        events = events.prefetch_related("sessions")
    return get_object_or_404(events, slug=slug)


def survey_accepts_answers(*, survey: InterestSurvey, now: datetime | None = None) -> bool:
    """Open, and registration has not opened yet (people then register instead, and once it
    has closed, the survey's "tell me when registration opens" would promise nothing)."""
    event = survey.event
    return survey.is_open and not event.registration_has_opened(now) and not event.is_over(now)


def event_open_survey(*, event: Event, now: datetime | None = None) -> InterestSurvey | None:
    """The event's interest survey if it accepts answers now, else None."""
    try:
        survey = event.survey
    except InterestSurvey.DoesNotExist:
        return None
    return survey if survey_accepts_answers(survey=survey, now=now) else None


def survey_intent_choices(*, event: Event) -> list[tuple[str, StrOrPromise]]:
    """The attendance modes the event offers, then "not sure yet"."""
    choices: list[tuple[str, StrOrPromise]] = [
        (mode.value, mode.label) for mode in event.offered_modes
    ]
    return [*choices, (AttendanceIntent.UNDECIDED.value, AttendanceIntent.UNDECIDED.label)]


def survey_intent_counts(*, survey: InterestSurvey) -> dict[str, int]:
    """Number of answers per intent (every intent, zeros included), in one query."""
    return survey.responses.aggregate(
        **{intent.value: Count("pk", filter=Q(intent=intent.value)) for intent in AttendanceIntent}
    )


def published_event_survey(*, slug: str) -> InterestSurvey:
    """The survey of the published event with this slug, or 404."""
    return get_object_or_404(
        InterestSurvey.objects.select_related("event"), event__slug=slug, event__is_published=True
    )


def by_private_token(
    queryset: QuerySet[PrivateRow], token: str, field: str = "token"
) -> PrivateRow:
    """The row behind a private link; an unknown and a malformed token are the same 404.

    The format is checked first, so odd input (a NUL byte, say) never reaches the database.
    """
    if not is_well_formed_token(token):
        raise Http404
    return get_object_or_404(queryset, **{field: token})


def survey_response_by_token(*, token: str) -> SurveyResponse:
    return by_private_token(SurveyResponse.objects.select_related("survey__event"), token)


def registration_by_token(*, token: str) -> Registration:
    return by_private_token(
        Registration.objects.select_related("event").prefetch_related("sessions"), token
    )


def registration_by_join_token(*, token: str) -> Registration:
    return by_private_token(
        Registration.objects.select_related("event").prefetch_related("sessions"),
        token,
        field="join_token",
    )


def event_offers_session_choice(*, event: Event) -> bool:
    """People choose sessions only when there are several; one session is simply the event.

    The one rule for the registration form and the private registration page.
    """
    count = getattr(event, "session_count", None)  # annotated by published_event
    return (event.sessions.count() if count is None else count) > 1


@dataclass(frozen=True)
class Seats:
    """Places of one attendance mode: capacity None means unlimited."""

    capacity: int | None
    confirmed: int
    waiting: int

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)

    @property
    def free_for_newcomer(self) -> int | None:
        """Places a newcomer can still get: people waiting come first. None: unlimited."""
        return None if self.left is None else max(self.left - self.waiting, 0)

    @property
    def full(self) -> bool:
        """No place for a newcomer: they may only join the waiting list."""
        return self.free_for_newcomer == 0


def registration_seats(*, event: Event, other_than: Registration | None = None) -> dict[str, Seats]:
    """Seats used, waiting and left per offered mode, in one query.

    Counted by mode and status with GROUP BY: a third of the work of building one filtered
    count per mode and status, and it runs on every view of the registration form.
    """
    registrations = Registration.objects.filter(event=event)
    if other_than is not None:  # a newcomer's own row, written before the seat decision
        registrations = registrations.exclude(pk=other_than.pk)
    counts = registrations.order_by().values_list("attendance_mode", "status").annotate(Count("pk"))
    totals: dict[tuple[str, str], int] = {(mode, status): count for mode, status, count in counts}

    def count(mode: str, status: str) -> int:
        return totals.get((mode, status), 0)

    return {
        mode: Seats(
            capacity=event.capacity_for(mode),
            confirmed=count(mode, RegistrationStatus.CONFIRMED),
            waiting=count(mode, RegistrationStatus.WAITLISTED),
        )
        for mode in event.offered_modes
    }


def has_free_seat(*, event: Event, attendance_mode: str) -> bool:
    """A confirmed place is free in this mode (for the first person waiting)."""
    seats = registration_seats(event=event)[attendance_mode]
    return seats.left is None or seats.left > 0


def has_place_for_newcomer(*, event: Event, attendance_mode: str) -> bool:
    """A newcomer gets a confirmed place only if nobody is waiting ahead of them."""
    return not registration_seats(event=event)[attendance_mode].full


def registration_for_email(*, event: Event, email: str) -> Registration | None:
    """This address's registration for the event, whatever its status (one per email)."""
    return (
        Registration.objects.alias(lower_email=Lower("email"))  # as in the unique index
        .filter(event=event, lower_email=email.lower())
        .first()
    )


def email_registered(*, event: Event, email: str, other_than: Registration | None = None) -> bool:
    """The friendly pre-check for the admin's edit form; the unique constraint still decides."""
    registrations = Registration.objects.alias(lower_email=Lower("email"))
    if other_than is not None:
        registrations = registrations.exclude(pk=other_than.pk)
    return registrations.filter(event=event, lower_email=email.lower()).exists()


def registration_is_changeable(*, registration: Registration, now: datetime | None = None) -> bool:
    """The person can still switch mode, change sessions or cancel."""
    return registration.status != RegistrationStatus.CANCELLED and not registration.event.is_over(
        now
    )


def waiting_list_position(*, registration: Registration) -> int | None:
    """1 for the first person waiting for this mode; None if not on the waiting list."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id,
        attendance_mode=registration.attendance_mode,
        status=RegistrationStatus.WAITLISTED,
    ).filter(
        Q(waitlisted_at__lt=registration.waitlisted_at)
        | Q(waitlisted_at=registration.waitlisted_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def message_recipients(
    message: OrganiserMessage,
) -> QuerySet[Registration] | QuerySet[SurveyResponse]:
    """Who a draft message would go to now, in the order of their entries: a cancelled
    registration never; for a selection, the selected registrations (fixed when selected);
    for the survey segment, the respondents who asked to be told (a withdrawn answer is gone).
    """
    if message.segment == MessageSegment.SURVEY_NOTIFY:
        return SurveyResponse.objects.filter(
            survey__event_id=message.event_id, notify_when_registration_opens=True
        ).order_by("pk")
    confirmed = Q(status=RegistrationStatus.CONFIRMED)
    segments = {
        MessageSegment.ON_SITE: confirmed & Q(attendance_mode=AttendanceMode.ON_SITE),
        MessageSegment.ONLINE: confirmed & Q(attendance_mode=AttendanceMode.ONLINE),
        MessageSegment.WAITING_LIST: Q(status=RegistrationStatus.WAITLISTED),
        MessageSegment.MATCHMAKING: confirmed & Q(event__meeting_rules__isnull=False),
        MessageSegment.SELECTION: Q(
            pk__in=MessageRecipient.objects.filter(message=message).values("registration_id")
        ),
    }
    return (
        Registration.objects.filter(event_id=message.event_id)
        .exclude(status=RegistrationStatus.CANCELLED)
        .filter(segments[MessageSegment(message.segment)])
        .order_by("pk")
    )


def events_where(user: User | AnonymousUser, *capabilities: str) -> QuerySet[Event]:
    """The events on which one of the user's teams holds a role allowing one of these
    capabilities (organiser_roles.py); every event for a superuser, none for anyone else."""
    if not (user.is_active and user.is_staff):
        return Event.objects.none()
    if user.is_superuser:
        return Event.objects.all()
    return Event.objects.filter(
        pk__in=TeamEventRole.objects.filter(
            team__members=user, role__in=roles_with(*capabilities)
        ).values("event_id")
    )


def teams_of(user: User | AnonymousUser) -> QuerySet[OrganiserTeam]:
    if not user.is_authenticated:
        return OrganiserTeam.objects.none()
    return OrganiserTeam.objects.filter(members=user)


def checkin_events(*, user: User | AnonymousUser, now: datetime | None = None) -> QuerySet[Event]:
    """Events with attendees at a venue that are not long over, where the user may check
    people in, for the check-in desk."""
    since = (now or timezone.now()) - timedelta(days=1)
    return _checkin_events(user).filter(end__gt=since).order_by("start")


def checkin_event(*, slug: str, user: User | AnonymousUser) -> Event:
    """The event of this desk, or 404 (also for an event the user may not check people in at)."""
    return get_object_or_404(_checkin_events(user), slug=slug)


def _checkin_events(user: User | AnonymousUser) -> QuerySet[Event]:
    return events_where(user, Capability.CHECK_IN).exclude(format=EventFormat.ONLINE)


@dataclass(frozen=True)
class CheckInCounts:
    checked_in: int
    expected: int  # confirmed on-site attendees


def checkin_counts(*, event: Event) -> CheckInCounts:
    counts = Registration.objects.filter(
        event=event, status=RegistrationStatus.CONFIRMED, attendance_mode=AttendanceMode.ON_SITE
    ).aggregate(expected=Count("pk"), checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)))
    return CheckInCounts(**counts)


# Letters that Unicode does not decompose into a base letter and an accent.
_UNACCENTED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "æ": "ae", "œ": "oe"})


def _folded(text: str) -> str:
    """Text as searched at the desk: Järvenpää, JARVENPAA and jarvenpaa are alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_UNACCENTED))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


CHECKIN_SEARCH_LIMIT = 20


def checkin_search(*, event: Event, text: str) -> list[Registration]:
    """The event's registrations whose name, organisation or email has every word of `text`,
    accents and case aside, or whose check-in code ends with `text` (the code for typing).

    Matched in Python over the event's names (a few thousand rows at most): accent-folding in
    the database would need PostgreSQL's unaccent extension, which SQLite lacks.
    """
    words = _folded(text).split()
    if not words:
        return []
    rows = Registration.objects.filter(event=event).values_list(
        "pk", "first_name", "last_name", "organisation", "email", "checkin_token"
    )
    code = text.strip()
    matches = [
        pk
        for pk, *fields, token in rows.iterator()
        if all(word in _folded(" ".join(fields)) for word in words)
        or (len(code) >= MANUAL_CODE_LENGTH and token.endswith(code))
    ]
    return list(
        Registration.objects.filter(pk__in=matches[:CHECKIN_SEARCH_LIMIT])
        .select_related("event", "checked_in_by")
        .order_by("last_name", "first_name", "pk")
    )


def event_open_call(*, event: Event) -> ApplicationCall | None:
    """The event's call for expressions of interest if it takes applications now, else None."""
    call = ApplicationCall.objects.filter(event=event).first()
    return call if call and call.is_open and not event.is_over() else None


def published_event_call(*, slug: str) -> ApplicationCall:
    """The call for expressions of interest of a published event, or 404."""
    return get_object_or_404(
        ApplicationCall.objects.select_related("event"), event__slug=slug, event__is_published=True
    )


def _as_read(text: str) -> str:
    """A name as people read it: case and runs of white space do not count."""
    return " ".join(text.split()).casefold()


def application_duplicate_field(
    *, event_id: int, contact_email: str, legal_name: str, exclude_pk: int | None = None
) -> str | None:
    """The field that repeats another application of the event (email first), or None.

    Shared by the service and the admin's edit form (which excludes the edited application).
    Compared in Python, as people read names: runs of white space collapsed, then casefolded.
    No database expression does that on both backends (SQLite's lower() ignores non-ASCII
    letters, and casefold turns ß into ss), so the database constraint alone would let "ŁÓDŹ"
    and "Łódź" both in there; only the two columns of the event's applications are read.
    """
    earlier = ExpressionOfInterest.objects.filter(event_id=event_id)
    if exclude_pk is not None:
        earlier = earlier.exclude(pk=exclude_pk)
    emails, names = set(), set()
    for email, name in earlier.values_list("contact_email", "legal_name").iterator():
        emails.add(_as_read(email))
        names.add(_as_read(name))
    if _as_read(contact_email) in emails:
        return "contact_email"
    if _as_read(legal_name) in names:
        return "legal_name"
    return None


def applications_with_invitation_state(
    queryset: QuerySet[ExpressionOfInterest],
) -> QuerySet[ExpressionOfInterest]:
    """Each application annotated with `invitation_state` (an InvitationState value)."""
    return queryset.annotate(invitation_state=invitation_state_expression())


def invitation_by_token(*, token: str) -> Invitation:
    return by_private_token(Invitation.objects.select_related("application__event"), token)


# Matchmaking meetings ----------------------------------------------------------------------
# Full-text search runs on PostgreSQL with its text search (SearchVector and SearchQuery need no
# "django.contrib.postgres" in INSTALLED_APPS; only the `__search` lookup does); on SQLite every
# word must appear, in any case, in one of the searched fields.

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


# Organiser login (two-factor, django-otp): read by the admin site on every page.


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    """The authenticator app this user logs in with, if it has set one up."""
    device: TOTPDevice | None = (
        TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    )
    return device


def has_second_factor(user: User) -> bool:
    """Whether logging in as this user needs a code (read with the user by OrganiserBackend)."""
    known: bool | None = getattr(user, "has_second_factor", None)
    if known is not None:
        return known
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())
