"""CSV exports: one row generator per kind, a spreadsheet-safe writer, and streaming.

Each kind reads its rows page by page (keyset pagination: each page is its own query for the
next rows after the last one read, in the kind's order), so memory stays flat whatever the
number of rows, and without a server-side cursor, which does not survive PgBouncer's
transaction pooling (README.md, "Production topology"). Sessions and sectors
come as comma-joined ids from a correlated subquery; their names and order come from a small
lookup loaded once per export. Columns are documented in README.md ("CSV exports").

Kinds: survey responses, registrations, expressions of interest (applications) and the meeting
schedule (one row per agreed meeting, with its two organisations and its time, if it has one).
Apart from the kinds: an event's funnel (its report's figures, a few rows, not objects).
"""

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby, islice
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Aggregate,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.expressions import OrderBy
from django.db.models.functions import Cast
from django_countries import countries

from registrations.event_report import Funnel, Rate
from registrations.models import (
    ApplicantType,
    ApplicationStatus,
    AttendanceIntent,
    AttendanceMode,
    EligibilityDeclaration,
    ExpressionOfInterest,
    InvitationState,
    Meeting,
    OrganisationType,
    Registration,
    RegistrationSource,
    RegistrationStatus,
    Sector,
    Session,
    SurveyResponse,
    invitation_state_expression,
)

ROWS_PER_QUERY_CHUNK = 5000
ROWS_PER_OUTPUT_CHUNK = 1000
JOINED_SEPARATOR = "; "

# --- Spreadsheet safety -------------------------------------------------------------------

FORMULA_TRIGGERS = frozenset("=+-@\t\r\n|%")
RISKY_FIRST_CHARACTERS = FORMULA_TRIGGERS | {" "}
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_safe(value: str) -> str:
    """Prefix an apostrophe to text a spreadsheet could run as a formula.

    Neutralised: text whose first character, or first character after leading spaces, is one of
    = + - @ tab CR LF | %. Left as is: plain numbers such as -5, +3 or 3.14 (a spreadsheet reads
    them as numbers, not formulas) and everything else, e.g. foo@example.org.
    """
    stripped = value.lstrip(" ")
    if not stripped:
        return value
    if stripped[0] in FORMULA_TRIGGERS and not PLAIN_NUMBER.fullmatch(stripped):
        return "'" + value
    return value


