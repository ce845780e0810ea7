"""The engine: compiled procedures, applicant facts, and the walk through the graph.

Pure Python. It never sees a request and, once a procedure is compiled, never
touches the database. ``compile_procedure`` turns rows into frozen objects (the
only place that reads the ORM); ``make_plan`` does the rest.
"""
import datetime
import json
import re
from dataclasses import dataclass, field
from types import MappingProxyType

from django.utils.translation import gettext as _

from . import conditions
from .calendar import WorkingCalendar, add_months, add_years
from .facts import facts_for


class EngineError(Exception):
    """The content cannot produce a plan for these facts (a content bug, not the user's)."""


class NoProcedure(EngineError):
    """No published procedure applies to these facts."""


@dataclass(frozen=True)
class Provenance:
    source: str = ""
    confidence: str = "unknown"
    last_checked: datetime.date | None = None

    @property
    def verified(self):
        return self.confidence == "verified"

    def as_dict(self):
        return {
            "source": self.source,
            "confidence": self.confidence,
            "last_checked": self.last_checked.isoformat() if self.last_checked else None,
        }


@dataclass(frozen=True)
class RuleInfo:
    """A region's local rule, already resolved through province inheritance."""

    applies: bool
    days: int | None
    unit: str
    note: str
    region_code: str
    provenance: Provenance


@dataclass(frozen=True)
class RegionInfo:
    """A division as the engine sees it: resolved to province or prefecture level.

    ``place_code`` names the place for telling whether two answers are the same
    place: the prefecture (or municipality), except for a county-level city directly
    under its province (仙桃, 济源...), which is a place of its own although its
    rules are the province's.
    """

    code: str
    name: str
    province_code: str
    input_code: str = ""
    input_name: str = ""
    rules: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    place_code: str = ""

    @property
    def place(self):
        return self.place_code or self.code

    def rule(self, topic):
        rule = self.rules.get(topic)
        return rule if rule is not None and rule.applies else None


@dataclass(frozen=True)
class CState:
    code: str
    name: str
    description: str
    actor: str
    location: str
    order: int
    is_initial: bool
    is_terminal: bool
    milestone: str
    duration_min: int
    duration_max: int
    duration_unit: str
    subprocedure: str | None
    provenance: Provenance


@dataclass(frozen=True)
class CTransition:
    source: str
    target: str
    label: str
    condition: dict
    test: object
    priority: int
    kind: str
    provenance: Provenance


@dataclass(frozen=True)
class CRequirement:
    code: str
    name: str
    description: str
    form: str
    quantity: int
    group: str
    handed_back: bool
    condition: dict
    test: object
    provenance: Provenance


@dataclass(frozen=True)
class CFee:
    code: str
    label: str
    amount: int
    is_waiver: bool
    valid_from: datetime.date
    valid_to: datetime.date | None
    priority: int
    condition: dict
    test: object
    provenance: Provenance

    def in_force(self, day):
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class CNotice:
    code: str
    title: str
    text: str
    severity: str
    condition: dict
    test: object
    provenance: Provenance


@dataclass(frozen=True)
class CUrgentOption:
    code: str
    title: str
    text: str
    fee: int | None
    condition: dict
    test: object
    provenance: Provenance


@dataclass(frozen=True)
class CValidityRule:
    min_age: int
    max_age: int | None
    years: int | None
    condition: dict
    test: object
    provenance: Provenance

    def covers(self, age):
        return self.min_age <= age and (self.max_age is None or age <= self.max_age)


@dataclass(frozen=True)
class CTimeLimit:
    kind: str
    amount: int
    unit: str
    label: str
    priority: int
    condition: dict
    test: object
    provenance: Provenance


@dataclass(frozen=True)
class CompiledProcedure:
    pk: int
    slug: str
    version: int
    name: str
    summary: str
    kind: str
    outcome: str
    priority: int
    applies_when: dict
    applies: object
    states: tuple
    states_by_code: MappingProxyType
    outgoing: MappingProxyType
    planned: MappingProxyType  # outgoing, planned transitions only (what a walk tries)
    requirements: tuple
    fees: tuple
    notices: tuple
    urgent_options: tuple
    validity_rules: tuple
    time_limits: tuple
    provenance: Provenance

    @property
    def initial_states(self):
        return tuple(state for state in self.states if state.is_initial)


