"""Print the content report: every fact with its source, confidence and last check, and its flags."""
import datetime
import json
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from procedures.report import ANY, Flag, content_report, flag_counts, select

# The short columns, padded to a common width; the long ones follow, each as long as it is, between bars.
PADDED = 4


def width(text):
    """Return how many terminal columns ``text`` takes (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def table(lines):
    """Return the lines of a table whose first ``PADDED`` columns line up."""
    widths = [max(width(line[column]) for line in lines) for column in range(PADDED)]
    return [
        "  ".join(cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(line[:PADDED]))
        + "  " + " | ".join(line[PADDED:])
        for line in lines
    ]


class Command(BaseCommand):
    help = (
        "Print every fact (procedure versions live, scheduled or in draft and their parts, regions, regional "
        "rules, the calendar) with its source, confidence and last check, flagging what needs an admin's look; "
        "a count per flag at the end."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("text", "json"), default="text", help="A text table or JSON.")
        parser.add_argument("--only-flagged", action="store_true", help="Only the facts that carry a flag.")
        parser.add_argument("--flag", choices=Flag.values, help="Only the facts that carry this flag.")
        parser.add_argument("--today", help="Report as on this day (YYYY-MM-DD; default today in China).")

    def handle(self, *args, **options):
        on = None
        if options["today"]:
            try:
                on = datetime.date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError(f"--today: {options['today']!r} is not a YYYY-MM-DD date.") from error
        every = content_report(on)
        rows = select(every, options["flag"] or (ANY if options["only_flagged"] else ""))
        counts = flag_counts(rows)
        if options["format"] == "json":
            document = {"rows": [row.to_json() for row in rows], "counts": counts,
                        "total": len(every), "shown": len(rows)}
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
            return
        header = [_("类别"), _("版本状态"), _("可信度"), _("最近核对"), _("记录"), _("标记"), _("来源"), _("内容")]
        lines = [header] + [
            [str(row.kind), str(row.standing) or "—", str(row.confidence_label),
             row.last_checked.isoformat() if row.last_checked else _("从未核对"), row.identity,
             ",".join(row.flags) or "—", " ".join(row.source.split()) or "—", row.text]
            for row in rows
        ]
        for line in table(lines):
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(_("共 %(total)d 条记录，列出 %(shown)d 条。各标记的条数：") % {
            "total": len(every), "shown": len(rows)})
        for flag in Flag:
            self.stdout.write(f"  {flag.value} {flag.label}：{counts[flag.value]}")
