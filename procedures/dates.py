"""The one Chinese date formatter: 2026年12月1日, or 2026年12月1日（周二）."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

WEEKDAYS = (gettext_lazy("周一"), gettext_lazy("周二"), gettext_lazy("周三"), gettext_lazy("周四"),
            gettext_lazy("周五"), gettext_lazy("周六"), gettext_lazy("周日"))


def cn_date(day, *, weekday=False):
    """Return ``day`` written the Chinese way, with the day of the week when asked."""
    text = _("%(year)d年%(month)d月%(day)d日") % {"year": day.year, "month": day.month, "day": day.day}
    if weekday:
        text += _("（%(weekday)s）") % {"weekday": WEEKDAYS[day.weekday()]}
    return text
