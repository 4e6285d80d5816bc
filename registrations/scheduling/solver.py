"""The schedule by CP-SAT (OR-Tools), its objectives solved one after the other.

The order, each stage keeping the optimum (or best found) of the ones before as a constraint:
1. as many accepted meetings placed as possible;
2. fairness: the smallest share of a participant's accepted meetings placed, maximised;
3. as few previous placements moved as possible, then as few idle slots as possible (one
   weighted objective, exact because the weight of a move exceeds every possible idle count).
Moves come before idle slots: on a re-run the earlier times have been sent to the participants,
who plan around them; an idle slot only costs comfort, a moved meeting can cost the meeting.
"""

import itertools
import math
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ortools.sat.python import cp_model

from registrations.scheduling.figures import figures, simple_bound
from registrations.scheduling.hints import compacted, hint_placements
from registrations.scheduling.instance import Instance, MeetingToPlace, Schedule, Slot
from registrations.scheduling.placing import fixed_placements, unplaced_reasons

# Parameters measured on a 2-core machine (bench/meeting_schedule.py). Stages 1 and 2 are
# decided by the LP: one worker with the fuller linearisation proves the 2020 scale in about
# half a second, where a portfolio of 4 or 8 workers takes several; on large models (10x scale)
# that lone worker is still at the root LP when time runs out, so two workers share the cores.
# Stage 3 is won by large neighbourhood search (the LP gives no useful bound on idle slots).
PROVING: dict[str, int] = {"num_workers": 1, "linearization_level": 2}
PROVING_LARGE: dict[str, int] = {"num_workers": 2, "linearization_level": 2}
LARGE = 20_000  # boolean placement variables
SEARCHING: dict[str, int] = {"num_workers": 2}

# The share of the time left that stages 1 and 2 may take at most; stage 3 gets the rest.
STAGE_SHARE = {1: 0.5, 2: 0.5}


@dataclass(frozen=True)
class _Agenda:
    """Stage 3's variables for one participant in one session, over the slots from its first
    to its last possible meeting there: `started[i]` (a meeting at or before i), `going_on[i]`
    (one at or after i) and `gap[i]` (both, with no meeting in i: an idle slot)."""

    participant: int
    slots: tuple[int, ...]
    started: tuple[Any, ...]
    going_on: tuple[Any, ...]
    gap: tuple[Any, ...]


@dataclass
class _Model:
    """The CP-SAT model and the handles the stages need."""

    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[tuple[int, int], Any] = field(default_factory=dict)  # (meeting, slot) -> bool var
    of_participant: defaultdict[int, list[Any]] = field(default_factory=lambda: defaultdict(list))
    meetings_of: defaultdict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    at: defaultdict[tuple[int, int], list[Any]] = field(default_factory=lambda: defaultdict(list))
    slots_of: defaultdict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    agendas: list[_Agenda] = field(default_factory=list)


