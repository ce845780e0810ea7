"""Small pure calculators, one per thing a plan tells, each testable without the database.

Each takes compiled content and facts and returns part of the plan. Which row
applies to whom is always the content's condition; these only do the arithmetic.
"""
import datetime

from .. import conditions
from ..calendar import Shift, add_months, add_years
from ..facts import ANSWER, FACTS
from ..vocabulary import (
    PLACE_OF_OUTCOME,
    WARNING_SEVERITIES,
    CardReadyBasis,
    Milestone,
    Place,
    RegionTopic,
    TimeLimitKind,
    TimeUnit,
)
from .derive import age_on
from .plan import CardReady, Deadline, Document, FeeLine, Message, NewCard, PhotoReceipt, Step, UrgentOption
from .text import render_text
from .walk import first_match

# --- place of application ----------------------------------------------------------

def place_of_application(outcome, *, hukou, residence):
    """Return the region whose local rules apply to an outcome (None: nowhere)."""
    return {Place.RESIDENCE: residence, Place.HUKOU: hukou}.get(PLACE_OF_OUTCOME.get(outcome, Place.NOWHERE))


# --- time limits -------------------------------------------------------------------

def renewal_window(procedure, facts):
    """Return (opens, open_now) for an early renewal, or (None, None) where no window applies.

    Whom a window applies to is its row's condition; it counts back from the old
    card's expiry date, so it needs one.
    """
    expiry = facts.get("card_expiry_date")
    limit = first_match(procedure.limits(TimeLimitKind.RENEWAL_WINDOW), facts)
    if limit is None or expiry is None:
        return None, None
    if limit.unit == TimeUnit.MONTHS:
        opens = add_months(expiry, -limit.amount)
    else:
        opens = expiry - datetime.timedelta(days=limit.amount)
    return opens, facts["today"] >= opens


def statutory_limit(procedure, facts):
    """Return the deadline row that applies, or None."""
    return first_match(procedure.limits(TimeLimitKind.DEADLINE), facts)


def promise(procedure, facts, place):
    """Return the local promise that applies where the person applies (a ``RuleInfo``), or None.

    Which of the place's published promises counts (the local one, or the one for
    people registered elsewhere) is the procedure's ``promise`` rows' condition.
    """
    if place is None:
        return None
    limit = first_match(procedure.limits(TimeLimitKind.PROMISE), facts)
    return place.rule(limit.region_topic) if limit is not None else None


# --- timeline ----------------------------------------------------------------------

def apply_day(calendar, day, *, weekends=False):
    """Return the first day on or after ``day`` when the office is open (weekends only where it opens then)."""
    return calendar.next_open(day, weekends=weekends)


def _on_open_day(calendar, shift, *, weekends, not_after):
    """Move a date to a day the office is open: later, unless that passes ``not_after``, then earlier."""
    day = calendar.next_open(shift.date, weekends=weekends)
    if not_after is not None and day > not_after:
        day = calendar.previous_open(shift.date, weekends=weekends)
    if day == shift.date:
        return shift
    return Shift(day, shift.complete and calendar.covers(day))


def _follow(shift, after):
    """Return ``shift`` as an estimate whenever the date it was counted from was one."""
    if after.complete or not shift.complete:
        return shift  # already what it should be (most stages: no new object for each)
    return Shift(shift.date, False)


