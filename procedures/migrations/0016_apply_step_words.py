"""Apply-step texts that fit every case their procedure now takes (R11).

- The pre-2024 first application at home takes any age now (0013), so "监护人陪同" is said for
  children only.
- The renewal procedures waive the fee for the households the law names (Art. 20), so their apply step
  no longer tells everyone to pay.
"""
from django.db import migrations

FEE = "缴纳工本费"
FEE_UNLESS_WAIVED = "缴纳工本费（符合免收条件的不收）"
RENEWALS = {
    "cross-region-renewal": "填写《居民身份证异地受理登记表》，交验原身份证，采集指纹，{fee}，拿好领证回执。",
    "details-changed-at-hukou-place": "先办理户口登记项目变更，再填写申领登记表，交验原身份证，采集指纹，{fee}。",
    "local-renewal": "填写申领登记表，交验原身份证，采集指纹，{fee}。",
}
EDITS = [
    ("first-application-at-hukou-place", "监护人陪同，填写申领登记表，采集指纹，拍照（或交照片回执）。",
     "填写申领登记表，交验户口簿，采集指纹，拍照（或交照片回执）；未满 16 周岁的由监护人陪同。"),
    *((slug, text.format(fee=FEE), text.format(fee=FEE_UNLESS_WAIVED)) for slug, text in RENEWALS.items()),
]


def _apply(apps, direction):
    State = apps.get_model("procedures", "State")
    for slug, old, new in EDITS:
        before, after = (old, new) if direction == "forwards" else (new, old)
        State.objects.filter(procedure__slug=slug, code="apply", description=before).update(description=after)


def forwards(apps, schema_editor):
    _apply(apps, "forwards")


def backwards(apps, schema_editor):
    _apply(apps, "backwards")


class Migration(migrations.Migration):
    dependencies = [("procedures", "0015_photo_receipts")]
    operations = [migrations.RunPython(forwards, backwards)]
