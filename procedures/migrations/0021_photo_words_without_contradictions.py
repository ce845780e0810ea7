"""Photo instructions that can all be followed at once (R8), from the snapshot reading.

- The first application at home said "拍照（或交照片回执）" also where the place requires a receipt
  (Guangdong): the step now says a receipt where one is required, a counter photo elsewhere.
- The "receipt accepted, not required" notice opened with "办证地也接受照片回执" and only later said
  that a first application in Qinghai is photographed at the counter: the exception now comes first.
Sources are unchanged (0015).
"""
from django.db import migrations

EDITS = [
    ("State", "first-application-at-hukou-place", "apply",
     "填写申领登记表，交验户口簿，采集指纹，拍照（或交照片回执）；未满 16 周岁的由监护人陪同。",
     "填写申领登记表，交验户口簿，采集指纹；办证地要求照片回执的交回执，不要求的现场拍照；未满 16 周岁的由监护人陪同。"),
    ("Notice", None, "photo_receipt_optional",
     "办证地也接受照片回执，但不是必须。官方渠道优先：青海可用微信小程序“证照e拍”（首次申领仍须现场拍照）；",
     "办证地也接受照片回执，但不是必须（青海的首次申领须现场拍照，不用回执）。官方渠道优先：青海换领、补领可用"
     "微信小程序“证照e拍”；"),
]


def _apply(apps, forwards):
    for model_name, slug, code, old, new in EDITS:
        model = apps.get_model("procedures", model_name)
        field = "description" if model_name == "State" else "text"
        rows = model.objects.filter(code=code)
        if slug:
            rows = rows.filter(procedure__slug=slug)
        before, after = (old, new) if forwards else (new, old)
        for row in rows:
            text = getattr(row, field)
            if before in text:
                setattr(row, field, text.replace(before, after, 1))
                row.save(update_fields=[field])


def forwards(apps, schema_editor):
    _apply(apps, True)


def backwards(apps, schema_editor):
    _apply(apps, False)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0020_snapshot_review_fixes")]
    operations = [migrations.RunPython(forwards, backwards)]
