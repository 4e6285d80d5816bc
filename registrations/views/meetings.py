"""A participant's one-to-one meeting pages, all under its registration's private link (no
account): the overview of its requests and suggested partners, its profile, the catalogue,
its availability and, once the schedule is published, its agenda.

Every page is private to the organisation (its room links, its partners): like every page
under a private link, none is stored by a browser or proxy cache (no-store, private; see
registrations.middleware)."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.forms import ModelChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from registrations import selectors
from registrations.agendas import agenda_calendar, agenda_of
from registrations.forms import field_of
from registrations.forms.meetings import (
    AcceptForm,
    AvailabilityForm,
    CatalogueFilterForm,
    MeetingRequestForm,
    ProfileForm,
)
from registrations.models import (
    Meeting,
    MeetingRequest,
    MeetingRequestStatus,
    MeetingRules,
    MeetingSlot,
    ParticipantProfile,
    ScheduleState,
)
from registrations.services.action_log import Actor
from registrations.services.errors import ServiceError
from registrations.services.meeting_requests import (
    meeting_cancel,
    meeting_request_accept,
    meeting_request_decline,
    meeting_request_send,
    meeting_request_withdraw,
)
from registrations.services.meeting_slots import availability_set
from registrations.services.participants import (
    participant_profile_for,
    participant_profile_update,
)
from registrations.views import form_page

SUGGESTIONS_SHOWN = 5

ParticipantView = Callable[..., HttpResponse]


def participant_page(view: ParticipantView) -> Callable[..., HttpResponse]:
    """The view gets the participant's profile instead of the token; an unknown token is a 404,
    and a registration that takes no part in the meetings (none set up, cancelled, waiting)
    gets a page that says why."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, **kwargs: Any) -> HttpResponse:
        registration = selectors.registration_by_token(token=token)
        try:
            # A GET that may write: the profile is made on the organisation's first visit. That
            # is acceptable because it is idempotent (one profile per registration, a twin
            # visit reads the first's) and only fills in what the organisation itself gave in
            # its expression of interest; the profile stays out of the catalogue until the
            # organisation lists it.
            profile = participant_profile_for(registration=registration, actor=Actor.person())
        except ServiceError as error:
            return render(
                request,
                "registrations/meetings/unavailable.html",
                {"registration": registration, "event": registration.event, "problem": error},
            )
        return view(request, profile, **kwargs)

    return wrapper


def _context(profile: ParticipantProfile, **more: Any) -> dict[str, Any]:
    registration = profile.registration
    rules = MeetingRules.objects.get(event_id=registration.event_id)
    return {
        "profile": profile,
        "registration": registration,
        "event": registration.event,
        "rules": rules,
        "token": registration.token,
        "published": rules.schedule_state != ScheduleState.DRAFT,
        **more,
    }


def _to_overview(profile: ParticipantProfile) -> HttpResponse:
    return redirect("registrations:meetings", token=profile.registration.token)


# Reads of these pages ------------------------------------------------------------------------


def partner_texts(*, event_id: int, including: ParticipantProfile) -> list:
    """The texts the suggestions compare: the event's catalogue and the participant itself
    (listed or not), as partner_suggestions.ParticipantText."""
    from registrations.partner_suggestions import ParticipantText  # numpy and scikit-learn

    rows = (
        selectors.participants()
        .filter(registration__event_id=event_id)
        .filter(Q(is_listed=True) | Q(pk=including.pk))
        .values_list("pk", "offers", "seeks", "description")
    )
    return [
        ParticipantText(id=pk, offers=offers, seeks=seeks, description=description)
        for pk, offers, seeks, description in rows
    ]


@dataclass(frozen=True)
class SuggestedPartner:
    partner: ParticipantProfile
    you_seek: str
    they_offer: str
    you_offer: str
    they_seek: str


def suggested_partners(
    profile: ParticipantProfile, *, not_these: set[int]
) -> list[SuggestedPartner]:
    """The best partners for the participant, leaving out those it already has an active
    request with."""
    from registrations.partner_suggestions import suggest_partners

    event_id = profile.registration.event_id
    texts = partner_texts(event_id=event_id, including=profile)
    found = suggest_partners(texts, profile.pk, limit=SUGGESTIONS_SHOWN + len(not_these))
    found = [s for s in found if s.partner_id not in not_these][:SUGGESTIONS_SHOWN]
    partners = {
        partner.pk: partner
        for partner in selectors.listed_participants(
            event=profile.registration.event, exclude=profile
        ).filter(pk__in=[s.partner_id for s in found])
    }
    return [
        SuggestedPartner(
            partner=partners[s.partner_id],
            you_seek=s.you_seek,
            they_offer=s.they_offer,
            you_offer=s.you_offer,
            they_seek=s.they_seek,
        )
        for s in found
        if s.partner_id in partners
    ]


