from collections import Counter
from importlib.metadata import version

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from procedures.calendar import official_schedule
from procedures.models import CalendarDay, CalendarYear, Confidence

SOURCE_PREFIX = "chinesecalendar "
SOURCE_SUFFIX = "（国务院办公厅节假日安排通知）"
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


def from_package(source):
    """Return True if a row's source says it was imported from chinesecalendar (any version)."""
    return source.startswith(SOURCE_PREFIX) and source.endswith(SOURCE_SUFFIX)


class Command(BaseCommand):
    help = (
        "Import holidays and swapped working days from the installed chinesecalendar package. "
        "Rows entered or edited by an admin (any other source) are left alone."
    )

    def handle(self, *args, **options):
        holidays, workdays, years = official_schedule()
        wanted_days = {}
        for kind, found in ((CalendarDay.Kind.HOLIDAY, holidays), (CalendarDay.Kind.WORKDAY, workdays)):
            for day, name in found.items():
                if day.year in years:
                    wanted_days[day] = {"kind": kind, "name": NAMES.get(name, name)}
        provenance = {
            "source": f"{SOURCE_PREFIX}{version('chinesecalendar')}{SOURCE_SUFFIX}",
            "confidence": Confidence.VERIFIED,
            "last_checked": timezone.localdate(),
        }
        with transaction.atomic():
            day_counts, kept_days = _sync(
                CalendarDay, "date", wanted_days, provenance, stale=lambda row: row.date.year in years)
            year_counts, kept_years = _sync(
                CalendarYear, "year", dict.fromkeys(years, {"complete": True}), provenance,
                stale=lambda row: False)
        for row in kept_days + kept_years:
            self.stdout.write(f"Kept (edited by an admin): {row}, source: {row.source or '-'}")
        self.stdout.write(
            f"Days: {day_counts['added']} added, {day_counts['updated']} updated, "
            f"{day_counts['removed']} removed, {len(kept_days)} kept. "
            f"Years: {year_counts['added']} added, {year_counts['updated']} updated, {len(kept_years)} kept "
            f"(package covers {min(years)}–{max(years)})."
        )


def _sync(model, key, wanted, provenance, stale):
    """Bring package-owned rows of ``model`` in line with ``wanted``; return (counts, rows kept)."""
    counts, kept = Counter(), []
    existing = {getattr(row, key): row for row in model.objects.all()}
    for value, fields in sorted(wanted.items()):
        row = existing.get(value)
        if row is None:
            model.objects.create(**{key: value}, **fields, **provenance)
            counts["added"] += 1
        elif not from_package(row.source):
            kept.append(row)
        elif row.source != provenance["source"] or any(getattr(row, f) != v for f, v in fields.items()):
            for name, new in {**fields, **provenance}.items():
                setattr(row, name, new)
            row.save()
            counts["updated"] += 1
    # A date the package no longer lists (a corrected schedule) must not linger as a holiday.
    for value, row in existing.items():
        if value not in wanted and from_package(row.source) and stale(row):
            row.delete()
            counts["removed"] += 1
    return counts, kept
