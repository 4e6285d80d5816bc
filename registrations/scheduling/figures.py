"""The figures of any placements, shared by the solver, the first-come baseline and the bench."""

from collections import Counter, defaultdict
from collections.abc import Mapping

from registrations.scheduling.instance import Figures, Instance


def figures(
    instance: Instance, placements: Mapping[int, int], *, bound: int, seconds: float
) -> Figures:
    accepted: Counter[int] = Counter()
    placed_of: Counter[int] = Counter()
    # participant -> session -> the indexes of its occupied slots
    occupied: defaultdict[int, defaultdict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    slot_by_id = {slot.id: slot for slot in instance.slots}
    moved = 0
    for meeting in instance.meetings:
        accepted.update((meeting.first, meeting.second))
        slot_id = placements.get(meeting.id)
        if meeting.previous_slot is not None and slot_id != meeting.previous_slot:
            moved += 1
        if slot_id is None:
            continue
        placed_of.update((meeting.first, meeting.second))
        slot = slot_by_id[slot_id]
        for participant in (meeting.first, meeting.second):
            occupied[participant][slot.session].append(slot.index)

    # Slot indexes need not be contiguous numbers: count the session's slots in between.
    indexes_of_session: defaultdict[int, list[int]] = defaultdict(list)
    for slot in instance.slots:
        indexes_of_session[slot.session].append(slot.index)
    position = {
        (session, index): rank
        for session, indexes in indexes_of_session.items()
        for rank, index in enumerate(sorted(indexes))
    }
    idle = 0
    for sessions in occupied.values():
        for session, indexes in sessions.items():
            ranks = [position[session, index] for index in indexes]
            idle += max(ranks) - min(ranks) + 1 - len(ranks)

    min_share = min((placed_of[p] / accepted[p] for p in accepted), default=1.0)
    return Figures(
        placed=len(placements),
        bound=bound,
        min_share=min_share,
        idle_slots=idle,
        moved=moved,
        seconds=seconds,
    )


def simple_bound(instance: Instance) -> int:
    """An upper bound on the meetings that can be placed, proven by counting.

    A meeting without a common slot can never be placed; a participant can have at most one
    meeting in each slot where it is available and one of its meetings could take place; each
    meeting has two participants; a slot holds at most `rooms_limit` meetings."""
    placeable = [m for m in instance.meetings if instance.common_slots(m)]
    usable: defaultdict[int, set[int]] = defaultdict(set)
    count: Counter[int] = Counter()
    for meeting in placeable:
        common = instance.common_slots(meeting)
        for participant in (meeting.first, meeting.second):
            usable[participant].update(common)
            count[participant] += 1
    by_participants = sum(min(count[p], len(usable[p])) for p in count) // 2
    bound = min(len(placeable), by_participants)
    if instance.rooms_limit is not None:
        bound = min(bound, instance.rooms_limit * len(instance.slots))
    return bound
