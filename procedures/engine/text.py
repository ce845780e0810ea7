"""Filling ``{fact}`` placeholders in admin-written text."""
import datetime
import re

from django.utils.translation import gettext as _

from ..dates import cn_date

PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)?)\}")


def format_value(value):
    """Format a fact for a sentence shown to the applicant."""
    if isinstance(value, datetime.date):
        return cn_date(value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def render_text(text, facts):
    """Fill ``{fact}`` placeholders from ``facts``; unknown ones stay as written."""
    if "{" not in text:
        return text

    def substitute(match):
        value = facts.get(match.group(1))
        return match.group(0) if value is None else format_value(value)

    return PLACEHOLDER.sub(substitute, text)
