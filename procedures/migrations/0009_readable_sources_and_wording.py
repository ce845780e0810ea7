"""Readable citations instead of internal notes, confidence that matches the source, and words that fit the case.

- every source an applicant can open names a publisher, a title or subject, a date and the address where
  one is known, never the team's working documents ("domain.md §6");
- a fact read only on a commercial page (the seed) is 较可能, never 已核实; the stage durations after
  sign-off have no public source at all, so they are 未确认 and say so;
- the steps speak to the applicant as 您 and fit their procedure: collecting a reissued or first card
  hands back no old card, and a card made at home is not "received by the residence's police";
- Hong Kong, Macao and Taiwan are outside this card by law, not "likely".

Rows are matched by procedure slug (every version) and code, and only while they still hold the values
this migration replaces, so an admin's later edit is left alone; backwards restores the old values.
"""
import datetime

from django.db import migrations

CHECKED = datetime.date(2026, 12, 3)
SEEDED = datetime.date(2026, 11, 25)
V, L, U = "verified", "likely", "unknown"

CROSS_REGION = ("cross-region-renewal", "cross-region-reissue", "cross-region-first-application")
AT_HOME = ("first-application-at-hukou-place", "details-changed-at-hukou-place")
LOCAL = ("local-renewal", "local-reissue", "local-first-application")
MAIN = (*AT_HOME, *CROSS_REGION, *LOCAL)
RENEWALS_AT_HOME = ("details-changed-at-hukou-place", "local-renewal")
OTHER_AT_HOME = ("first-application-at-hukou-place", "local-reissue", "local-first-application")

# --- the sources as they were ---------------------------------------------------------------------

OLD_SEED = "177250.com/sfz/427.html（异地换领、补领身份证流程）"
OLD_LAW = "中华人民共和国居民身份证法（2011 年修正）"
OLD_TEN_RULES = "户籍业务“十条准则”，gaotai.gov.cn 2023-08"
OLD_STAGES = "domain.md §6：制证环节的内部旧规（单一来源）"
OLD_LOCAL = "各地公安机关公开信息（domain.md §9）"
OLD_GUARDIAN = OLD_LAW + "；domain.md §9"
OLD_NA = "domain.md §10"
OLD_DETAILS = "news.youth.cn 2024-05-27；" + OLD_TEN_RULES

# --- the sources as readable citations ---------------------------------------------------------------

LAW = "《中华人民共和国居民身份证法》（2011 年修正）"
MPS_2015 = (
    "新华社 2015-11-12 电：公安部印发《关于建立居民身份证异地受理挂失申报和丢失招领制度的意见》"
    "（中华工商时报转载，http://big5.china.com.cn/gate/big5/finance.china.com.cn/roll/20151113/3442127.shtml）")
TEN_RULES = (
    "《居民身份证异地受理工作十条准则》，高台县人民政府 政府信息公开·户籍管理，2023-08-14，"
    "http://gaotai.gov.cn/zfxxgk/fdzdgknr/zdmsxx/hjgl/202308/t20230814_1093616.html")
SEED = "177250.com《异地换领、补领身份证流程是什么？》，2023-04-26（商业网站），https://www.177250.com/sfz/427.html"
HEZE = "菏泽日报 2022-11（山东启动首次申领居民身份证跨省通办），http://heze.cn/hzrb/pc/c/content_79240.html"
JINJIANG = "泉州 quanzhou.shrx.com.cn《晋江居民身份证发放安排（程序+时间）》，http://quanzhou.shrx.com.cn/detail-53136.html"
XINGNING = (
    "兴宁市人民政府网（广东）首次申领居民身份证跨省通办、省内通办须知（2023），"
    "https://www.xingning.gov.cn/jrxn/xnxw/content/post_2474913.html")
PLEDGE_2020 = (
    "公安部 2020-03-20 治安管理便民利企 15 项措施：书面承诺可免交居住证明（senbk.com 汇编，"
    "http://m.senbk.com/news/552391.html）")
NA = LAW + "；《港澳台居民居住证申领发放办法》（国务院办公厅 2018）"
STAGES = "未找到公开规定：制证、送证、通知领证的用时是估算（法定的 60 日时限见居民身份证法第十二条）"
NOT_FOUND = "未找到可引用的公开原文：各地做法不同，请以当地公安机关公布的为准"
BEIJING_PROMISE = (
    "北京本地宝 m.bj.bendibao.com/mip/339326.html（北京办证承诺时限）；kumico.net 转载的北京市公安局办证指南，"
    "http://kumico.net/news/58f514682.html")
