"""The official working-day calendar, as an immutable value the engine can use.

Holidays and swapped working days come from the database (seeded from the
``chinesecalendar`` package, editable by admins). For a year whose schedule has
not been entered, the calendar falls back to Monday to Friday and says so.
"""
import calendar as _calendar
import datetime
from dataclasses import dataclass, field

CALENDAR_DAYS = "calendar_days"
WORKING_DAYS = "working_days"
MONTHS = "months"

# A bound on any single step, so that a typo (3000 months) cannot hang a request.
MAX_STEP_DAYS = 3660


@dataclass(frozen=True)
class Shift:
    """The result of moving along the calendar: the date, and whether it can be trusted."""

    date: datetime.date
    complete: bool = True


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: frozenset = field(default_factory=frozenset)
    workdays: frozenset = field(default_factory=frozenset)
    complete_years: frozenset = field(default_factory=frozenset)

    def covers(self, day):
        """Return True if the official schedule for ``day``'s year is known."""
        return day.year in self.complete_years

    def is_working_day(self, day):
        """Return True if government offices work on ``day``."""
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def is_open(self, day, *, weekends=False):
        """Return True if an office is open on ``day``: a working day, or a weekend day where it opens then."""
        if self.is_working_day(day):
            return True
        return weekends and day.weekday() >= 5 and day not in self.holidays

    def next_open(self, day, *, weekends=False):
        """Return ``day`` if an office is open then, else the next day it is."""
        for _step in range(MAX_STEP_DAYS):
            if self.is_open(day, weekends=weekends):
                return day
            day += datetime.timedelta(days=1)
        return day

    def previous_open(self, day, *, weekends=False):
        """Return ``day`` if an office is open then, else the last day before it that it is."""
        for _step in range(MAX_STEP_DAYS):
            if self.is_open(day, weekends=weekends):
                return day
            day -= datetime.timedelta(days=1)
        return day

    def add_working_days(self, start, count):
        """Return the ``count``-th working day after ``start`` (``start`` itself not counted)."""
        day, complete, remaining = start, True, count
        for _step in range(MAX_STEP_DAYS * 2):
            if remaining <= 0:
                break
            day += datetime.timedelta(days=1)
            complete = complete and self.covers(day)
            if self.is_working_day(day):
                remaining -= 1
        return Shift(day, complete)

    def add(self, start, amount, unit):
        """Move ``amount`` units on from ``start``; unknown units count as calendar days."""
        if unit == WORKING_DAYS:
            return self.add_working_days(start, amount)
        if unit == MONTHS:
            return Shift(add_months(start, amount))
        return Shift(start + datetime.timedelta(days=min(amount, MAX_STEP_DAYS)))


def add_months(day, months):
    """Return the same day ``months`` later (or earlier), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = _calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def add_years(day, years):
    """Return the same day ``years`` later; 29 February becomes 28 February."""
    return add_months(day, 12 * years)


def official_schedule():
    """Return (holidays, workdays, years) from the ``chinesecalendar`` package.

    ``holidays`` and ``workdays`` map dates to names; ``years`` are those the
    package has data for. Years it raises ``NotImplementedError`` for are left out.
    """
    import chinese_calendar
    from chinese_calendar import constants

    holidays = dict(constants.holidays)
    workdays = dict(constants.workdays)
    years = set()
    for year in range(min(d.year for d in holidays), max(d.year for d in holidays) + 1):
        try:
            chinese_calendar.is_workday(datetime.date(year, 6, 1))
        except NotImplementedError:
            continue
        years.add(year)
    return holidays, workdays, years