def solve(
    instance: Instance,
    *,
    time_limit_seconds: float = 10.0,
    progress: Callable[[str], None] | None = None,
) -> Schedule:
    started = time.perf_counter()
    deadline = started + time_limit_seconds
    say = progress or (lambda message: None)

    fixed = fixed_placements(instance)  # raises FixedMeetingsConflict before any work
    built = _build(instance, fixed)
    total = sum(built.x.values())
    current = hint_placements(instance)
    stages: list[str] = []
    proven = True

    # Stage 1: as many meetings as possible.
    built.model.maximize(total)
    current, optimal, cp_bound = _run(built, current, deadline, STAGE_SHARE[1])
    placed = len(current)
    bound = min(simple_bound(instance), math.floor(cp_bound + 1e-6)) if cp_bound else placed
    bound = max(bound, placed)
    proven &= optimal
    stages.append(_stage_line(1, f"placed {placed}, bound {bound}", optimal, started))
    say(stages[-1])
    built.model.add(total >= placed)

    # Stage 2: the smallest share placed, as high as it can be.
    level, optimal = _fairest(instance, built, current, deadline)
    current = level.placements
    proven &= optimal
    stages.append(_stage_line(2, f"smallest share {level.share}", optimal, started))
    say(stages[-1])

    # Stage 3: fewest moves of previous placements, then fewest idle slots.
    moved, idle = _compactness(instance, built)
    weight = sum(len(agenda.gap) for agenda in built.agendas) + 1
    built.model.minimize(weight * moved + idle)
    current = compacted(instance, current)
    current, optimal, _ = _run(built, current, deadline, 1.0, instance=instance)
    proven &= optimal
    stages.append(_stage_line(3, "moves, then idle slots", optimal, started))
    say(stages[-1])

    # A safety net when a stage ran out of time: any meeting that still fits goes in.
    current = _fill_gaps(instance, current)
    return Schedule(
        placements=current,
        unplaced=unplaced_reasons(instance, current),
        proven_optimal=proven,
        figures=figures(
            instance,
            current,
            bound=max(bound, len(current)),
            seconds=time.perf_counter() - started,
        ),
        stages=tuple(stages),
    )


def _build(instance: Instance, fixed: Mapping[int, int]) -> _Model:
    """One boolean per meeting and slot where it can happen (both available; for a fixed
    meeting only its slot), at most one slot per meeting, at most one meeting per participant
    and slot, at most `rooms_limit` meetings per slot."""
    built = _Model()
    model = built.model
    by_slot: defaultdict[int, list[Any]] = defaultdict(list)
    for meeting in instance.meetings:
        slots = [fixed[meeting.id]] if meeting.id in fixed else instance.common_slots(meeting)
        chosen = []
        for slot in slots:
            var = model.new_bool_var(f"x_{meeting.id}_{slot}")
            built.x[meeting.id, slot] = var
            for participant in (meeting.first, meeting.second):
                built.at[participant, slot].append(var)
                built.slots_of[participant].add(slot)
                built.meetings_of[participant].add(meeting.id)
            by_slot[slot].append(var)
            chosen.append(var)
        if meeting.id in fixed:
            model.add(chosen[0] == 1)
        elif len(chosen) > 1:
            model.add_at_most_one(chosen)
        built.of_participant[meeting.first] += chosen
        built.of_participant[meeting.second] += chosen
    for together in built.at.values():
        if len(together) > 1:
            model.add_at_most_one(together)
    if instance.rooms_limit is not None:
        for in_slot in by_slot.values():
            if len(in_slot) > instance.rooms_limit:
                model.add(sum(in_slot) <= instance.rooms_limit)
    return built


def _run(
    built: _Model,
    hint: Mapping[int, int],
    deadline: float,
    share: float,
    *,
    instance: Instance | None = None,
) -> tuple[dict[int, int], bool, float | None]:
    """Solve the model as it stands from the hint; returns the best placements (the hint when
    no solution was found in time), whether proven optimal, and the objective's bound."""
    model = built.model
    model.clear_hints()
    for (meeting_id, slot), var in built.x.items():
        model.add_hint(var, hint.get(meeting_id) == slot)
    if instance is not None:
        for var, value in _agenda_hint(instance, built, hint):
            model.add_hint(var, value)
    solver = cp_model.CpSolver()
    if instance is not None:
        settings = SEARCHING
    elif len(built.x) <= LARGE:
        settings = PROVING
    else:
        settings = PROVING_LARGE
    for name, setting in settings.items():
        setattr(solver.parameters, name, setting)
    solver.parameters.max_time_in_seconds = max(0.05, (deadline - time.perf_counter()) * share)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return dict(hint), False, None
    placements = {
        meeting_id: slot for (meeting_id, slot), var in built.x.items() if solver.boolean_value(var)
    }
    return placements, status == cp_model.OPTIMAL, solver.best_objective_bound


