"""A starting point for the solver: first-come, then repaired by moving meetings out of the way.

Only a hint: CP-SAT proves or improves on it. A meeting left out may fit once a meeting that
blocks it in one of its common slots moves to another slot where both of its own sides are free
(one step of the classic recolouring move of edge colouring)."""

from collections import Counter
from collections.abc import Mapping

from registrations.scheduling.first_come import greedy_placements
from registrations.scheduling.instance import Instance, MeetingToPlace


def hint_placements(instance: Instance) -> dict[int, int]:
    placements = greedy_placements(instance, keep_previous=True)
    return _repaired(instance, placements)


def _repaired(instance: Instance, start: Mapping[int, int]) -> dict[int, int]:
    placements = dict(start)
    by_id = {meeting.id: meeting for meeting in instance.meetings}
    common = {meeting.id: instance.common_slots(meeting) for meeting in instance.meetings}
    busy: dict[tuple[int, int], int] = {}
    rooms: Counter[int] = Counter()
    limit = instance.rooms_limit

    def put(meeting: MeetingToPlace, slot: int) -> None:
        busy[meeting.first, slot] = busy[meeting.second, slot] = meeting.id
        rooms[slot] += 1
        placements[meeting.id] = slot

    def lift(meeting: MeetingToPlace) -> int:
        slot = placements.pop(meeting.id)
        del busy[meeting.first, slot], busy[meeting.second, slot]
        rooms[slot] -= 1
        return slot

    def free_slot(meeting: MeetingToPlace) -> int | None:
        for slot in common[meeting.id]:
            if (
                (meeting.first, slot) not in busy
                and (meeting.second, slot) not in busy
                and (limit is None or rooms[slot] < limit)
            ):
                return slot
        return None

    for meeting_id, slot in placements.items():
        meeting = by_id[meeting_id]
        busy[meeting.first, slot] = busy[meeting.second, slot] = meeting_id
        rooms[slot] += 1

    improved = True
    while improved:
        improved = False
        for meeting in instance.meetings:
            if meeting.id in placements or not common[meeting.id]:
                continue
            spare = free_slot(meeting)
            if spare is not None:
                put(meeting, spare)
                improved = True
                continue
            for slot in common[meeting.id]:
                blockers = {
                    busy[key]
                    for key in ((meeting.first, slot), (meeting.second, slot))
                    if key in busy
                }
                if not blockers or any(by_id[b].fixed_slot is not None for b in blockers):
                    continue
                moved: list[tuple[MeetingToPlace, int]] = []
                for blocker_id in blockers:
                    blocker = by_id[blocker_id]
                    old = lift(blocker)
                    busy[blocker.first, old] = busy[blocker.second, old] = -1  # keep it off
                    new = free_slot(blocker)
                    del busy[blocker.first, old], busy[blocker.second, old]
                    if new is None:
                        put(blocker, old)
                        break
                    put(blocker, new)
                    moved.append((blocker, old))
                else:
                    if limit is None or rooms[slot] < limit:
                        put(meeting, slot)
                        improved = True
                        break
                for blocker, old in reversed(moved):  # undo: it did not make room
                    lift(blocker)
                    put(blocker, old)
    return placements


def compacted(instance: Instance, start: Mapping[int, int]) -> dict[int, int]:
    """The same meetings, moved one at a time to a free common slot while that lowers the idle
    slots of its two participants (a hint for stage 3, which starts from a scattered solution
    otherwise). Fixed meetings and meetings back on their previous slot stay where they are."""
    placements = dict(start)
    by_id = {meeting.id: meeting for meeting in instance.meetings}
    slot_of = {slot.id: slot for slot in instance.slots}
    position = {slot.id: rank for rank, slot in enumerate(instance.slots_in_order())}
    busy: set[tuple[int, int]] = set()
    agenda: dict[tuple[int, int], list[int]] = {}  # (participant, session) -> slot positions
    rooms: Counter[int] = Counter()
    limit = instance.rooms_limit

    def occupy(meeting: MeetingToPlace, slot: int, sign: int) -> None:
        for participant in (meeting.first, meeting.second):
            key = (participant, slot_of[slot].session)
            if sign > 0:
                busy.add((participant, slot))
                agenda.setdefault(key, []).append(position[slot])
            else:
                busy.discard((participant, slot))
                agenda[key].remove(position[slot])
        rooms[slot] += sign

    def idle(participant: int, session: int) -> int:
        ranks = agenda.get((participant, session))
        return max(ranks) - min(ranks) + 1 - len(ranks) if ranks else 0

    def cost(meeting: MeetingToPlace, sessions: set[int]) -> int:
        return sum(idle(p, s) for p in (meeting.first, meeting.second) for s in sessions)

    for meeting_id, slot in placements.items():
        occupy(by_id[meeting_id], slot, +1)
    movable = [
        by_id[meeting_id]
        for meeting_id, slot in placements.items()
        if by_id[meeting_id].fixed_slot is None and by_id[meeting_id].previous_slot != slot
    ]
    improved = True
    while improved:
        improved = False
        for meeting in movable:
            old = placements[meeting.id]
            for new in instance.common_slots(meeting):
                if new == old or (meeting.first, new) in busy or (meeting.second, new) in busy:
                    continue
                if limit is not None and rooms[new] >= limit:
                    continue
                sessions = {slot_of[old].session, slot_of[new].session}
                before = cost(meeting, sessions)
                occupy(meeting, old, -1)
                occupy(meeting, new, +1)
                if cost(meeting, sessions) < before:
                    placements[meeting.id] = old = new
                    improved = True
                else:
                    occupy(meeting, new, -1)
                    occupy(meeting, old, +1)
    return placements
