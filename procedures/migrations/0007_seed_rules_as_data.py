"""Rules that lived in Python become content on the seeded procedures (every version).

- who may renew early: the renewal-window rows' own condition (only an expiring card);
- which local promise counts: ``promise`` time limits naming the place's rule topic;
- whether the person already has a document: ``Requirement.held_when``;
- where a notice is shown (photo section) and which warning explains a trip home;
- a card posted to the applicant reaches the ``mailed`` milestone, not ``collected``;
- the reissue procedures lose their "hardship reduction" notice: Art. 20 of the law waives or
  reduces the fee on first application and renewal only, and hardship is no longer asked
  where no fee row could be waived.
"""
import datetime

from django.db import migrations

ALWAYS = {}
EXPIRING = {"fact": "reason", "op": "eq", "value": "expiring"}
CROSS = {"fact": "cross_region", "op": "eq", "value": True}
HELD_BY_DOCUMENTS = ("old_card", "hukou_book", "residence_permit", "other_police_id", "residence_proof")
HELD_PHOTO_RECEIPT = {"fact": "has_photo_receipt", "op": "eq", "value": True}
PROMISE_SOURCE = "各地公安机关公布的办证承诺时限（见各地区的承诺时限规定）"
CHECKED = datetime.date(2026, 12, 3)
REISSUES = ("cross-region-reissue", "local-reissue")
HARDSHIP_REDUCTION = {
    "code": "hardship_reduction", "title": "困难群众可申请减收",
    "text": "法律规定的免收工本费适用于申领和换领；遗失补领的，其他困难情况可以向受理点申请减收。",
    "order": 85, "condition": {"fact": "hardship", "op": "eq", "value": True}, "severity": "info",
    "source": "中华人民共和国居民身份证法（2011 年修正）", "confidence": "verified",
}


def _promise(procedure, topic, condition, priority, label):
    return {
        "procedure": procedure, "kind": "promise", "amount": 0, "unit": "calendar_days", "label": label,
        "priority": priority, "region_topic": topic, "condition": condition, "source": PROMISE_SOURCE,
        "confidence": "likely", "last_checked": CHECKED,
    }


def forwards(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    Requirement = apps.get_model("procedures", "Requirement")
    Notice = apps.get_model("procedures", "Notice")
    TimeLimit = apps.get_model("procedures", "TimeLimit")
    State = apps.get_model("procedures", "State")

    for limit in TimeLimit.objects.filter(kind="renewal_window"):
        limit.condition = EXPIRING if not limit.condition else {"all": [EXPIRING, limit.condition]}
        limit.save(update_fields=["condition"])
    for code in HELD_BY_DOCUMENTS:
        Requirement.objects.filter(code=code).update(
            held_when={"fact": "documents", "op": "in", "value": [code]})
    Requirement.objects.filter(code="photo_receipt").update(held_when=HELD_PHOTO_RECEIPT)
    Notice.objects.filter(code__startswith="photo_").update(topic="photo")
    State.objects.filter(code="mailed", milestone="collected").update(milestone="mailed")
    Notice.objects.filter(procedure__slug__in=REISSUES, code=HARDSHIP_REDUCTION["code"]).delete()

    for procedure in Procedure.objects.filter(kind="main"):
        if procedure.outcome == "apply_here":
            TimeLimit.objects.create(**_promise(
                procedure, "promise_cross_region", CROSS, 10, "户籍在外地的：按办证地公布的异地办证承诺时限"))
            TimeLimit.objects.create(**_promise(
                procedure, "promise_local", ALWAYS, 20, "按办证地公布的本地办证承诺时限"))
        elif procedure.outcome == "apply_at_hukou_place":
            TimeLimit.objects.create(**_promise(
                procedure, "promise_local", ALWAYS, 20, "按户籍地公布的本地办证承诺时限"))
            reason = Notice.objects.filter(procedure=procedure, severity="warning").order_by("order", "code").first()
            if reason is not None:
                reason.explains_outcome = True
                reason.save(update_fields=["explains_outcome"])


def backwards(apps, schema_editor):
    Requirement = apps.get_model("procedures", "Requirement")
    Notice = apps.get_model("procedures", "Notice")
    TimeLimit = apps.get_model("procedures", "TimeLimit")
    State = apps.get_model("procedures", "State")

    TimeLimit.objects.filter(kind="promise").delete()
    for limit in TimeLimit.objects.filter(kind="renewal_window"):
        if limit.condition == EXPIRING:
            limit.condition = ALWAYS
        elif limit.condition.get("all", [None])[0] == EXPIRING and len(limit.condition["all"]) == 2:
            limit.condition = limit.condition["all"][1]
        limit.save(update_fields=["condition"])
    Requirement.objects.update(held_when={})
    Notice.objects.update(topic="general", explains_outcome=False)
    State.objects.filter(milestone="mailed").update(milestone="collected")
    Procedure = apps.get_model("procedures", "Procedure")
    for procedure in Procedure.objects.filter(slug__in=REISSUES):
        Notice.objects.get_or_create(procedure=procedure, code=HARDSHIP_REDUCTION["code"],
                                     defaults={k: v for k, v in HARDSHIP_REDUCTION.items() if k != "code"})


class Migration(migrations.Migration):
    dependencies = [("procedures", "0006_rules_as_data")]
    operations = [migrations.RunPython(forwards, backwards)]
