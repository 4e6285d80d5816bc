"""Reads for an event's report page: every figure from an aggregate query.

The number of queries is fixed whatever the number of responses and registrations.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django_countries import countries

from registrations.models import (
    AttendanceIntent,
    AttendanceMode,
    Event,
    OrganisationType,
    Registration,
    RegistrationStatus,
    SurveyResponse,
)
from registrations.selectors import Seats

ACTIVE_STATUSES = [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]


@dataclass(frozen=True)
class ModeLine:
    """One attendance mode: what the survey said against what registrations show."""

    label: str
    intended: int
    confirmed: int | None = None
    waitlisted: int | None = None
    cancelled: int | None = None


@dataclass(frozen=True)
class Bar:
    day: date  # the first day the bar counts
    last_day: date
    count: int
    x: int
    y: int
    height: int


@dataclass(frozen=True)
class DailyChart:
    bars: list[Bar]
    width: int
    height: int
    bar_width: int
    max_count: int
    days_per_bar: int = 1


@dataclass(frozen=True)
class EventReport:
    event: Event
    modes: list[ModeLine]
    survey_total: int | None  # None: survey figures left out (the viewer may not see them)
    registrations_total: int
    onsite_seats: Seats
    waiting_list: int  # every mode
    by_country: list[tuple[str, int]]
    by_organisation_type: list[tuple[str, int]]
    per_day: list[tuple[date, int]] = field(default_factory=list)
    chart: DailyChart | None = None


def event_report(*, event: Event, include_survey: bool = True) -> EventReport:
    """All the report page's numbers: five aggregate queries (four without the survey's)."""
    intents = (
        dict(
            SurveyResponse.objects.filter(survey__event=event)
            .values_list("intent")
            .annotate(n=Count("pk"))
            .order_by()
        )
        if include_survey
        else {}
    )
    by_mode_status = {
        (mode, status): n
        for mode, status, n in Registration.objects.filter(event=event)
        .values_list("attendance_mode", "status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    active = Registration.objects.filter(event=event, status__in=ACTIVE_STATUSES)
    by_country = _counted(active, "country", lambda code: countries.name(code) or code)
    by_type = _counted(active, "organisation_type", _label(OrganisationType))
    per_day = list(
        Registration.objects.filter(event=event)
        .annotate(day=TruncDate("created_at", tzinfo=event.tzinfo))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )

    def count(mode, status):
        return by_mode_status.get((mode, status), 0)

    modes = [
        ModeLine(
            label=str(AttendanceMode(mode).label),
            intended=intents.get(mode, 0),
            confirmed=count(mode, RegistrationStatus.CONFIRMED),
            waitlisted=count(mode, RegistrationStatus.WAITLISTED),
            cancelled=count(mode, RegistrationStatus.CANCELLED),
        )
        for mode in AttendanceMode.values
    ]
    modes.append(
        ModeLine(
            label=str(AttendanceIntent.UNDECIDED.label),
            intended=intents.get(AttendanceIntent.UNDECIDED, 0),
        )
    )
    return EventReport(
        event=event,
        modes=modes,
        survey_total=sum(intents.values()) if include_survey else None,
        registrations_total=sum(by_mode_status.values()),
        onsite_seats=Seats(
            capacity=event.onsite_capacity,
            confirmed=count(AttendanceMode.ON_SITE, RegistrationStatus.CONFIRMED),
            waiting=count(AttendanceMode.ON_SITE, RegistrationStatus.WAITLISTED),
        ),
        waiting_list=sum(
            n
            for (_, status), n in by_mode_status.items()
            if status == RegistrationStatus.WAITLISTED
        ),
        by_country=by_country,
        by_organisation_type=by_type,
        per_day=per_day,
        chart=daily_chart(per_day),
    )


def _label(choices):
    labels = dict(choices.choices)
    return lambda value: str(labels.get(value, value))


def _counted(queryset, field_name: str, name_of) -> list[tuple[str, int]]:
    """(name, count) per value of a field, largest first."""
    rows = queryset.values_list(field_name).annotate(n=Count("pk")).order_by("-n", field_name)
    return [(name_of(value), n) for value, n in rows]


CHART_HEIGHT = 160
CHART_BAR_WIDTH = 14
CHART_GAP = 4
CHART_MAX_BARS = 60


def daily_chart(per_day: list[tuple[date, int]]) -> DailyChart | None:
    """Bars from the first registration's day to the last, days without any included.

    One bar per day while that is at most CHART_MAX_BARS bars; over a longer span one bar per
    week (Monday to Sunday), or per as many weeks as keep the chart within that many bars.
    """
    if not per_day:
        return None
    first, last = per_day[0][0], per_day[-1][0]
    span = (last - first).days + 1
    if span <= CHART_MAX_BARS:
        days_per_bar, start = 1, first
    else:
        start = first - timedelta(days=first.weekday())
        weeks = -(-((last - start).days + 1) // 7)
        days_per_bar = 7 * -(-weeks // CHART_MAX_BARS)
    counts: dict[int, int] = {}
    for day, n in per_day:
        index = (day - start).days // days_per_bar
        counts[index] = counts.get(index, 0) + n
    bar_count = (last - start).days // days_per_bar + 1
    highest = max(counts.values())
    step = CHART_BAR_WIDTH + CHART_GAP
    bars = []
    for index in range(bar_count):
        n = counts.get(index, 0)
        height = round(n / highest * CHART_HEIGHT)
        day = start + timedelta(days=index * days_per_bar)
        bars.append(
            Bar(
                day=day,
                last_day=day + timedelta(days=days_per_bar - 1),
                count=n,
                x=index * step,
                y=CHART_HEIGHT - height,
                height=height,
            )
        )
    return DailyChart(
        bars=bars,
        width=bar_count * step,
        height=CHART_HEIGHT,
        bar_width=CHART_BAR_WIDTH,
        max_count=highest,
        days_per_bar=days_per_bar,
    )
