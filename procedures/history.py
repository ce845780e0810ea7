"""Reads on the history of regions, region rules and the office directory (django-simple-history).

A difference is shown as an admin reads the form: each field by its label, each
value in words (a choice's label, a region's name, 是/否, a condition described).
"""
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from .describe import field_value

HIDDEN_FIELDS = {"id"}


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: str
    new: str


def tracked_fields(model):
    """Return the fields of a model whose changes the history shows, in form order."""
    return [field for field in model._meta.concrete_fields if field.name not in HIDDEN_FIELDS]


def _raw(obj, field):
    return getattr(obj, field.attname)


def shown(obj, field):
    """Return a field's value on ``obj`` as words: what an admin sees for it in the form."""
    value = _raw(obj, field)
    if field.is_relation and value is not None:
        try:
            return str(getattr(obj, field.name))
        except ObjectDoesNotExist:  # a row the history names may have been deleted since
            return _("#%(pk)s（已删除）") % {"pk": value}
    return field_value(field, value)


def changes(old, new, model):
    """Return the fields that differ between two states of a row (``old`` or ``new`` may be None: no row)."""
    found = []
    for field in tracked_fields(model):
        before = _raw(old, field) if old is not None else None
        after = _raw(new, field) if new is not None else None
        if old is not None and new is not None and before == after:
            continue
        found.append(FieldChange(
            field.name, str(field.verbose_name),
            shown(old, field) if old is not None else "—",
            shown(new, field) if new is not None else "—"))
    return found


def current_of(record):
    """Return the row a historical record is about as it stands now, or None if it was deleted."""
    model = record.instance_type
    return model._default_manager.filter(pk=record.instance.pk).first()


def changes_to_restore(record):
    """Return what restoring ``record`` would change: each field from now (old) to the record (new)."""
    return changes(current_of(record), record.instance, record.instance_type)


def changes_made(record, previous):
    """Return what the change that produced ``record`` changed since ``previous`` (None: it was created)."""
    if previous is None:
        return []
    return changes(previous.instance, record.instance, record.instance_type)
