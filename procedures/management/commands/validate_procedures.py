from django.core.management.base import BaseCommand

from procedures.models import Procedure
from procedures.validation import check_procedures


class Command(BaseCommand):
    help = "Run the graph checks on every procedure; exit 1 if any error is found."

    def add_arguments(self, parser):
        parser.add_argument("--published", action="store_true", help="Only published versions.")

    def handle(self, *args, **options):
        queryset = Procedure.objects.all()
        if options["published"]:
            queryset = queryset.filter(status=Procedure.Status.PUBLISHED)
        found = check_procedures(queryset)
        errors = [m for m in found if m.is_serious()]
        for message in found:
            stream = self.stderr if message.is_serious() else self.stdout
            line = f"{message.id} {message.msg}"
            if message.hint:
                line += f" ({message.hint})"
            stream.write(line)
        self.stdout.write(
            f"{queryset.count()} procedures checked: {len(errors)} errors, {len(found) - len(errors)} warnings."
        )
        if errors:
            raise SystemExit(1)
