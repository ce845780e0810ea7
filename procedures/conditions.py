"""A small, closed condition language: JSON data in, a boolean out. Never ``eval``.

Grammar::

    {}                                   always true
    {"all": [c, ...]}  {"any": [c, ...]}  {"not": c}
    {"fact": NAME, "op": OP, "value": V}  OP in eq ne in not_in lt lte gt gte
    {"fact": NAME, "op": "is_set"}

A fact that has no value (a question that was not asked) compares unequal to
everything: ``eq``, ``in`` and the orderings are false, ``ne`` and ``not_in`` true.
For a list fact (``documents``), ``in`` means "holds at least one of".
"""
import datetime
from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import facts as vocabulary_of_facts  # a module: facts.py reads the questions, which compile conditions

MAX_DEPTH = 12
COMPARISONS = ("eq", "ne", "in", "not_in", "lt", "lte", "gt", "gte", "is_set")
ORDERINGS = ("lt", "lte", "gt", "gte")


class ConditionError(ValueError):
    """A condition is malformed; ``messages`` says what, in the user's language."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


def _parse_date(value):
    if isinstance(value, str) and len(value) == 10:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _check_scalar(fact, value, where):
    """Return an error message if ``value`` cannot be compared with ``fact``."""
    kind = fact.type
    if kind in ("enum", "enum_list"):
        if not isinstance(value, str) or value not in fact.choices:
            return _("%(where)s：“%(value)s”不是事实 %(fact)s 的可选值（可选：%(choices)s）。") % {
                "where": where, "value": value, "fact": fact.name, "choices": ", ".join(fact.choices)}
    elif kind == "bool":
        if not isinstance(value, bool):
            return _("%(where)s：事实 %(fact)s 是是非题，值须为 true 或 false。") % {
                "where": where, "fact": fact.name}
    elif kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return _("%(where)s：事实 %(fact)s 是整数，值须为整数。") % {"where": where, "fact": fact.name}
    elif kind == "date":
        if _parse_date(value) is None:
            return _("%(where)s：事实 %(fact)s 是日期，值须写成 YYYY-MM-DD。") % {
                "where": where, "fact": fact.name}
    elif kind == "str":
        if not isinstance(value, str):
            return _("%(where)s：事实 %(fact)s 是文字，值须为字符串。") % {"where": where, "fact": fact.name}
    return None


ROOT = gettext_lazy("条件")  # lazy: translated only when a message needs it


def _validate(node, known, path, depth, errors):
    where = path or ROOT
    if depth > MAX_DEPTH:
        errors.append(_("%(where)s：条件嵌套超过 %(max)d 层。") % {"where": where, "max": MAX_DEPTH})
        return
    if not isinstance(node, Mapping):
        errors.append(_("%(where)s：每个条件都必须是 JSON 对象。") % {"where": where})
        return
    if not node:
        return
    keys = set(node)
    for group in ("all", "any"):
        if group in keys:
            if keys != {group}:
                errors.append(_("%(where)s：“%(group)s”不能与其他键并列。") % {"where": where, "group": group})
                return
            items = node[group]
            if not isinstance(items, list) or not items:
                errors.append(_("%(where)s：“%(group)s”须为非空列表。") % {"where": where, "group": group})
                return
            for index, item in enumerate(items):
                _validate(item, known, f"{where}.{group}[{index}]", depth + 1, errors)
            return
    if "not" in keys:
        if keys != {"not"}:
            errors.append(_("%(where)s：“not”不能与其他键并列。") % {"where": where})
            return
        _validate(node["not"], known, f"{where}.not", depth + 1, errors)
        return
    if "fact" not in keys or "op" not in keys:
        unknown = ", ".join(sorted(str(k) for k in keys))
        errors.append(_("%(where)s：无法识别的条件（键：%(keys)s）；应为 all、any、not 或 fact/op/value。") % {
            "where": where, "keys": unknown})
        return
    name, op = node["fact"], node["op"]
    if not isinstance(op, str) or op not in COMPARISONS:
        errors.append(_("%(where)s：未知的运算符“%(op)s”（可用：%(ops)s）。") % {
            "where": where, "op": op, "ops": ", ".join(COMPARISONS)})
        return
    if not isinstance(name, str) or name not in vocabulary_of_facts.FACTS:
        errors.append(_("%(where)s：未知的事实“%(fact)s”。") % {"where": where, "fact": name})
        return
    if name not in known:
        errors.append(_("%(where)s：事实“%(fact)s”在此处尚不可知，不能使用。") % {"where": where, "fact": name})
        return
    fact = vocabulary_of_facts.FACTS[name]
    extra = keys - {"fact", "op", "value"}
    if extra:
        errors.append(_("%(where)s：多余的键 %(keys)s。") % {
            "where": where, "keys": ", ".join(sorted(str(k) for k in extra))})
        return
    if op == "is_set":
        if "value" in keys:
            errors.append(_("%(where)s：is_set 不带 value。") % {"where": where})
        return
    if "value" not in keys:
        errors.append(_("%(where)s：运算符 %(op)s 需要 value。") % {"where": where, "op": op})
        return
    value = node["value"]
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            errors.append(_("%(where)s：%(op)s 的 value 须为非空列表。") % {"where": where, "op": op})
            return
        for item in value:
            message = _check_scalar(fact, item, where)
            if message:
                errors.append(message)
                return
        return
    if op in ORDERINGS and fact.type not in ("int", "date"):
        errors.append(_("%(where)s：%(op)s 只能比较数字或日期，事实 %(fact)s 不是。") % {
            "where": where, "op": op, "fact": name})
        return
    if fact.type == "enum_list":
        errors.append(_("%(where)s：事实 %(fact)s 是列表，请用 in 或 not_in。") % {"where": where, "fact": name})
        return
    message = _check_scalar(fact, value, where)
    if message:
        errors.append(message)


def validate(condition, known=None):
    """Raise ``ConditionError`` unless ``condition`` is well formed.

    ``known`` limits the facts it may name (all facts by default).
    """
    errors = []
    _validate(condition, vocabulary_of_facts.FACTS.keys() if known is None else known, "", 0, errors)
    if errors:
        raise ConditionError(errors)


def facts_named(condition):
    """Return the set of fact names a (valid) condition mentions."""
    names = set()
    stack = [condition]
    while stack:
        node = stack.pop()
        if not isinstance(node, Mapping):
            continue
        if "fact" in node:
            names.add(node["fact"])
        for key in ("all", "any"):
            if isinstance(node.get(key), list):
                stack.extend(node[key])
        if "not" in node:
            stack.append(node["not"])
    return names


def _always(facts):
    return True


def _compile(node):
    if not node:
        return _always
    if "all" in node:
        parts = tuple(_compile(item) for item in node["all"])
        return lambda facts: all(part(facts) for part in parts)
    if "any" in node:
        parts = tuple(_compile(item) for item in node["any"])
        return lambda facts: any(part(facts) for part in parts)
    if "not" in node:
        inner = _compile(node["not"])
        return lambda facts: not inner(facts)
    name, op = node["fact"], node["op"]
    fact = vocabulary_of_facts.FACTS[name]
    if op == "is_set":
        return lambda facts: facts.get(name) not in (None, "", [], ())

    def convert(value):
        return _parse_date(value) if fact.type == "date" else value

    if op in ("in", "not_in"):
        values = frozenset(convert(v) for v in node["value"])
        if fact.type == "enum_list":
            def has_any(facts):
                got = facts.get(name)
                return bool(got) and not values.isdisjoint(got)
        else:
            def has_any(facts):
                return facts.get(name) in values
        return has_any if op == "in" else (lambda facts: not has_any(facts))
    value = convert(node["value"])
    if op == "eq":
        return lambda facts: facts.get(name) == value
    if op == "ne":
        return lambda facts: facts.get(name) != value
    compare = {
        "lt": lambda a: a < value,
        "lte": lambda a: a <= value,
        "gt": lambda a: a > value,
        "gte": lambda a: a >= value,
    }[op]

    def ordered(facts):
        got = facts.get(name)
        return got is not None and compare(got)

    return ordered


def compile_condition(condition, known=None):
    """Validate ``condition`` and return a function ``facts -> bool``."""
    validate(condition, known)
    return _compile(condition)


def evaluate(condition, facts):
    """Evaluate ``condition`` against a mapping of facts."""
    return compile_condition(condition)(facts)
