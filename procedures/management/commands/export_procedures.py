"""Print every published procedure version in effect or scheduled, as one JSON document."""
import datetime

from django.core.management.base import BaseCommand, CommandError

from procedures import exchange
from procedures.selectors import export_document


class Command(BaseCommand):
    help = "Print every live and scheduled procedure version as one JSON document on standard output."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Export as on this day (YYYY-MM-DD; default today in China).")

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError(f"--today: {options['today']!r} is not a YYYY-MM-DD date.") from error
        self.stdout.write(exchange.dumps(export_document(today)), ending="")
