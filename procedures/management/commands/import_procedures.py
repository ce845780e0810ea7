"""Import a document written by export_procedures: all of it, or nothing."""
import json
import sys

from django.core import checks
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from procedures import imports


class Command(BaseCommand):
    help = (
        "Import procedures from a JSON document made by export_procedures. A changed procedure becomes a "
        "draft (the next version number, the file's effective date proposed) to preview and publish in the "
        "admin; an unchanged one is left alone. On any problem nothing changes: each problem is printed "
        "with its check id and the command exits with status 2."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON document ('-' for standard input).")

    def fail(self, problems):
        for problem in problems:
            self.stderr.write(f"{problem.id} {problem.msg}")
        self.stderr.write(_("没有导入任何内容：发现 %(count)d 个问题。") % {"count": len(problems)})
        sys.exit(2)

    def handle(self, *args, **options):
        try:
            if options["file"] == "-":
                document = json.load(sys.stdin)
            else:
                with open(options["file"], encoding="utf-8") as handle:
                    document = json.load(handle)
        except OSError as error:
            message = _("无法读取 %(file)s：%(error)s") % {"file": options["file"], "error": error.strerror}
            self.fail([checks.Error(message, id="procedures.E100")])
        except (ValueError, RecursionError) as error:
            # ValueError covers bad JSON, bad UTF-8 and integers too long for Python to read;
            # RecursionError, nesting deeper than the parser goes.
            self.fail([checks.Error(_("不是有效的 JSON：%(error)s") % {"error": error}, id="procedures.E100")])
        try:
            drafts = imports.procedures_import(document=document)
        except imports.ImportRefused as refusal:
            self.fail(refusal.problems)
        for procedure in drafts:
            self.stdout.write(
                _("已建草稿 %(slug)s v%(version)d（拟于 %(day)s 生效），请在后台预览后发布") % {
                    "slug": procedure.slug, "version": procedure.version, "day": procedure.effective_from.isoformat()})
        self.stdout.write(_("共导入 %(count)d 个草稿。") % {"count": len(drafts)})
