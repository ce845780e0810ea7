"""A readable difference between two versions of a procedure.

Rows are matched by their natural key (a state's or document's code; a transition's
from, to and name), so a reordered or renumbered row is not reported as removed
and added. Conditions are compared as data and shown in words; a choice
by its label, a yes or no as 是 or 否, a field by its name.
"""
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import exchange
from .describe import field_value
from .models import Procedure
from .parts import EXPORT_KEYS, PARTS


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

    @property
    def summary(self):
        """Return the counts in words: "新增 1、修改 2"."""
        words = {"added": _("新增 %(n)d"), "removed": _("删除 %(n)d"), "changed": _("修改 %(n)d")}
        return "、".join(words[kind] % {"n": n} for kind, n in self.counts.items() if n)


def _key(key_format, item):
    # An open upper age bound is the only key value that can be missing.
    return key_format.format_map({name: "∞" if value is None else value for name, value in item.items()})


def _title(item):
    for name in ("name", "title", "label"):
        if item.get(name):
            return str(item[name])
    return ""


def _fields(model):
    return {f.name: f for f in model._meta.concrete_fields}


def _label(fields, name):
    field = fields.get(name)
    return str(field.verbose_name) if field is not None else name


def _match(key_format, old_items, new_items):
    """Pair rows by key; a key used twice in one version is told apart by its position."""
    def keyed(items):
        result, seen = {}, {}
        for item in items:
            key = _key(key_format, item)
            seen[key] = seen.get(key, 0) + 1
            result[key if seen[key] == 1 else f"{key} ({seen[key]})"] = item
        return result
    return keyed(old_items), keyed(new_items)


def _section(section, title, model, key_format, old_items, new_items):
    fields = _fields(model)
    old, new = _match(key_format, old_items, new_items)

    def described(item):
        return [(_label(fields, n), field_value(fields.get(n), v)) for n, v in item.items()]

    rows = []
    for key, item in new.items():
        if key not in old:
            rows.append(RowDiff(key, "added", _title(item), fields=described(item)))
            continue
        before = old[key]
        changes = [Change(n, _label(fields, n), field_value(fields.get(n), before.get(n)),
                          field_value(fields.get(n), v))
                   for n, v in item.items() if before.get(n) != v]
        if changes:
            rows.append(RowDiff(key, "changed", _title(item), changes=changes))
    for key, item in old.items():
        if key not in new:
            rows.append(RowDiff(key, "removed", _title(item), fields=described(item)))
    return SectionDiff(section, title, rows)


def diff_versions(old, new):
    """Return the sections that differ between two versions (``old`` and ``new`` are rows)."""
    before, after = exchange.version_data(old), exchange.version_data(new)
    sections = []
    head = {k: v for k, v in before.items() if k not in EXPORT_KEYS and k != "effective_from"}
    head_new = {k: v for k, v in after.items() if k not in EXPORT_KEYS and k != "effective_from"}
    head["slug"] = head_new["slug"] = new.slug
    sections.append(_section("procedure", _("流程"), Procedure, "{slug}", [head], [head_new]))
    for part in PARTS:
        sections.append(_section(part.export_key, part.label, part.model, part.key_format,
                                 before[part.export_key], after[part.export_key]))
    return [section for section in sections if section.rows]