@dataclass(frozen=True)
class _Level:
    share: Fraction
    placements: dict[int, int]


def _fairest(
    instance: Instance, built: _Model, current: dict[int, int], deadline: float
) -> tuple[_Level, bool]:
    """Maximise the smallest share placed, exactly, in integers.

    The optimum is one of the fractions k/a_p (a_p = p's accepted meetings). Candidates are
    those above the current smallest share and at most a counted upper bound; a chain of
    booleans z_1 >= z_2 >= ... says which candidate level is reached, and each participant needs
    ceil(level * a_p) meetings, a sum of the z's weighted by the steps of that ceiling: one
    linear constraint per participant. Participants who cannot get any meeting at all are left
    out: their share is zero in every schedule, and the others still deserve a fair one."""
    accepted: defaultdict[int, int] = defaultdict(int)
    for meeting in instance.meetings:
        accepted[meeting.first] += 1
        accepted[meeting.second] += 1
    placed_of: defaultdict[int, int] = defaultdict(int)
    by_id = {meeting.id: meeting for meeting in instance.meetings}
    for meeting_id in current:
        placed_of[by_id[meeting_id].first] += 1
        placed_of[by_id[meeting_id].second] += 1
    can_meet = [p for p, variables in built.of_participant.items() if variables]
    if not can_meet:
        return _Level(Fraction(1), current), True
    low = min(Fraction(placed_of[p], accepted[p]) for p in can_meet)
    # At most one meeting per slot where it has a possible one, and at most its possible ones.
    most = {p: min(len(built.slots_of[p]), len(built.meetings_of[p])) for p in can_meet}
    high = min(Fraction(most[p], accepted[p]) for p in can_meet)
    candidates = sorted(
        {
            Fraction(k, accepted[p])
            for p in can_meet
            for k in range(math.ceil(low * accepted[p]), math.floor(high * accepted[p]) + 1)
            if low < Fraction(k, accepted[p])
        }
    )
    if not candidates:
        return _Level(low, current), True

    model = built.model
    z = [model.new_bool_var(f"level_{j}") for j in range(len(candidates))]
    for weaker, stronger in itertools.pairwise(z):
        model.add_implication(stronger, weaker)
    for p in can_meet:
        a = accepted[p]
        need = math.ceil(low * a)
        steps = []
        for j, share in enumerate(candidates):
            step = math.ceil(share * a) - need
            if step:
                steps.append(step * z[j])
                need += step
        if steps:
            model.add(sum(built.of_participant[p]) >= math.ceil(low * a) + sum(steps))
    model.maximize(sum(z))
    placements, optimal, _ = _run(built, current, deadline, STAGE_SHARE[2])
    reached = _smallest_share(placements, by_id, accepted, can_meet)
    reached_level = sum(1 for share in candidates if share <= reached)
    model.add(sum(z) >= reached_level)
    return _Level(reached, placements), optimal


def _smallest_share(
    placements: Mapping[int, int],
    by_id: Mapping[int, MeetingToPlace],
    accepted: Mapping[int, int],
    can_meet: list[int],
) -> Fraction:
    placed_of: defaultdict[int, int] = defaultdict(int)
    for meeting_id in placements:
        placed_of[by_id[meeting_id].first] += 1
        placed_of[by_id[meeting_id].second] += 1
    return min(Fraction(placed_of[p], accepted[p]) for p in can_meet)


