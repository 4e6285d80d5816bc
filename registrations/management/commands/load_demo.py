from django.core.management.base import BaseCommand
from django.urls import reverse

from registrations.demo import (
    DEMO_SOLVER_SECONDS,
    MATCHMAKING_SLUG,
    default_demo_year,
    demo_data_load,
    matchmaking_summary,
    sample_participant_links,
)
from registrations.demo_past_edition import PAST_EDITION_SLUG
from registrations.emails import absolute_url
from registrations.models import Event


class Command(BaseCommand):
    help = (
        "Load the two events of the announcement (European Cluster Conference, Intra-European "
        "Cluster Matchmaking) and a sample matchmaking: forty cluster organisations with their "
        "meeting requests and a preliminary schedule. Safe to run again: it updates the same "
        "rows and adds nothing."
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
        parser.add_argument(
            "--events-only",
            action="store_true",
            help=(
                "Only the two events, without the sample matchmaking (its organisations, "
                "requests and schedule); a sample loaded before is kept."
            ),
        )
        parser.add_argument(
            "--solver-seconds",
            type=float,
            default=DEMO_SOLVER_SECONDS,
            help="Time limit of the first schedule build (default: %(default)s s).",
        )

    def handle(
        self, *args, year=None, events_only=False, solver_seconds=DEMO_SOLVER_SECONDS, **options
    ):
        year = year or default_demo_year()
        events = demo_data_load(year=year, sample=not events_only, solver_seconds=solver_seconds)
        for event in events:
            self.stdout.write(f"Demo event ready: {event.title} (/events/{event.slug}/)")
            if event.slug == MATCHMAKING_SLUG:
                self.stdout.write(matchmaking_summary(event))
                for link in sample_participant_links(event):
                    self.stdout.write(f"  Try the meetings as {link}")
        if not events_only:
            past = Event.objects.get(slug=PAST_EDITION_SLUG)
            report = reverse("admin:registrations_event_report", args=[past.pk])
            self.stdout.write(
                "Last year's conference as it went (survey intent, registered, attended; "
                f"check-ins and joins; a draft message to the online attendees): "
                f"{absolute_url(report)}"
            )
        self.stdout.write(
            f"The check-in desk for phones at the venue: {absolute_url(reverse('checkin:events'))}"
        )
