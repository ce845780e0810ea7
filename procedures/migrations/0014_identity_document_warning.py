"""No identity document, no acceptance: say so before the person travels (R7).

A reissue needs one identity document: the household register, the residence permit, or another
police-issued ID such as a passport or a driving licence (十条准则 Art. 1; the ministry's 2015 opinion:
"对难以确认身份…人员，不予受理"). Where the documents answer holds none of them, the reissue plans warn
first, with what to do instead. At home the law names the household register; that an office takes
another police-issued ID there is only likely.

The condition reads ``documents`` with ``not_in`` ("holds none of"), which also holds when the
question was not answered at all; the text is written to be true in both cases.
"""
import datetime

from django.db import migrations

CHECKED = datetime.date(2026, 12, 3)
V, L = "verified", "likely"

LAW = "《中华人民共和国居民身份证法》（2011 年修正）"
TEN_RULES = (
    "《居民身份证异地受理工作十条准则》，高台县人民政府 政府信息公开·户籍管理，2023-08-14，"
    "http://gaotai.gov.cn/zfxxgk/fdzdgknr/zdmsxx/hjgl/202308/t20230814_1093616.html")
MPS_2015 = (
    "新华社 2015-11-12 电：公安部印发《关于建立居民身份证异地受理挂失申报和丢失招领制度的意见》"
    "（中华工商时报转载，http://big5.china.com.cn/gate/big5/finance.china.com.cn/roll/20151113/3442127.shtml）")

LOST = {"fact": "reason", "op": "eq", "value": "lost"}


def holds_none_of(*documents):
    return {"all": [LOST, {"fact": "documents", "op": "not_in", "value": list(documents)}]}


def notice(slugs, code, title, text, *, order, condition, source, confidence):
    return {"slugs": slugs, "code": code, "fields": {
        "title": title, "text": text, "order": order, "condition": condition, "severity": "warning",
        "topic": "general", "explains_outcome": False, "source": source, "confidence": confidence,
        "last_checked": CHECKED}}


CREATES = [
    notice(("cross-region-reissue",), "no_identity_document", "没有身份证件，受理点不能受理",
           "补领要出示一种身份证件：户口簿、居住证，或驾驶证、护照等公安机关签发的证件。一种都没有的，受理点会因为"
           "身份难以确认而不予受理。出发前可以：请家人把户口簿寄来或带来；或回户籍地派出所问清楚怎么办；"
           "也可以先打电话问受理点还接受哪些证件。",
           order=3, condition=holds_none_of("hukou_book", "residence_permit", "other_police_id"),
           source=TEN_RULES + "（第一条）；" + MPS_2015, confidence=V),
    notice(("local-reissue",), "no_identity_document", "先备好户口簿",
           "在户籍地补领要交验户口簿；没有户口簿的，可以问派出所是否接受驾驶证、护照等公安机关签发的证件。"
           "一种都没有的，请先向派出所问清楚再去，以免白跑。",
           order=3, condition=holds_none_of("hukou_book", "other_police_id"),
           source=LAW + "第十条；" + TEN_RULES + "（第一条，异地受理的身份证件）", confidence=L),
]


def forwards(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    Notice = apps.get_model("procedures", "Notice")
    for change in CREATES:
        for procedure in Procedure.objects.filter(slug__in=change["slugs"]):
            Notice.objects.get_or_create(procedure=procedure, code=change["code"], defaults=change["fields"])


def backwards(apps, schema_editor):
    Notice = apps.get_model("procedures", "Notice")
    for change in CREATES:
        Notice.objects.filter(procedure__slug__in=change["slugs"], code=change["code"],
                              source=change["fields"]["source"]).delete()


class Migration(migrations.Migration):
    dependencies = [("procedures", "0013_minors_where_they_live")]
    operations = [migrations.RunPython(forwards, backwards)]
