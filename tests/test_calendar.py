"""The working-day calendar: seeded holidays, years past the data, admin overrides, months."""
import datetime
import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from procedures import selectors
from procedures.calendar import Shift, WorkingCalendar, add_months
from procedures.dates import cn_date
from procedures.models import CalendarDay, CalendarYear
from procedures.selectors import load_calendar

seed_migration = importlib.import_module("procedures.migrations.0003_seed_calendar")
PACKAGE_SOURCE = "chinesecalendar 1.11.0（国务院办公厅节假日安排通知）"
D = datetime.date


@pytest.fixture(autouse=True)
def empty_calendar_cache():
    # The cache is keyed by a DB counter, which a test's rollback winds back: without
    # this, the next test could get a calendar cached for the same counter value.
    selectors.clear_caches()
    yield
    selectors.clear_caches()


@pytest.fixture
def calendar(db):
    return load_calendar()


PROVENANCE = ("source", "confidence", "last_checked")


def calendar_rows():
    return sorted(CalendarDay.objects.values_list("date", "kind", "name", *PROVENANCE))


def year_rows():
    return sorted(CalendarYear.objects.values_list("year", "complete", *PROVENANCE))


@pytest.mark.parametrize("day, working", [
    pytest.param(D(2026, 10, 1), False, id="national-day"),
    pytest.param(D(2026, 2, 17), False, id="spring-festival"),
    pytest.param(D(2026, 2, 23), False, id="spring-festival-monday"),
    pytest.param(D(2026, 9, 20), True, id="swapped-sunday-before-national-day"),
    pytest.param(D(2026, 2, 14), True, id="swapped-saturday-before-spring-festival"),
    pytest.param(D(2026, 3, 7), False, id="ordinary-saturday"),
    pytest.param(D(2026, 3, 8), False, id="ordinary-sunday"),
    pytest.param(D(2026, 3, 9), True, id="ordinary-monday"),
])
def test_seeded_working_days(calendar, day, working):
    assert calendar.is_working_day(day) is working