OLD_BEIJING_PROMISE = "domain.md §6 地方承诺时限（北京本地宝 m.bj.bendibao.com/mip/339326.html）"
PROMISE = "m.studyofnet.com/491743952.html 等转载的各地办证时限文章（未找到公安机关原文）"
OLD_PROMISE = "domain.md §6 地方承诺时限（出处见 m.studyofnet.com/491743952.html 等，未逐条对应）"
YRD = (
    "上海市公安局窗口服务告知单《长三角区域临时居民身份证“跨省通办”试点正式启动》，2023-03-13"
    "（转载 http://zixun.hnmdtv.com/zixun/2023/0313/223905.html）")
OLD_YRD = "domain.md §7 长三角临时身份证试点（uianet.net/dictionary/b2827056.html）"
YRD_NOTE = (
    "上海公安机关 2023-02-01 起试点：江苏、浙江、安徽户籍人员在上海办理首次申领、换领、补领期间急需用证的，"
    "户籍地审核签发后可在受理其业务的同一派出所申领临时身份证。上海户籍在苏浙皖办理的反方向是否同样可行未确认。")
OLD_YRD_NOTE = "户籍在沪苏浙皖、在四地之一申请的，户籍地审核签发后可在受理地申领临时身份证。"
OLD_NA_SOURCE = "domain.md §10（港澳台居民不持有居民身份证）"


def was(source, confidence, checked=SEEDED):
    return {"source": source, "confidence": confidence, "last_checked": checked}


def now(source, confidence):
    return {"source": source, "confidence": confidence, "last_checked": CHECKED}


def edit(model, slugs, key, old, new):
    """Change the rows of ``model`` in procedures ``slugs`` matching ``key`` that still hold ``old``."""
    return {"model": model, "slugs": slugs, "key": key, "old": old, "new": new}


READY = "受理点通知你证件已可领取。"
COLLECT = "带上领证回执领取新证；换领的，同时交回旧证。"
PRODUCE = "居住地公安机关收到签发后的制证信息，制作并核验证件。"

