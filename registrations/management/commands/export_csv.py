from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError

from registrations.exports import KINDS, export_csv_chunks
from registrations.models import Event
from registrations.services.action_log import Actor
from registrations.services.exports import export_record_create


class Command(BaseCommand):
    help = (
        "Write an event's survey responses, registrations, expressions of interest "
        "(applications) or meeting schedule (meetings) as CSV: UTF-8 with a byte-order mark, "
        "safe to open in a spreadsheet. Columns are listed in README.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS), help="What to export.")
        parser.add_argument("--event", required=True, metavar="SLUG", help="The event's slug.")
        parser.add_argument(
            "--output", metavar="FILE", help="Write to this file instead of standard output."
        )

    def handle(self, *args, kind, event, output=None, **options):
        try:
            event = Event.objects.get(slug=event)
        except Event.DoesNotExist:
            raise CommandError(f"No event with the slug “{event}”.") from None
        export_kind = KINDS[kind]
        queryset = export_kind.model.objects.filter(**export_kind.event_filter(event))
        with self.opened(output) as write:
            export_record_create(
                kind=kind,
                via="command",
                actor=Actor.system("manage.py export_csv"),
                event=event,
                filters=f"event={event.slug}",
            )
            for chunk in export_csv_chunks(export_kind, queryset):
                write(chunk)

    @contextmanager
    def opened(self, output: str | None) -> Iterator[Callable[[str], object]]:
        """A function writing text to the output file, or to standard output."""
        if not output:
            binary = getattr(self.stdout, "buffer", None)  # a real stream, whatever its encoding
            if binary is None:
                yield lambda text: self.stdout.write(text, ending="")
            else:
                yield lambda text: binary.write(text.encode("utf-8"))
                binary.flush()
            return
        try:
            file = open(output, "w", encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        with file:
            yield file.write
