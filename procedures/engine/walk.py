"""The walk through a procedure's graph: the states an applicant passes through."""
from django.utils.translation import gettext as _

from .errors import EngineError


def first_match(items, facts):
    """Return the first item whose condition holds, or None."""
    for item in items:
        if item.test(facts):
            return item
    return None


def walk(procedure, facts, catalogue, _stack=()):
    """Return (owner, state) pairs in order, sub-procedures expanded in place.

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
        transition = first_match(procedure.planned.get(state.code, ()), facts)
        if transition is None:
            raise EngineError(_("流程 %(slug)s 在环节 %(state)s 处没有可走的流转。") % {
                "slug": procedure.slug, "state": state.code})
        state = procedure.states_by_code[transition.target]


def procedures_on(procedure, path):
    """Return the procedure and each sub-procedure the path passed through, in order."""
    visited = [procedure]
    for owner, _state in path:
        if all(owner.slug != seen.slug for seen in visited):
            visited.append(owner)
    return visited
