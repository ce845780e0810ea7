"""What a reading of every path snapshot found wrong (R7, R11 and the fee waiver).

- A renewal whose documents answer lacks the old card was planned as if it would be accepted: the
  law has the old card handed back on renewal (Art. 11), so the renewal plans now warn first and say
  that a lost card is a reissue.
- A change of details in the home city was sent to any nearby counter with only the old card: the
  local renewal now lists the household register and the change papers for it (as the details-changed
  procedure does, same sources), and its "any counter in the city" notices are not shown for it (the
  registration is changed at the person's own station first, as its warning says).
- A waived fee came with no word of the proof: one local page says the waiver needs a certificate
  from the township or street office (较可能).
- Mail plans told the person "受理点通知您证件已可领取" before posting the card; the Hong Kong/Macao
  page told a mainland citizen living there that the card is for mainland-registered citizens.
"""
import datetime

from django.db import migrations

CHECKED = datetime.date(2026, 12, 3)
LAW = "《中华人民共和国居民身份证法》（2011 年修正）"
HARDSHIP_PROOF_SOURCE = (
    LAW + "第二十条（免收、减收工本费的对象）；见闻百科《泰州身份证收工本费吗》，2022-10-18（商业网站：享受优惠的"
    "需所在地乡镇人民政府或街道办事处出具的有效证明），http://jwbk.com/techan/258154.html")

RENEWALS = ("cross-region-renewal", "local-renewal", "details-changed-at-hukou-place")
WAIVERS = ("cross-region-renewal", "local-renewal", "details-changed-at-hukou-place")
DETAILS_CHANGED = {"fact": "reason", "op": "eq", "value": "details_changed"}

NO_OLD_CARD = {
    "title": "换领要交回旧证",
    "text": "换领新证时须交回原来的身份证。您没有选“原来的身份证”：旧证在家里的，出发前记得带上；旧证找不到了的，"
            "属于遗失，要按补领办理，请回到第一题选择“证件丢了”重新开始，免得到了窗口不能受理。",
    "order": 4, "severity": "warning", "topic": "general", "explains_outcome": False,
    "condition": {"fact": "documents", "op": "not_in", "value": ["old_card"]},
    "source": LAW + "第十一条（换领新证时，应当交回原证件）", "confidence": "verified", "last_checked": CHECKED,
}
HARDSHIP_PROOF = {
    "name": "困难证明（免收工本费的）",
    "description": "享受免收工本费的，要出示领取最低生活保障金或特殊生活困难的证明，例如所在地乡镇人民政府或街道办事处"
                   "出具的证明；具体以受理点要求为准。",
    "form": "original", "quantity": 1, "any_of_group": "", "handed_back": False, "held_when": {}, "order": 80,
    "condition": {"fact": "hardship", "op": "eq", "value": True},
    "source": HARDSHIP_PROOF_SOURCE, "confidence": "likely", "last_checked": CHECKED,
}
TEXTS = [  # (model, state or notice code, old text, new text)
    ("State", "ready", "受理点通知您证件已可领取。", "证件制好后，受理点通知您领取；选择邮寄的，随后寄出。"),
    ("State", "explain", "居民身份证发给中国内地（大陆）户籍的公民。",
     "本指南只讲在内地（大陆）办理居民身份证；您的情况请看下面的说明。"),
]
WHERE_NOTICES = ("where_city_wide", "where_scope_unknown")


def forwards(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    Notice = apps.get_model("procedures", "Notice")
    Requirement = apps.get_model("procedures", "Requirement")
    State = apps.get_model("procedures", "State")
    for procedure in Procedure.objects.filter(slug__in=RENEWALS):
        Notice.objects.get_or_create(procedure=procedure, code="no_old_card", defaults=NO_OLD_CARD)
    for procedure in Procedure.objects.filter(slug__in=WAIVERS):
        Requirement.objects.get_or_create(procedure=procedure, code="hardship_proof", defaults=HARDSHIP_PROOF)
    for procedure in Procedure.objects.filter(slug="local-renewal"):
        home = Procedure.objects.filter(slug="details-changed-at-hukou-place", version=1).first()
        for code in ("hukou_book", "change_proof"):
            model = Requirement.objects.filter(procedure=home, code=code).first()
            if model is None or Requirement.objects.filter(procedure=procedure, code=code).exists():
                continue
            Requirement.objects.create(
                procedure=procedure, code=code, name=model.name, description=model.description, form=model.form,
                quantity=model.quantity, any_of_group="", handed_back=False, held_when=model.held_when,
                order=model.order, condition=DETAILS_CHANGED, source=model.source, confidence=model.confidence,
                last_checked=CHECKED)
        for notice in Notice.objects.filter(procedure=procedure, code__in=WHERE_NOTICES):
            if notice.condition and notice.condition.get("all", [None])[0] != {"not": DETAILS_CHANGED}:
                notice.condition = {"all": [{"not": DETAILS_CHANGED}, notice.condition]}
                notice.save(update_fields=["condition"])
    models = {"State": State, "Notice": Notice}
    for model, code, old, new in TEXTS:
        models[model].objects.filter(code=code, description=old).update(description=new)


def backwards(apps, schema_editor):
    Notice = apps.get_model("procedures", "Notice")
    Requirement = apps.get_model("procedures", "Requirement")
    State = apps.get_model("procedures", "State")
    Notice.objects.filter(code="no_old_card", source=NO_OLD_CARD["source"]).delete()
    Requirement.objects.filter(code="hardship_proof", source=HARDSHIP_PROOF_SOURCE).delete()
    Requirement.objects.filter(procedure__slug="local-renewal", code__in=("hukou_book", "change_proof"),
                               condition=DETAILS_CHANGED).delete()
    for notice in Notice.objects.filter(procedure__slug="local-renewal", code__in=WHERE_NOTICES):
        parts = (notice.condition or {}).get("all", [])
        if len(parts) == 2 and parts[0] == {"not": DETAILS_CHANGED}:
            notice.condition = parts[1]
            notice.save(update_fields=["condition"])
    models = {"State": State, "Notice": Notice}
    for model, code, old, new in TEXTS:
        models[model].objects.filter(code=code, description=new).update(description=old)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0019_statutory_holidays_2027")]
    operations = [migrations.RunPython(forwards, backwards)]
