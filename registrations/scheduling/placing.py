"""What the solver and the baseline share: the fixed meetings, and why a meeting stayed out.

(The validator does not use this module: it checks placements on its own.)"""

from collections import Counter
from collections.abc import Mapping

from registrations.scheduling.instance import FixedMeetingsConflict, Instance


def fixed_placements(instance: Instance) -> dict[int, int]:
    """The meetings fixed by hand, meeting id -> slot id; raises FixedMeetingsConflict when they
    cannot all stay (unknown slot, a side unavailable, a participant or the rooms overbooked)."""
    slot_ids = {slot.id for slot in instance.slots}
    problems = []
    fixed: dict[int, int] = {}
    busy: dict[tuple[int, int], int] = {}
    rooms: Counter[int] = Counter()
    for meeting in instance.meetings:
        slot = meeting.fixed_slot
        if slot is None:
            continue
        if slot not in slot_ids:
            problems.append(f"meeting {meeting.id} is fixed in slot {slot}, which does not exist")
            continue
        for participant in (meeting.first, meeting.second):
            if slot not in instance.available_in(participant):
                problems.append(
                    f"meeting {meeting.id} is fixed in slot {slot}, "
                    f"where participant {participant} is not available"
                )
            other = busy.get((participant, slot))
            if other is not None:
                problems.append(
                    f"meetings {other} and {meeting.id} are both fixed in slot {slot} "
                    f"for participant {participant}"
                )
            busy[participant, slot] = meeting.id
        rooms[slot] += 1
        fixed[meeting.id] = slot
    if instance.rooms_limit is not None:
        problems += [
            f"{count} meetings are fixed in slot {slot}, more than the {instance.rooms_limit} rooms"
            for slot, count in sorted(rooms.items())
            if count > instance.rooms_limit
        ]
    if problems:
        raise FixedMeetingsConflict(problems)
    return fixed


def unplaced_reasons(instance: Instance, placements: Mapping[int, int]) -> dict[int, str]:
    """Each meeting left out, with the reason in plain words, judged against the placements."""
    busy = set()
    rooms: Counter[int] = Counter()
    by_id = {meeting.id: meeting for meeting in instance.meetings}
    for meeting_id, slot in placements.items():
        meeting = by_id[meeting_id]
        busy.update({(meeting.first, slot), (meeting.second, slot)})
        rooms[slot] += 1
    reasons = {}
    for meeting in instance.meetings:
        if meeting.id in placements:
            continue
        common = instance.common_slots(meeting)
        if not common:
            reasons[meeting.id] = "no slot where both are available"
            continue
        both_free = [
            slot
            for slot in common
            if (meeting.first, slot) not in busy and (meeting.second, slot) not in busy
        ]
        if not both_free:
            reasons[meeting.id] = (
                f"both have other meetings in every common slot: in each of the {len(common)} "
                "slot(s) where both are available, one or both already meet someone else"
            )
        elif instance.rooms_limit is not None and all(
            rooms[slot] >= instance.rooms_limit for slot in both_free
        ):
            reasons[meeting.id] = "no room free in the slots where both are free"
        else:
            reasons[meeting.id] = "left out by the solver within its time limit"
    return reasons
