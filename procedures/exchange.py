"""Procedure versions as plain data: for export, import, copies and diffs.

A version's data names no primary keys, version numbers or timestamps, so the
same content always gives the same data, in any database: states are named by
code, a sub-procedure by its slug. Lists keep the order the engine reads rows in
(``Part.order_by``, ties broken by creation order), and importing creates rows in
that order, so an export, import and export again give identical documents.
"""
import datetime
import json

from django.db import models

from .models import ConditionField, Procedure
from .parts import PARTS, by_name

FORMAT = "shenfenzheng-procedures"
FORMAT_VERSION = 1

# Fields of a version that are bookkeeping, not content.
PROCEDURE_BOOKKEEPING = {
    "id", "version", "status", "cache_token", "updated_at", "created_at", "created_by", "based_on",
    "published_at", "published_by",
}
STATE_REFERENCES = ("source_state", "target_state")


def content_fields(model):
    """Return the names of the fields that carry a row's content (no keys or bookkeeping)."""
    if model is Procedure:
        return [field.name for field in model._meta.concrete_fields if field.name not in PROCEDURE_BOOKKEEPING]
    return list(by_name(model._meta.model_name).fields)


def value_types(model, name):
    """Return the Python types a field's value may have in a document, as ``json`` reads it.

    Dates are ISO strings, states and sub-procedures are named by code and slug, and
    conditions are objects; null only where the field is nullable. ``bool`` is listed
    apart from ``int`` on purpose: callers compare ``type(value)``, not ``isinstance``.
    """
    field = model._meta.get_field(name)
    if isinstance(field, ConditionField):
        types = (dict,)
    elif isinstance(field, models.BooleanField):
        types = (bool,)
    elif isinstance(field, models.IntegerField):
        types = (int,)
    else:  # text, choices, dates and references
        types = (str,)
    return (*types, type(None)) if field.null else types


def unstorable(document, limit=20):
    """Return (path, why) for each string in a document no database can store, at most ``limit``.

    PostgreSQL refuses NUL characters and no database stores a lone surrogate (which
    ``json`` reads from an escape like \\ud800); an export never holds either, keys included.
    """
    found, stack = [], [("", document)]
    while stack and len(found) < limit:  # a loop, not recursion: the nesting is the sender's
        where, value = stack.pop()
        if isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                name = _shown_key(key)
                stack.append((f"{where}.{name}" if where else name, item))
                if isinstance(key, str) and _why_unstorable(key):
                    found.append((f"{where}.{name}" if where else name, _why_unstorable(key)))
        elif isinstance(value, list):
            stack.extend((f"{where}[{index}]", item) for index, item in reversed(list(enumerate(value))))
        elif isinstance(value, str) and _why_unstorable(value):
            found.append((where or "/", _why_unstorable(value)))
    return found[:limit]


def _shown_key(key):
    """Return a key as a path segment that is itself storable and short."""
    key = str(key)
    if _why_unstorable(key):
        key = json.dumps(key)  # ASCII escapes: the NUL or surrogate becomes visible text
    return key if len(key) <= 40 else key[:40] + "…"


def _why_unstorable(text):
    if "\x00" in text:
        return "nul"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "surrogate"
    return ""


def _plain(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _row_data(row, model, state_codes):
    data = {}
    for name in content_fields(model):
        if name in STATE_REFERENCES:
            data[name] = state_codes.get(getattr(row, f"{name}_id"))
        elif name == "subprocedure":
            data[name] = row.subprocedure.slug if row.subprocedure_id else None
        else:
            data[name] = _plain(getattr(row, name))
    return data


def part_rows(procedure, part):
    """Return a version's rows of one part, in the order the engine reads them."""
    rows = getattr(procedure, part.accessor).select_related(*part.select_related)
    return list(rows.order_by(*part.order_by))


def version_data(procedure):
    """Return one version's content as JSON-ready data."""
    data = _row_data(procedure, Procedure, {})
    codes = {}
    for part in PARTS:  # states first: the transitions after them name states by code
        rows = part_rows(procedure, part)
        if part.name == "state":
            codes = {state.pk: state.code for state in rows}
        data[part.export_key] = [_row_data(row, part.model, codes) for row in rows]
    return data


def document(procedures):
    """Return the export document for these versions, sorted by slug and effective date."""
    items = sorted(procedures, key=lambda p: (p.slug, p.effective_from or datetime.date.min, p.version))
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "procedures": [version_data(procedure) for procedure in items],
    }


def dumps(data):
    """Return a document as stable, readable JSON text."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
