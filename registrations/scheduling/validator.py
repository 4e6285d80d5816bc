"""An independent check of any placements against their instance.

Written apart from the solver and the baseline on purpose (it shares none of their helpers, not
even `Instance`'s methods), so that a mistake in their reading of the rules is not repeated here.
"""

from collections.abc import Mapping

from registrations.scheduling.instance import Instance, MeetingToPlace


def validate(instance: Instance, placements: Mapping[int, int]) -> list[str]:
    """The problems found, in plain words; an empty list means the placements are valid."""
    problems: list[str] = []
    meetings: dict[int, MeetingToPlace] = {}
    for each in instance.meetings:
        meetings[each.id] = each
    slots = {slot.id for slot in instance.slots}

    seen: dict[tuple[int, int], int] = {}  # (participant, slot) -> first meeting found there
    per_slot: dict[int, int] = {}
    for meeting_id in sorted(placements):
        slot = placements[meeting_id]
        meeting = meetings.get(meeting_id)
        if meeting is None:
            problems.append(f"meeting {meeting_id} is placed but is not an accepted meeting")
            continue
        if slot not in slots:
            problems.append(f"meeting {meeting_id} is placed in slot {slot}, which does not exist")
            continue
        for person in (meeting.first, meeting.second):
            if person in instance.available and slot not in instance.available[person]:
                problems.append(
                    f"meeting {meeting_id} is in slot {slot}, "
                    f"where participant {person} is not available"
                )
            key = (person, slot)
            if key in seen:
                problems.append(
                    f"participant {person} is double-booked in slot {slot}: "
                    f"meetings {seen[key]} and {meeting_id}"
                )
            else:
                seen[key] = meeting_id
        per_slot[slot] = per_slot.get(slot, 0) + 1

    if instance.rooms_limit is not None:
        for slot in sorted(per_slot):
            if per_slot[slot] > instance.rooms_limit:
                problems.append(
                    f"slot {slot} holds {per_slot[slot]} meetings, "
                    f"more than the {instance.rooms_limit} rooms"
                )

    for meeting in instance.meetings:
        if meeting.fixed_slot is None:
            continue
        where = placements.get(meeting.id)
        if where is None:
            problems.append(
                f"meeting {meeting.id} was fixed in slot {meeting.fixed_slot} but is not placed"
            )
        elif where != meeting.fixed_slot:
            problems.append(
                f"meeting {meeting.id} was fixed in slot {meeting.fixed_slot} "
                f"but is placed in slot {where}"
            )
    return problems