def csv_text_chunks(header: list[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV document in pieces: byte-order mark and header first, then rows in batches.

    Excel dialect (comma, CRLF, quotes only where needed, inner quotes doubled; None is written
    as an empty cell). Cells must already be spreadsheet-safe: the Column formats below make
    them so. Only one batch of rows is held at a time.
    """
    rows = iter(rows)
    return csv_batches_text_chunks(
        header, iter(lambda: list(islice(rows, ROWS_PER_OUTPUT_CHUNK)), [])
    )


def csv_batches_text_chunks(
    header: list[str], batches: Iterable[Iterable[Sequence[Any]]]
) -> Iterator[str]:
    """As csv_text_chunks, for rows that already come in batches: one chunk per batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield codecs.BOM_UTF8.decode("utf-8") + buffer.getvalue()
    for batch in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(batch)
        yield buffer.getvalue()


def encoded(chunks: Iterable[str]) -> Iterator[bytes]:
    """Text chunks as UTF-8 bytes, for a StreamingHttpResponse."""
    for chunk in chunks:
        yield chunk.encode("utf-8")


# --- Columns and cell formats -------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One CSV column: its header, what to select, and how selected values become cells.

    `cells(values, zone)` formats one batch of the column's values at once (a loop per column,
    not a function call per cell: this is the export's hot path), with the event's time zone
    for dates. `cells=None` means the selected value is the cell as it is (numbers).
    """

    header: str
    source: Any  # a field lookup or an expression for values_list
    cells: Callable[[Sequence[Any], ZoneInfo], Sequence[Any]] | None


def text(values: Sequence[str | None], zone: ZoneInfo) -> list[str | None]:
    """Free text, made spreadsheet-safe (the first-character test is inlined: most cells pass)."""
    return [
        spreadsheet_safe(value) if value and value[0] in RISKY_FIRST_CHARACTERS else value
        for value in values
    ]


number = None  # an integer is its own cell


def yes_no(values: Sequence[bool], zone: ZoneInfo) -> list[str]:
    return ["Yes" if value else "No" for value in values]


def local_iso(values: Sequence[Any], zone: ZoneInfo) -> list[str]:
    """ISO 8601 with the offset, in the event's time zone, to the second."""
    return [
        "" if value is None else value.astimezone(zone).isoformat(timespec="seconds")
        for value in values
    ]


def _looked_up(names: dict[Any, str]) -> Callable[[Sequence[Any], ZoneInfo], list[Any]]:
    """Each value replaced by its name, or kept when it has none (None becomes an empty cell)."""
    return lambda values, zone: list(map(names.get, values, values))


def labels_of(choices) -> Callable[[Sequence[Any], ZoneInfo], list[Any]]:
    return _looked_up({value: str(label) for value, label in choices.choices})


def country_names() -> Callable[[Sequence[Any], ZoneInfo], list[Any]]:
    return _looked_up({code: str(name) for code, name in countries})


def joined_names(names_by_id: dict[int, str], order: dict[int, Any]) -> Callable:
    """Cells of names from comma-joined ids, in the given order, joined with '; '.

    Remembered per distinct value: rows mostly repeat a few combinations of sessions or sectors.
    """

    @lru_cache(maxsize=4096)
    def cell(value: str) -> str:
        ids = sorted({int(i) for i in value.split(",")}, key=order.__getitem__)
        return spreadsheet_safe(JOINED_SEPARATOR.join(names_by_id[i] for i in ids))

    return lambda values, zone: [cell(value) if value else "" for value in values]


class CommaJoinedIds(Aggregate):
    """The ids of a group joined with commas (order fixed later in Python)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = TextField()

    def __init__(self, expression, **extra):
        super().__init__(Cast(expression, TextField()), **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra_context)


def joined_ids_of(through: type[Model], owner: str, target: str) -> Subquery:
    """A subquery of the ids an owner row links to through a many-to-many table."""
    return Subquery(
        through._default_manager.filter(**{owner: OuterRef("pk")})
        .order_by()
        .values(owner)
        .annotate(joined=CommaJoinedIds(target))
        .values("joined")
    )


def contact_columns() -> list[Column]:
    """The ContactDetails fields shared by survey responses and registrations."""
    return [
        Column("First name", "first_name", text),
        Column("Last name", "last_name", text),
        Column("Email", "email", text),
        Column("Organisation", "organisation", text),
        Column("Organisation type", "organisation_type", labels_of(OrganisationType)),
        Column("Job title", "job_title", text),
        Column("Country", "country", country_names()),
    ]


def consent_columns() -> list[Column]:
    return [
        Column("Privacy notice version", "consent_version", text),
        Column("Consent given at", "consented_at", local_iso),
    ]


def language_column() -> Column:
    """The language the person used on the form, in which every mail to them goes out."""
    return Column("Language", "language", _looked_up(dict(settings.LANGUAGES)))


# --- Kinds --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportKind:
    """What one kind of export reads and how its rows look."""

    slug: str
    model: type[Model]
    event_lookup: str  # from the model to its Event
    columns: Callable[[QuerySet], list[Column]]  # built per export, for the rows it covers
    ordering: tuple[Any, ...] = ("created_at", "pk")  # rows oldest first unless said otherwise

    def event_filter(self, event) -> dict:
        return {self.event_lookup: event}


def survey_response_columns(queryset: QuerySet) -> list[Column]:
    return [
        Column("Response ID", "pk", number),
        Column("Event", "survey__event__title_en", text),
        *contact_columns(),
        Column("Attendance intent", "intent", labels_of(AttendanceIntent)),
        Column("Notify when registration opens", "notify_when_registration_opens", yes_no),
        Column("Comment", "comment", text),
        Column("Submitted at", "created_at", local_iso),
        Column("Registration-open notice sent at", "registration_notice_sent_at", local_iso),
        *consent_columns(),
        language_column(),
    ]


def registration_columns(queryset: QuerySet) -> list[Column]:
    # Event content in English (the default language), whoever exports; as "event__title_en".
    sessions = Session.objects.filter(event__in=queryset.values("event")).values_list(
        "pk", "title_en", "start"
    )
    names = {}
    order = {}
    for pk, title, start in sessions:
        names[pk] = title
        order[pk] = (start, pk)
    through = Registration.sessions.through
    return [
        Column("Registration ID", "pk", number),
        Column("Event", "event__title_en", text),
        *contact_columns(),
        Column("Attendance mode", "attendance_mode", labels_of(AttendanceMode)),
        Column("Status", "status", labels_of(RegistrationStatus)),
        Column(
            "Sessions",
            joined_ids_of(through, "registration_id", "session_id"),
            joined_names(names, order),
        ),
        Column("Accessibility needs", "accessibility_needs", text),
        Column("Dietary needs", "dietary_needs", text),
        Column("Source", "source", labels_of(RegistrationSource)),
        Column("Registered at", "created_at", local_iso),
        Column("Joined waiting list at", "waitlisted_at", local_iso),
        Column("Cancelled at", "cancelled_at", local_iso),
        Column("Last changed at", "updated_at", local_iso),
        *consent_columns(),
        language_column(),
    ]


def application_columns(queryset: QuerySet) -> list[Column]:
    names = dict(Sector.objects.values_list("pk", "name"))
    order = {pk: (name.casefold(), pk) for pk, name in names.items()}
    declarations = {}
    declaration_order = {}
    for pk, text_, position in EligibilityDeclaration.objects.filter(
        call__event__in=queryset.values("event")
    ).values_list("pk", "text_en", "position"):  # in English, as the sessions above
        declarations[pk] = text_
        declaration_order[pk] = (position, pk)
    return [
        Column("Application ID", "pk", number),
        Column("Event", "event__title_en", text),
        Column("Legal name", "legal_name", text),
        Column("Country of establishment", "country", country_names()),
        Column("Organisation type", "organisation_type", labels_of(ApplicantType)),
        Column(
            "Sectors",
            joined_ids_of(
                ExpressionOfInterest.sectors.through, "expressionofinterest_id", "sector_id"
            ),
            joined_names(names, order),
        ),
        Column("Number of members", "members_count", number),
        Column("Offers", "offers", text),
        Column("Seeks", "seeks", text),
        Column("ECCP profile URL", "eccp_profile_url", text),
        Column("ECCP registration requested", "eccp_registration_requested", yes_no),
        Column(
            "Declarations confirmed",
            joined_ids_of(
                ExpressionOfInterest.declarations_confirmed.through,
                "expressionofinterest_id",
                "eligibilitydeclaration_id",
            ),
            joined_names(declarations, declaration_order),
        ),
        Column("Contact first name", "contact_first_name", text),
        Column("Contact last name", "contact_last_name", text),
        Column("Contact job title", "contact_job_title", text),
        Column("Contact email", "contact_email", text),
        Column("Review status", "status", labels_of(ApplicationStatus)),
        Column("Reason given to the applicant", "decision_reason", text),
        Column("Reviewed by", "reviewed_by__username", text),
        Column("Reviewed at", "reviewed_at", local_iso),
        Column("Invitation", invitation_state_expression(), labels_of(InvitationState)),
        Column("Submitted at", "created_at", local_iso),
        *consent_columns(),
        language_column(),
    ]


def meeting_columns(queryset: QuerySet) -> list[Column]:
    """A meeting is an accepted request (a cancelled one loses its meeting): its two
    organisations as their registrations name them, its slot and room, and how it was placed."""

    def side(position: int, role: str) -> list[Column]:
        registration = f"request__{role}__registration"
        return [
            Column(f"Organisation {position} ({role})", f"{registration}__organisation", text),
            Column(f"Organisation {position} country", f"{registration}__country", country_names()),
            Column(f"Organisation {position} contact email", f"{registration}__email", text),
        ]

    return [
        Column("Meeting ID", "pk", number),
        Column("Event", "request__event__title_en", text),
        Column("Slot start", "slot__start", local_iso),
        Column("Slot end", "slot__end", local_iso),
        Column("Session", "slot__session__title_en", text),
        *side(1, "sender"),
        *side(2, "receiver"),
        Column("Room link", "room_link", text),
        Column("Placed by hand", "fixed_by_hand", yes_no),
        Column("Why it has no slot", "unplaced_reason", text),
        Column("Request sent at", "request__created_at", local_iso),
        Column("Accepted at", "request__answered_at", local_iso),
    ]


SURVEY_RESPONSES = ExportKind(
    "survey-responses", SurveyResponse, "survey__event", survey_response_columns
)
REGISTRATIONS = ExportKind("registrations", Registration, "event", registration_columns)
APPLICATIONS = ExportKind("applications", ExpressionOfInterest, "event", application_columns)
MEETINGS = ExportKind(
    "meetings",
    Meeting,
    "request__event",
    meeting_columns,
    # The schedule in time order, meetings without a slot last (in the order they were agreed).
    ordering=(F("slot__start").asc(nulls_last=True), "request__answered_at", "pk"),
)
KINDS = {kind.slug: kind for kind in (SURVEY_RESPONSES, REGISTRATIONS, APPLICATIONS, MEETINGS)}


def kind_for_model(model: type[Model]) -> ExportKind:
    return next(kind for kind in KINDS.values() if kind.model is model)


# --- Rows ---------------------------------------------------------------------------------


def export_rows(
    kind: ExportKind, queryset: QuerySet
) -> tuple[list[str], Iterator[list[tuple[Any, ...]]]]:
    """The header and a lazy iterator of row batches for these objects, in the kind's order
    (oldest first for most kinds).

    The queryset may carry any filters, searches or annotations (e.g. an admin changelist's);
    only its primary keys are used, as a subquery, so the export query is always the same.
    """
    columns = kind.columns(queryset)
    selected = (
        kind.model._default_manager.filter(pk__in=queryset.order_by().values("pk"))
        .annotate(
            **{
                f"column_{i}": c.source
                for i, c in enumerate(columns)
                if not isinstance(c.source, str)
            },
            export_timezone=F(f"{kind.event_lookup}__timezone"),
        )
        .order_by(*kind.ordering)
    )
    sources = [
        c.source if isinstance(c.source, str) else f"column_{i}" for i, c in enumerate(columns)
    ]
    rows = rows_in_pages(selected, [*sources, "export_timezone"], kind.ordering)
    return [c.header for c in columns], _formatted_batches(columns, rows)


def rows_in_pages(
    queryset: QuerySet, fields: Sequence[str], ordering: Sequence[Any]
) -> Iterator[tuple[Any, ...]]:
    """The queryset's values for `fields`, in `ordering`, read ROWS_PER_QUERY_CHUNK at a time.

    Keyset pagination: each page is a query of its own for the rows after the last one read
    (by the ordering's values), never an OFFSET and never a server-side cursor, so it works the
    same directly on PostgreSQL and behind a pooler in transaction mode. The ordering is
    ascending with NULLs last (on every database), and ends with the primary key so that it is
    total; the primary key is added when missing.
    """
    terms = [F(term) if isinstance(term, str) else term.expression for term in ordering]
    if not any(isinstance(term, F) and term.name == "pk" for term in terms):
        terms.append(F("pk"))
    keys = {f"keyset_{i}": term for i, term in enumerate(terms)}
    pages = (
        queryset.annotate(**keys)
        .order_by(*(OrderBy(F(key), nulls_last=True) for key in keys))
        .values_list(*fields, *keys)
    )
    after_last_row = Q()
    while True:
        page = list(pages.filter(after_last_row)[:ROWS_PER_QUERY_CHUNK])
        for row in page:
            yield row[: len(fields)]
        if len(page) < ROWS_PER_QUERY_CHUNK:
            return
        after_last_row = _after(list(keys), page[-1][len(fields) :])


def _after(keys: list[str], last: Sequence[Any]) -> Q:
    """Rows after `last` in the order of `keys` (ascending, NULLs last): later in the first
    key, or equal in it and after in the rest. The last key (the primary key) is never NULL."""
    key, value = keys[0], last[0]
    if value is None:  # NULLs come last: only another NULL can be equal, none is later
        later, same = Q(pk__in=[]), Q(**{f"{key}__isnull": True})
    else:
        later = Q(**{f"{key}__gt": value}) | Q(**{f"{key}__isnull": True})
        same = Q(**{key: value})
    if len(keys) == 1:
        return later
    return later | (same & _after(keys[1:], last[1:]))


def _formatted_batches(
    columns: list[Column], rows: Iterator[tuple[Any, ...]]
) -> Iterator[list[tuple[Any, ...]]]:
    """Rows in batches, formatted column by column."""
    zones: dict[str, ZoneInfo] = {}
    while batch := list(islice(rows, ROWS_PER_OUTPUT_CHUNK)):
        formatted: list[tuple[Any, ...]] = []
        for zone_name, same_zone in groupby(batch, key=itemgetter(-1)):
            zone = zones.get(zone_name) or zones.setdefault(zone_name, ZoneInfo(zone_name))
            selected = list(zip(*same_zone, strict=True))  # one tuple per column, zone last
            formatted.extend(
                zip(
                    *(
                        values if column.cells is None else column.cells(values, zone)
                        for column, values in zip(columns, selected)  # noqa: B905 (zone left)
                    ),
                    strict=True,
                )
            )
        yield formatted


def export_csv_chunks(kind: ExportKind, queryset: QuerySet) -> Iterator[str]:
    """The whole CSV document for these objects, as text chunks."""
    header, batches = export_rows(kind, queryset)
    return csv_batches_text_chunks(header, batches)


# --- The funnel of an event's report ------------------------------------------------------

FUNNEL_SLUG = "funnel"
FUNNEL_HEADER = ["Table", "Row", "Figure", "Value"]


def funnel_csv_chunks(funnel: Funnel) -> Iterator[str]:
    """The report's funnel as CSV text chunks, one figure per row (a rate without a base is an
    empty cell): intent → registered → attended per mode, then who kept or changed mode."""
    return csv_text_chunks(FUNNEL_HEADER, _funnel_rows(funnel))


def _funnel_rows(funnel: Funnel) -> Iterator[tuple[Any, ...]]:
    for line in funnel.modes:
        figures = [
            ("Survey intent", line.intended),
            ("Confirmed", line.confirmed),
            ("Waiting list", line.waitlisted),
            ("Cancelled", line.cancelled),
            ("Attended", line.attended),
            ("Registered (confirmed or waiting) per survey answer", line.registered_rate),
            ("Attended per confirmed", line.attended_rate),
        ]
        for figure, value in figures:
            if value is not None:
                yield _funnel_row("Funnel", line.label, figure, value)
    for change in funnel.changes or []:
        row = f"{change.intent_label} → {change.mode_label}"
        yield _funnel_row("Survey intent to registered mode", row, "People", change.count)


def _funnel_row(table: str, row: str, figure: str, value: int | Rate) -> tuple[Any, ...]:
    cell = ("" if value.percent is None else str(value)) if isinstance(value, Rate) else value
    return (spreadsheet_safe(table), spreadsheet_safe(row), spreadsheet_safe(figure), cell)
