"""Children under 16 may make a first application where they live, as the sources report (R6).

The plan used to send a child home for a first card, citing as verified a 16-and-over limit that its
source (the ministry's 2024-05-27 statement) does not state. Guangdong's own guide (a county
government page, with Xinhua's report of the launch) describes first applications for under-16s
inside and across provinces; Shandong's and the Sichuan–Chongqing–Guizhou pilot's guides describe
the same pattern. So:

- ``cross-region-first-application`` applies at any age from 2024-05-27, with the guardian, the
  guardian's ID and proof of guardianship, and one proof of the guardian's residence or the child's
  schooling; a notice says what is verified (Guangdong) and what is likely elsewhere;
- ``first-application-at-hukou-place`` is kept for plans dated before 2024-05-27, when cross-province
  first applications were still in pilots, and says so;
- a 15-year-old is told what turning 16 changes (a 5-year or a 10-year card) and the 3-month duty.
"""
import datetime

from django.db import migrations

CHECKED = datetime.date(2026, 12, 3)
SEEDED = datetime.date(2026, 11, 25)
V, L = "verified", "likely"

FIRST_HERE = ("cross-region-first-application",)
FIRST_HOME = ("first-application-at-hukou-place",)

LAW = "《中华人民共和国居民身份证法》（2011 年修正）"
OLD_FIRST_2024 = "news.youth.cn 2024-05-27（首次申领居民身份证跨省通办）"
OLD_SEED = "177250.com/sfz/427.html（异地换领、补领身份证流程）"
FIRST_2024 = (
    "中国新闻网、中国青年网《公安部：全国范围已实现首次申领居民身份证“跨省通办”》，2024-05-27，"
    "https://news.youth.cn/jsxw/202405/t20240527_15276900.htm")
PILOTS = (
    "央视网《多地将启动首次申领身份证“跨省通办”试点》，2022-08-18（中国法院网），"
    "https://chinacourt.org/article/detail/2022/08/id/6860293.shtml")
XINGNING = (
    "兴宁市人民政府网（广东）首次申领居民身份证跨省通办、省内通办须知（2023），"
    "https://www.xingning.gov.cn/jrxn/xnxw/content/post_2474913.html")
XINHUA_GD = (
    "新华社广州 2023-03-31 电《广东全面开通首次申领居民身份证跨省通办服务》（深圳热线转载 "
    "http://www.shenzhenrexian.net/redian/2023/0401/13159.html）")
HEZE = "菏泽日报 2022-11（山东启动首次申领居民身份证跨省通办），http://heze.cn/hzrb/pc/c/content_79240.html"
CHONGQING = "重庆公安机关首次申领跨省通办指南（百科转载，2022-05-18），http://m.bbbaike.com/baike/techan/240366.html"
KIDBBS = "百科转载（系统能查明监护关系的不再要求提供），http://m.kidbbs.com/baike/techan/1641399.html"

FIRST_TIME = {"fact": "reason", "op": "eq", "value": "first_time"}
CROSS = {"fact": "cross_region", "op": "eq", "value": True}
MINOR = {"fact": "age", "op": "lt", "value": 16}
IN_GUANGDONG = {"fact": "residence.province", "op": "eq", "value": "440000"}
OUTSIDE_GUANGDONG = {"fact": "residence.province", "op": "ne", "value": "440000"}
NATIONWIDE = "2024-05-27"


def was(source, confidence, checked=SEEDED):
    return {"source": source, "confidence": confidence, "last_checked": checked}


def now(source, confidence):
    return {"source": source, "confidence": confidence, "last_checked": CHECKED}


def edit(model, slugs, key, old, new):
    """Change the rows of ``model`` in procedures ``slugs`` matching ``key`` that still hold ``old``."""
    return {"model": model, "slugs": slugs, "key": key, "old": old, "new": new}


def notice(slugs, code, title, text, *, order, condition, source, confidence, severity="info",
           explains_outcome=False):
    return {"model": "notice", "slugs": slugs, "key": {"code": code}, "fields": {
        "title": title, "text": text, "order": order, "condition": condition, "severity": severity,
        "topic": "general", "explains_outcome": explains_outcome, **now(source, confidence)}}


def requirement(slugs, code, name, description, *, order, condition, source, confidence, group=""):
    return {"model": "requirement", "slugs": slugs, "key": {"code": code}, "fields": {
        "name": name, "description": description, "order": order, "condition": condition, "form": "original",
        "quantity": 1, "any_of_group": group, "handed_back": False, "held_when": {}, **now(source, confidence)}}