def timeline(path, facts, *, apply_date, calendar, promised, deadline_limit, weekends=False):
    """Lay the path on the calendar; return (steps, CardReady, Deadline, estimated).

    Each stage takes its own duration in its own unit. The card-ready date is the
    local promise where there is one, else the sum of the stages, never later than
    the statutory deadline (which also bounds every stage before it), and always a
    day the office is open. ``estimated`` is True when a date shown was laid on a
    year with no holiday data; the deadline, counted in calendar days by law, is
    not an estimate.
    """
    start = Shift(apply_date, calendar.covers(apply_date))
    deadline = None
    if deadline_limit is not None:
        deadline = _follow(calendar.add(apply_date, deadline_limit.amount, deadline_limit.unit), start)
    promise = None
    if promised is not None and promised.days is not None:
        promise = _follow(calendar.add(apply_date, promised.days, promised.unit), start)

    early = late = start
    laid, ready = [], CardReady()  # laid: [owner, state, earliest, latest] with Shift dates
    for owner, state in path:
        early = _follow(calendar.add(early.date, state.duration_min, state.duration_unit), early)
        late = _follow(calendar.add(late.date, state.duration_max, state.duration_unit), late)
        if state.makes_card_ready:
            if promise is not None:
                late, basis, provenance = promise, CardReadyBasis.LOCAL_PROMISE, promised.provenance
            else:
                basis, provenance = CardReadyBasis.STAGE_DURATIONS, state.provenance
            if deadline is not None and late.date > deadline.date:
                late, basis, provenance = deadline, CardReadyBasis.STATUTORY_DEADLINE, deadline_limit.provenance
            late = _on_open_day(calendar, late, weekends=weekends, not_after=deadline and deadline.date)
            early = min(early, late, key=lambda shift: shift.date)
            ready = CardReady(date=late.date, basis=basis.value, provenance=provenance)
            for item in laid:
                if item[3].date > late.date:
                    item[2], item[3] = min(item[2], late, key=lambda shift: shift.date), late
        laid.append([owner, state, early, late])

    rendered = {}  # stages often share a text ("{residence.name}公安机关"): fill each one once

    def render(text):
        if text not in rendered:
            rendered[text] = render_text(text, facts)
        return rendered[text]

    steps = tuple(
        Step(code=state.code, title=render(state.name), where=render(state.location), earliest=earliest.date,
             latest=latest.date, actor=state.actor, description=render(state.description),
             milestone=state.milestone, procedure=owner.slug, provenance=state.provenance)
        for owner, state, earliest, latest in laid
    )
    estimated = not start.complete or any(
        not shift.complete for _owner, _state, *shifts in laid for shift in shifts)
    limit = Deadline(date=deadline and deadline.date, provenance=deadline_limit.provenance if deadline_limit else None)
    return steps, ready, limit, estimated


def issue_day(steps, apply_date):
    """Return the latest day the card is issued (签发): the issuing step's, else the acceptance's."""
    for milestone in (Milestone.ISSUED, Milestone.ACCEPTED):
        step = next((s for s in steps if s.milestone == milestone), None)
        if step is not None:
            return step.latest
    return apply_date


# --- fee ---------------------------------------------------------------------------

def fee(procedure, facts, day):
    """Return the fee row in force on ``day`` whose condition holds, as a ``FeeLine`` (None: no fee row)."""
    row = first_match([f for f in procedure.fees if f.in_force(day)], facts)
    if row is None:
        return None
    return FeeLine(code=row.code, label=row.label, amount_yuan=row.amount, waiver=row.is_waiver,
                   provenance=row.provenance)


def _yes_to_what_it_asks(condition, facts):
    """Return the facts with every yes/no answer the condition names taken as "yes"."""
    named = conditions.facts_named(condition)
    yes = {name: True for name in named if FACTS[name].phase == ANSWER and FACTS[name].type == "bool"}
    return {**facts, **yes} if yes else None


def fee_waiver_possible(procedure, facts, day):
    """Return whether a waiver row in force could apply if the person said "yes" to what it asks."""
    for row in procedure.fees:
        if row.is_waiver and row.in_force(day):
            assumed = _yes_to_what_it_asks(row.condition, facts)
            if assumed is not None and row.test(assumed):
                return True
    return False


# --- the new card ------------------------------------------------------------------

def new_card(procedure, facts, issued_on):
    """Return the new card's validity by the holder's age on the day it is issued, counted from that day."""
    birth_date = facts.get("birth_date")
    if not birth_date or not issued_on:
        return NewCard()
    age = age_on(birth_date, issued_on)
    rule = first_match([v for v in procedure.validity_rules if v.covers(age)], facts)
    if rule is None:
        return NewCard()
    expiry = add_years(issued_on, rule.years) if rule.years else None
    return NewCard(validity_years=rule.years, long_term=rule.years is None, expiry=expiry, issued_on=issued_on,
                   provenance=rule.provenance)


# --- photo receipt -----------------------------------------------------------------

