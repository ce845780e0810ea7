"""``manage.py plan --answers FILE --today YYYY-MM-DD [--save]``: a stable contract."""
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from procedures import questions
from procedures.engine import EngineError
from wizard.models import Plan
from wizard.services import RegionLookup, compute_plan, plan_create


class Command(BaseCommand):
    help = "Print the plan for a JSON file of answers as one JSON object; exit 2 on invalid answers."

    def add_arguments(self, parser):
        parser.add_argument("--answers", required=True, help="JSON file with the answers ('-' for stdin).")
        parser.add_argument("--today", required=True, help="The date the plan is made, YYYY-MM-DD.")
        parser.add_argument("--save", action="store_true", help="Also store the plan and print its reference.")

    def fail(self, problems):
        for problem in problems:
            self.stderr.write(problem)
        sys.exit(2)

    def handle(self, *args, **options):
        try:
            today = questions.parse_iso_date(options["today"])
        except questions.AnswerError:
            today = None
        if today is None:
            self.fail([_("--today: “%(value)s”不是 YYYY-MM-DD 形式的日期。") % {"value": options["today"]}])
        try:
            if options["answers"] == "-":
                raw = json.load(sys.stdin)
            else:
                with open(options["answers"], encoding="utf-8") as handle:
                    raw = json.load(handle)
        except OSError as error:
            self.fail([_("--answers: 无法读取文件（%(error)s）。") % {"error": error.strerror}])
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            self.fail([_("--answers: 文件不是有效的 JSON（%(error)s）。") % {"error": error}])

        regions = RegionLookup(today)
        answers, problems = questions.clean_answers(raw, today=today, regions=regions)
        if problems:
            self.fail([message for _key, message in problems])
        try:
            if options["save"]:
                saved = plan_create(answers=answers, today=today, channel=Plan.Channel.COMMAND)
                data = dict(saved.computed.to_json(), reference=saved.display_code)
            else:
                _plan, data = compute_plan(answers, today=today, regions=regions)
        except EngineError as error:
            raise CommandError(_("现有内容无法为这些答案生成计划：%(error)s") % {"error": error}) from error
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
