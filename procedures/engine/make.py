"""From answers to a plan: the facts, the procedure, the path, then each calculator in turn."""
from types import MappingProxyType

from ..calendar import WorkingCalendar
from ..vocabulary import PLACE_OF_OUTCOME, Place
from . import calculators
from .derive import derive_facts
from .errors import NoProcedure
from .plan import Plan
from .regions import region_facts
from .walk import procedures_on, walk


def _window_facts(procedure, facts, *, today, hukou, residence, calendar):
    """Add the facts that need the chosen procedure: the place, the renewal window, the day to go, a waiver.

    The day to go is a day the office is open. Return the place of application (None: nowhere).
    """
    place = calculators.place_of_application(procedure.outcome, hukou=hukou, residence=residence)
    if place is not None:
        facts.update(region_facts("place", place))
    opens, open_now = calculators.renewal_window(procedure, facts)
    apply_date = calculators.apply_day(calendar, max(today, opens) if opens else today,
                                       weekends=bool(facts.get("place.weekend_service")))
    facts.update(renewal_window_opens=opens, renewal_window_open=open_now, apply_date=apply_date)
    facts["fee_waiver_possible"] = calculators.fee_waiver_possible(procedure, facts, apply_date)
    return place


def question_facts(catalogue, answers, *, today, hukou, residence):
    """Return the facts a question's ``relevant_when`` reads, from the answers given so far.

    Until the answers are enough to choose a procedure, the place of application
    is taken to be the place of residence.
    """
    facts = derive_facts(answers, today=today, hukou=hukou, residence=residence)
    procedure = None
    if hukou is not None and residence is not None and answers.get("reason"):
        try:
            procedure = catalogue.select(facts)
        except NoProcedure:
            procedure = None
    if procedure is None:
        facts.update(region_facts("place", residence))
        return facts
    # Which questions are asked does not depend on holidays: the plain week is enough here.
    _window_facts(procedure, facts, today=today, hukou=hukou, residence=residence, calendar=WorkingCalendar())
    return facts


def make_plan(catalogue, answers, *, today, hukou, residence, calendar=None):
    """Return the plan for one applicant: path, checklist, fee, timeline and warnings."""
    calendar = calendar or WorkingCalendar()
    facts = derive_facts(answers, today=today, hukou=hukou, residence=residence)
    procedure = catalogue.select(facts)
    place = _window_facts(procedure, facts, today=today, hukou=hukou, residence=residence, calendar=calendar)
    apply_date = facts["apply_date"]
    facts["residence.name"] = residence.shown_name
    facts["hukou.name"] = hukou.shown_name

    path = walk(procedure, facts, catalogue)
    visited = procedures_on(procedure, path)
    deadline_limit = calculators.statutory_limit(procedure, facts)
    steps, ready, deadline, estimated = calculators.timeline(
        path, facts, apply_date=apply_date, calendar=calendar,
        promised=calculators.promise(procedure, facts, place), deadline_limit=deadline_limit,
        weekends=bool(facts.get("place.weekend_service")))
    receipt, receipt_estimated = calculators.photo_receipt(place, facts, apply_date=apply_date, calendar=calendar)
    issued_on = calculators.issue_day(steps, apply_date)

    needed_by = facts.get("needed_by")
    old_expiry = facts.get("card_expiry_date")
    facts.update(
        card_ready_by=ready.date,
        card_issued_by=issued_on,
        needed_before_ready=bool(needed_by and ready.date and needed_by < ready.date),
        # A card that has not expired yet still proves identity until its expiry date.
        old_card_valid_when_needed=bool(needed_by and old_expiry and needed_by < old_expiry),
        calendar_incomplete=estimated or receipt_estimated,
    )
    fee = calculators.fee(procedure, facts, apply_date)
    warnings, notices = calculators.messages(visited, facts)
    return Plan(
        outcome=procedure.outcome,
        procedure=procedure.slug,
        procedure_name=procedure.name,
        procedure_version=procedure.version,
        today=today,
        apply_date=apply_date,
        cross_region=facts["cross_region"],
        age=facts["age"],
        hukou_region=hukou.ref(),
        residence_region=residence.ref(),
        fee_yuan=fee.amount_yuan if fee else 0,
        fee=fee,
        documents=calculators.documents(visited, facts),
        photo_receipt=receipt,
        mail_delivery=calculators.mail_delivery(place),
        steps=steps,
        card_ready=ready,
        deadline=deadline,
        new_card=calculators.new_card(procedure, facts, issued_on),
        renewal_window_opens=facts["renewal_window_opens"],
        calendar_incomplete=facts["calendar_incomplete"],
        needed_by=needed_by,
        needed_before_ready=facts["needed_before_ready"],
        old_card_valid_when_needed=facts["old_card_valid_when_needed"],
        warnings=warnings,
        notices=notices,
        urgent_options=calculators.urgent_options(visited, facts, steps),
        service_points=calculators.service_points(place, facts),
        place_of_application=PLACE_OF_OUTCOME.get(procedure.outcome, Place.NOWHERE).value,
        facts=MappingProxyType(facts),
    )
