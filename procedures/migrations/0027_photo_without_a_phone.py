"""The route without a phone comes first in the photo section, and says so (issue 11): someone who
does not use a phone for photos reads "不用手机" where the region's rules give a studio or the counter
(Guangdong's studios; counters that photograph on the spot), and the commercial mini-program is
named as the phone route. Titles only, and the Guangdong notice's first sentence; no fact changes."""
from django.db import migrations

GD_OLD_TEXT_START = "广东采用市场化采集：到省内任一照相馆拍照并领取《居民身份证数字相片回执》（收费由照相馆定）"
GD_NEW_TEXT_START = ("广东采用市场化采集：不用自己用手机，到省内任一照相馆拍照，由照相馆办好《居民身份证数字相片回执》"
                     "（收费由照相馆定）")
CHANGES = [
    # (code, field, old, new)
    ("photo_studio_guangdong", "title", "广东：照片来源", "不用手机：到照相馆拍照办回执（广东）"),
    ("photo_counter", "title", "照片：受理点可以现场拍", "不用手机：受理点可以现场拍照"),
    ("photo_receipt_commercial", "title", "商业小程序代办回执", "用手机：商业小程序代办回执"),
]
ORDER = {"photo_counter": (125, 100)}  # before the receipt notices of the same procedure (126, 130)


def _apply(apps, forwards):
    notice = apps.get_model("procedures", "Notice")
    for code, field, old, new in CHANGES:
        before, after = (old, new) if forwards else (new, old)
        notice.objects.filter(code=code, **{field: before}).update(**{field: after})
    for row in notice.objects.filter(code="photo_studio_guangdong"):
        before, after = (GD_OLD_TEXT_START, GD_NEW_TEXT_START) if forwards else (GD_NEW_TEXT_START, GD_OLD_TEXT_START)
        if row.text.startswith(before):
            row.text = after + row.text[len(before):]
            row.save(update_fields=["text"])
    for code, (old, new) in ORDER.items():
        before, after = (old, new) if forwards else (new, old)
        notice.objects.filter(code=code, order=before).update(order=after)


def forwards(apps, schema_editor):
    _apply(apps, True)


def backwards(apps, schema_editor):
    _apply(apps, False)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0026_seed_service_points")]
    operations = [migrations.RunPython(forwards, backwards)]
