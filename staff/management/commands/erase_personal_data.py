from django.conf import settings
from django.core.management.base import BaseCommand

from staff.services import erase_personal_data


class Command(BaseCommand):
    help = ("Blank the optional applicant name and phone number of applications closed (collected, mailed, "
            "withdrawn or refused) more than "
            "PERSONAL_DATA_RETENTION_DAYS days ago (run daily).")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="Override PERSONAL_DATA_RETENTION_DAYS for this run.")

    def handle(self, *args, **options):
        days = options["days"] if options["days"] is not None else settings.PERSONAL_DATA_RETENTION_DAYS
        if days < 0:
            self.stderr.write("--days must be 0 or more.")
            raise SystemExit(2)
        erased = erase_personal_data(older_than_days=days)
        self.stdout.write(f"Erased the personal data of {erased} applications closed over {days} days ago.")
