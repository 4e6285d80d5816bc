"""The meeting schedule: built by the worker with the solver, checked by the validator, published.

The solver and the validator (registrations/scheduling/) work on plain data; this module reads
the event's slots, availability and accepted meetings into that data, and writes the result back
in one transaction. Meetings placed by hand stay where they are; an earlier placement is kept
where it can be, so a re-run after new acceptances moves as few meetings as possible.
"""

from collections import defaultdict
from dataclasses import asdict
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registrations.models import (
    Event,
    Meeting,
    MeetingRequestStatus,
    MeetingRules,
    MeetingSlot,
    ParticipantProfile,
    ScheduleRun,
    ScheduleRunStatus,
    ScheduleState,
)
from registrations.scheduling.instance import (
    FixedMeetingsConflict,
    Instance,
    MeetingToPlace,
    Schedule,
    Slot,
)
from registrations.scheduling.solver import solve
from registrations.scheduling.validator import validate
from registrations.tasks.meetings import enqueue_agenda_emails, enqueue_schedule_build

from .action_log import Actor, log_action
from .errors import TransitionRefused
from .meeting_slots import agendas_changed, lock_rules

SOLVER_TIME_LIMIT_SECONDS = 20.0


@transaction.atomic
def schedule_build_request(*, event: Event, actor: Actor) -> ScheduleRun:
    """Queue a build of the schedule; the worker runs it and records its progress on the run."""
    rules = lock_rules(event.pk)
    if rules.schedule_state == ScheduleState.FINAL:
        raise TransitionRefused(
            _("The schedule is published as final; publish it as preliminary to rebuild it.")
        )
    if ScheduleRun.objects.filter(
        event=event, status__in=[ScheduleRunStatus.QUEUED, ScheduleRunStatus.RUNNING]
    ).exists():
        raise TransitionRefused(_("A schedule is being built already."))
    run = ScheduleRun.objects.create(event=event, started_by=actor.user)
    log_action(subject=run, event=event, action="schedule build asked for", actor=actor)
    transaction.on_commit(lambda: enqueue_schedule_build(run_id=run.pk))
    return run


def schedule_instance(event: Event) -> tuple[Instance, dict[int, Meeting]]:
    """The event's meetings to place, as the solver's plain data (and the rows by meeting id)."""
    slots = list(MeetingSlot.objects.filter(event=event).order_by("start", "pk"))
    meetings = {
        meeting.pk: meeting
        for meeting in Meeting.objects.filter(
            request__event=event, request__status=MeetingRequestStatus.ACCEPTED
        )
        .select_related("request")
        .order_by("request__answered_at", "pk")
    }
    unavailable: dict[int, set[int]] = defaultdict(set)
    through = ParticipantProfile.unavailable_slots.through
    for profile_id, slot_id in through.objects.filter(meetingslot__event=event).values_list(
        "participantprofile_id", "meetingslot_id"
    ):
        unavailable[profile_id].add(slot_id)
    slot_ids = frozenset(slot.pk for slot in slots)
    participants = {
        side
        for meeting in meetings.values()
        for side in (meeting.request.sender_id, meeting.request.receiver_id)
    }
    rules = MeetingRules.objects.get(event=event)
    instance = Instance(
        slots=tuple(
            Slot(id=slot.pk, session=slot.session_id, index=index)
            for index, slot in enumerate(slots)
        ),
        available={
            participant: slot_ids - unavailable[participant] for participant in participants
        },
        meetings=tuple(
            MeetingToPlace(
                id=meeting.pk,
                first=meeting.request.sender_id,
                second=meeting.request.receiver_id,
                fixed_slot=meeting.slot_id if meeting.fixed_by_hand else None,
                previous_slot=None if meeting.fixed_by_hand else meeting.slot_id,
            )
            for meeting in meetings.values()
        ),
        rooms_limit=rules.rooms_limit,
    )
    return instance, meetings


def schedule_run_progress(*, run: ScheduleRun, message: str) -> None:
    """What the solver is doing, for the organiser watching the run (outside any transaction)."""
    ScheduleRun.objects.filter(pk=run.pk).update(progress=message[:200])