@dataclass(frozen=True)
class Catalogue:
    """Every published procedure, main ones in the order they are tried."""

    main: tuple
    subs: MappingProxyType

    def select(self, facts):
        """Return the first main procedure whose condition holds."""
        for procedure in self.main:
            if procedure.applies(facts):
                return procedure
        raise NoProcedure(_("没有适用于这些情况的办理流程。"))


PROVENANCE = ("source", "confidence", "last_checked")


def _provenance(row):
    return Provenance(row.source, row.confidence, row.last_checked)


def _rows(queryset, *fields):
    """Return plain dicts of ``fields`` and the provenance fields: no model instances to build."""
    return queryset.values(*fields, *PROVENANCE)


def _from(row):
    return Provenance(row["source"], row["confidence"], row["last_checked"])


def compile_procedure(procedure):
    """Read one procedure version and its parts into frozen objects (the only ORM use).

    Rows are read as plain values, and a condition that recurs (the same JSON on
    many rows of one kind) is validated and compiled once.
    """
    compiled_tests = {}

    def test(condition, model_name):
        """Compile a stored condition; a bad one (saved around the validators) never matches."""
        key = (model_name, json.dumps(condition, sort_keys=True, default=str))
        found = compiled_tests.get(key)
        if found is None:
            try:
                found = conditions.compile_condition(condition, facts_for(model_name))
            except conditions.ConditionError:
                found = _never
            compiled_tests[key] = found
        return found

    states = tuple(
        CState(
            code=s["code"], name=s["name"], description=s["description"], actor=s["actor"],
            location=s["location"], order=s["order"], is_initial=s["is_initial"], is_terminal=s["is_terminal"],
            milestone=s["milestone"], duration_min=s["duration_min"], duration_max=s["duration_max"],
            duration_unit=s["duration_unit"], subprocedure=s["subprocedure__slug"], provenance=_from(s),
        )
        for s in _rows(procedure.state_set.order_by("order", "code"), *STATE_FIELDS, "subprocedure__slug")
    )
    outgoing = {}
    for t in _rows(procedure.transition_set.order_by("priority", "pk"), "source_state__code",
                   "target_state__code", "label", "condition", "priority", "kind"):
        source = t["source_state__code"]
        outgoing.setdefault(source, []).append(CTransition(
            source=source, target=t["target_state__code"], label=t["label"],
            condition=t["condition"], test=test(t["condition"], "transition"), priority=t["priority"],
            kind=t["kind"], provenance=_from(t),
        ))
    return CompiledProcedure(
        pk=procedure.pk, slug=procedure.slug, version=procedure.version, name=procedure.name,
        summary=procedure.summary, kind=procedure.kind, outcome=procedure.outcome,
        priority=procedure.priority, applies_when=procedure.applies_when,
        applies=test(procedure.applies_when, "procedure"),
        states=states,
        states_by_code=MappingProxyType({s.code: s for s in states}),
        outgoing=MappingProxyType({code: tuple(items) for code, items in outgoing.items()}),
        planned=MappingProxyType({code: tuple(t for t in items if t.kind == "planned")
                                  for code, items in outgoing.items()}),
        requirements=tuple(
            CRequirement(
                code=r["code"], name=r["name"], description=r["description"], form=r["form"],
                quantity=r["quantity"], group=r["any_of_group"], handed_back=r["handed_back"],
                condition=r["condition"], test=test(r["condition"], "requirement"), provenance=_from(r),
            )
            for r in _rows(procedure.requirement_set.order_by("order", "code"), "code", "name", "description",
                           "form", "quantity", "any_of_group", "handed_back", "condition")
        ),
        fees=tuple(
            CFee(
                code=f["code"], label=f["label"], amount=f["amount_yuan"], is_waiver=f["is_waiver"],
                valid_from=f["valid_from"], valid_to=f["valid_to"], priority=f["priority"],
                condition=f["condition"], test=test(f["condition"], "fee"), provenance=_from(f),
            )
            for f in _rows(procedure.fee_set.order_by("priority", "valid_from", "pk"), "code", "label",
                           "amount_yuan", "is_waiver", "valid_from", "valid_to", "priority", "condition")
        ),
        notices=tuple(
            CNotice(
                code=n["code"], title=n["title"], text=n["text"], severity=n["severity"],
                condition=n["condition"], test=test(n["condition"], "notice"), provenance=_from(n),
            )
            for n in _rows(procedure.notice_set.order_by("order", "code"), "code", "title", "text", "severity",
                           "condition")
        ),
        urgent_options=tuple(
            CUrgentOption(
                code=u["code"], title=u["title"], text=u["text"], fee=u["fee_yuan"], condition=u["condition"],
                test=test(u["condition"], "urgentoption"), provenance=_from(u),
            )
            for u in _rows(procedure.urgentoption_set.order_by("order", "code"), "code", "title", "text",
                           "fee_yuan", "condition")
        ),
        validity_rules=tuple(
            CValidityRule(
                min_age=v["min_age"], max_age=v["max_age"], years=v["years"], condition=v["condition"],
                test=test(v["condition"], "validityrule"), provenance=_from(v),
            )
            for v in _rows(procedure.validityrule_set.order_by("min_age", "pk"), "min_age", "max_age", "years",
                           "condition")
        ),
        time_limits=tuple(
            CTimeLimit(
                kind=t["kind"], amount=t["amount"], unit=t["unit"], label=t["label"], priority=t["priority"],
                condition=t["condition"], test=test(t["condition"], "timelimit"), provenance=_from(t),
            )
            for t in _rows(procedure.timelimit_set.order_by("kind", "priority", "pk"), "kind", "amount", "unit",
                           "label", "priority", "condition")
        ),
        provenance=_provenance(procedure),
    )