ADULTS_ONLY = {
    "title": "异地首次申领只面向 16 周岁以上",
    "text": "首次申领居民身份证的跨省通办，自 2024 年 5 月 27 日起面向年满 16 周岁的公民；未满 16 周岁的首次申领，须回户籍地办理。",
    "order": 5, "condition": {}, "severity": "warning", "topic": "general", "explains_outcome": True,
    **was(OLD_FIRST_2024, V),
}

PROCEDURE_EDITS = [
    ("first-application-at-hukou-place",
     {"summary": "未满 16 周岁首次申领，须由监护人陪同回户籍地办理。",
      "applies_when": {"all": [FIRST_TIME, CROSS, {"any": [MINOR, {"fact": "today", "op": "lt", "value": NATIONWIDE}]}]},
      **was(OLD_FIRST_2024, V)},
     {"summary": "2024 年 5 月 27 日之前，跨省首次申领还在分批试点，一般须回户籍地办理。",
      "applies_when": {"all": [FIRST_TIME, CROSS, {"fact": "today", "op": "lt", "value": NATIONWIDE}]},
      **now(FIRST_2024 + "；" + PILOTS, V)}),
    ("cross-region-first-application",
     {"summary": "年满 16 周岁，在居住地首次申领居民身份证（2024 年 5 月 27 日起全国通办）。",
      "applies_when": {"all": [FIRST_TIME, CROSS, {"fact": "age", "op": "gte", "value": 16},
                               {"fact": "today", "op": "gte", "value": NATIONWIDE}]},
      **was(OLD_FIRST_2024, V)},
     {"summary": "在居住地首次申领居民身份证（公安部 2024 年 5 月 27 日宣布已全国跨省通办；未满 16 周岁的由监护人代为申请）。",
      "applies_when": {"all": [FIRST_TIME, CROSS, {"fact": "today", "op": "gte", "value": NATIONWIDE}]},
      **now(FIRST_2024 + "；" + XINGNING, V)}),
]

EDITS = [
    edit("state", FIRST_HERE, {"code": "apply"},
         {"description": "填写《居民身份证异地受理登记表》，交验户口簿，采集指纹，拿好领证回执。", **was(OLD_SEED, V)},
         {"description": "填写《居民身份证异地受理登记表》，交验户口簿和居住（或就学）证明，采集指纹，拿好领证回执；"
                         "未满 16 周岁的由监护人代为申请，并带孩子到场。", **now(FIRST_2024 + "；" + XINGNING, V)}),
    edit("requirement", FIRST_HERE, {"code": "hukou_book"}, was(OLD_FIRST_2024, L), now(XINGNING + "；" + HEZE, V)),
    edit("requirement", FIRST_HERE, {"code": "residence_permit"}, {"description": "证明您在本地居住。"},
         {"description": "证明在本地居住（未满 16 周岁的，可以是监护人的）。"}),
    edit("requirement", FIRST_HERE, {"code": "residence_proof"},
         {"description": "任选一种：暂住登记、劳动合同、学生证、房产证或租房合同；不少地方可用书面承诺代替。"},
         {"description": "任选一种：暂住登记、劳动合同、学生证、房产证或租房合同（未满 16 周岁的，可以是监护人的）；"
                         "不少地方可用书面承诺代替。"}),
]

