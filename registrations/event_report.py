"""Reads for an event's report page: every figure from an aggregate query.

The number of queries is fixed whatever the number of responses and registrations.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import groupby

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Lower, TruncHour
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

# Attended: checked in at the venue (on site), or used the personal join link (online).
ATTENDED = Q(attendance_mode=AttendanceMode.ON_SITE, checked_in_at__isnull=False) | Q(
    attendance_mode=AttendanceMode.ONLINE, first_joined_at__isnull=False
)


@dataclass(frozen=True)
class Rate:
    """A share of a base, shown as a whole percentage, or "—" when there is no base."""

    part: int
    base: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.part / self.base) if self.base else None

    def __str__(self) -> str:
        return "—" if self.percent is None else f"{self.percent}%"


@dataclass(frozen=True)
class ModeLine:
    """One attendance mode through the funnel: survey intent, registrations, attendance.

    The undecided survey answers get a line of their own, with no registration figures (None).
    `intended` is None when the survey figures are left out.
    """

    label: str
    intended: int | None
    confirmed: int | None = None
    waitlisted: int | None = None
    cancelled: int | None = None
    attended: int | None = None  # of the confirmed

    @property
    def registered_rate(self) -> Rate | None:
        """Registrations still holding a place (confirmed or waiting) per survey answer."""
        if self.intended is None or self.confirmed is None or self.waitlisted is None:
            return None
        return Rate(self.confirmed + self.waitlisted, self.intended)

    @property
    def attended_rate(self) -> Rate | None:
        if self.confirmed is None or self.attended is None:
            return None
        return Rate(self.attended, self.confirmed)


@dataclass(frozen=True)
class ModeChange:
    """How many who answered the survey with `intent` then registered for `mode`."""

    intent_label: str
    mode_label: str
    kept: bool
    count: int


# The rows of the "kept or changed" table, in this order.
MODE_CHANGES = [
    (AttendanceIntent.ON_SITE, AttendanceMode.ON_SITE),
    (AttendanceIntent.ONLINE, AttendanceMode.ONLINE),
    (AttendanceIntent.ON_SITE, AttendanceMode.ONLINE),
    (AttendanceIntent.ONLINE, AttendanceMode.ON_SITE),
    (AttendanceIntent.UNDECIDED, AttendanceMode.ON_SITE),
    (AttendanceIntent.UNDECIDED, AttendanceMode.ONLINE),
]


@dataclass(frozen=True)
class Funnel:
    modes: list[ModeLine]
    changes: list[ModeChange] | None  # None: survey figures left out

    def line(self, mode: str) -> ModeLine:
        return self.modes[list(AttendanceMode.values).index(mode)]

    @property
    def survey_total(self) -> int | None:
        if self.changes is None:
            return None
        return sum(line.intended or 0 for line in self.modes)

    @property
    def registrations_total(self) -> int:
        return sum(
            (line.confirmed or 0) + (line.waitlisted or 0) + (line.cancelled or 0)
            for line in self.modes
        )

    @property
    def respondents_registered(self) -> int | None:
        """Survey respondents who registered (any mode, any status)."""
        return None if self.changes is None else sum(change.count for change in self.changes)


def event_funnel(*, event: Event, include_survey: bool = True) -> Funnel:
    """Intent → registered → attended per mode, and who kept or changed their intended mode.

    Three aggregate queries (one without the survey's figures)."""
    by_mode_status = {
        (mode, status): (n, attended)
        for mode, status, n, attended in Registration.objects.filter(event=event)
        .values_list("attendance_mode", "status")
        .annotate(n=Count("pk"), attended=Count("pk", filter=ATTENDED))
        .order_by()
    }
    intents = _intent_counts(event) if include_survey else {}

    def count(mode, status) -> int:
        return by_mode_status.get((mode, status), (0, 0))[0]

    modes = [
        ModeLine(
            label=str(AttendanceMode(mode).label),
            intended=intents.get(mode, 0) if include_survey else None,
            confirmed=count(mode, RegistrationStatus.CONFIRMED),
            waitlisted=count(mode, RegistrationStatus.WAITLISTED),
            cancelled=count(mode, RegistrationStatus.CANCELLED),
            attended=by_mode_status.get((mode, RegistrationStatus.CONFIRMED), (0, 0))[1],
        )
        for mode in AttendanceMode.values
    ]
    if not include_survey:
        return Funnel(modes=modes, changes=None)
    modes.append(
        ModeLine(
            label=str(AttendanceIntent.UNDECIDED.label),
            intended=intents.get(AttendanceIntent.UNDECIDED, 0),
        )
    )
    changes = _intent_to_mode_counts(event)
    return Funnel(
        modes=modes,
        changes=[
            ModeChange(
                intent_label=str(AttendanceIntent(intent).label),
                mode_label=str(AttendanceMode(mode).label),
                kept=intent == mode,
                count=changes.get((intent, mode), 0),
            )
            for intent, mode in MODE_CHANGES
        ],
    )


def _intent_counts(event: Event) -> dict[str, int]:
    return dict(
        SurveyResponse.objects.filter(survey__event=event)
        .values_list("intent")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _intent_to_mode_counts(event: Event) -> dict[tuple[str, str], int]:
    """(survey intent, registered mode): people, for respondents who registered.

    A respondent and a registration are the same person when their emails match ignoring case
    (the unique index on lower(email) serves the lookup)."""
    registered_mode = Subquery(
        Registration.objects.annotate(email_key=Lower("email"))
        .filter(event=event, email_key=Lower(OuterRef("email")))
        .order_by()
        .values("attendance_mode")[:1]
    )
    rows = (
        SurveyResponse.objects.filter(survey__event=event)
        .annotate(registered_mode=registered_mode)
        .exclude(registered_mode=None)
        .values_list("intent", "registered_mode")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(intent, mode): n for intent, mode, n in rows}


@dataclass(frozen=True)
class Bar:
    day: date  # the first day the bar counts
    last_day: date
    count: int
    x: int
    y: int
    height: int
    hour: int | None = None  # an hourly chart's hour of `day`, in the event's time zone
    labelled: bool = False  # named on the time axis

    @property
    def middle(self) -> int:
        return self.x + CHART_BAR_WIDTH // 2


@dataclass(frozen=True)
class DailyChart:
    """Bars per day, per week(s), or per hour when everything happened on one day."""

    bars: list[Bar]
    width: int
    height: int
    bar_width: int
    max_count: int
    days_per_bar: int = 1

    @property
    def hourly(self) -> bool:
        return self.bars[0].hour is not None

    @property
    def count_ticks(self) -> list[tuple[int, int]]:
        """(y, count) for the count axis: zero, the half way mark when it is whole, the top."""
        ticks = [(self.height, 0)]
        if self.max_count % 2 == 0 and self.max_count >= 4:
            ticks.append((self.height // 2, self.max_count // 2))
        if self.max_count:
            ticks.append((0, self.max_count))
        return ticks

    @property
    def left(self) -> int:
        return CHART_LEFT

    @property
    def top(self) -> int:
        return CHART_TOP

    @property
    def svg_width(self) -> int:
        return CHART_LEFT + self.width + CHART_RIGHT

    @property
    def svg_height(self) -> int:
        return CHART_TOP + self.height + CHART_BOTTOM


@dataclass(frozen=True)
class EventReport:
    event: Event
    funnel: Funnel
    onsite_seats: Seats
    waiting_list: int  # every mode
    by_country: list[tuple[str, int]]
    by_organisation_type: list[tuple[str, int]]
    per_day: list[tuple[date, int]] = field(default_factory=list)
    chart: DailyChart | None = None


def event_report(*, event: Event, include_survey: bool = True) -> EventReport:
    """All the report page's numbers: six aggregate queries (four without the survey's)."""
    funnel = event_funnel(event=event, include_survey=include_survey)
    active = Registration.objects.filter(event=event, status__in=ACTIVE_STATUSES)
    by_country = _counted(active, "country", lambda code: countries.name(code) or code)
    by_type = _counted(active, "organisation_type", _label(OrganisationType))
    per_hour = list(
        Registration.objects.filter(event=event)
        .annotate(hour=TruncHour("created_at", tzinfo=event.tzinfo))
        .values_list("hour")
        .annotate(n=Count("pk"))
        .order_by("hour")
    )
    per_day = [
        (day, sum(n for _, n in hours))
        for day, hours in groupby(per_hour, key=lambda row: row[0].date())
    ]
    on_site = funnel.line(AttendanceMode.ON_SITE)
    return EventReport(
        event=event,
        funnel=funnel,
        onsite_seats=Seats(
            capacity=event.onsite_capacity,
            confirmed=on_site.confirmed or 0,
            waiting=on_site.waitlisted or 0,
        ),
        waiting_list=sum(line.waitlisted or 0 for line in funnel.modes),
        by_country=by_country,
        by_organisation_type=by_type,
        per_day=per_day,
        chart=hourly_chart(per_hour) if len(per_day) == 1 else daily_chart(per_day),
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
CHART_LABEL_WIDTH = 40  # room for one label on the time axis ("30 Dec", "09:00")
# Margins around the bars: counts on the left, time labels and the axis name below.
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 44, 24, 10, 44


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
    return _chart(
        counts,
        (last - start).days // days_per_bar + 1,
        lambda index: {
            "day": start + timedelta(days=index * days_per_bar),
            "last_day": start + timedelta(days=(index + 1) * days_per_bar - 1),
        },
        days_per_bar=days_per_bar,
    )


def hourly_chart(per_hour: list[tuple[datetime, int]]) -> DailyChart:
    """Bars per hour, from the first registration's hour to the last, of a single day."""
    day = per_hour[0][0].date()
    first = per_hour[0][0].hour
    counts = {hour.hour - first: n for hour, n in per_hour}  # local hours: one row each
    return _chart(
        counts,
        per_hour[-1][0].hour - first + 1,
        lambda index: {"day": day, "last_day": day, "hour": first + index},
    )


def _chart(counts: dict[int, int], bar_count: int, period_of, days_per_bar: int = 1) -> DailyChart:
    """Bars scaled to the highest, every few named on the time axis so names never overlap."""
    highest = max(counts.values())
    step = CHART_BAR_WIDTH + CHART_GAP
    label_every = -(-CHART_LABEL_WIDTH // step)
    bars = []
    for index in range(bar_count):
        n = counts.get(index, 0)
        height = round(n / highest * CHART_HEIGHT)
        bars.append(
            Bar(
                count=n,
                x=index * step,
                y=CHART_HEIGHT - height,
                height=height,
                labelled=index % label_every == 0,
                **period_of(index),
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
