"""The meeting schedule on generated instances: CP-SAT against first-come slot picking.

Two instances: the 2020 scale (112 organisations, 400 accepted requests, 2 sessions of 12
slots, popular organisations asked more often, a few slots missed by everyone, some attending
one session only) and ten times that. For each: first-come and the solver, both validated, with
meetings placed, the best proven bound, their ratio, the smallest share placed, idle slots,
moved placements, seconds and whether proven optimal. Aims: the 2020 scale at the proven bound
in under 2 s; ten times the scale at least 98 % of the bound in under 30 s; the solver at least
as good as first-come on placed, smallest share and idle slots, and better on one.

Usage: .venv/bin/python bench/meeting_schedule.py   (plain Python: no database)
"""

import time

from registrations.scheduling import first_come, solve, validate
from registrations.scheduling.generate import generate

CASES = [
    # name, organisations, requests, solver time limit (s), aim: share of the bound, seconds
    # (the limit leaves room for building the model and the figures within the aim)
    ("2020 scale", 112, 400, 1.8, 1.0, 2.0),
    ("10x scale", 1120, 4000, 28.0, 0.98, 30.0),
]


def row(name, figures, bound, proven):
    return (
        f"  {name:<11} placed {figures.placed:>5}  bound {bound:>5}  "
        f"ratio {figures.placed / bound:7.2%}  min share {figures.min_share:.3f}  "
        f"idle {figures.idle_slots:>5}  moved {figures.moved:>3}  "
        f"{figures.seconds:6.2f} s  proven optimal: {'yes' if proven else 'no'}"
    )


def main() -> None:
    for name, organisations, requests, limit, aim_ratio, aim_seconds in CASES:
        instance = generate(organisations=organisations, requests=requests)
        print(
            f"{name}: {organisations} organisations, {len(instance.meetings)} accepted requests, "
            f"{len(instance.slots)} slots (time limit {limit:g} s)"
        )
        baseline = first_come(instance)
        started = time.perf_counter()
        schedule = solve(
            instance, time_limit_seconds=limit, progress=lambda line: print("   ", line)
        )
        wall = time.perf_counter() - started
        for label, result in (("first-come", baseline), ("CP-SAT", schedule)):
            problems = validate(instance, result.placements)
            assert problems == [], f"{label}: {problems[:5]}"
        bound = schedule.figures.bound
        print(row("first-come", baseline.figures, bound, False))
        print(row("CP-SAT", schedule.figures, bound, schedule.proven_optimal))
        ours, theirs = schedule.figures, baseline.figures
        ratio = ours.placed / bound
        beats = (
            ours.placed >= theirs.placed
            and ours.min_share >= theirs.min_share
            and ours.idle_slots <= theirs.idle_slots
            and (ours.placed, ours.min_share, ours.idle_slots)
            != (theirs.placed, theirs.min_share, theirs.idle_slots)
        )
        print(
            f"  aims: placed/bound {ratio:.2%} >= {aim_ratio:.0%}: "
            f"{'met' if ratio >= aim_ratio else 'NOT met'}; "
            f"{wall:.2f} s < {aim_seconds:g} s: {'met' if wall < aim_seconds else 'NOT met'}; "
            f"beats first-come on every figure: {'yes' if beats else 'NO'}; "
            f"placed proven optimal: {'yes' if ours.placed == bound else 'no'}; "
            f"every stage proven optimal: {'yes' if schedule.proven_optimal else 'no'}"
        )
        print()


if __name__ == "__main__":
    main()
