"""Which states and transitions of a procedure's diagram the graph checks name.

A check about a state marks the state; one about a transition marks its edge. Some
checks are about a state's way out, so they mark its edges as well: a terminal state
that still has transitions (E006) marks those transitions, a state whose planned
transitions all have conditions (W001) marks those. The loop warning (W005) names
the procedure, so the planned transitions that lie on a loop are found and marked.
"""
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .models import Procedure, State, Transition
from .validation import reachable
from .vocabulary import TransitionKind

MARKS_OUTGOING = {"procedures.E006": None, "procedures.W001": TransitionKind.PLANNED}
LOOP = "procedures.W005"


@dataclass
class Marks:
    """Check ids by state code and by edge (source code, target code, label); and the checks in words."""

    states: dict = field(default_factory=dict)
    edges: dict = field(default_factory=dict)
    # What the diagram highlights, as text: {"id", "short", "level", "msg", "where"}.
    items: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.states or self.edges)

    def state(self, code):
        return self.states.get(code, ())

    def edge(self, transition):
        return self.edges.get(edge_key(transition), ())


def edge_key(transition):
    """Return the key of a compiled transition (source, target, label)."""
    return (transition.source, transition.target, transition.label)


def _short(check_id):
    return check_id.removeprefix("procedures.")


def _add(table, key, check_id):
    ids = table.setdefault(key, [])
    if _short(check_id) not in ids:
        ids.append(_short(check_id))


def _loop_edges(graph):
    """Return the keys of the planned transitions that lie on a loop of planned transitions."""
    planned = {code: [t.target for t in items] for code, items in graph.planned.items()}
    return [edge_key(t) for items in graph.planned.values() for t in items if t.source in reachable(t.target, planned)]


def diagram_marks(graph, found):
    """Return the ``Marks`` for a compiled procedure ``graph`` and its check messages ``found``."""
    marks = Marks()
    for message in found:
        obj, check_id = getattr(message, "obj", None), message.id
        state, edges = None, []
        if isinstance(obj, State) and obj.code in graph.states_by_code:
            state = obj.code
            kind = MARKS_OUTGOING.get(check_id, "")
            if kind != "":
                edges = [edge_key(t) for t in graph.outgoing.get(state, ()) if kind is None or t.kind == kind]
        elif isinstance(obj, Transition):
            edges = [(obj.source_state.code, obj.target_state.code, obj.label)]
        elif isinstance(obj, Procedure) and check_id == LOOP:
            edges = _loop_edges(graph)
        if state is None and not edges:
            continue
        if state is not None:
            _add(marks.states, state, check_id)
        for key in edges:
            _add(marks.edges, key, check_id)
        where = [_("环节 %(code)s") % {"code": state}] if state is not None else []
        where += [_("流转 %(source)s → %(target)s（%(label)s）") % {"source": source, "target": target, "label": label}
                  for source, target, label in edges]
        marks.items.append({
            "id": check_id, "short": _short(check_id), "msg": message.msg, "where": "、".join(where),
            "level": "error" if message.is_serious() else "warning",
        })
    return marks
