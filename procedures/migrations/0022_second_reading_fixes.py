"""What the second reading of every path snapshot found (R7, R11).

- The "no old card" warning sent a person whose details changed to start again as "证件丢了", whose
  plan no longer says that the registration is changed at home first: the warning now says so.
- 0020's "选择邮寄的，随后寄出" on the notice step was read on plans of places that post nothing: the
  step now says only that the office tells the person the card is made (mail plans have their own
  posting step).
- The local renewal's apply step, also taken by a change of details at home, now says that the
  registration is changed at the person's own station first, as that plan's warning does.
"""
from django.db import migrations

EDITS = [  # (procedure slugs or None for all, state or notice, code, field, old, new)
    (None, "Notice", "no_old_card", "text",
     "旧证找不到了的，属于遗失，要按补领办理，请回到第一题选择“证件丢了”重新开始，免得到了窗口不能受理。",
     "旧证找不到了的，属于遗失，要按补领办理，请回到第一题选择“证件丢了”重新开始；姓名等登记信息变了的，"
     "仍要先到户籍地派出所改好户口登记。这样免得到了窗口不能受理。"),
    (None, "State", "ready", "description",
     "证件制好后，受理点通知您领取；选择邮寄的，随后寄出。", "证件制好后，受理点会通知您。"),
    (("local-renewal",), "State", "apply", "description",
     "填写申领登记表，交验原身份证，采集指纹，缴纳工本费（符合免收条件的不收）。",
     "填写申领登记表，交验原身份证，采集指纹，缴纳工本费（符合免收条件的不收）。登记信息变了的，先在户籍所在的"
     "派出所变更户口登记。"),
]


def _apply(apps, forwards):
    for slugs, model_name, code, field, old, new in EDITS:
        rows = apps.get_model("procedures", model_name).objects.filter(code=code)
        if slugs:
            rows = rows.filter(procedure__slug__in=slugs)
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
    dependencies = [("procedures", "0021_photo_words_without_contradictions")]
    operations = [migrations.RunPython(forwards, backwards)]
