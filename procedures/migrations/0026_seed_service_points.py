"""The office directory's first entry: only what a public source says (issue 11).

No office address, hours or phone number could be sourced for any place; the one booking channel
found is Xiamen's (a commercial reprint of Xiamen broadcasting's guide, so 较可能). Everywhere else a
plan says to ask the local police (请向当地公安机关确认) instead of showing an entry.
"""
import datetime

from django.db import migrations

CHECKED = datetime.date(2026, 12, 6)
XIAMEN = {
    "region": "350200", "kind": "channel", "name": "“厦门公安”微信公众号（户政预约）",
    "booking": "关注“厦门公安”微信公众号，点“办事大厅”→“户政预约”，选择业务（申领、换领或补领居民身份证）、"
               "时间和地点，预约后到现场办理。",
    "source": "yzzsnet.com 转载厦门广电《厦门身份证预约办理流程》（商业网站），http://yzzsnet.com/techan/35597.html",
    "confidence": "likely",
}
ENTRIES = [XIAMEN]


def forwards(apps, schema_editor):
    region = apps.get_model("procedures", "Region")
    point = apps.get_model("procedures", "ServicePoint")
    for entry in ENTRIES:
        fields = {**entry, "region": region.objects.get(code=entry["region"]), "last_checked": CHECKED}
        point.objects.get_or_create(region=fields["region"], name=fields["name"], defaults=fields)


def backwards(apps, schema_editor):
    point = apps.get_model("procedures", "ServicePoint")
    for entry in ENTRIES:
        point.objects.filter(region__code=entry["region"], name=entry["name"]).delete()


class Migration(migrations.Migration):
    dependencies = [("procedures", "0025_service_points")]
    operations = [migrations.RunPython(forwards, backwards)]
