"""Helpers for the plan's templates: Chinese dates, confidence badges, grouped documents.

They read the engine's typed plan (``Plan.computed``), never stored JSON.
"""
import datetime

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from procedures.dates import cn_date as format_cn_date
from procedures.engine import Provenance
from procedures.vocabulary import Confidence, DocumentForm

register = template.Library()


def as_date(value):
    """Return a date for an ISO string or a date; None for anything else."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


@register.filter
def cn_date(value, arg=""):
    """Render 2026-12-01 as 2026年12月1日（周二）; ``cn_date:"short"`` leaves out the weekday."""
    day = as_date(value)
    if day is None:
        return ""
    return format_cn_date(day, weekday=arg != "short")


@register.simple_tag
def date_html(value, style=""):
    """Return a ``<time>`` element with the Chinese date, or an empty string."""
    day = as_date(value)
    if day is None:
        return ""
    return format_html('<time datetime="{}">{}</time>', day.isoformat(), cn_date(day, style))


@register.simple_tag
def date_range(earliest, latest):
    """Return one date, or "from … to …" when the earliest and latest differ."""
    first, last = as_date(earliest), as_date(latest)
    if first is None or last is None or first == last:
        return date_html(first or last)
    return format_html(_("{} 至 {}"), date_html(first), date_html(last))


def provenance_of(item):
    """Return the provenance of a plan item, or of a provenance itself (None: none recorded)."""
    if isinstance(item, Provenance):
        return item
    return getattr(item, "provenance", None)


@register.simple_tag
def confidence(item, plain=False):
    """Return a badge (较可能 / 未确认) for an item that is not verified; nothing otherwise."""
    provenance = provenance_of(item)
    if provenance is None or provenance.verified:
        return ""
    css = "likely" if provenance.confidence == Confidence.LIKELY else "unknown"
    if plain:
        return format_html('<span class="badge-print">（{}）</span>', provenance.confidence_label)
    return format_html('<span class="confidence-{}">{}</span>', css, provenance.confidence_label)


@register.inclusion_tag("plan/_source.html")
def source(item):
    """Show where a fact that is not verified comes from, folded away under 来源."""
    provenance = provenance_of(item)
    return {"item": provenance, "show": provenance is not None and not provenance.verified}


@register.filter
def document_form(value):
    """Return 原件 / 复印件 / 原件和复印件, or an empty string when nothing on paper is needed."""
    if value == DocumentForm.NONE or value not in DocumentForm.values:
        return ""
    return DocumentForm(value).label


@register.filter
def yuan(value):
    """Return an amount as 20 元, or 免费 for nothing."""
    if value in (None, ""):
        return ""
    return _("免费") if value == 0 else _("%(amount)s 元") % {"amount": value}


@register.simple_tag
def document_groups(documents):
    """Return the documents as groups; alternatives (any_of) sit together in one group.

    Each group is ``{"any_of": bool, "items": [...], "held": True/False/None}``;
    a group is held when the person said they have at least one of its items.
    """
    groups, by_key = [], {}
    for document in documents or ():
        if not document.any_of:
            groups.append({"any_of": False, "items": [document], "held": document.held})
            continue
        key = tuple(sorted(document.any_of))
        if key not in by_key:
            by_key[key] = {"any_of": True, "items": [], "held": None}
            groups.append(by_key[key])
        group = by_key[key]
        group["items"].append(document)
        if document.held is True or (document.held is False and group["held"] is None):
            group["held"] = document.held
    for group in groups:
        if group["any_of"] and len(group["items"]) == 1:
            group["any_of"] = False
    return groups
