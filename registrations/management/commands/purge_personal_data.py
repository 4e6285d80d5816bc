from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registrations.services.personal_data import personal_data_purge


class Command(BaseCommand):
    help = (
        "Apply the retention rules of the privacy notice: anonymise the registrations, survey "
        "answers and expressions of interest of events that ended more than DAYS ago; remove "
        "accessibility and dietary needs SENSITIVE_NEEDS_RETENTION_DAYS after the event (on "
        "every run); delete the mail the worker has sent. Safe to run daily: a second run "
        "changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            required=True,
            metavar="DAYS",
            help="Anonymise the entries of events that ended more than DAYS ago.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only count what would change.")

    def handle(self, *args, older_than: int, dry_run: bool, **options):
        if older_than < 0:
            raise CommandError("--older-than takes a number of days, 0 or more.")
        counts = personal_data_purge(older_than_days=older_than, dry_run=dry_run)
        would = "would be " if dry_run else ""
        self.stdout.write(
            f"Entries {would}anonymised (events ended over {older_than} days ago): "
            f"{counts.entries_anonymised}\n"
            f"Registrations whose needs {would}removed (events ended over "
            f"{settings.SENSITIVE_NEEDS_RETENTION_DAYS} days ago): {counts.needs_removed}\n"
            f"Sent mail {would}deleted from the task queue: {counts.mail_results_deleted}\n"
            f"Records of mail sent {would}deleted (same events): {counts.mail_records_deleted}"
        )