CREATES = [
    requirement(FIRST_HERE, "schooling_proof", "孩子在本地就学的证明",
                "如学籍证明或学生证；未满 16 周岁的，可以用它代替监护人的居住证明。",
                order=42, group="residence", condition=MINOR, source=HEZE + "；" + CHONGQING, confidence=L),
    requirement(FIRST_HERE, "guardian_proof", "监护关系证明和监护人身份证",
                "监护人带本人身份证件；户口簿上看不出监护关系的，另带出生医学证明等监护关系证明。",
                order=90, condition=MINOR, source=XINGNING + "；" + HEZE + "；" + KIDBBS, confidence=L),
    notice(FIRST_HERE, "guardian_must_attend", "未满 16 周岁须监护人陪同",
           "申请人未满 16 周岁，须由监护人陪同并代为申请，带上户口簿和监护人的身份证件（户口簿看不出监护关系的，"
           "另带监护关系证明）；孩子本人须到场采集指纹。", order=10,
           condition=MINOR, severity="warning", source=LAW + "第七条；" + XINGNING, confidence=L),
    notice(FIRST_HERE, "minor_first_application_guangdong", "未满 16 周岁：在广东可以就地首次申领",
           "广东公布：未满 16 周岁的首次申领由监护人代为申请，并带孩子到窗口；提交孩子的户口簿、照片回执，"
           "监护人的身份证件、居住信息和监护关系材料（如出生医学证明；户口簿能证明监护关系的不用另交）。",
           order=11, condition={"all": [MINOR, IN_GUANGDONG]}, source=XINGNING + "；" + XINHUA_GD, confidence=V),
    notice(FIRST_HERE, "minor_first_application_elsewhere", "未满 16 周岁：一般也可以在居住地首次申领",
           "公安部 2024 年 5 月宣布首次申领已全国跨省通办；广东、山东、川渝黔等地公布的做法都允许未满 16 周岁的孩子"
           "在居住地首次申领：监护人陪同并代为申请，带孩子的户口簿、监护人的身份证，户口簿看不出监护关系的另带出生医学证明等，"
           "再加一种监护人在本地工作、居住或孩子在本地就学的证明，有的地方还要现场签书面承诺书。各地要求不完全一样，"
           "出发前请先向受理点确认。",
           order=11, condition={"all": [MINOR, OUTSIDE_GUANGDONG]},
           source=FIRST_2024 + "；" + HEZE + "；" + CHONGQING + "；" + XINGNING, confidence=L),
    notice(("cross-region-first-application", "local-first-application"), "turning_16_soon", "快满 16 周岁了",
           "未满 16 周岁时签发的证有效期 5 年，满 16 周岁后签发的有效期 10 年。如果再过几周就满 16 周岁、又不急着用证，"
           "可以考虑满 16 周岁后再申请；满 16 周岁后 3 个月内应当申领。",
           order=12, condition={"fact": "age", "op": "eq", "value": 15}, source=LAW + "第五条、第七条", confidence=V),
    notice(FIRST_HOME, "first_application_before_nationwide", "跨省首次申领当时尚未全国开通",
           "首次申领居民身份证“跨省通办”2021 年起在京津冀、长三角等地试点，2022 年起分批扩大；公安部 2024 年 5 月 27 日"
           "宣布已在全国实现。您计划办理的日期在此之前，居住地可能还不能受理，一般要回户籍地办理；也可以先问居住地受理点是否已经开通。",
           order=5, condition={}, severity="warning", explains_outcome=True, source=PILOTS + "；" + FIRST_2024,
           confidence=V),
]
DELETES = [("notice", FIRST_HOME, {"code": "cross_region_first_application_adults_only"}, ADULTS_ONLY)]


def _plain(values):
    """Return the values a row can be matched on (JSON conditions are not compared)."""
    return {name: value for name, value in values.items() if not isinstance(value, dict | list)}


def _rows(apps, change, values):
    model = apps.get_model("procedures", change["model"])
    return model.objects.filter(procedure__slug__in=change["slugs"], **change["key"], **_plain(values))


def _create(apps, model_name, slugs, key, fields):
    Procedure = apps.get_model("procedures", "Procedure")
    model = apps.get_model("procedures", model_name)
    for procedure in Procedure.objects.filter(slug__in=slugs):
        model.objects.get_or_create(procedure=procedure, **key, defaults=fields)


def forwards(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    for slug, old, new in PROCEDURE_EDITS:
        Procedure.objects.filter(slug=slug, **_plain(old)).update(**new)
    for change in EDITS:
        _rows(apps, change, change["old"]).update(**change["new"])
    for model_name, slugs, key, fields in DELETES:
        _rows(apps, {"model": model_name, "slugs": slugs, "key": key}, {"source": fields["source"]}).delete()
    for change in CREATES:
        _create(apps, change["model"], change["slugs"], change["key"], change["fields"])


def backwards(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    for change in reversed(CREATES):
        _rows(apps, change, {"source": change["fields"]["source"]}).delete()
    for model_name, slugs, key, fields in DELETES:
        _create(apps, model_name, slugs, key, fields)
    for change in reversed(EDITS):
        _rows(apps, change, change["new"]).update(**change["old"])
    for slug, old, new in reversed(PROCEDURE_EDITS):
        Procedure.objects.filter(slug=slug, **_plain(new)).update(**old)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0012_acceptance_scope")]
    operations = [migrations.RunPython(forwards, backwards)]
