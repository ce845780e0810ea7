"""Graph checks on a procedure, with stable ids, as Django's system checks have.

Errors (``procedures.E…``) make a procedure unusable; warnings (``procedures.W…``)
point at content that may surprise an applicant. The same checks run when an
admin saves, as a system check, and from ``manage.py validate_procedures``.
"""
import datetime
from collections import deque

from django.core import checks
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import conditions
from .facts import facts_for
from .models import Procedure
from .parts import PARTS

CHECK_IDS = {
    "E001": gettext_lazy("起始环节必须恰好一个"),
    "E002": gettext_lazy("每个环节都必须能从起始环节到达"),
    "E003": gettext_lazy("非终止环节必须有出路"),
    "E004": gettext_lazy("每个环节都必须能走到某个终止环节"),
    "E005": gettext_lazy("条件只能引用已知的事实和运算符"),
    "E006": gettext_lazy("终止环节不能再有流转"),
    "E007": gettext_lazy("调用的子流程必须存在、类型为子流程且已发布，且不能循环调用"),
    "W001": gettext_lazy("正常流转应有兜底（无条件）的一条"),
    "W002": gettext_lazy("今天应有一条无条件的收费规则"),
    "W003": gettext_lazy("有效期规则应覆盖所有年龄"),
    "W004": gettext_lazy("应有法定制证时限"),
    "W005": gettext_lazy("正常流转中存在循环"),
    "W006": gettext_lazy("在本地办理的流程应有“证件可领取”里程碑"),
    "W007": gettext_lazy("急用办法等待的那一步必须在流程里"),
}

# Checks on what is published or imported rather than on the graph itself.
PUBLISH_CHECK_IDS = {
    "E100": gettext_lazy("导入的文件必须是本系统导出的格式"),
    "E101": gettext_lazy("导入的每条记录都必须通过字段校验"),
    "E102": gettext_lazy("生效日期不能早于今天"),
}


def _error(code, message, obj, hint=None):
    return checks.Error(message, hint=hint, obj=obj, id=f"procedures.{code}")


def _warning(code, message, obj, hint=None):
    return checks.Warning(message, hint=hint, obj=obj, id=f"procedures.{code}")


