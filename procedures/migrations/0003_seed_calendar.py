"""Seed the official holidays and swapped working days from chinesecalendar 1.11.0.

Self-contained on purpose: it reads the package directly and uses historical
models. Later years come in through ``manage.py sync_holidays``; this migration
stops at 2026 so that it seeds the same rows whatever version is installed.
Rows an admin has entered or edited (another source) are never touched.
"""
import datetime
import secrets

from django.db import migrations

SOURCE = "chinesecalendar 1.11.0（国务院办公厅节假日安排通知）"
LAST_CHECKED = datetime.date(2026, 11, 25)
LAST_YEAR = 2026
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
PROVENANCE = {"source": SOURCE, "confidence": "verified", "last_checked": LAST_CHECKED}


def _schedule():
    """Return ({date: (kind, name)}, years) for the years 1.11.0 covers."""
    import chinese_calendar
    from chinese_calendar import constants

    days = {}
    for kind, found in (("holiday", constants.holidays), ("workday", constants.workdays)):
        for day, name in found.items():
            if day.year <= LAST_YEAR:
                days[day] = (kind, NAMES.get(name, name))
    years = set()
    for year in range(min(day.year for day in days), LAST_YEAR + 1):
        try:
            chinese_calendar.is_workday(datetime.date(year, 6, 1))
        except NotImplementedError:
            continue
        years.add(year)
    return days, years


def _bump_calendar_stamp(apps):
    # Signals do not fire for historical models; running workers must still drop their cache.
    ContentStamp = apps.get_model("procedures", "ContentStamp")
    ContentStamp.objects.update_or_create(key="calendar", defaults={"token": secrets.randbits(62)})


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("procedures", "CalendarDay")
    CalendarYear = apps.get_model("procedures", "CalendarYear")
    days, years = _schedule()
    edited_days = set(CalendarDay.objects.exclude(source=SOURCE).values_list("date", flat=True))
    for day, (kind, name) in sorted(days.items()):
        if day not in edited_days:
            defaults = {"kind": kind, "name": name, **PROVENANCE}
            CalendarDay.objects.update_or_create(date=day, defaults=defaults)
    edited_years = set(CalendarYear.objects.exclude(source=SOURCE).values_list("year", flat=True))
    for year in sorted(years - edited_years):
        CalendarYear.objects.update_or_create(year=year, defaults={"complete": True, **PROVENANCE})
    _bump_calendar_stamp(apps)


def unseed(apps, schema_editor):
    apps.get_model("procedures", "CalendarDay").objects.filter(source=SOURCE).delete()
    apps.get_model("procedures", "CalendarYear").objects.filter(source=SOURCE).delete()
    _bump_calendar_stamp(apps)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0002_seed_regions")]

    operations = [migrations.RunPython(seed, unseed)]