EDITS = [
    # Procedures.
    edit("procedure", ("not-applicable",), {}, was(OLD_NA, V), now(NA, V)),
    edit("procedure", ("cross-region-renewal", "cross-region-reissue"), {}, was(OLD_SEED, V), now(MPS_2015, V)),
    edit("procedure", ("details-changed-at-hukou-place",), {}, was(OLD_DETAILS, V), now(TEN_RULES, V)),
    # States.
    edit("state", ("not-applicable",), {"code": "explain"}, was(OLD_NA, V), now(NA, V)),
    edit("state", MAIN, {"code": "prepare"}, was(OLD_SEED, V), now(MPS_2015, V)),
    edit("state", ("cross-region-renewal",), {"code": "apply"}, was(OLD_SEED, V), now(MPS_2015, V)),
    edit("state", ("cross-region-reissue",), {"code": "apply"},
         {"description": "填写《居民身份证异地受理登记表》，交验户口簿或居住证，采集指纹，缴纳工本费，拿好领证回执。",
          **was(OLD_SEED, V)},
         {"description": "填写《居民身份证异地受理登记表》，交验户口簿、居住证或驾驶证、护照等公安机关签发的证件"
                         "（任选一种），采集指纹，缴纳工本费，拿好领证回执。", **now(MPS_2015 + "；" + TEN_RULES, V)}),
    edit("state", CROSS_REGION, {"code": "signoff"}, was(OLD_SEED, V), now(TEN_RULES + "（第六条）；" + MPS_2015, V)),
    edit("state", CROSS_REGION, {"code": "refused"}, was(OLD_SEED, V), now(TEN_RULES + "（第六条）", V)),
    edit("state", CROSS_REGION, {"code": "produce"}, was(OLD_STAGES, L), now(STAGES, U)),
    edit("state", (*AT_HOME, *LOCAL), {"code": "produce"}, {"description": PRODUCE, **was(OLD_STAGES, L)},
         {"description": "户籍地公安机关审核签发后，制作并核验证件。", **now(STAGES, U)}),
    edit("state", MAIN, {"code": "deliver"}, was(OLD_STAGES, L), now(STAGES, U)),
    edit("state", MAIN, {"code": "ready"}, {"description": READY, **was(OLD_STAGES, L)},
         {"description": "受理点通知您证件已可领取。", **now(STAGES, U)}),
    edit("state", ("cross-region-renewal",), {"code": "collect"}, {"description": COLLECT, **was(OLD_SEED, V)},
         {"description": "带上领证回执领取新证，同时交回旧证。", **now(MPS_2015 + "；" + LAW + "第十一条", V)}),
    edit("state", ("cross-region-reissue", "cross-region-first-application"), {"code": "collect"},
         {"description": COLLECT, **was(OLD_SEED, V)},
         {"description": "带上领证回执领取新证。", **now(MPS_2015, V)}),
    edit("state", RENEWALS_AT_HOME, {"code": "collect"}, {"description": COLLECT, **was(OLD_SEED, V)},
         {"description": "凭领取凭证（领证回执）领取新证，同时交回旧证。",
          **now(JINJIANG + "；" + LAW + "第十一条（领取新证时交回原证）", L)}),
    edit("state", OTHER_AT_HOME, {"code": "collect"}, {"description": COLLECT, **was(OLD_SEED, V)},
         {"description": "凭领取凭证（领证回执）领取新证。", **now(JINJIANG, L)}),
    edit("state", MAIN, {"code": "mailed"}, {"description": "证件寄到你填写的地址，邮费自付。"},
         {"description": "证件寄到您填写的地址，邮费自付。"}),
    # Transitions: the stages of cross-region handling come from the ministry's opinion.
    edit("transition", MAIN, {}, was(OLD_SEED, V), now(MPS_2015, V)),
    # Requirements.
    edit("requirement", CROSS_REGION, {"code": "application_form"}, was(OLD_SEED, V), now(SEED + "；" + HEZE, L)),
    edit("requirement", (*AT_HOME, *LOCAL), {"code": "application_form"}, was(OLD_LAW, L), now(LAW + "第十条", V)),
    edit("requirement", ("cross-region-renewal", *RENEWALS_AT_HOME), {"code": "old_card"}, was(OLD_SEED, V),
         now(MPS_2015 + "；" + LAW + "第十一条（领取新证时交回原证）", V)),
    edit("requirement", ("cross-region-reissue",), {"code": "hukou_book"}, was(OLD_SEED, V), now(MPS_2015, V)),
    edit("requirement", ("cross-region-reissue",), {"code": "residence_permit"}, was(OLD_SEED, V), now(MPS_2015, V)),
    edit("requirement", ("cross-region-reissue",), {"code": "other_police_id"}, was(OLD_TEN_RULES, V),
         now(TEN_RULES + "（第一条）", V)),
    edit("requirement", ("first-application-at-hukou-place", "local-first-application"), {"code": "hukou_book"},
         was(OLD_LAW, V), now(LAW + "第十条", V)),
    edit("requirement", ("local-reissue",), {"code": "hukou_book"}, was(OLD_LAW, L), now(LAW + "第十条（申领时交验户口簿）", L)),
    edit("requirement", ("cross-region-renewal", "cross-region-first-application"), {"code": "residence_permit"},
         {"description": "证明你在本地居住。", **was(OLD_TEN_RULES, V)},
         {"description": "证明您在本地居住。", **now(TEN_RULES + "（第二条）", V)}),
    edit("requirement", CROSS_REGION, {"code": "residence_proof"}, was(OLD_TEN_RULES + "；各地做法", L),
         now(TEN_RULES + "（第二条）；" + PLEDGE_2020, L)),
    edit("requirement", MAIN, {"code": "guardian_proof"}, was(OLD_GUARDIAN, L), now(LAW + "第七条；" + XINGNING, L)),
    edit("requirement", ("details-changed-at-hukou-place",), {"code": "change_proof"},
         was("domain.md §5（未列出具体材料）", U), now("未找到公开的材料清单：以户籍地派出所的要求为准", U)),
    # Fees: the statute's own words for who is exempt.
    edit("fee", MAIN, {"code": "hardship_waiver"},
         {"label": "城市最低生活保障对象、农村特困家庭免收工本费", **was(OLD_LAW, V)},
         {"label": "城市中领取最低生活保障金的居民、农村中有特殊生活困难的居民：免收工本费",
          **now(LAW + "第二十条", V)}),
    # Notices.
    edit("notice", ("not-applicable",), {"code": "hukou_not_applicable"},
         was("domain.md §10；港澳台居民居住证申领发放办法（2018）", L), now(NA, V)),
    edit("notice", ("not-applicable",), {"code": "residence_not_applicable"}, was("domain.md §5、§10", L),
         now(LAW + "；" + MPS_2015, V)),
    edit("notice", ("details-changed-at-hukou-place", "local-renewal"), {"code": "fix_registration_first"},
         was("news.youth.cn 2024-05-27；" + OLD_TEN_RULES, V), now(TEN_RULES, V)),
    edit("notice", ("details-changed-at-hukou-place",), {"code": "renew_here_after_fixing"},
         was(OLD_TEN_RULES + "；domain.md §5", L), now(TEN_RULES, L)),
    edit("notice", MAIN, {"code": "guardian_must_attend"}, was(OLD_GUARDIAN, L), now(LAW + "第七条；" + XINGNING, L)),
    edit("notice", ("details-changed-at-hukou-place", "cross-region-renewal", "local-renewal"),
         {"code": "return_old_card"}, was(OLD_SEED, V), now(LAW + "第十一条（领取新证时，必须交回原证）", V)),
    edit("notice", CROSS_REGION, {"code": "no_extra_time_or_fee"}, was(OLD_SEED, V), now(SEED, L)),
    edit("notice", CROSS_REGION, {"code": "refusal_reasons"}, was(OLD_TEN_RULES, V), now(TEN_RULES, V)),
    edit("notice", MAIN, {"code": "appointment"},
         {"text": "有的城市要求或建议预约（如广州；厦门可提前 7 个工作日预约，爽约 2 次暂停预约）。", **was(OLD_LOCAL, L)},
         {"text": "有的城市要求或建议先预约再去窗口；出发前请在当地公安机关的公众号或政务服务平台上查一下。",
          **now(NOT_FOUND, U)}),
    edit("notice", MAIN, {"code": "home_visit"},
         {"text": "卧床、年老或残疾等行动不便的，许多城市提供上门办证服务，可向当地派出所咨询。", **was(OLD_LOCAL, L)},
         {"text": "卧床、年老或残疾等行动不便的，有的城市提供上门办证服务，可以向当地派出所咨询。",
          **now(NOT_FOUND, U)}),
    edit("notice", ("cross-region-first-application", "local-first-application"), {"code": "apply_within_three_months"},
         was(OLD_LAW, V), now(LAW + "第七条", V)),
    edit("notice", ("cross-region-renewal", "local-renewal"), {"code": "renewal_window_not_open"},
         {"text": "你的证件 {card_expiry_date} 到期，最早可在 {renewal_window_opens} 申请换领（有效期满前 3 个月起）。"
                  "本计划按 {apply_date} 申请来推算日期。"},
         {"text": "您的证件 {card_expiry_date} 到期，最早可在 {renewal_window_opens} 申请换领（有效期满前 3 个月起）。"
                  "本计划按 {apply_date} 申请来推算日期。"}),
    # Urgent options.
    edit("urgentoption", CROSS_REGION, {"code": "temporary_card"},
         {"text": "你的户籍地和居住地都在上海、江苏、浙江、安徽：户籍地县级公安机关审核签发后，"
                  "可以在受理你申请的派出所申领临时居民身份证。工本费 10 元，有效期 3 个月，3 日内签发。"},
         {"text": "您的户籍地和居住地都在上海、江苏、浙江、安徽：户籍地县级公安机关审核签发后，"
                  "可以在受理您申请的派出所申领临时居民身份证。工本费 10 元，有效期 3 个月，3 日内签发。"}),
    # Validity and the statutory deadline: the articles they come from.
    edit("validityrule", MAIN, {}, was(OLD_LAW, V), now(LAW + "第五条", V)),
    edit("timelimit", MAIN, {"kind": "deadline"}, was(OLD_LAW, V), now(LAW + "第十二条", V)),
]