def reachable(start, edges):
    """Return the nodes reachable from ``start`` (itself included) over ``edges`` (node -> targets)."""
    seen, queue = {start}, deque([start])
    while queue:
        node = queue.popleft()
        for target in edges.get(node, ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def _has_cycle(nodes, edges):
    colour = dict.fromkeys(nodes, 0)
    for root in nodes:
        if colour[root]:
            continue
        stack = [(root, iter(edges.get(root, ())))]
        colour[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                colour[node] = 2
                stack.pop()
            elif colour.get(child) == 1:
                return True
            elif colour.get(child) == 0:
                colour[child] = 1
                stack.append((child, iter(edges.get(child, ()))))
    return False


def _condition_errors(procedure):
    rows = [(procedure, "applies_when", "procedure")]
    for part in PARTS:
        for field_name in part.condition_fields:
            rows.extend((row, field_name, part.name) for row in getattr(procedure, part.accessor).all())
    found = []
    for row, field_name, model_name in rows:
        try:
            conditions.validate(getattr(row, field_name), facts_for(model_name))
        except conditions.ConditionError as error:
            for message in error.messages:
                found.append(_error("E005", _("%(row)s 的条件有误：%(message)s") % {
                    "row": row, "message": message}, row))
    return found


def _subprocedure_errors(procedure, states, publishing, today):
    found = []
    for state in states:
        sub = state.subprocedure
        if sub is None:
            continue
        if sub.kind != Procedure.Kind.SUB or sub.slug == procedure.slug:
            found.append(_error("E007", _("环节 %(state)s 调用的 %(sub)s 不是子流程。") % {
                "state": state.code, "sub": sub}, state))
            continue
        needs_live = publishing or procedure.status == Procedure.Status.PUBLISHED
        live = Procedure.objects.filter(
            slug=sub.slug, status=Procedure.Status.PUBLISHED, effective_from__lte=today).exists()
        if needs_live and not live:
            found.append(_error("E007", _("环节 %(state)s 调用的子流程 %(sub)s 在 %(day)s 尚未发布生效。") % {
                "state": state.code, "sub": sub.slug, "day": today.isoformat()}, state))
        if sub.state_set.filter(subprocedure__isnull=False).exists():
            found.append(_error("E007", _("子流程 %(sub)s 又调用了子流程，不允许嵌套。") % {
                "sub": sub.slug}, state))
    return found


def check_procedure(procedure, today=None, *, publishing=False):
    """Return the list of check messages for one procedure version.

    ``today`` is the day the content is judged for (a fee in force, a sub-procedure
    live); ``publishing`` judges a draft as if it were being published.
    """
    today = today or datetime.date.today()
    states = list(procedure.state_set.select_related("subprocedure"))
    transitions = list(procedure.transition_set.all())
    by_id = {state.pk: state for state in states}
    found = []

    initial = [state for state in states if state.is_initial]
    if len(initial) != 1:
        found.append(_error("E001", _("流程 %(p)s 有 %(n)d 个起始环节，应恰好 1 个。") % {
            "p": procedure, "n": len(initial)}, procedure,
            hint=_("在环节列表中只勾选一个“起始环节”。")))

    edges, planned = {}, {}
    for t in transitions:
        if t.source_state_id not in by_id or t.target_state_id not in by_id:
            continue
        edges.setdefault(t.source_state_id, set()).add(t.target_state_id)
        if t.kind == t.Kind.PLANNED:
            planned.setdefault(t.source_state_id, []).append(t)

    if len(initial) == 1:
        reachable_states = reachable(initial[0].pk, edges)
        for state in states:
            if state.pk not in reachable_states:
                found.append(_error("E002", _("环节 %(s)s 无法从起始环节到达。") % {"s": state}, state,
                                    hint=_("添加一条通往它的流转，或删除这个环节。")))

    for state in states:
        outgoing = edges.get(state.pk, set())
        if not state.is_terminal and not outgoing:
            found.append(_error("E003", _("非终止环节 %(s)s 没有任何流转可以离开。") % {"s": state}, state,
                                hint=_("添加一条流转，或把它标为终止环节。")))
        if state.is_terminal and outgoing:
            found.append(_error("E006", _("终止环节 %(s)s 还有流转离开。") % {"s": state}, state))

    reverse = {}
    for source, targets in edges.items():
        for target in targets:
            reverse.setdefault(target, set()).add(source)
    terminals = [state.pk for state in states if state.is_terminal]
    can_finish = set()
    for terminal in terminals:
        can_finish |= reachable(terminal, reverse)
    for state in states:
        if state.pk not in can_finish and (state.is_terminal or edges.get(state.pk)):
            found.append(_error("E004", _("从环节 %(s)s 出发走不到任何终止环节。") % {"s": state}, state))

    found.extend(_condition_errors(procedure))
    found.extend(_subprocedure_errors(procedure, states, publishing, today))

    for state in states:
        options = planned.get(state.pk)
        if not state.is_terminal and edges.get(state.pk) and not options:
            found.append(_warning("W001", _("环节 %(s)s 只有例外流转，生成计划时会停在这里。") % {"s": state},
                                  state))
        elif options and all(t.condition for t in options):
            found.append(_warning("W001", _("环节 %(s)s 的正常流转都带条件，某些情况下会无路可走。") % {
                "s": state}, state, hint=_("加一条无条件的流转作为兜底（优先级最低）。")))

    planned_edges = {s: {t.target_state_id for t in items} for s, items in planned.items()}
    if _has_cycle([state.pk for state in states], planned_edges):
        found.append(_warning("W005", _("流程 %(p)s 的正常流转中存在循环。") % {"p": procedure}, procedure))

    if procedure.kind == Procedure.Kind.MAIN and procedure.outcome != Procedure.Outcome.NOT_APPLICABLE:
        fees = procedure.fee_set.all()
        if not any(not f.condition and f.valid_from <= today and (f.valid_to is None or today <= f.valid_to)
                   for f in fees):
            found.append(_warning("W002", _("流程 %(p)s 今天没有无条件的收费规则，有的申请人会查不到费用。") % {
                "p": procedure}, procedure))
        rules = sorted(procedure.validityrule_set.all(), key=lambda rule: rule.min_age)
        expected = 0
        for rule in rules:
            if rule.min_age > expected:
                break
            expected = max(expected, (rule.max_age + 1) if rule.max_age is not None else 1000)
        if expected < 1000:
            found.append(_warning("W003", _("流程 %(p)s 的有效期规则未覆盖 %(age)d 岁及以上。") % {
                "p": procedure, "age": expected}, procedure))
        if not procedure.timelimit_set.filter(kind="deadline").exists():
            found.append(_warning("W004", _("流程 %(p)s 没有法定制证时限。") % {"p": procedure}, procedure))
        if not any(state.milestone == "card_ready" for state in states):
            found.append(_warning("W006", _("流程 %(p)s 没有“证件可领取”里程碑，无法算出领证日期。") % {
                "p": procedure}, procedure))
    milestones = {state.milestone for state in states}
    for option in procedure.urgentoption_set.exclude(ready_after=""):
        if option.ready_after not in milestones:
            found.append(_warning("W007", _("急用办法“%(o)s”要等“%(m)s”之后，但流程 %(p)s 没有这个里程碑，"
                                            "清单算不出它哪天能拿到。") % {
                "o": option, "m": option.get_ready_after_display(), "p": procedure}, option,
                hint=_("在环节里标出这个里程碑，或清空急用办法的“哪一步之后”。")))
    return found


def check_procedures(queryset=None, today=None):
    """Return the check messages for every procedure in ``queryset`` (all by default)."""
    queryset = queryset if queryset is not None else Procedure.objects.all()
    found = []
    for procedure in queryset.order_by("priority", "slug", "version"):
        found.extend(check_procedure(procedure, today=today))
    return found
