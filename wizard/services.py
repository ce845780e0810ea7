"""Writes and the one code path from answers to a plan (web pages and the command share it)."""
import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from procedures import engine, questions
from procedures.models import Procedure
from procedures.selectors import canonical_region_code, load_calendar, load_catalogue, region_snapshot

from .models import Plan, new_reference_code


class RegionLookup:
    """Resolve division codes once per request, and tell where a person would apply."""

    def __init__(self, today=None, catalogue=None):
        self.today = today or timezone.localdate()
        self.catalogue = catalogue
        self._snapshot = None

    def __call__(self, code):
        if not code or canonical_region_code(code) is None:
            return None
        return self.snapshot().resolve(code)

    def snapshot(self):
        """Return the regions, read (or found current) once for this lookup."""
        if self._snapshot is None:
            self._snapshot = region_snapshot()
        return self._snapshot

    def place_of_application(self, answers):
        """Return the region whose local rules apply to these answers (None: nowhere).

        It is the place of residence unless the procedure that applies sends the
        person home, as the published content decides; until the answers are
        enough to choose a procedure, the place of residence.
        """
        hukou, residence = self(answers.get("hukou_region")), self(answers.get("residence_region"))
        if hukou is None or residence is None or not answers.get("reason"):
            return residence
        facts = engine.derive_facts(answers, today=self.today, hukou=hukou, residence=residence)
        if self.catalogue is None:  # once per lookup (per request): it is read for every question
            self.catalogue = load_catalogue(self.today)
        try:
            outcome = self.catalogue.select(facts).outcome
        except engine.NoProcedure:
            return residence
        return {"apply_here": residence, "apply_at_hukou_place": hukou}.get(outcome)


def _iso(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _provenance(item):
    if item is None:
        return None
    return item.as_dict()


def _with_provenance(data, provenance):
    data.update(confidence=provenance.confidence, source=provenance.source,
                last_checked=_iso(provenance.last_checked))
    return data


def plan_to_dict(plan, *, hukou, residence):
    """Return the plan as JSON-ready data (the ``plan`` command's stable contract)."""
    documents = []
    for d in plan.documents:
        item = {"code": d.code, "name": d.name, "description": d.description, "form": d.form,
                "quantity": d.quantity, "handed_back": d.handed_back, "held": d.held}
        if d.any_of:
            item["any_of"] = list(d.any_of)
        documents.append(_with_provenance(item, d.provenance))

    def messages(items, with_fee=False):
        result = []
        for m in items:
            item = {"code": m.code, "title": m.title, "text": m.text, "severity": m.severity}
            if with_fee:
                item["fee_yuan"] = m.fee
            result.append(_with_provenance(item, m.provenance))
        return result

    fee = None
    if plan.fee is not None:
        fee = _with_provenance({"code": plan.fee.code, "label": plan.fee.label, "amount_yuan": plan.fee.amount,
                                "waiver": plan.fee.is_waiver}, plan.fee.provenance)
    return {
        "outcome": plan.outcome,
        "procedure": plan.procedure,
        "procedure_name": plan.procedure_name,
        "procedure_version": plan.procedure_version,
        "today": _iso(plan.today),
        "apply_date": _iso(plan.apply_date),
        "cross_region": plan.cross_region,
        "age": plan.age,
        "hukou_region": {"code": hukou.input_code, "name": hukou.input_name, "resolved": hukou.code},
        "residence_region": {"code": residence.input_code, "name": residence.input_name,
                             "resolved": residence.code},
        "fee_yuan": plan.fee_yuan,
        "fee": fee,
        "documents": documents,
        "photo_receipt_required": plan.photo_receipt_required,
        "photo_receipt_validity_days": plan.photo_receipt_validity_days,
        "photo_receipt_expiry": _iso(plan.photo_receipt_expiry),
        "photo_receipt": _provenance(plan.photo_receipt_provenance),
        "mail_delivery": _provenance(plan.mail_delivery_provenance),
        "steps": [
            _with_provenance({"code": s.code, "title": s.title, "where": s.where, "earliest": _iso(s.earliest),
                              "latest": _iso(s.latest), "actor": s.actor, "description": s.description,
                              "milestone": s.milestone, "procedure": s.procedure}, s.provenance)
            for s in plan.steps
        ],
        "card_ready_by": _iso(plan.card_ready_by),
        "card_ready_basis": plan.card_ready_basis or None,
        "card_ready": _provenance(plan.card_ready_provenance),
        "statutory_deadline": _iso(plan.statutory_deadline),
        "statutory_deadline_basis": _provenance(plan.deadline_provenance),
        "new_card_validity_years": plan.new_card_validity_years,
        "new_card_long_term": plan.new_card_long_term,
        "new_card_expiry": _iso(plan.new_card_expiry),
        "new_card_validity": _provenance(plan.validity_provenance),
        "renewal_window_opens": _iso(plan.renewal_window_opens),
        "calendar_incomplete": plan.calendar_incomplete,
        "warnings": messages(plan.warnings),
        "notices": messages(plan.notices),
        "urgent_options": messages(plan.urgent_options, with_fee=True),
    }


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
    return plan, plan_to_dict(plan, hukou=hukou, residence=residence)


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