def _event_slots(event_id: int) -> QuerySet[MeetingSlot]:
    return MeetingSlot.objects.filter(event_id=event_id).select_related("event", "session")


def free_slots_for(
    profile: ParticipantProfile, others: list[ParticipantProfile], rules: MeetingRules
) -> dict[int, list[int]]:
    """For each other participant, the slots in which it and the profile could meet now: both
    available, neither with a meeting then, and a room left."""
    slots = list(_event_slots(rules.event_id).values_list("pk", flat=True))
    if not slots or not others:
        return {}
    involved = {profile.pk, *(other.pk for other in others)}
    cannot: dict[int, set[int]] = defaultdict(set)
    through = ParticipantProfile.unavailable_slots.through
    for profile_id, slot_id in through.objects.filter(
        participantprofile_id__in=involved
    ).values_list("participantprofile_id", "meetingslot_id"):
        cannot[profile_id].add(slot_id)
    placed = Meeting.objects.filter(slot__isnull=False)
    for sender_id, receiver_id, slot_id in placed.filter(
        Q(request__sender_id__in=involved) | Q(request__receiver_id__in=involved)
    ).values_list("request__sender_id", "request__receiver_id", "slot_id"):
        cannot[sender_id].add(slot_id)
        cannot[receiver_id].add(slot_id)
    full: set[int] = set()
    if rules.rooms_limit is not None:
        full = {
            row["slot"]
            for row in placed.filter(slot__event_id=rules.event_id)
            .values("slot")
            .annotate(taken=Count("pk"))
            if row["taken"] >= rules.rooms_limit
        }
    mine = cannot[profile.pk] | full
    return {
        other.pk: [slot for slot in slots if slot not in mine and slot not in cannot[other.pk]]
        for other in others
    }


def _active_by_partner(rows: list[selectors.ParticipantRequest]) -> dict[int, Any]:
    return {
        row.other.pk: row
        for row in rows
        if row.status in (MeetingRequestStatus.PENDING, MeetingRequestStatus.ACCEPTED)
    }


def _requests_left(profile: ParticipantProfile, rules: MeetingRules) -> int:
    return max(0, rules.requests_per_participant - selectors.sent_request_count(profile))


def _can_request(rules: MeetingRules, left: int) -> bool:
    return left > 0 and rules.schedule_state != ScheduleState.FINAL


# The overview --------------------------------------------------------------------------------


def _closed_words(row: selectors.ParticipantRequest) -> str:
    request = row.request
    if request.status == MeetingRequestStatus.DECLINED:
        return _("Declined")
    if request.answered_at is None:
        return _("Withdrawn")
    return _("Meeting cancelled")


def _render_overview(
    request: HttpRequest,
    profile: ParticipantProfile,
    *,
    error: ServiceError | None = None,
    failed_accept: tuple[int, AcceptForm] | None = None,
) -> HttpResponse:
    context = _context(profile)
    rules = context["rules"]
    rows = selectors.requests_of(profile)
    received = [r for r in rows if not r.sent and r.status == MeetingRequestStatus.PENDING]
    free = free_slots_for(profile, [row.other for row in received], rules)
    slots = {slot.pk: slot for slot in _event_slots(rules.event_id)}
    answers = []
    for row in received:
        free_here = MeetingSlot.objects.filter(pk__in=free.get(row.other.pk, []))
        if failed_accept and failed_accept[0] == row.request.pk:
            form = failed_accept[1]  # with its errors; offering only the times still free
            field_of(form, "slot", ModelChoiceField).queryset = free_here.select_related(
                "event", "session"
            )
        else:
            form = AcceptForm(slots=free_here, auto_id=f"id_accept_{row.request.pk}_%s")
        answers.append({"row": row, "form": form, "has_slots": bool(slots)})
    agreed = [
        {
            "row": row,
            "meeting": row.meeting,
            # A time the schedule builder chose shows once the schedule is published; one
            # agreed by the two organisations (placed by hand) shows at once.
            "slot": row.meeting.slot
            if row.meeting
            and row.meeting.slot
            and (row.meeting.fixed_by_hand or context["published"])
            else None,
        }
        for row in rows
        if row.status == MeetingRequestStatus.ACCEPTED
    ]
    left = _requests_left(profile, rules)
    context.update(
        {
            "error": error,
            "received": answers,
            "sent": [r for r in rows if r.sent and r.status == MeetingRequestStatus.PENDING],
            "agreed": agreed,
            "closed": [
                {"row": row, "words": _closed_words(row)}
                for row in rows
                if row.status in (MeetingRequestStatus.DECLINED, MeetingRequestStatus.CANCELLED)
            ],
            "requests_left": left,
            "can_request": _can_request(rules, left),
            "suggestions": [
                {
                    "suggestion": suggestion,
                    "form": MeetingRequestForm(auto_id=f"id_suggested_{suggestion.partner.pk}_%s"),
                }
                for suggestion in suggested_partners(
                    profile, not_these=set(_active_by_partner(rows))
                )
            ],
        }
    )
    return render(request, "registrations/meetings/overview.html", context)