def _compactness(instance: Instance, built: _Model) -> tuple[Any, Any]:
    """The number of previous placements moved, and the number of idle slots.

    Idle slots with booleans only, linear in participants x slots (no first/last integer
    pairs): per participant and session, `started` rises once and stays up from the first
    meeting, `going_on` stays up until the last one; a slot with both up and no meeting is a
    gap. Minimising pulls both down to exactly that, so the gaps count the idle slots."""
    model = built.model
    moved = []
    for meeting in instance.meetings:
        if meeting.previous_slot is None:
            continue
        var = built.x.get((meeting.id, meeting.previous_slot))
        moved.append(1 - var if var is not None else 1)

    sessions: defaultdict[int, list[Slot]] = defaultdict(list)
    for slot in instance.slots_in_order():
        sessions[slot.session].append(slot)
    for participant, slots in built.slots_of.items():
        if len(built.meetings_of[participant]) < 2:
            continue
        for in_session in sessions.values():
            positions = [i for i, slot in enumerate(in_session) if slot.id in slots]
            if len(positions) < 3:
                continue  # no slot can lie between two of its meetings
            span = tuple(slot.id for slot in in_session[positions[0] : positions[-1] + 1])
            occupied = [sum(built.at.get((participant, slot), [])) for slot in span]
            started = [model.new_bool_var("") for _ in span]
            going_on = [model.new_bool_var("") for _ in span]
            gap = [model.new_bool_var("") for _ in span[1:-1]]
            for i, here in enumerate(occupied):
                model.add(started[i] >= here)
                model.add(going_on[i] >= here)
                if i:
                    model.add_implication(started[i - 1], started[i])
                    model.add_implication(going_on[i], going_on[i - 1])
                if 0 < i < len(span) - 1:
                    model.add(gap[i - 1] >= started[i] + going_on[i] - 1 - here)
            built.agendas.append(
                _Agenda(participant, span, tuple(started), tuple(going_on), tuple(gap))
            )
    idle = sum(var for agenda in built.agendas for var in agenda.gap)
    return sum(moved), idle


def _agenda_hint(
    instance: Instance, built: _Model, placements: Mapping[int, int]
) -> list[tuple[Any, bool]]:
    """Stage 3's variables as the placements make them, so the hint is a whole solution."""
    busy = set()
    for meeting in instance.meetings:
        slot = placements.get(meeting.id)
        if slot is not None:
            busy.update({(meeting.first, slot), (meeting.second, slot)})
    hint: list[tuple[Any, bool]] = []
    for agenda in built.agendas:
        occupied = [(agenda.participant, slot) in busy for slot in agenda.slots]
        started = [any(occupied[: i + 1]) for i in range(len(occupied))]
        going_on = [any(occupied[i:]) for i in range(len(occupied))]
        hint += zip(agenda.started, started, strict=True)
        hint += zip(agenda.going_on, going_on, strict=True)
        hint += [
            (var, started[i] and going_on[i] and not occupied[i])
            for i, var in enumerate(agenda.gap, start=1)
        ]
    return hint


def _fill_gaps(instance: Instance, placements: Mapping[int, int]) -> dict[int, int]:
    """Any meeting left out that still fits somewhere goes in (only after a stage ran out of
    time; with stage 1 proven optimal nothing fits)."""
    filled = dict(placements)
    busy = set()
    rooms: defaultdict[int, int] = defaultdict(int)
    by_id = {meeting.id: meeting for meeting in instance.meetings}
    for meeting_id, slot in filled.items():
        busy.update({(by_id[meeting_id].first, slot), (by_id[meeting_id].second, slot)})
        rooms[slot] += 1
    for meeting in instance.meetings:
        if meeting.id in filled or meeting.fixed_slot is not None:
            continue
        for slot in instance.common_slots(meeting):
            if (meeting.first, slot) in busy or (meeting.second, slot) in busy:
                continue
            if instance.rooms_limit is not None and rooms[slot] >= instance.rooms_limit:
                continue
            filled[meeting.id] = slot
            busy.update({(meeting.first, slot), (meeting.second, slot)})
            rooms[slot] += 1
            break
    return filled


def _stage_line(stage: int, outcome: str, optimal: bool, started: float) -> str:
    proof = "proven optimal" if optimal else "best found in the time limit"
    return f"stage {stage}: {outcome} ({proof}), {time.perf_counter() - started:.2f} s"
