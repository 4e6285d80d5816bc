"""Realistic generated instances for the tests and the bench, shaped like the 2020 event.

112 cluster organisations held about 230 meetings in two networking sessions; here about 400
accepted requests in 2 sessions of 12 slots by default. Popular organisations are asked more
often (Zipf-like weights); everyone misses a few slots, and some attend only one session."""

import random

from registrations.scheduling.instance import Instance, MeetingToPlace, Slot


def generate(
    *,
    organisations: int = 112,
    requests: int = 400,
    sessions: int = 2,
    slots_per_session: int = 12,
    seed: int = 2020,
    availability_gap_share: float = 0.1,
    max_gaps: int = 4,
    popularity: float = 0.6,
    rooms_limit: int | None = None,
) -> Instance:
    """`availability_gap_share`: the share of organisations that attend only one session;
    besides, every organisation misses 0 to `max_gaps` random slots. `popularity`: the Zipf
    exponent of how often an organisation is asked (0: everyone alike). Organisations are
    1..organisations, meetings 1..requests in acceptance order; no self-requests and no pair
    twice (in either direction)."""
    if organisations < 2:
        raise ValueError("need at least two organisations")
    most_pairs = organisations * (organisations - 1) // 2
    if requests > most_pairs // 2:
        raise ValueError(f"{requests} requests are too many for {organisations} organisations")
    rng = random.Random(seed)  # noqa: S311 (test data, reproducible by its seed)
    slots = tuple(
        Slot(id=session * slots_per_session + i + 1, session=session + 1, index=i)
        for session in range(sessions)
        for i in range(slots_per_session)
    )
    ids = list(range(1, organisations + 1))
    # A random popularity rank, so that popularity is not tied to the id.
    ranked = ids[:]
    rng.shuffle(ranked)
    weight = {org: 1 / (rank + 1) ** popularity for rank, org in enumerate(ranked)}
    weights = [weight[org] for org in ids]

    available: dict[int, frozenset[int]] = {}
    for org in ids:
        own = list(slots)
        if sessions > 1 and rng.random() < availability_gap_share:
            session = rng.randint(1, sessions)
            own = [slot for slot in own if slot.session == session]
        gaps = min(len(own), rng.randint(0, max_gaps))
        missing = set(rng.sample([slot.id for slot in own], k=gaps))
        available[org] = frozenset(slot.id for slot in own if slot.id not in missing)

    pairs: set[frozenset[int]] = set()
    meetings: list[MeetingToPlace] = []
    while len(meetings) < requests:
        asking = rng.choice(ids)
        asked = rng.choices(ids, weights=weights)[0]
        pair = frozenset((asking, asked))
        if asking == asked or pair in pairs:
            continue
        pairs.add(pair)
        meetings.append(MeetingToPlace(id=len(meetings) + 1, first=asking, second=asked))
    return Instance(
        slots=slots, available=available, meetings=tuple(meetings), rooms_limit=rooms_limit
    )
