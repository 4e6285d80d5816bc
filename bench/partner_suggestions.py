"""Suggested partners at the matchmaking's real size (about 112 participants) and ten times
that: time of suggest_for_all for the whole catalogue, per participant, and one participant's
suggest_partners (which vectorises the catalogue too). No database. Prints figures only.

    .venv/bin/python bench/partner_suggestions.py [sizes...]   (default: 112 1120)
"""

import random
import statistics
import sys
import time

from registrations.partner_suggestions import ParticipantText, suggest_for_all, suggest_partners

TOPICS = [
    "battery recycling",
    "battery cell testing",
    "hydrogen electrolysers",
    "offshore wind turbines",
    "smart textiles",
    "technical textiles",
    "digital health software",
    "telemedicine platforms",
    "medical devices certification",
    "precision agriculture",
    "food processing",
    "aquaculture feed",
    "circular plastics",
    "bio-based packaging",
    "photonics components",
    "quantum sensing",
    "cybersecurity audits",
    "industrial robotics",
    "additive manufacturing",
    "sustainable tourism",
    "wine export",
    "forest-based materials",
    "timber construction",
    "automotive electronics",
    "electric mobility charging",
    "space data services",
    "microelectronics design",
    "creative industries",
    "logistics automation",
    "water treatment",
    "smart grids",
    "cork products",
    "ceramics",
    "mining equipment",
    "pharmaceutical manufacturing",
    "artificial intelligence for manufacturing",
]
ACTIVITIES = [
    "pilots",
    "testbeds",
    "expertise",
    "training",
    "joint research",
    "market access",
    "prototyping",
    "investors",
    "suppliers",
    "end users",
    "certification support",
]
PLACES = ["Łódź", "Järvenpää", "Berlin", "Vaasa", "Porto", "Brno", "Kraków", "Tartu", "Bilbao"]


def profile(rng: random.Random, participant_id: int) -> ParticipantText:
    def phrases(count: int) -> str:
        return ", ".join(
            f"{rng.choice(TOPICS)} {rng.choice(ACTIVITIES)}" for _ in range(count)
        ).capitalize()

    return ParticipantText(
        id=participant_id,
        offers=f"{phrases(rng.randint(2, 5))}. Our members are SMEs in {rng.choice(PLACES)}.",
        seeks=f"We are looking for {phrases(rng.randint(1, 4))}.",
        description=f"{rng.choice(TOPICS).capitalize()} cluster from {rng.choice(PLACES)}.",
    )


def timed(function, repeats: int) -> float:
    """The median wall time of `repeats` calls, in seconds."""
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main(sizes: list[int]) -> None:
    for size in sizes:
        rng = random.Random(size)
        participants = [profile(rng, number) for number in range(1, size + 1)]
        repeats = 5 if size <= 200 else 3
        everyone = suggest_for_all(participants)
        assert all(len(found) == 10 for found in everyone.values())
        total = timed(lambda participants=participants: suggest_for_all(participants), repeats)
        one = timed(lambda participants=participants: suggest_partners(participants, 1), repeats)
        print(
            f"participants: {size:>5}  suggest_for_all: {total * 1000:8.1f} ms"
            f"  per participant: {total / size * 1000:6.2f} ms"
            f"  suggest_partners (one): {one * 1000:7.1f} ms"
        )


if __name__ == "__main__":
    main([int(argument) for argument in sys.argv[1:]] or [112, 1120])
