"""Import a document written by export_procedures: all of it, or nothing."""
import json
import sys

from django.core.management.base import BaseCommand

from procedures import services


class Command(BaseCommand):
    help = (
        "Import procedures from a JSON document made by export_procedures. A changed procedure becomes a "
        "new published version; an unchanged one is left alone. On any problem nothing changes: each "
        "problem is printed with its check id and the command exits with status 2."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON document ('-' for standard input).")

    def fail(self, problems):
        for problem in problems:
            self.stderr.write(f"{problem.id} {problem.msg}")
        self.stderr.write(f"Nothing imported: {len(problems)} problem(s).")
        sys.exit(2)

    def handle(self, *args, **options):
        try:
            if options["file"] == "-":
                document = json.load(sys.stdin)
            else:
                with open(options["file"], encoding="utf-8") as handle:
                    document = json.load(handle)
        except OSError as error:
            self.fail([services.Problem("procedures.E100", f"cannot read {options['file']}: {error.strerror}")])
        except (ValueError, RecursionError) as error:
            # ValueError covers bad JSON, bad UTF-8 and integers too long for Python to read;
            # RecursionError, nesting deeper than the parser goes.
            self.fail([services.Problem("procedures.E100", f"not valid JSON: {error}")])
        try:
            published = services.procedures_import(document=document)
        except services.ImportRefused as refusal:
            self.fail(refusal.problems)
        for procedure in published:
            self.stdout.write(
                f"published {procedure.slug} v{procedure.version} from {procedure.effective_from.isoformat()}")
        self.stdout.write(f"{len(published)} procedure version(s) imported.")
