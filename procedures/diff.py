"""A readable difference between two versions of a procedure.

Rows are matched by their natural key (a state's or document's code; a transition's
from, to and name), so a reordered or renumbered row is not reported as removed
and added. Conditions are compared as data and shown in words.
"""
from dataclasses import dataclass, field

from . import exchange
from .describe import describe_condition
from .models import Procedure

SECTION_TITLES = {
    "procedure": "流程",
    "states": "环节",
    "transitions": "流转",
    "requirements": "材料",
    "fees": "收费",
    "notices": "提示",
    "urgent_options": "急用办法",
    "validity_rules": "有效期规则",
    "time_limits": "时限",
}
CONDITION_FIELDS = {"condition", "applies_when"}


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class RowDiff:
    key: str
    kind: str  # added, removed, changed
    title: str
    changes: list = field(default_factory=list)
    fields: list = field(default_factory=list)  # (label, value) for an added or removed row


@dataclass
class SectionDiff:
    name: str
    title: str
    rows: list

    @property
    def counts(self):
        result = {"added": 0, "removed": 0, "changed": 0}
        for row in self.rows:
            result[row.kind] += 1
        return result


def _key(section, item):
    if section == "transitions":
        return f"{item.get('source_state')} → {item.get('target_state')}：{item.get('label')}"
    if section == "validity_rules":
        upper = item.get("max_age") if item.get("max_age") is not None else "∞"
        return f"{item.get('min_age')}–{upper} 岁"
    if section == "time_limits":
        return f"{item.get('kind')} #{item.get('priority')}"
    return str(item.get("code") or item.get("slug"))


def _title(section, item):
    for name in ("name", "title", "label"):
        if item.get(name):
            return str(item[name])
    return ""


def _show(name, value):
    if name in CONDITION_FIELDS:
        return describe_condition(value)
    if value is None or value == "":
        return "—"
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


def _labels(model):
    return {f.name: str(f.verbose_name) for f in model._meta.concrete_fields}


def _match(section, old_items, new_items):
    """Pair rows by key; a key used twice in one version is told apart by its position."""
    def keyed(items):
        result, seen = {}, {}
        for item in items:
            key = _key(section, item)
            seen[key] = seen.get(key, 0) + 1
            result[key if seen[key] == 1 else f"{key} ({seen[key]})"] = item
        return result
    return keyed(old_items), keyed(new_items)


def _section(section, model, old_items, new_items):
    labels = _labels(model)
    old, new = _match(section, old_items, new_items)
    rows = []
    for key, item in new.items():
        if key not in old:
            rows.append(RowDiff(key, "added", _title(section, item),
                                fields=[(labels.get(n, n), _show(n, v)) for n, v in item.items()]))
            continue
        before = old[key]
        changes = [Change(n, labels.get(n, n), _show(n, before.get(n)), _show(n, v))
                   for n, v in item.items() if before.get(n) != v]
        if changes:
            rows.append(RowDiff(key, "changed", _title(section, item), changes=changes))
    for key, item in old.items():
        if key not in new:
            rows.append(RowDiff(key, "removed", _title(section, item),
                                fields=[(labels.get(n, n), _show(n, v)) for n, v in item.items()]))
    return SectionDiff(section, SECTION_TITLES[section], rows)


def diff_versions(old, new):
    """Return the sections that differ between two versions (``old`` and ``new`` are rows)."""
    before, after = exchange.version_data(old), exchange.version_data(new)
    sections = []
    head = {k: v for k, v in before.items() if k not in exchange.PARTS and k != "effective_from"}
    head_new = {k: v for k, v in after.items() if k not in exchange.PARTS and k != "effective_from"}
    head["slug"] = head_new["slug"] = new.slug
    sections.append(_section("procedure", Procedure, [head], [head_new]))
    for section, model in exchange.PARTS.items():
        sections.append(_section(section, model, before[section], after[section]))
    return [section for section in sections if section.rows]
