"""Compile a procedure version's rows into frozen objects: the engine's only reading of stored content.

It reads through the version's related managers as plain values (no model
classes are imported here), and compiles each distinct condition once. A
condition that does not validate is refused with the id of the graph check that
names it (``procedures.E005``), never silently turned into "never".
"""
import json
from dataclasses import dataclass
from types import MappingProxyType

from django.utils.translation import gettext as _

from .. import conditions
from ..facts import facts_for
from ..parts import by_name
from ..vocabulary import WARNING_SEVERITIES, Milestone, TransitionKind
from .errors import InvalidContent, NoProcedure
from .plan import Provenance

INVALID_CONDITION = "procedures.E005"
PROVENANCE = ("source", "confidence", "last_checked")


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

    @property
    def makes_card_ready(self):
        return self.milestone == Milestone.CARD_READY


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
    held_when: dict
    held_test: object
    provenance: Provenance


@dataclass(frozen=True)
class CFee:
    code: str
    label: str
    amount: int
    is_waiver: bool
    valid_from: object
    valid_to: object
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
    topic: str
    explains_outcome: bool
    condition: dict
    test: object
    provenance: Provenance

    @property
    def is_warning(self):
        return self.severity in WARNING_SEVERITIES


@dataclass(frozen=True)
class CUrgentOption:
    code: str
    title: str
    text: str
    fee: int | None
    ready_after: str  # a Milestone: obtainable only that many days after the step that has it
    ready_within_days: int | None
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
    region_topic: str
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

    def limits(self, kind):
        return tuple(limit for limit in self.time_limits if limit.kind == kind)


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


def _from(row):
    return Provenance(row["source"], row["confidence"], row["last_checked"])


def _rows(procedure, part, *fields):
    """Return plain dicts of ``fields`` and the provenance fields, in the part's order: no instances to build."""
    spec = by_name(part)
    return getattr(procedure, spec.accessor).order_by(*spec.order_by).values(*fields, *PROVENANCE)


STATE_FIELDS = ("code", "name", "description", "actor", "location", "order", "is_initial", "is_terminal",
                "milestone", "duration_min", "duration_max", "duration_unit")


class _Tests:
    """Compile each distinct condition of a version once; refuse one that does not validate."""

    def __init__(self, procedure):
        self.procedure = procedure
        self.compiled = {}

    def __call__(self, condition, model_name):
        key = (model_name, json.dumps(condition, sort_keys=True, default=str))
        found = self.compiled.get(key)
        if found is None:
            try:
                found = conditions.compile_condition(condition, facts_for(model_name))
            except conditions.ConditionError as error:
                raise InvalidContent(
                    _("流程 %(slug)s v%(version)s 的条件有误（%(check)s）：%(message)s") % {
                        "slug": self.procedure.slug, "version": self.procedure.version,
                        "check": INVALID_CONDITION, "message": "；".join(error.messages)},
                    check_id=INVALID_CONDITION) from error
            self.compiled[key] = found
        return found


def compile_procedure(procedure):
    """Read one procedure version and its parts into frozen objects."""
    test = _Tests(procedure)
    states = tuple(
        CState(
            code=s["code"], name=s["name"], description=s["description"], actor=s["actor"],
            location=s["location"], order=s["order"], is_initial=s["is_initial"], is_terminal=s["is_terminal"],
            milestone=s["milestone"], duration_min=s["duration_min"], duration_max=s["duration_max"],
            duration_unit=s["duration_unit"], subprocedure=s["subprocedure__slug"], provenance=_from(s),
        )
        for s in _rows(procedure, "state", *STATE_FIELDS, "subprocedure__slug")
    )
    outgoing = {}
    for t in _rows(procedure, "transition", "source_state__code", "target_state__code",
                   "label", "condition", "priority", "kind"):
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
        planned=MappingProxyType({code: tuple(t for t in items if t.kind == TransitionKind.PLANNED)
                                  for code, items in outgoing.items()}),
        requirements=tuple(
            CRequirement(
                code=r["code"], name=r["name"], description=r["description"], form=r["form"],
                quantity=r["quantity"], group=r["any_of_group"], handed_back=r["handed_back"],
                condition=r["condition"], test=test(r["condition"], "requirement"),
                held_when=r["held_when"], held_test=test(r["held_when"], "requirement"), provenance=_from(r),
            )
            for r in _rows(procedure, "requirement", "code", "name", "description", "form",
                           "quantity", "any_of_group", "handed_back", "condition", "held_when")
        ),
        fees=tuple(
            CFee(
                code=f["code"], label=f["label"], amount=f["amount_yuan"], is_waiver=f["is_waiver"],
                valid_from=f["valid_from"], valid_to=f["valid_to"], priority=f["priority"],
                condition=f["condition"], test=test(f["condition"], "fee"), provenance=_from(f),
            )
            for f in _rows(procedure, "fee", "code", "label", "amount_yuan",
                           "is_waiver", "valid_from", "valid_to", "priority", "condition")
        ),
        notices=tuple(
            CNotice(
                code=n["code"], title=n["title"], text=n["text"], severity=n["severity"], topic=n["topic"],
                explains_outcome=n["explains_outcome"], condition=n["condition"],
                test=test(n["condition"], "notice"), provenance=_from(n),
            )
            for n in _rows(procedure, "notice", "code", "title", "text", "severity", "topic",
                           "explains_outcome", "condition")
        ),
        urgent_options=tuple(
            CUrgentOption(
                code=u["code"], title=u["title"], text=u["text"], fee=u["fee_yuan"],
                ready_after=u["ready_after"], ready_within_days=u["ready_within_days"], condition=u["condition"],
                test=test(u["condition"], "urgentoption"), provenance=_from(u),
            )
            for u in _rows(procedure, "urgentoption", "code", "title", "text", "fee_yuan",
                           "ready_after", "ready_within_days", "condition")
        ),
        validity_rules=tuple(
            CValidityRule(
                min_age=v["min_age"], max_age=v["max_age"], years=v["years"], condition=v["condition"],
                test=test(v["condition"], "validityrule"), provenance=_from(v),
            )
            for v in _rows(procedure, "validityrule", "min_age", "max_age", "years", "condition")
        ),
        time_limits=tuple(
            CTimeLimit(
                kind=t["kind"], amount=t["amount"], unit=t["unit"], label=t["label"], priority=t["priority"],
                region_topic=t["region_topic"], condition=t["condition"], test=test(t["condition"], "timelimit"),
                provenance=_from(t),
            )
            for t in _rows(procedure, "timelimit", "kind", "amount", "unit", "label",
                           "priority", "region_topic", "condition")
        ),
        provenance=Provenance(procedure.source, procedure.confidence, procedure.last_checked),
    )