def _never(facts):
    return False


STATE_FIELDS = ("code", "name", "description", "actor", "location", "order", "is_initial", "is_terminal",
                "milestone", "duration_min", "duration_max", "duration_unit")


# --- facts -------------------------------------------------------------------

RULE_FACTS = {
    "photo_receipt": ("photo_receipt_required", "photo_receipt_validity_days"),
    "promise_cross_region": (None, "promised_days_cross_region"),
    "promise_local": (None, "promised_days_local"),
    "mail_delivery": ("mail_delivery", None),
    "yrd_pilot": ("yrd_pilot", None),
    "not_applicable": ("not_applicable", None),
    "remote_area": ("remote_area", None),
}


def age_on(birth_date, day):
    """Return the age in whole years on ``day``."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def region_facts(prefix, region):
    """Return the facts a condition can read about one region."""
    facts = {f"{prefix}.province": region.province_code}
    for topic, (flag, days) in RULE_FACTS.items():
        rule = region.rule(topic)
        if flag:
            facts[f"{prefix}.{flag}"] = rule is not None
        if days:
            facts[f"{prefix}.{days}"] = rule.days if rule is not None else None
    return facts


def derive_facts(answers, *, today, hukou, residence):
    """Return the answers plus the facts derived from them and the two regions."""
    facts = dict(answers)
    facts["today"] = today
    birth_date = answers.get("birth_date")
    facts["age"] = age_on(birth_date, today) if birth_date else None
    facts["cross_region"] = hukou.place != residence.place
    facts["same_province"] = hukou.province_code == residence.province_code
    expiry = answers.get("card_expiry_date")
    facts["days_to_expiry"] = (expiry - today).days if expiry else None
    facts.update(region_facts("hukou", hukou))
    facts.update(region_facts("residence", residence))
    return facts


# --- the plan ----------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    code: str
    title: str
    description: str
    actor: str
    where: str
    earliest: datetime.date
    latest: datetime.date
    milestone: str
    procedure: str
    provenance: Provenance


@dataclass(frozen=True)
class Document:
    code: str
    name: str
    description: str
    form: str
    quantity: int
    any_of: tuple
    handed_back: bool
    held: bool | None
    provenance: Provenance


@dataclass(frozen=True)
class Message:
    code: str
    title: str
    text: str
    severity: str
    fee: int | None
    provenance: Provenance


@dataclass(frozen=True)
class Plan:
    outcome: str
    procedure: str
    procedure_name: str
    procedure_version: int
    today: datetime.date
    apply_date: datetime.date
    cross_region: bool
    age: int | None
    fee_yuan: int
    fee: CFee | None
    documents: tuple
    steps: tuple
    card_ready_by: datetime.date | None
    card_ready_basis: str
    card_ready_provenance: Provenance | None
    statutory_deadline: datetime.date | None
    deadline_provenance: Provenance | None
    new_card_validity_years: int | None
    new_card_long_term: bool
    new_card_expiry: datetime.date | None
    validity_provenance: Provenance | None
    photo_receipt_required: bool
    photo_receipt_validity_days: int | None
    photo_receipt_expiry: datetime.date | None
    photo_receipt_provenance: Provenance | None
    mail_delivery_provenance: Provenance | None
    renewal_window_opens: datetime.date | None
    calendar_incomplete: bool
    warnings: tuple
    notices: tuple
    urgent_options: tuple
    facts: MappingProxyType


PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)?)\}")


def format_value(value):
    """Format a fact for a sentence shown to the applicant."""
    if isinstance(value, datetime.date):
        return _("%(year)d年%(month)d月%(day)d日") % {
            "year": value.year, "month": value.month, "day": value.day}
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def render_text(text, facts):
    """Fill ``{fact}`` placeholders from ``facts``; unknown ones stay as written."""
    if "{" not in text:
        return text
    def substitute(match):
        value = facts.get(match.group(1))
        return match.group(0) if value is None else format_value(value)
    return PLACEHOLDER.sub(substitute, text)


def _first(items, facts):
    for item in items:
        if item.test(facts):
            return item
    return None


def walk(procedure, facts, catalogue, _stack=()):
    """Return the states an applicant passes through, sub-procedures expanded in place.

    Each state is visited at most once and each of its transitions tested at most
    once, so the cost is linear in the size of the graph.
    """
    if procedure.slug in _stack:
        raise EngineError(_("子流程循环调用：%(slug)s") % {"slug": procedure.slug})
    initial = procedure.initial_states
    if len(initial) != 1:
        raise EngineError(_("流程 %(slug)s 没有唯一的起始环节。") % {"slug": procedure.slug})
    path, seen, state = [], set(), initial[0]
    while True:
        if state.code in seen:
            raise EngineError(_("流程 %(slug)s 在环节 %(state)s 处形成循环。") % {
                "slug": procedure.slug, "state": state.code})
        seen.add(state.code)
        if state.subprocedure:
            sub = catalogue.subs.get(state.subprocedure)
            if sub is None:
                raise EngineError(_("找不到已发布的子流程 %(slug)s。") % {"slug": state.subprocedure})
            path.extend(walk(sub, facts, catalogue, _stack + (procedure.slug,)))
        else:
            path.append((procedure, state))
        if state.is_terminal:
            return path
        transition = _first(procedure.planned.get(state.code, ()), facts)
        if transition is None:
            raise EngineError(_("流程 %(slug)s 在环节 %(state)s 处没有可走的流转。") % {
                "slug": procedure.slug, "state": state.code})
        state = procedure.states_by_code[transition.target]


def _select_limit(procedure, kind, facts):
    return _first([t for t in procedure.time_limits if t.kind == kind], facts)


def _renewal_window(procedure, facts):
    """Return (opens, open_now) for an early renewal, or (None, None) where it does not apply."""
    expiry = facts.get("card_expiry_date")
    if facts.get("reason") != "expiring" or expiry is None:
        return None, None
    limit = _select_limit(procedure, "renewal_window", facts)
    if limit is None:
        return None, None
    if limit.unit == "months":
        opens = add_months(expiry, -limit.amount)
    else:
        opens = expiry - datetime.timedelta(days=limit.amount)
    return opens, facts["today"] >= opens


def _documents(procedures, facts):
    held = set(facts.get("documents") or ())
    chosen = [r for procedure in procedures for r in procedure.requirements if r.test(facts)]
    groups = {}
    for requirement in chosen:
        if requirement.group:
            groups.setdefault(requirement.group, []).append(requirement.code)
    documents = []
    for r in chosen:
        documents.append(Document(
            code=r.code, name=r.name, description=r.description, form=r.form, quantity=r.quantity,
            any_of=tuple(groups[r.group]) if r.group and len(groups[r.group]) > 1 else (),
            handed_back=r.handed_back,
            held=_held(r.code, held, facts),
            provenance=r.provenance,
        ))
    return tuple(documents)


_HELD_CODES = frozenset(("old_card", "hukou_book", "residence_permit", "other_police_id", "residence_proof"))


def _held(code, held, facts):
    """Return whether the applicant said they have this document (None: not asked)."""
    if code == "photo_receipt" and "has_photo_receipt" in facts:
        return bool(facts["has_photo_receipt"])
    if code in _HELD_CODES and "documents" in facts:
        return code in held
    return None


def _messages(items, facts, with_fee=False):
    return tuple(
        Message(
            code=item.code, title=render_text(item.title, facts), text=render_text(item.text, facts),
            severity=getattr(item, "severity", "info"), fee=item.fee if with_fee else None,
            provenance=item.provenance,
        )
        for item in items if item.test(facts)
    )


def make_plan(catalogue, answers, *, today, hukou, residence, calendar=None):
    """Return the plan for one applicant: path, checklist, fee, timeline and warnings."""
    calendar = calendar or WorkingCalendar()
    facts = derive_facts(answers, today=today, hukou=hukou, residence=residence)
    procedure = catalogue.select(facts)

    opens, open_now = _renewal_window(procedure, facts)
    apply_date = max(today, opens) if opens else today
    facts.update(renewal_window_opens=opens, renewal_window_open=open_now, apply_date=apply_date)
    # Local rules (promised times, photo receipts) are those of the place where the person applies.
    applying_at = {"apply_here": residence, "apply_at_hukou_place": hukou}.get(procedure.outcome)
    if applying_at is not None:
        facts.update(region_facts("place", applying_at))
    facts["residence.name"] = residence.input_name or residence.name
    facts["hukou.name"] = hukou.input_name or hukou.name

    path = walk(procedure, facts, catalogue)
    visited = [procedure]
    for owner, _state in path:
        if all(owner.slug != seen.slug for seen in visited):
            visited.append(owner)

    # Whether every date below could be laid on a known holiday schedule.
    complete = True
    deadline_limit = _select_limit(procedure, "deadline", facts)
    deadline = None
    if deadline_limit:
        shift = calendar.add(apply_date, deadline_limit.amount, deadline_limit.unit)
        deadline, complete = shift.date, complete and shift.complete

    at_home = procedure.outcome == "apply_at_hukou_place" or not facts["cross_region"]
    promise_topic = "promise_local" if at_home else "promise_cross_region"
    promise = applying_at.rule(promise_topic) if applying_at else None
    promise_date = None
    if promise is not None and promise.days is not None:
        shift = calendar.add(apply_date, promise.days, promise.unit)
        promise_date, complete = shift.date, complete and shift.complete

    early = late = apply_date
    laid, card_ready_by, basis, ready_provenance = [], None, "", None  # laid: [owner, state, earliest, latest]
    for owner, state in path:
        a = calendar.add(early, state.duration_min, state.duration_unit)
        b = calendar.add(late, state.duration_max, state.duration_unit)
        complete = complete and a.complete and b.complete
        early, late = a.date, b.date
        if state.milestone == "card_ready":
            if promise_date is not None:
                late, basis, ready_provenance = promise_date, "local_promise", promise.provenance
            else:
                basis, ready_provenance = "stage_durations", state.provenance
            if deadline is not None and late > deadline:
                late, basis, ready_provenance = deadline, "statutory_deadline", deadline_limit.provenance
            early = min(early, late)
            card_ready_by = late
            # A shorter promise or the deadline also bounds every stage before it.
            for item in laid:
                if item[3] > late:
                    item[2], item[3] = min(item[2], late), late
        laid.append([owner, state, early, late])
    rendered = {}  # stages often share a text ("{residence.name}公安机关"): fill each one once

    def render(text):
        if text not in rendered:
            rendered[text] = render_text(text, facts)
        return rendered[text]

    steps = tuple(
        Step(code=state.code, title=render(state.name), description=render(state.description),
             actor=state.actor, where=render(state.location), earliest=earliest, latest=latest,
             milestone=state.milestone, procedure=owner.slug, provenance=state.provenance)
        for owner, state, earliest, latest in laid
    )

    needed_by = facts.get("needed_by")
    expiry_of_old = facts.get("card_expiry_date")
    facts.update(
        card_ready_by=card_ready_by,
        needed_before_ready=bool(needed_by and card_ready_by and needed_by < card_ready_by),
        # A card that is only about to expire still proves identity until its expiry date.
        old_card_valid_when_needed=bool(
            needed_by and expiry_of_old and facts.get("reason") == "expiring" and needed_by < expiry_of_old),
        calendar_incomplete=not complete,
    )

    fee = _first([f for f in procedure.fees if f.in_force(apply_date)], facts)

    validity, expiry, years, long_term = None, None, None, False
    birth_date = facts.get("birth_date")
    if birth_date and card_ready_by:
        age_at_issue = age_on(birth_date, card_ready_by)
        validity = _first([v for v in procedure.validity_rules if v.covers(age_at_issue)], facts)
        if validity is not None:
            years, long_term = validity.years, validity.years is None
            expiry = add_years(card_ready_by, validity.years) if validity.years else None

    receipt = applying_at.rule("photo_receipt") if applying_at else None
    mail = applying_at.rule("mail_delivery") if applying_at else None
    receipt_days = receipt.days if receipt else None
    receipt_expiry = None
    if receipt_days is not None and not facts.get("has_photo_receipt"):
        receipt_expiry = calendar.add(apply_date, receipt_days, receipt.unit).date

    notices = tuple(m for p in visited for m in _messages(p.notices, facts))
    return Plan(
        outcome=procedure.outcome,
        procedure=procedure.slug,
        procedure_name=procedure.name,
        procedure_version=procedure.version,
        today=today,
        apply_date=apply_date,
        cross_region=facts["cross_region"],
        age=facts["age"],
        fee_yuan=fee.amount if fee else 0,
        fee=fee,
        documents=_documents(visited, facts),
        steps=steps,
        card_ready_by=card_ready_by,
        card_ready_basis=basis,
        card_ready_provenance=ready_provenance,
        statutory_deadline=deadline,
        deadline_provenance=deadline_limit.provenance if deadline_limit else None,
        new_card_validity_years=years,
        new_card_long_term=long_term,
        new_card_expiry=expiry,
        validity_provenance=validity.provenance if validity else None,
        photo_receipt_required=receipt is not None,
        photo_receipt_validity_days=receipt_days,
        photo_receipt_expiry=receipt_expiry,
        photo_receipt_provenance=receipt.provenance if receipt else None,
        mail_delivery_provenance=mail.provenance if mail else None,
        renewal_window_opens=opens,
        calendar_incomplete=not complete,
        warnings=tuple(m for m in notices if m.severity == "warning"),
        notices=tuple(m for m in notices if m.severity != "warning"),
        urgent_options=tuple(m for p in visited for m in _messages(p.urgent_options, facts, True)),
        facts=MappingProxyType(facts),
    )