@require_safe
@participant_page
def meetings_overview(request: HttpRequest, profile: ParticipantProfile) -> HttpResponse:
    return _render_overview(request, profile)


def _own_request(profile: ParticipantProfile, request_id: int) -> MeetingRequest:
    """One of the participant's requests, sent or received; any other id is a 404."""
    return get_object_or_404(
        MeetingRequest.objects.select_related("sender__registration", "receiver__registration"),
        Q(sender=profile) | Q(receiver=profile),
        pk=request_id,
    )


def _other_name(meeting_request: MeetingRequest, profile: ParticipantProfile) -> str:
    other = (
        meeting_request.receiver
        if meeting_request.sender_id == profile.pk
        else meeting_request.sender
    )
    return other.registration.organisation


@require_POST
@participant_page
def meetings_request_answer(
    request: HttpRequest, profile: ParticipantProfile, request_id: int, action: str
) -> HttpResponse:
    """Accept (optionally in a free slot), decline, withdraw, or cancel the agreed meeting."""
    meeting_request = _own_request(profile, request_id)
    name = {"name": _other_name(meeting_request, profile)}
    person = Actor.person()
    try:
        if action == "accept":
            form = AcceptForm(
                request.POST,
                slots=_event_slots(profile.registration.event_id),
                auto_id=f"id_accept_{meeting_request.pk}_%s",
            )
            if not form.is_valid():
                return _render_overview(
                    request,
                    profile,
                    error=ServiceError(_("Please check the answer marked below.")),
                    failed_accept=(meeting_request.pk, form),
                )
            try:
                meeting = meeting_request_accept(
                    request=meeting_request,
                    by=profile,
                    actor=person,
                    slot=form.cleaned_data["slot"],
                )
            except ServiceError as error:
                form.add_service_error(error)
                return _render_overview(
                    request, profile, error=error, failed_accept=(meeting_request.pk, form)
                )
            if meeting.slot:
                done = _("You have agreed to meet %(name)s at %(slot)s.") % {
                    **name,
                    "slot": meeting.slot,
                }
            else:
                done = (
                    _(
                        "You have agreed to meet %(name)s; the schedule will give the meeting "
                        "its time."
                    )
                    % name
                )
        elif action == "decline":
            meeting_request_decline(request=meeting_request, by=profile, actor=person)
            done = _("You have declined the request of %(name)s.") % name
        elif action == "withdraw":
            meeting_request_withdraw(request=meeting_request, by=profile, actor=person)
            done = _("You have withdrawn your request to %(name)s.") % name
        elif action == "cancel":
            meeting_cancel(request=meeting_request, by=profile, actor=person)
            done = _("Your meeting with %(name)s is cancelled.") % name
        else:  # the URLconf names only the four
            raise Http404
    except ServiceError as error:
        return _render_overview(request, profile, error=error)
    messages.success(request, done + " " + _("We have emailed %(name)s.") % name)
    return _to_overview(profile)


# The profile ---------------------------------------------------------------------------------