@pytest.mark.django_db
def test_seed_names_and_provenance():
    day = CalendarDay.objects.get(date=D(2026, 2, 17))
    assert (day.kind, day.name, day.source, day.confidence, day.last_checked) == (
        "holiday", "春节", PACKAGE_SOURCE, "verified", D(2026, 11, 25))
    assert CalendarDay.objects.get(date=D(2026, 9, 20)).kind == "workday"
    assert set(CalendarDay.objects.values_list("name", flat=True)) == {
        "元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节",
        "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
    }
    years = set(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
    assert years == set(range(2004, 2027))


@pytest.mark.parametrize("start, count, expected", [
    # 1 to 7 October 2026 off, Saturday 10 October worked.
    pytest.param(D(2026, 9, 30), 1, D(2026, 10, 8), id="national-day"),
    pytest.param(D(2026, 9, 29), 5, D(2026, 10, 12), id="national-day-with-swapped-saturday"),
    pytest.param(D(2026, 9, 28), 10, D(2026, 10, 16), id="national-day-ten-days"),
    # 15 to 23 February 2026 off, Saturdays 14 and 28 February worked.
    pytest.param(D(2026, 2, 13), 1, D(2026, 2, 14), id="spring-festival-swapped-saturday"),
    pytest.param(D(2026, 2, 13), 3, D(2026, 2, 25), id="spring-festival"),
    pytest.param(D(2026, 3, 2), 0, D(2026, 3, 2), id="zero-days"),
])
def test_add_working_days_in_known_year(calendar, start, count, expected):
    assert calendar.add_working_days(start, count) == Shift(expected, True)


@pytest.mark.parametrize("start, count, expected", [
    pytest.param(D(2027, 3, 1), 10, D(2027, 3, 15), id="year-past-the-data"),
    pytest.param(D(2026, 12, 30), 5, D(2027, 1, 7), id="span-into-2027"),  # 1 January closed by law
    pytest.param(D(2003, 12, 20), 5, D(2003, 12, 26), id="year-before-the-data"),
])
def test_add_working_days_past_the_data_is_flagged(calendar, start, count, expected):
    shift = calendar.add_working_days(start, count)
    assert (shift.date, shift.complete) == (expected, False)


@pytest.mark.parametrize("start, count", [
    pytest.param(D(2099, 1, 1), 250, id="far-future"),
    pytest.param(D(1990, 1, 1), 250, id="before-the-data"),
    pytest.param(D(2026, 1, 1), 10_000, id="huge-count"),
])
def test_add_working_days_never_raises(calendar, start, count):
    shift = calendar.add_working_days(start, count)
    assert shift.date > start
    assert shift.complete is False


@pytest.mark.django_db
def test_admin_override_completes_a_year():
    # 1 January 2027 is closed already (the law's fixed holidays, migration 0019); the year is not complete.
    before = load_calendar().add_working_days(D(2026, 12, 30), 5)
    assert (before.date, before.complete) == (D(2027, 1, 7), False)

    CalendarYear.objects.create(year=2027, source="国务院办公厅通知")

    after = load_calendar().add_working_days(D(2026, 12, 30), 5)
    assert (after.date, after.complete) == (D(2027, 1, 7), True)


@pytest.mark.django_db
def test_admin_deleting_a_holiday_is_seen():
    assert load_calendar().is_working_day(D(2026, 10, 1)) is False
    CalendarDay.objects.get(date=D(2026, 10, 1)).delete()
    assert load_calendar().is_working_day(D(2026, 10, 1)) is True


@pytest.mark.parametrize("day, months, expected", [
    pytest.param(D(2026, 1, 31), 1, D(2026, 2, 28), id="january-end-to-february"),
    pytest.param(D(2028, 1, 31), 1, D(2028, 2, 29), id="january-end-to-leap-february"),
    pytest.param(D(2028, 2, 29), 12, D(2029, 2, 28), id="leap-day-plus-a-year"),
    pytest.param(D(2028, 2, 29), 48, D(2032, 2, 29), id="leap-day-plus-four-years"),
    pytest.param(D(2026, 5, 31), 1, D(2026, 6, 30), id="31st-to-30-day-month"),
    pytest.param(D(2026, 12, 15), 1, D(2027, 1, 15), id="across-new-year"),
    pytest.param(D(2026, 3, 31), -1, D(2026, 2, 28), id="back-to-february"),
    pytest.param(D(2026, 1, 15), -1, D(2025, 12, 15), id="back-across-new-year"),
    pytest.param(D(2029, 2, 28), -12, D(2028, 2, 28), id="back-a-year"),
    pytest.param(D(2026, 7, 31), -3, D(2026, 4, 30), id="back-three-months"),
    pytest.param(D(2026, 7, 31), 0, D(2026, 7, 31), id="zero"),
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize("start, amount, unit, expected", [
    pytest.param(D(2026, 1, 31), 1, "months", D(2026, 2, 28), id="months"),
    pytest.param(D(2026, 8, 31), -3, "months", D(2026, 5, 31), id="negative-months"),
    pytest.param(D(2026, 9, 30), 10, "calendar_days", D(2026, 10, 10), id="calendar-days"),
    pytest.param(D(2026, 12, 25), 30, "calendar_days", D(2027, 1, 24), id="calendar-days-into-2027"),
])
def test_add_months_and_calendar_days(start, amount, unit, expected):
    # Neither unit depends on the holidays, so even an empty calendar is complete.
    shift = WorkingCalendar().add(start, amount, unit)
    assert (shift.date, shift.complete) == (expected, True)


def test_add_working_days_unit(calendar):
    shift = calendar.add(D(2026, 9, 30), 1, "working_days")
    assert (shift.date, shift.complete) == (D(2026, 10, 8), True)


@pytest.mark.django_db
def test_seed_migration_is_rerunnable_and_reversible():
    seeded_days, seeded_years = calendar_rows(), year_rows()
    assert len(seeded_days) > 700

    seed_migration.seed(apps, None)
    seed_migration.seed(apps, None)
    assert (calendar_rows(), year_rows()) == (seeded_days, seeded_years)

    edited = CalendarDay.objects.get(date=D(2026, 10, 7))
    edited.kind, edited.name, edited.source = "workday", "提前上班", "某市人民政府通知"
    edited.save()
    seed_migration.seed(apps, None)
    assert CalendarDay.objects.get(date=D(2026, 10, 7)).kind == "workday"

    seed_migration.unseed(apps, None)
    # Left: the admin's edit, and the 2027 days the law fixes (migration 0019, not the package's seed).
    assert list(CalendarDay.objects.filter(date__year__lte=2026).values_list("date", flat=True)) == [D(2026, 10, 7)]
    assert not CalendarYear.objects.exists()
    assert load_calendar().covers(D(2026, 10, 1)) is False


@pytest.mark.django_db
def test_sync_holidays_adds_updates_and_is_idempotent():
    seeded_days, seeded_years = calendar_rows(), year_rows()
    first = StringIO()
    call_command("sync_holidays", stdout=first)
    assert "Days: 0 added, 0 updated, 0 removed" in first.getvalue()
    assert (calendar_rows(), year_rows()) == (seeded_days, seeded_years)

    CalendarDay.objects.filter(date__year=2026).delete()
    CalendarYear.objects.filter(year=2026).delete()
    CalendarDay.objects.filter(date=D(2025, 10, 1)).update(name="错名")
    CalendarDay.objects.create(date=D(2025, 3, 3), kind="holiday", source=PACKAGE_SOURCE)
    second = StringIO()
    call_command("sync_holidays", stdout=second)
    assert "Days: 39 added, 1 updated, 1 removed" in second.getvalue()
    assert "Years: 1 added, 0 updated" in second.getvalue()
    assert load_calendar().add_working_days(D(2026, 9, 30), 1).date == D(2026, 10, 8)
    assert CalendarDay.objects.get(date=D(2025, 10, 1)).name == "国庆节"
    assert not CalendarDay.objects.filter(date=D(2025, 3, 3)).exists()

    third = StringIO()
    call_command("sync_holidays", stdout=third)
    assert "Days: 0 added, 0 updated, 0 removed" in third.getvalue()
    assert "Years: 0 added, 0 updated" in third.getvalue()


@pytest.mark.django_db
def test_sync_holidays_leaves_admin_rows_alone():
    CalendarDay.objects.filter(date=D(2026, 10, 7)).update(kind="workday", name="提前上班", source="某市通知")
    CalendarYear.objects.filter(year=2026).update(complete=False, source="管理员")
    out = StringIO()
    call_command("sync_holidays", stdout=out)

    day = CalendarDay.objects.get(date=D(2026, 10, 7))
    assert (day.kind, day.name, day.source) == ("workday", "提前上班", "某市通知")
    assert CalendarYear.objects.get(year=2026).complete is False
    assert "Kept (edited by an admin): 2026-10-07" in out.getvalue()
    assert "1 kept. Years: 0 added, 0 updated, 1 kept" in out.getvalue()


@pytest.mark.parametrize(("day", "weekday", "text"), [
    pytest.param(D(2026, 12, 1), False, "2026年12月1日", id="plain"),
    pytest.param(D(2026, 12, 1), True, "2026年12月1日（周二）", id="with-weekday"),
    pytest.param(D(2027, 1, 10), True, "2027年1月10日（周日）", id="sunday"),
])
def test_dates_read_in_chinese(day, weekday, text):
    assert cn_date(day, weekday=weekday) == text
