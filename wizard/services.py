"""Writes and the one code path from answers to a plan (web pages and the command share it)."""
import json
from types import MappingProxyType

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from procedures import engine, questions
from procedures.dates import cn_date
from procedures.models import Procedure
from procedures.selectors import (
    KeyedCache,
    canonical_region_code,
    current_stamp,
    load_calendar,
    load_catalogue,
    region_snapshot,
)
from procedures.vocabulary import QuestionKind

from .models import Plan, new_reference_code

# Which questions are asked, for given answers on a given day, is the same for everyone until the
# procedures or the regions change: kept across requests in this process (a page needs it twice).
_SHARED_QUESTION_FACTS = KeyedCache(size=1024)


class RegionLookup:
    """Resolve division codes once per request, and tell where a person would apply."""

    def __init__(self, today=None, catalogue=None):
        self.today = today or timezone.localdate()
        self.catalogue = catalogue
        self.live = catalogue is None  # the procedures live that day (not a draft's preview)
        self._snapshot = None
        self._question_facts = None

    def __call__(self, code):
        if not code or canonical_region_code(code) is None:
            return None
        return self.snapshot().resolve(code)

    def snapshot(self):
        """Return the regions, read (or found current) once for this lookup."""
        if self._snapshot is None:
            self._snapshot = region_snapshot()
        return self._snapshot

    def question_facts(self, answers):
        """Return the facts that decide which questions are asked, for the answers given so far.

        Kept for the last answers asked about: one request asks this for every question.
        """
        key = json.dumps(questions.to_json(answers), sort_keys=True)
        if self._question_facts is None or self._question_facts[0] != key:
            if self.live:
                stamps = (current_stamp("procedures"), current_stamp("regions"))
                facts = _SHARED_QUESTION_FACTS.get((stamps, self.today, key), lambda: self._facts(answers))
            else:
                facts = self._facts(answers)
            self._question_facts = (key, facts)
        return self._question_facts[1]

    def _facts(self, answers):
        if self.catalogue is None:  # once per lookup (per request)
            self.catalogue = load_catalogue(self.today)
        return MappingProxyType(engine.question_facts(
            self.catalogue, answers, today=self.today, hukou=self(answers.get("hukou_region")),
            residence=self(answers.get("residence_region"))))

    def validity_bands(self):
        """Return the (min age, max age, years) of every validity rule live today, to check a card's expiry."""
        if self.catalogue is None:
            self.catalogue = load_catalogue(self.today)
        return _bands(self.catalogue)


def _bands(catalogue):
    return tuple(sorted({(rule.min_age, rule.max_age, rule.years) for procedure in catalogue.main
                         for rule in procedure.validity_rules}, key=lambda band: band[0]))


def compute_plan(answers, *, today, regions=None, catalogue=None):
    """Return (engine plan, JSON data) for cleaned answers. Pure apart from cached reads.

    The procedures used are those live on ``today``, unless a ``catalogue`` is given
    (an admin previewing a draft).
    """
    catalogue = catalogue or load_catalogue(today)
    regions = regions or RegionLookup(today, catalogue)
    hukou = regions(answers["hukou_region"])
    residence = regions(answers.get("residence_region") or answers["hukou_region"])
    plan = engine.make_plan(catalogue, answers, today=today, hukou=hukou, residence=residence,
                            calendar=load_calendar())
    return plan, plan.to_json()


def plan_create(*, answers, today, channel=Plan.Channel.WEB, created_by=None):
    """Compute and store a plan for cleaned answers; return the saved Plan."""
    plan, data = compute_plan(answers, today=today)
    procedure = Procedure.objects.get(slug=plan.procedure, version=plan.procedure_version)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Plan.objects.create(
                    code=new_reference_code(), answers=questions.to_json(answers), procedure=procedure,
                    procedure_slug=plan.procedure, procedure_version=plan.procedure_version,
                    outcome=plan.outcome, result=data, computed_for=today, channel=channel,
                    created_by=created_by,
                )
        except IntegrityError:  # a code collision: astronomically rare, so just draw again
            continue
    raise RuntimeError("Could not draw a unique reference code.")


def shown_answer(question, value, regions):
    """Return an answer as the summary shows it (a region by name, a date in Chinese, 是/否...)."""
    if question.kind == QuestionKind.REGION:
        info = regions(value)
        return info.input_name if info else value
    if question.kind == QuestionKind.DATE:
        if value is None:
            return _("没有急用的日期")
        return cn_date(value)
    if question.kind == QuestionKind.YES_NO:
        return _("是") if value else _("否")
    if question.kind == QuestionKind.MULTI:
        return "、".join(str(question.label_of(item)) for item in value) or _("都没有")
    return question.label_of(value)
