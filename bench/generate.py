"""Generate a large procedure as database rows (for the engine benchmark and the query-count test).

``generate_procedure(states=1000, per_state=5)`` writes one procedure version whose
graph is a chain ``s0 → s1 → … → s999``: every state has ``per_state`` outgoing
transitions, the last one (by priority) unconditional and leading on, the others
guarded by real conditions that do not hold for ``ANSWERS`` and leading elsewhere,
so a walk compiles and tests every condition it meets. The procedure also has a few
documents, a fee, validity rules, a deadline and notices, like the seeded content.
"""
import datetime

from procedures.models import (
    Fee,
    Notice,
    Procedure,
    Requirement,
    State,
    TimeLimit,
    Transition,
    ValidityRule,
)

# Raw answers (as the ``plan`` command and the wizard take them) that walk the whole chain.
ANSWERS = {
    "reason": "expiring",
    "birth_date": "1980-05-06",
    "hukou_region": "410100",
    "residence_region": "440300",
    "card_expiry_date": "2027-01-10",
    "documents": ["old_card", "residence_permit"],
    "has_photo_receipt": True,
    "needed_by": None,
    "delivery": "collect",
    "hardship": False,
}

# Conditions that are false for ANSWERS (each reads a different kind of fact).
FALSE_CONDITIONS = [
    {"fact": "reason", "op": "eq", "value": "lost"},
    {"all": [{"fact": "age", "op": "lt", "value": 16}, {"fact": "cross_region", "op": "eq", "value": True}]},
    {"fact": "delivery", "op": "eq", "value": "mail"},
    {"any": [{"fact": "hardship", "op": "eq", "value": True},
             {"fact": "documents", "op": "in", "value": ["hukou_book"]}]},
    {"not": {"fact": "hukou.province", "op": "eq", "value": "410000"}},
]
# True for ANSWERS, on the transition that is taken.
TRUE_CONDITION = {"fact": "reason", "op": "in", "value": ["expiring", "damaged", "lost", "details_changed"]}


def generate_procedure(*, states=1000, per_state=5, slug="generated", priority=1, published=False):
    """Write the rows and return the Procedure (the transition count is ``states * per_state``)."""
    procedure = Procedure.objects.create(
        slug=slug, version=1, name=f"生成的流程（{states} 个环节）", summary="benchmark", kind="main",
        outcome="apply_here", priority=priority, applies_when={}, source="generated", confidence="verified")
    milestones = {0: "accepted", states - 2: "card_ready"}
    rows = State.objects.bulk_create(
        State(procedure=procedure, code=f"s{i}", name=f"环节 {i}", description=f"第 {i} 步：{{residence.name}}",
              actor="hukou_office" if i % 2 else "residence_office", location="{residence.name}受理点",
              order=i, is_initial=i == 0, is_terminal=i == states - 1, milestone=milestones.get(i, ""),
              duration_min=i % 2, duration_max=i % 2 + i % 3,
              duration_unit="working_days" if i % 4 == 0 else "calendar_days")
        for i in range(states))
    transitions = []
    for i, source in enumerate(rows):
        for p in range(per_state):
            last = p == per_state - 1
            if last:
                target = rows[min(i + 1, states - 1)] if i < states - 1 else rows[0]
                condition = TRUE_CONDITION if i % 2 else {}
            else:
                target = rows[(i * 7 + p * 13 + 2) % states]
                condition = FALSE_CONDITIONS[p % len(FALSE_CONDITIONS)]
            transitions.append(Transition(
                procedure=procedure, source_state=source, target_state=target, label=f"{i}.{p}",
                condition=condition, priority=(p + 1) * 10))
    Transition.objects.bulk_create(transitions, batch_size=1000)
    for i, code in enumerate(("old_card", "residence_permit", "residence_proof", "hukou_book")):
        Requirement.objects.create(
            procedure=procedure, code=code, name=f"材料 {code}", order=i,
            any_of_group="residence" if code.startswith("residence") else "",
            condition={"fact": "reason", "op": "ne", "value": "lost"} if code == "old_card" else {})
    Fee.objects.create(procedure=procedure, code="fee", label="工本费", amount_yuan=20,
                       valid_from=datetime.date(2004, 1, 1))
    ValidityRule.objects.create(procedure=procedure, min_age=0, max_age=15, years=5)
    ValidityRule.objects.create(procedure=procedure, min_age=16, max_age=25, years=10)
    ValidityRule.objects.create(procedure=procedure, min_age=26, max_age=45, years=20)
    ValidityRule.objects.create(procedure=procedure, min_age=46, max_age=None, years=None)
    TimeLimit.objects.create(procedure=procedure, kind="deadline", amount=60, unit="calendar_days")
    TimeLimit.objects.create(procedure=procedure, kind="renewal_window", amount=3, unit="months")
    for i in range(10):
        Notice.objects.create(procedure=procedure, code=f"n{i}", title=f"提示 {i}",
                              text="请在 {renewal_window_opens} 之后办理。", order=i,
                              condition=FALSE_CONDITIONS[i % len(FALSE_CONDITIONS)] if i % 2 else {})
    if published:
        publish(procedure)
    procedure.refresh_from_db()
    return procedure


def publish(procedure):
    """Mark a procedure version published (by a plain UPDATE, so no signal or freeze rule interferes)."""
    names = {f.name for f in Procedure._meta.get_fields()}
    if "status" in names:  # versioned content: status and the day it takes effect
        Procedure.objects.filter(pk=procedure.pk).update(
            status="published", effective_from=datetime.date(2000, 1, 1))
    else:
        Procedure.objects.filter(pk=procedure.pk).update(is_published=True)
