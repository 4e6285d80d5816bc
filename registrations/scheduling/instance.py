"""The scheduling problem and its answer as frozen dataclasses (participants and slots by id)."""

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Slot:
    """A time slot; `index` is its position in time order. The slots of one session are
    consecutive, and idle slots are only counted within a session."""

    id: int
    session: int
    index: int


@dataclass(frozen=True)
class MeetingToPlace:
    """An accepted one-to-one meeting between participants `first` and `second`.

    `fixed_slot`: placed there by hand by the organiser; it must stay. `previous_slot`: where an
    earlier run put it; a re-run moves as few of those as it can."""

    id: int
    first: int
    second: int
    fixed_slot: int | None = None
    previous_slot: int | None = None


@dataclass(frozen=True)
class Instance:
    """`available`: participant id -> the slot ids it can meet in; a participant missing from
    the mapping can meet in every slot. `rooms_limit`: meetings at most in one slot (None: no
    limit). The meetings come in their acceptance order."""

    slots: tuple[Slot, ...]
    available: Mapping[int, frozenset[int]]
    meetings: tuple[MeetingToPlace, ...]
    rooms_limit: int | None = None

    def available_in(self, participant: int) -> frozenset[int]:
        if participant in self.available:
            return self.available[participant]
        return frozenset(slot.id for slot in self.slots)

    def common_slots(self, meeting: MeetingToPlace) -> list[int]:
        """The slot ids where both sides can meet, in time order."""
        both = self.available_in(meeting.first) & self.available_in(meeting.second)
        return [slot.id for slot in self.slots_in_order() if slot.id in both]

    def slots_in_order(self) -> list[Slot]:
        return sorted(self.slots, key=lambda slot: (slot.index, slot.id))

    def participants(self) -> list[int]:
        """Every participant with at least one accepted meeting, by id."""
        return sorted({p for meeting in self.meetings for p in (meeting.first, meeting.second)})


@dataclass(frozen=True)
class Figures:
    """The figures a schedule is judged by.

    `bound`: a proven upper bound on `placed`. `min_share`: the smallest share of a participant's
    accepted meetings that got placed, over participants with at least one accepted meeting.
    `idle_slots`: over participants and sessions, the empty slots between the first and the last
    meeting of that session. `moved`: meetings with a previous slot not placed there any more."""

    placed: int
    bound: int
    min_share: float
    idle_slots: int
    moved: int
    seconds: float


@dataclass(frozen=True)
class Schedule:
    """`placements`: meeting id -> slot id; `unplaced`: meeting id -> the reason, in plain words.
    `proven_optimal`: every objective, in its order, was proven optimal."""

    placements: Mapping[int, int]
    unplaced: Mapping[int, str]
    proven_optimal: bool
    figures: Figures
    stages: tuple[str, ...] = field(default=())


class FixedMeetingsConflict(ValueError):
    """The meetings fixed by hand cannot all stay where they are; the organiser must change
    them. Carries each problem in plain words."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