# (division code, topic, old, new)
REGION_EDITS = [
    ("110000", "promise_cross_region", was(OLD_BEIJING_PROMISE, V), now(BEIJING_PROMISE, L)),
    ("110000", "promise_local", was(OLD_BEIJING_PROMISE, V), now(BEIJING_PROMISE, L)),
    ("440100", "promise_cross_region", was(OLD_PROMISE, V), now(PROMISE, L)),
    ("510100", "promise_cross_region", was(OLD_PROMISE, L), now(PROMISE, L)),
    *((code, "yrd_pilot", {"note": OLD_YRD_NOTE, **was(OLD_YRD, V)}, {"note": YRD_NOTE, **now(YRD, L)})
      for code in ("310000", "320000", "330000", "340000")),
    *((code, "not_applicable", was(OLD_NA_SOURCE, V), now(NA, V)) for code in ("710000", "810000", "820000")),
]


def _plain(values):
    """Return the values a row can be matched on (JSON conditions are not compared)."""
    return {name: value for name, value in values.items() if not isinstance(value, dict | list)}


def _rows(apps, change, values):
    model = apps.get_model("procedures", change["model"])
    if change["model"] == "procedure":
        return model.objects.filter(slug__in=change["slugs"], **_plain(values))
    return model.objects.filter(procedure__slug__in=change["slugs"], **change["key"], **_plain(values))


def _region_rules(apps, code, topic, values):
    RegionRule = apps.get_model("procedures", "RegionRule")
    return RegionRule.objects.filter(region__code=code, topic=topic, **_plain(values))


def forwards(apps, schema_editor):
    for change in EDITS:
        _rows(apps, change, change["old"]).update(**change["new"])
    for code, topic, old, new in REGION_EDITS:
        _region_rules(apps, code, topic, old).update(**new)


def backwards(apps, schema_editor):
    for code, topic, old, new in reversed(REGION_EDITS):
        _region_rules(apps, code, topic, new).update(**old)
    for change in reversed(EDITS):
        _rows(apps, change, change["new"]).update(**change["old"])


class Migration(migrations.Migration):
    dependencies = [("procedures", "0008_region_topics")]
    operations = [migrations.RunPython(forwards, backwards)]
