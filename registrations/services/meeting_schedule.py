"""The meeting schedule: built by the worker with the solver, checked by the validator, published.

The solver and the validator (registrations/scheduling/) work on plain data; this module reads
the event's slots, availability and accepted meetings into that data, and writes the result back
in one transaction. Meetings placed by hand stay where they are; an earlier placement is kept
where it can be, so a re-run after new acceptances moves as few meetings as possible.
"""

from collections import defaultdict
from dataclasses import asdict
from datetime import datetime, timedelta

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
RUN_GIVEN_UP_AFTER = timedelta(seconds=SOLVER_TIME_LIMIT_SECONDS) + timedelta(minutes=15)


@transaction.atomic
def schedule_build_request(*, event: Event, actor: Actor) -> ScheduleRun:
    """Queue a build of the schedule; the worker runs it and records its progress on the run."""
    rules = lock_rules(event.pk)
    if rules.schedule_state == ScheduleState.FINAL:
        raise TransitionRefused(
            _("The schedule is published as final, so it is no longer built again.")
        )
    unfinished = ScheduleRun.objects.filter(
        event=event, status__in=[ScheduleRunStatus.QUEUED, ScheduleRunStatus.RUNNING]
    )
    # A run that has not finished long after its time limit lost its worker: it ends as failed.
    unfinished.filter(created_at__lt=timezone.now() - RUN_GIVEN_UP_AFTER).update(
        status=ScheduleRunStatus.FAILED,
        problems=[_("The worker stopped before the build finished; nothing changed.")],
        finished_at=timezone.now(),
    )
    if unfinished.exists():
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
    claimed = ScheduleRun.objects.filter(pk=run.pk, status=ScheduleRunStatus.QUEUED).update(
        status=ScheduleRunStatus.RUNNING
    )
    if not claimed:  # built already, or given up as lost: never twice
        run.refresh_from_db()
        return run
    try:
        instance, _meetings = schedule_instance(run.event)
        schedule = solve(
            instance,
            time_limit_seconds=time_limit_seconds,
            progress=lambda message: schedule_run_progress(run=run, message=message),
        )
        problems = validate(instance, schedule.placements)
        return _store(run=run, schedule=schedule, problems=problems)
    except FixedMeetingsConflict as conflict:
        return _fail(run=run, problems=conflict.problems)
    except Exception:
        _fail(run=run, problems=[_("The build stopped with an error; see the worker's log.")])
        raise


def _still_valid(event: Event, schedule: Schedule) -> list[str]:
    """The solver's placements checked again against the event as it is now, under the lock:
    meetings placed by hand keep their slots, meetings gone since are left out."""
    now, _rows = schedule_instance(event)
    placements = {
        meeting.id: schedule.placements[meeting.id]
        for meeting in now.meetings
        if meeting.fixed_slot is None and meeting.id in schedule.placements
    }
    placements.update(
        {meeting.id: meeting.fixed_slot for meeting in now.meetings if meeting.fixed_slot}
    )
    problems = validate(now, placements)
    if problems:
        return [
            _("Meetings or availability changed while the schedule was built; build again."),
            *problems,
        ]
    return []


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
    if not problems:  # what changed while the solver ran (a time picked, a slot marked busy)
        problems = _still_valid(event, schedule)
    moved: set[int] = set()  # the participants whose agenda changed
    taken_off: set[tuple[int, int, int]] = set()  # (participant, meeting, former slot)
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
                sides = (meeting.request.sender_id, meeting.request.receiver_id)
                moved.update(sides)
                if meeting.slot_id is not None and meeting.pk not in schedule.placements:
                    taken_off.update((side, meeting.pk, meeting.slot_id) for side in sides)
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
    agendas_changed(rules=rules, profile_ids=moved, taken_off=taken_off)
    return run


@transaction.atomic
def schedule_publish(
    *, event: Event, state: str, actor: Actor, now: datetime | None = None
) -> MeetingRules:
    """Publish the schedule as preliminary or final; every participant is emailed its agenda."""
    rules = lock_rules(event.pk)
    if state not in (ScheduleState.PRELIMINARY, ScheduleState.FINAL):
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
