"""The one-to-one meeting schedule of a matchmaking event, as plain Python over plain data.

Nothing here imports Django: the caller turns accepted meeting requests and availabilities into
an `Instance`, and stores the `Schedule` it gets back. `solve` (CP-SAT) is the engine,
`first_come` the baseline it has to beat, `validate` an independent check of any placements.
"""

from registrations.scheduling.first_come import first_come
from registrations.scheduling.instance import (
    Figures,
    FixedMeetingsConflict,
    Instance,
    MeetingToPlace,
    Schedule,
    Slot,
)
from registrations.scheduling.solver import solve
from registrations.scheduling.validator import validate

__all__ = [
    "Figures",
    "FixedMeetingsConflict",
    "Instance",
    "MeetingToPlace",
    "Schedule",
    "Slot",
    "first_come",
    "solve",
    "validate",
]
