from django.core.management.base import BaseCommand

from registrations.demo import default_demo_year, demo_data_load


class Command(BaseCommand):
    help = (
        "Load the two events of the announcement (European Cluster Conference, Intra-European "
        "Cluster Matchmaking). Safe to run again: it updates the same rows."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            default=None,
            help=(
                "Year to hold the events in (10-12 November). Default: the next year whose "
                "matchmaking is still ahead. Use --year 2020 for the original dates."
            ),
        )

    def handle(self, *args, year=None, **options):
        year = year or default_demo_year()
        for event in demo_data_load(year=year):
            self.stdout.write(f"Demo event ready: {event.title} (/events/{event.slug}/)")
