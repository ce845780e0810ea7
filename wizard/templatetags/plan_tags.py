"""Helpers for the plan's templates: Chinese dates, confidence badges, grouped documents."""
import datetime

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from procedures.models import Confidence, Requirement, State

register = template.Library()

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


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
    text = f"{day.year}年{day.month}月{day.day}日"
    if arg != "short":
        text += f"（{WEEKDAYS[day.weekday()]}）"
    return text


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


@register.simple_tag
def confidence(item, plain=False):
    """Return a badge (较可能 / 未确认) for an item that is not verified; nothing otherwise."""
    level = item.get("confidence") if isinstance(item, dict) else None
    if not level or level == Confidence.VERIFIED:
        return ""
    label = Confidence(level).label if level in Confidence.values else Confidence.UNKNOWN.label
    css = "likely" if level == Confidence.LIKELY else "unknown"
    if plain:
        return format_html('<span class="badge-print">（{}）</span>', label)
    return format_html('<span class="confidence-{}">{}</span>', css, label)


@register.inclusion_tag("plan/_source.html")
def source(item):
    """Show where a fact that is not verified comes from, folded away under 来源."""
    level = item.get("confidence") if isinstance(item, dict) else None
    return {"item": item, "show": bool(level) and level != Confidence.VERIFIED}


@register.filter
def document_form(value):
    """Return 原件 / 复印件 / 原件和复印件, or an empty string when nothing on paper is needed."""
    if value == Requirement.Form.NONE or value not in Requirement.Form.values:
        return ""
    return Requirement.Form(value).label


@register.filter
def actor_label(value):
    """Return who does a step, in words."""
    return State.Actor(value).label if value in State.Actor.values else ""


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
        alternatives = document.get("any_of")
        if not alternatives:
            groups.append({"any_of": False, "items": [document], "held": document.get("held")})
            continue
        key = tuple(sorted(alternatives))
        if key not in by_key:
            by_key[key] = {"any_of": True, "items": [], "held": None}
            groups.append(by_key[key])
        group = by_key[key]
        group["items"].append(document)
        held = document.get("held")
        if held is True or (held is False and group["held"] is None):
            group["held"] = held
    for group in groups:
        if group["any_of"] and len(group["items"]) == 1:
            group["any_of"] = False
    return groups


@register.simple_tag
def handed_back(documents):
    """Return the names of the documents handed back when the new card is collected."""
    return [d for d in documents or () if d.get("handed_back")]


@register.filter
def code_prefix(items, prefix):
    """Keep the messages whose code starts with ``prefix``."""
    return [m for m in items or () if str(m.get("code", "")).startswith(prefix)]


@register.filter
def code_not_prefix(items, prefix):
    """Leave out the messages whose code starts with ``prefix``."""
    return [m for m in items or () if not str(m.get("code", "")).startswith(prefix)]


@register.simple_tag
def place_name(result):
    """Return the name of the place where the person applies (home, when the outcome sends them there)."""
    region = result.get("hukou_region" if result.get("outcome") == "apply_at_hukou_place" else "residence_region")
    return (region or {}).get("name", "")


@register.simple_tag
def step_with(steps, milestone):
    """Return the first step with this milestone, or None."""
    return next((s for s in steps or () if s.get("milestone") == milestone), None)


@register.simple_tag
def join_names(documents):
    """Return document names joined with 、."""
    return format_html_join("、", "{}", ((d.get("name", ""),) for d in documents or ()))