@form_page
@participant_page
def meetings_profile(request: HttpRequest, profile: ParticipantProfile) -> HttpResponse:
    form = ProfileForm(request.POST if request.method == "POST" else None, profile=profile)
    if request.method == "POST" and form.is_valid():
        try:
            participant_profile_update(
                profile=profile, details=form.details(), actor=Actor.person()
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your profile is saved."))
            return _to_overview(profile)
    return render(request, "registrations/meetings/profile.html", _context(profile, form=form))


# The catalogue -------------------------------------------------------------------------------


def _render_catalogue(
    request: HttpRequest,
    profile: ParticipantProfile,
    *,
    failed: tuple[ParticipantProfile, MeetingRequestForm] | None = None,
    error: str = "",
) -> HttpResponse:
    context = _context(profile)
    event = profile.registration.event
    everyone = selectors.listed_participants(event=event, exclude=profile)
    filters = CatalogueFilterForm(
        request.GET or None,
        country_codes=sorted(
            {str(code) for code in everyone.values_list("registration__country", flat=True)}
        ),
    )
    partners = list(
        selectors.listed_participants(event=event, exclude=profile, **filters.filters())
    )
    active = _active_by_partner(selectors.requests_of(profile))
    left = _requests_left(profile, context["rules"])
    cards = []
    for partner in partners:
        if failed and failed[0].pk == partner.pk:
            form = failed[1]
        else:
            form = MeetingRequestForm(auto_id=f"id_request_{partner.pk}_%s")
        cards.append({"partner": partner, "active": active.get(partner.pk), "form": form})
    context.update(
        {
            "filters": filters,
            "filtered": any(filters.filters().values()),
            "cards": cards,
            "requests_left": left,
            "can_request": _can_request(context["rules"], left),
            "error": error,
            "query": request.GET.urlencode(),
        }
    )
    return render(request, "registrations/meetings/partners.html", context)


@require_safe
@participant_page
def meetings_partners(request: HttpRequest, profile: ParticipantProfile) -> HttpResponse:
    return _render_catalogue(request, profile)


@require_POST
@participant_page
def meetings_request_send(
    request: HttpRequest, profile: ParticipantProfile, profile_id: int
) -> HttpResponse:
    """A refusal is shown on the catalogue (with the filters it was sent from), HTTP 200."""
    receiver = get_object_or_404(
        ParticipantProfile.objects.select_related("registration"),
        pk=profile_id,
        registration__event_id=profile.registration.event_id,
    )
    name = {"name": receiver.registration.organisation}
    form = MeetingRequestForm(request.POST, auto_id=f"id_request_{receiver.pk}_%s")
    if form.is_valid():
        try:
            sent = meeting_request_send(
                sender=profile,
                receiver=receiver,
                message=form.cleaned_data["message"],
                actor=Actor.person(),
            )
        except ServiceError as error:
            form.add_service_error(error)
            message = error.message
        else:
            if sent.status == MeetingRequestStatus.ACCEPTED:
                done = _("Your meeting with %(name)s is agreed; we have emailed you both.")
            else:
                done = _(
                    "Your request has gone to %(name)s; we have emailed them. You will hear "
                    "from us when they answer."
                )
            messages.success(request, done % name)
            return _to_overview(profile)
    else:
        message = _("Please check your message.")
    return _render_catalogue(
        request,
        profile,
        failed=(receiver, form),
        error=_("Your request to %(name)s was not sent: %(problem)s")
        % {**name, "problem": message},
    )


# Availability --------------------------------------------------------------------------------


@form_page
@participant_page
def meetings_availability(request: HttpRequest, profile: ParticipantProfile) -> HttpResponse:
    context = _context(profile)
    slots = _event_slots(profile.registration.event_id).order_by("start", "pk")
    form = AvailabilityForm(request.POST if request.method == "POST" else None, slots=slots)
    final = context["rules"].schedule_state == ScheduleState.FINAL
    if request.method == "POST" and form.is_valid():
        try:
            availability_set(
                profile=profile,
                available_slot_ids=form.available_slot_ids(),
                actor=Actor.person(),
            )
        except ServiceError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Your availability is saved."))
            return _to_overview(profile)
    if form.is_bound:
        ticked = {str(value) for value in request.POST.getlist("available_slots")}
    else:
        unavailable = {slot.pk for slot in profile.unavailable_slots.all()}
        ticked = {str(slot.pk) for slot in slots if slot.pk not in unavailable}
    sessions: dict[int, dict[str, Any]] = {}
    for slot in slots:
        group = sessions.setdefault(slot.session_id, {"session": slot.session, "slots": []})
        group["slots"].append({"slot": slot, "ticked": str(slot.pk) in ticked})
    context.update({"form": form, "sessions": list(sessions.values()), "final": final})
    return render(request, "registrations/meetings/availability.html", context)


# The agenda ----------------------------------------------------------------------------------


@require_safe
@participant_page
def meetings_agenda(request: HttpRequest, profile: ParticipantProfile) -> HttpResponse:
    context = _context(profile)
    if not context["published"]:
        return render(request, "registrations/meetings/agenda_not_published.html", context)
    items = agenda_of(profile)
    unplaced = Meeting.objects.filter(
        Q(request__sender=profile) | Q(request__receiver=profile),
        request__status=MeetingRequestStatus.ACCEPTED,
        slot__isnull=True,
    ).count()
    context.update({"items": items, "unplaced": unplaced})
    return render(request, "registrations/meetings/agenda.html", context)


@require_safe
@participant_page
def meetings_agenda_ics(request: HttpRequest, profile: ParticipantProfile) -> HttpResponse:
    rules = MeetingRules.objects.get(event_id=profile.registration.event_id)
    if rules.schedule_state == ScheduleState.DRAFT:
        raise Http404
    calendar = agenda_calendar(profile, agenda_of(profile))
    response = HttpResponse(calendar, content_type="text/calendar; charset=utf-8")
    filename = f"meetings-{profile.registration.event.slug}.ics"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
