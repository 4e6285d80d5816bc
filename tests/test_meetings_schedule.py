"""The one-to-one meeting schedule (registrations.scheduling): plain Python, no database.

Small hand-made instances with known optima, the validator catching each kind of problem, and a
generated 2020-scale instance where the solver beats first-come slot picking on every figure."""

import subprocess
import sys

import pytest

from registrations.scheduling import (
    FixedMeetingsConflict,
    Instance,
    MeetingToPlace,
    Slot,
    first_come,
    solve,
    validate,
)
from registrations.scheduling.figures import figures
from registrations.scheduling.generate import generate

A, B, C, D, E, F = range(1, 7)


def slots(count, sessions=1):
    return tuple(
        Slot(id=session * count + i + 1, session=session + 1, index=i)
        for session in range(sessions)
        for i in range(count)
    )


def meetings(*pairs):
    return tuple(MeetingToPlace(id=n, first=a, second=b) for n, (a, b) in enumerate(pairs, 1))


def test_the_package_does_not_import_django():
    code = "import sys, registrations.scheduling; print('django' in sys.modules)"
    out = subprocess.run(  # noqa: S603 (this interpreter, a fixed command)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert out.stdout.strip() == "False"


def test_only_the_solver_is_fair():
    # A can meet twice; first-come gives A's two slots to B and C and leaves D with nothing.
    instance = Instance(
        slots=slots(2),
        available={},
        meetings=meetings((A, B), (A, C), (A, D), (B, E), (C, F)),
    )

    baseline = first_come(instance)
    schedule = solve(instance, time_limit_seconds=5)

    assert validate(instance, schedule.placements) == []
    assert baseline.figures.placed == schedule.figures.placed == 4
    assert baseline.figures.min_share == 0
    assert schedule.figures.min_share == 0.5
    assert 3 in schedule.placements  # A meets D
    assert schedule.proven_optimal
    assert schedule.figures.bound == 4


def test_a_fixed_meeting_stays_and_the_clash_is_explained():
    instance = Instance(
        slots=slots(3),
        available={C: frozenset({2})},
        meetings=(
            MeetingToPlace(id=1, first=A, second=B, fixed_slot=2),
            MeetingToPlace(id=2, first=A, second=C),
            MeetingToPlace(id=3, first=B, second=D),
        ),
    )

    schedule = solve(instance, time_limit_seconds=5)

    assert validate(instance, schedule.placements) == []
    assert schedule.placements[1] == 2
    assert 2 not in schedule.placements
    assert schedule.unplaced[2].startswith("both have other meetings in every common slot")
    assert schedule.placements[3] in {1, 3}  # next to B's fixed meeting: no idle slot
    assert schedule.figures.idle_slots == 0


def test_fixed_meetings_that_cannot_stay_are_refused_with_the_problem():
    instance = Instance(
        slots=slots(2),
        available={},
        meetings=(
            MeetingToPlace(id=1, first=A, second=B, fixed_slot=1),
            MeetingToPlace(id=2, first=A, second=C, fixed_slot=1),
        ),
    )

    with pytest.raises(FixedMeetingsConflict) as refused:
        solve(instance)

    assert refused.value.problems == ["meetings 1 and 2 are both fixed in slot 1 for participant 1"]


def test_the_rooms_limit_is_respected_and_explained():
    instance = Instance(
        slots=slots(2),
        available={},
        meetings=meetings((A, B), (C, D), (E, F)),
        rooms_limit=1,
    )

    schedule = solve(instance, time_limit_seconds=5)

    assert validate(instance, schedule.placements) == []
    assert schedule.figures.placed == schedule.figures.bound == 2
    assert schedule.proven_optimal
    [(_meeting, reason)] = schedule.unplaced.items()
    assert reason == "no room free in the slots where both are free"


def test_a_re_run_keeps_previous_placements_rather_than_compacting():
    # Moving meeting 1 to slot 2 would save A an idle slot, but it was already announced.
    instance = Instance(
        slots=slots(3),
        available={},
        meetings=(
            MeetingToPlace(id=1, first=A, second=B, previous_slot=3),
            MeetingToPlace(id=2, first=C, second=D, previous_slot=2),
            MeetingToPlace(id=3, first=A, second=C),  # accepted since
        ),
    )

    schedule = solve(instance, time_limit_seconds=5)

    assert validate(instance, schedule.placements) == []
    assert schedule.placements == {1: 3, 2: 2, 3: 1}
    assert schedule.figures.moved == 0
    assert schedule.figures.idle_slots == 1
    assert schedule.proven_optimal


def test_a_re_run_moves_one_placement_when_that_places_a_new_meeting():
    instance = Instance(
        slots=slots(2),
        available={C: frozenset({1})},
        meetings=(
            MeetingToPlace(id=1, first=A, second=B, previous_slot=1),
            MeetingToPlace(id=2, first=A, second=C),  # C can only meet in slot 1
        ),
    )

    schedule = solve(instance, time_limit_seconds=5)

    assert schedule.placements == {1: 2, 2: 1}
    assert schedule.figures.moved == 1


def test_meetings_that_cannot_be_placed_get_their_reason():
    instance = Instance(
        slots=slots(2),
        available={A: frozenset({1}), B: frozenset({2}), D: frozenset({1})},
        meetings=meetings((A, B), (C, D), (A, D), (A, C)),
    )

    schedule = solve(instance, time_limit_seconds=5)
    baseline = first_come(instance)

    for result in (schedule, baseline):
        assert validate(instance, result.placements) == []
        assert result.unplaced[1] == "no slot where both are available"
        assert len(result.placements) == 1  # C, D and A can only meet in slot 1: one pair
        others = [reason for meeting, reason in result.unplaced.items() if meeting != 1]
        assert len(others) == 2
        assert all(r.startswith("both have other meetings in every common slot") for r in others)


def test_figures_count_idle_slots_within_a_session_only():
    instance = Instance(
        slots=slots(4, sessions=2),
        available={},
        meetings=meetings((A, B), (A, C), (A, D), (B, C)),
    )
    # A: slots 1 and 4 of session 1 (2 idle), then slot 5 (first of session 2): no idle across.
    placements = {1: 1, 2: 4, 3: 5, 4: 2}

    result = figures(instance, placements, bound=4, seconds=0)

    # B: 1 and 2 (none); C: 2 and 4 (one).
    assert result.idle_slots == 3
    assert result.placed == 4
    assert result.min_share == 1.0


def validator_instance():
    return Instance(
        slots=slots(2),
        available={C: frozenset({2})},
        meetings=(
            MeetingToPlace(id=1, first=A, second=B, fixed_slot=1),
            MeetingToPlace(id=2, first=A, second=C),
            MeetingToPlace(id=3, first=B, second=C),
            MeetingToPlace(id=4, first=D, second=E),
        ),
        rooms_limit=2,
    )


def test_the_validator_accepts_a_valid_schedule():
    assert validate(validator_instance(), {1: 1, 2: 2, 4: 1}) == []


@pytest.mark.parametrize(
    ("placements", "problem"),
    [
        ({1: 1, 2: 2, 3: 2}, "participant 3 is double-booked in slot 2: meetings 2 and 3"),
        ({1: 1, 2: 1}, "meeting 2 is in slot 1, where participant 3 is not available"),
        ({1: 2, 2: 2}, "meeting 1 was fixed in slot 1 but is placed in slot 2"),
        ({2: 2}, "meeting 1 was fixed in slot 1 but is not placed"),
        ({1: 1, 9: 2}, "meeting 9 is placed but is not an accepted meeting"),
        ({1: 1, 2: 7}, "meeting 2 is placed in slot 7, which does not exist"),
    ],
)
def test_the_validator_catches_each_kind_of_problem(placements, problem):
    assert problem in validate(validator_instance(), placements)


def test_the_validator_catches_a_room_overflow():
    instance = Instance(
        slots=slots(1), available={}, meetings=meetings((A, B), (C, D)), rooms_limit=1
    )

    assert validate(instance, {1: 1, 2: 1}) == ["slot 1 holds 2 meetings, more than the 1 rooms"]


def test_generated_instances_are_realistic():
    instance = generate(seed=7)

    pairs = [frozenset((m.first, m.second)) for m in instance.meetings]
    assert len(instance.meetings) == 400
    assert len(set(pairs)) == 400
    assert all(len(pair) == 2 for pair in pairs)
    assert len(instance.participants()) <= 112
    assert len(instance.slots) == 24
    asked = sorted(sum(p in pair for pair in pairs) for p in instance.participants())
    assert asked[-1] >= 3 * asked[len(asked) // 2]  # the popular are asked far more often
    assert any(len(slots) < 24 for slots in instance.available.values())
    assert generate(seed=7) == instance


def test_on_a_generated_2020_scale_instance_the_solver_beats_first_come_on_every_figure():
    instance = generate(seed=2020)

    baseline = first_come(instance)
    schedule = solve(instance, time_limit_seconds=3)

    assert validate(instance, baseline.placements) == []
    assert validate(instance, schedule.placements) == []
    ours, theirs = schedule.figures, baseline.figures
    assert ours.placed >= theirs.placed
    assert ours.min_share >= theirs.min_share
    assert ours.idle_slots <= theirs.idle_slots
    assert (ours.placed, ours.min_share, -ours.idle_slots) != (
        theirs.placed,
        theirs.min_share,
        -theirs.idle_slots,
    )
    assert ours.placed <= ours.bound
    assert set(schedule.unplaced) == {m.id for m in instance.meetings} - set(schedule.placements)
