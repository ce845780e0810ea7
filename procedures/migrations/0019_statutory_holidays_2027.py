"""The days the law itself makes holidays in 2027, before the State Council's schedule is out (R4).

《全国年节及纪念日放假办法》 (as revised by State Council Decree No. 798, in force since 2025-01-01),
Art. 2, gives every citizen 13 days: 元旦 1 January; 春节 the lunar New Year's Eve and the first three
days of the first lunar month; 清明 the Qingming solar term; 劳动节 1 and 2 May; 端午 the fifth day of
the fifth lunar month; 中秋 the fifteenth day of the eighth lunar month; 国庆 1 to 3 October. The lunar
dates below are those days in 2027 (the conversion agrees with the State Council's 2026 schedule for
the same rule). Offices are closed on them whatever the schedule adds. The year stays incomplete
(no CalendarYear row): the schedule's extra days off and swapped working days (调休) are not known
yet, so plans still say their 2027 dates are estimates. Rows an admin entered are left alone.
"""
import datetime

from django.db import migrations

SOURCE = "《全国年节及纪念日放假办法》（2024 年 11 月国务院令第 798 号修订，2025 年 1 月 1 日起施行）第二条"
CHECKED = datetime.date(2026, 12, 3)
D = datetime.date
HOLIDAYS_2027 = [
    (D(2027, 1, 1), "元旦"),
    (D(2027, 2, 5), "春节"), (D(2027, 2, 6), "春节"), (D(2027, 2, 7), "春节"), (D(2027, 2, 8), "春节"),
    (D(2027, 4, 5), "清明节"),
    (D(2027, 5, 1), "劳动节"), (D(2027, 5, 2), "劳动节"),
    (D(2027, 6, 9), "端午节"),
    (D(2027, 9, 15), "中秋节"),
    (D(2027, 10, 1), "国庆节"), (D(2027, 10, 2), "国庆节"), (D(2027, 10, 3), "国庆节"),
]


def forwards(apps, schema_editor):
    CalendarDay = apps.get_model("procedures", "CalendarDay")
    taken = set(CalendarDay.objects.filter(date__year=2027).values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, kind="holiday", name=name, source=SOURCE, confidence="verified", last_checked=CHECKED)
        for day, name in HOLIDAYS_2027 if day not in taken)


def backwards(apps, schema_editor):
    apps.get_model("procedures", "CalendarDay").objects.filter(source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("procedures", "0018_urgent_option_waits_for_a_step")]
    operations = [migrations.RunPython(forwards, backwards)]