def photo_receipt(place, facts, *, apply_date, calendar):
    """Return whether the place of application needs a receipt, and until when one made on the day lasts.

    Also return whether that expiry date is an estimate (a working-day count into a year with no holiday data).
    """
    rule = place.rule(RegionTopic.PHOTO_RECEIPT) if place is not None else None
    if rule is None:
        return PhotoReceipt(), False
    expiry = None
    if rule.days is not None and not facts.get("has_photo_receipt"):
        expiry = calendar.add(apply_date, rule.days, rule.unit)
    receipt = PhotoReceipt(required=True, validity_days=rule.days, expiry=expiry and expiry.date,
                           provenance=rule.provenance)
    return receipt, expiry is not None and not expiry.complete


def mail_delivery(place):
    """Return the provenance of the place's mail-delivery rule, or None where it offers none."""
    rule = place.rule(RegionTopic.MAIL_DELIVERY) if place is not None else None
    return rule.provenance if rule is not None else None


# --- documents ---------------------------------------------------------------------

def held(requirement, facts):
    """Return whether the person said they have it (None: not asked, or no answer tells)."""
    if not requirement.held_when:
        return None
    if not any(name in facts for name in conditions.facts_named(requirement.held_when)):
        return None
    return bool(requirement.held_test(facts))


def documents(procedures, facts):
    """Return the documents to bring, alternatives (one any-of group) marked with each other's codes."""
    chosen = [r for procedure in procedures for r in procedure.requirements if r.test(facts)]
    groups = {}
    for requirement in chosen:
        if requirement.group:
            groups.setdefault(requirement.group, []).append(requirement.code)
    return tuple(
        Document(code=r.code, name=r.name, description=r.description, form=r.form, quantity=r.quantity,
                 handed_back=r.handed_back, held=held(r, facts),
                 any_of=tuple(groups[r.group]) if r.group and len(groups[r.group]) > 1 else (),
                 provenance=r.provenance)
        for r in chosen
    )


# --- notices and urgent options ----------------------------------------------------

def messages(procedures, facts):
    """Return (warnings, other notices) whose conditions hold, placeholders filled."""
    found = tuple(
        Message(code=n.code, title=render_text(n.title, facts), text=render_text(n.text, facts),
                severity=n.severity, topic=n.topic, explains_outcome=n.explains_outcome, provenance=n.provenance)
        for procedure in procedures for n in procedure.notices if n.test(facts)
    )
    # Most severe first; within one severity, in the content's order.
    warnings = sorted((m for m in found if m.severity in WARNING_SEVERITIES),
                      key=lambda m: WARNING_SEVERITIES.index(m.severity))
    return tuple(warnings), tuple(m for m in found if m.severity not in WARNING_SEVERITIES)


def service_points(place, facts):
    """Return the directory's entries for the place where the person applies whose condition holds.

    The place's own offices and channels come first, then its province's (a province-wide booking or
    applying channel); none means nothing sourced is known and the page says to ask locally.
    """
    return tuple(item.entry for item in (place.directory if place else ()) if item.test(facts))


def _urgent_ready_by(option, steps):
    """Return the latest day ``option`` is in hand, if it waits for a step (None: it does not, or no such step)."""
    if not option.ready_after:
        return None
    step = next((s for s in steps if s.milestone == option.ready_after), None)
    if step is None or step.latest is None:
        return None
    return step.latest + datetime.timedelta(days=option.ready_within_days or 0)


def urgent_options(procedures, facts, steps=()):
    """Return the ways to prove identity while waiting whose conditions hold.

    An option that waits for a step (``ready_after``) carries the latest day it is in hand, counted in
    calendar days from that step's latest day, and whether that comes after ``needed_by``.
    """
    needed_by = facts.get("needed_by")
    options = []
    for procedure in procedures:
        for u in procedure.urgent_options:
            if not u.test(facts):
                continue
            ready_by = _urgent_ready_by(u, steps)
            late = bool(ready_by and needed_by and ready_by > needed_by)
            options.append(UrgentOption(
                code=u.code, title=render_text(u.title, facts), text=render_text(u.text, facts),
                fee_yuan=u.fee, ready_by=ready_by, late=late, provenance=u.provenance))
    return tuple(options)