def schedule_build(
    *, run: ScheduleRun, time_limit_seconds: float = SOLVER_TIME_LIMIT_SECONDS
) -> ScheduleRun:
    """The worker's part: solve, validate, then store the placements (a valid result only).

    Whatever goes wrong, the run ends as failed with the reason, never left running.
    """
    ScheduleRun.objects.filter(pk=run.pk).update(status=ScheduleRunStatus.RUNNING)
    instance, _meetings = schedule_instance(run.event)
    try:
        schedule = solve(
            instance,
            time_limit_seconds=time_limit_seconds,
            progress=lambda message: schedule_run_progress(run=run, message=message),
        )
    except FixedMeetingsConflict as conflict:
        return _fail(run=run, problems=conflict.problems)
    except Exception:
        _fail(run=run, problems=[_("The solver stopped with an error; see the worker's log.")])
        raise
    problems = validate(instance, schedule.placements)
    return _store(run=run, schedule=schedule, problems=problems)


def _fail(*, run: ScheduleRun, problems: list[str]) -> ScheduleRun:
    ScheduleRun.objects.filter(pk=run.pk).update(
        status=ScheduleRunStatus.FAILED,
        problems=problems,
        progress=_("Nothing changed."),
        finished_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


@transaction.atomic
def _store(*, run: ScheduleRun, schedule: Schedule, problems: list[str]) -> ScheduleRun:
    run = ScheduleRun.objects.select_for_update().select_related("event").get(pk=run.pk)
    event = run.event
    rules = lock_rules(event.pk)
    moved: set[int] = set()  # the participants whose agenda changed
    if problems:
        run.status = ScheduleRunStatus.FAILED
    else:
        movable = (
            Meeting.objects.select_for_update(of=("self",))
            .filter(
                request__event=event,
                request__status=MeetingRequestStatus.ACCEPTED,
                fixed_by_hand=False,
            )
            .select_related("request")
            .order_by("pk")
        )
        for meeting in movable:
            if meeting.slot_id != schedule.placements.get(meeting.pk):
                moved.update((meeting.request.sender_id, meeting.request.receiver_id))
            meeting.slot_id = schedule.placements.get(meeting.pk)
            meeting.unplaced_reason = schedule.unplaced.get(meeting.pk, "")
            meeting.save(update_fields=["slot", "unplaced_reason"])
        run.status = ScheduleRunStatus.DONE
    run.proven_optimal = schedule.proven_optimal
    run.figures = asdict(schedule.figures)
    run.problems = problems
    run.finished_at = timezone.now()
    run.progress = (
        _("Done.") if not problems else _("The result did not validate; nothing changed.")
    )
    run.save()
    log_action(
        subject=run,
        event=event,
        action="schedule built" if not problems else "schedule build refused by the validator",
        actor=Actor.system("schedule builder"),
        changes={"placed": [None, schedule.figures.placed]},
    )
    agendas_changed(rules=rules, profile_ids=moved)
    return run


@transaction.atomic
def schedule_publish(
    *, event: Event, state: ScheduleState, actor: Actor, now: datetime | None = None
) -> MeetingRules:
    """Publish the schedule as preliminary or final; every participant is emailed its agenda."""
    rules = lock_rules(event.pk)
    if state == ScheduleState.DRAFT:
        raise TransitionRefused(_("Choose preliminary or final."))
    if rules.schedule_state == ScheduleState.FINAL:
        raise TransitionRefused(_("The schedule is already published as final."))
    before = rules.schedule_state
    rules.schedule_state = state
    rules.schedule_published_at = now or timezone.now()
    rules.save(update_fields=["schedule_state", "schedule_published_at"])
    log_action(
        subject=rules,
        event=event,
        action=f"schedule published as {state}",
        actor=actor,
        changes={"schedule_state": [before, state]},
    )
    transaction.on_commit(lambda: enqueue_agenda_emails(event_id=event.pk))
    return rules
