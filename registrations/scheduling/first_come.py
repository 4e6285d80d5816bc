"""The baseline: first-come slot picking, as a person filling a grid by hand would do it."""

import time
from collections import Counter

from registrations.scheduling.figures import figures, simple_bound
from registrations.scheduling.instance import Instance, Schedule
from registrations.scheduling.placing import fixed_placements, unplaced_reasons


def first_come(instance: Instance) -> Schedule:
    """The fixed meetings first; then each accepted meeting, in acceptance order, takes the
    earliest slot where both sides are available and free and a room is free."""
    started = time.perf_counter()
    placements = greedy_placements(instance, keep_previous=False)
    return Schedule(
        placements=placements,
        unplaced=unplaced_reasons(instance, placements),
        proven_optimal=False,
        figures=figures(
            instance,
            placements,
            bound=simple_bound(instance),
            seconds=time.perf_counter() - started,
        ),
    )


def greedy_placements(instance: Instance, *, keep_previous: bool) -> dict[int, int]:
    """First-come placements; with `keep_previous`, meetings go back to their previous slot
    first when it is still possible (the solver's starting point on a re-run)."""
    placements = fixed_placements(instance)
    busy: set[tuple[int, int]] = set()
    rooms: Counter[int] = Counter()
    by_id = {meeting.id: meeting for meeting in instance.meetings}

    def take(meeting_id: int, slot: int) -> None:
        meeting = by_id[meeting_id]
        busy.update({(meeting.first, slot), (meeting.second, slot)})
        rooms[slot] += 1
        placements[meeting_id] = slot

    def free(meeting_id: int, slot: int) -> bool:
        meeting = by_id[meeting_id]
        return (
            (meeting.first, slot) not in busy
            and (meeting.second, slot) not in busy
            and (instance.rooms_limit is None or rooms[slot] < instance.rooms_limit)
        )

    for meeting_id, slot in list(placements.items()):
        take(meeting_id, slot)
    waiting = [m for m in instance.meetings if m.id not in placements]
    if keep_previous:
        for meeting in waiting:
            previous = meeting.previous_slot
            if (
                previous is not None
                and previous in instance.common_slots(meeting)
                and free(meeting.id, previous)
            ):
                take(meeting.id, previous)
    for meeting in waiting:
        if meeting.id in placements:
            continue
        for slot in instance.common_slots(meeting):
            if free(meeting.id, slot):
                take(meeting.id, slot)
                break
    return placements
