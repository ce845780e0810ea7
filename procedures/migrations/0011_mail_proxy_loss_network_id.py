"""What applicants also need, each only with a source: posting the card, collection by a relative, what a
loss report does, and the national network identity (R12); no example rows among the live content (R9).

- The two mail-delivery rules marked "示例" (Shenzhen, Shanghai) were stand-ins, not facts: removed.
  Xining is recorded instead, where a provincial news site reports that every office mails cards.
- Collection by a relative is a local rule: recorded for Sichuan, where a guide describes it; everywhere
  else the plan says it is not settled and to ask.
- The loss-report notice says what a report does and does not do (the lost card is not disabled).
- Renewing before expiry: set up the 网证 while the old card is still valid, since applying needs one.
"""
import datetime

from django.db import migrations

CHECKED = datetime.date(2026, 12, 3)
SEEDED = datetime.date(2026, 11, 25)
L, U = "likely", "unknown"

CROSS_REGION = ("cross-region-renewal", "cross-region-reissue", "cross-region-first-application")
AT_HOME = ("first-application-at-hukou-place", "details-changed-at-hukou-place")
LOCAL = ("local-renewal", "local-reissue", "local-first-application")
MAIN = (*AT_HOME, *CROSS_REGION, *LOCAL)
RENEWALS = ("cross-region-renewal", "local-renewal")
REISSUES = ("cross-region-reissue", "local-reissue")

OLD_MAIL_STATE = "domain.md §5（部分城市提供邮寄）"
XINING_MAIL = "青海新闻网 2023-07-26（西宁各户政大厅、派出所受理异地业务并可邮寄证件），http://ykzhn.com/newscenter/system/2023/07/26/030062302.shtml"
SICHUAN = "uianet.net 百科（四川省内异地首次申领：亲属代领、邮寄领取，收到后 30 日内核验），http://uianet.net/dictionary/b14924804.html"
MAIL = (
    XINING_MAIL + "；上海市公安局窗口服务告知单 2023-03-13（临时身份证邮寄每证 15 元，转载 "
    "http://zixun.hnmdtv.com/zixun/2023/0313/223905.html）；东莞公安通告转载（临时身份证省内寄递 18 元/证），"
    "https://hezeshenlvshi.com/z/173023.html；" + SICHUAN)
MPS_2015 = (
    "新华社 2015-11-12 电：公安部印发《关于建立居民身份证异地受理挂失申报和丢失招领制度的意见》"
    "（中华工商时报转载，http://big5.china.com.cn/gate/big5/finance.china.com.cn/roll/20151113/3442127.shtml）")
LOSS = (
    MPS_2015 + "；渭南政法网转载的挂失申报规定，http://m.studyofnet.com/956926346.html；"
    "南京公安（东南大学保卫处转载，2016-12-29），https://bwc.seu.edu.cn/2016/1229/c24819a182170/page.htm；"
    "哈尔滨报道转载，https://ppfocus.com/0/edf45fd0c.html")
NETWORK_ID = (
    "公安部等六部门令第 173 号《国家网络身份认证公共服务管理办法》，2025-07-15 起施行（科技日报 2025-05-25，"
    "http://m.bjsatx.cn/web/gdxw/2025-05/25/content_345021.html）；中国人事考试网 2025-05-30 申领步骤（转载 "
    "https://www.233.com/jzs1/baoming/202505/30105508767172.html）")
PROXY_UNKNOWN = (
    "未找到全国统一规定，各地不同（允许亲属代领：晋江 http://quanzhou.shrx.com.cn/detail-53136.html、" + SICHUAN
    + "；要求本人领取：http://uianet.net/dictionary/b7938286.html）")

OLD_MAIL_NOTICE = "邮费由申请人承担（常见 15–20 元）；部分城市要求收到证件后约 30 天内到受理点现场核验。"
OLD_LOSS = "可到任一户籍派出所挂失：填写《居民身份证挂失申报登记表》，现场核验指纹。部分城市要求先挂失再补领。"
CHOSEN = {"fact": "delivery", "op": "eq", "value": "mail"}
NOT_CHOSEN = {"fact": "delivery", "op": "ne", "value": "mail"}
# Posted only where the place of application offers it, whatever the answers say. Transitions name the
# residence or home directly (the counter desk evaluates them with the derived facts only).
MAILED = {"all": [CHOSEN, {"fact": "place.mail_delivery", "op": "eq", "value": True}]}
NOT_MAILED = {"not": MAILED}
MAILED_HERE = {"all": [CHOSEN, {"fact": "residence.mail_delivery", "op": "eq", "value": True}]}
MAILED_AT_HOME = {"all": [CHOSEN, {"fact": "hukou.mail_delivery", "op": "eq", "value": True}]}
APPLY_HERE = (*CROSS_REGION, *LOCAL)


def was(source, confidence, checked=SEEDED):
    return {"source": source, "confidence": confidence, "last_checked": checked}


def now(source, confidence):
    return {"source": source, "confidence": confidence, "last_checked": CHECKED}


def edit(model, slugs, key, old, new):
    """Change the rows of ``model`` in procedures ``slugs`` matching ``key`` that still hold ``old``."""
    return {"model": model, "slugs": slugs, "key": key, "old": old, "new": new}


def notice(slugs, code, title, text, *, order, condition, source, confidence, severity="info"):
    """Add a notice to every version of procedures ``slugs``."""
    return {"model": "notice", "slugs": slugs, "key": {"code": code}, "fields": {
        "title": title, "text": text, "order": order, "condition": condition, "severity": severity,
        "topic": "general", "explains_outcome": False, **now(source, confidence)}}


EDITS = [
    edit("state", MAIN, {"code": "mailed"},
         {"description": "证件寄到您填写的地址，邮费自付。", **was(OLD_MAIL_STATE, L)},
         {"description": "证件寄到您填写的地址；邮费一般由您支付，以受理点告知为准。", **now(XINING_MAIL, L)}),
    edit("transition", MAIN, {"source_state__code": "ready", "target_state__code": "mailed"},
         was(OLD_MAIL_STATE, L), now(XINING_MAIL, L)),
    edit("notice", MAIN, {"code": "mail_delivery"}, {"text": OLD_MAIL_NOTICE, **was("domain.md §4、§5（地方做法）", L)},
         {"text": "邮费一般由申请人支付，各地标准不同（例如上海、东莞寄送临时身份证每证 15 元、18 元）；"
                  "四川等地要求收到邮寄的证件后 30 日内到就近户籍窗口核验证件（含指纹）。", **now(MAIL, L)}),
    *(edit("notice", slugs, {"code": "return_old_card_by_mail"},
           {"condition": CHOSEN, **was("domain.md §3、§5（地方做法）", L)},
           {"condition": mailed, **now("未找到统一规定：邮寄送证时旧证何时交回，以受理点的要求为准", U)})
      for slugs, mailed in ((RENEWALS, MAILED_HERE), (("details-changed-at-hukou-place",), MAILED_AT_HOME))),
    *(edit("notice", slugs, {"code": "return_old_card"}, {"condition": NOT_CHOSEN}, {"condition": {"not": mailed}})
      for slugs, mailed in ((RENEWALS, MAILED_HERE), (("details-changed-at-hukou-place",), MAILED_AT_HOME))),
    edit("notice", APPLY_HERE, {"code": "mail_delivery"}, {"condition": CHOSEN}, {"condition": MAILED_HERE}),
    edit("transition", APPLY_HERE, {"source_state__code": "ready", "target_state__code": "mailed"},
         {"condition": CHOSEN}, {"condition": MAILED_HERE}),
    edit("notice", REISSUES, {"code": "loss_report"},
         {"title": "可先挂失", "text": OLD_LOSS, **was("各地公安机关公开信息（domain.md §9）", "verified")},
         {"title": "挂失有什么用",
          "text": "可到任一户籍派出所或办证大厅申报挂失（须本人到场，不能委托）：填写《居民身份证挂失申报登记表》，"
                  "现场核验身份、比对指纹。挂失会登记在公安机关的系统里，供联网核查证件的单位查询；但丢失的证件"
                  "不会因挂失而失效，在不联网核查的场合仍可能被冒用。是否必须先挂失再补领，各地说法不一，请问受理点；"
                  "网上挂失未找到官方渠道。",
          **now(LOSS, L)}),
]

CREATES = [
    notice(RENEWALS, "network_identity", "旧证到期前办好网证（如需要）",
           "国家网络身份认证（网号、网证）依《国家网络身份认证公共服务管理办法》自 2025 年 7 月 15 日起施行，"
           "可在互联网服务中用于实名登记和核验。申领要用有效的居民身份证和一部支持 NFC 的手机（读取实体证件并刷脸）；"
           "旧证 {card_expiry_date} 到期后就不能再用它申领，需要的话请在到期前办好。能否用网证代替实体证件乘飞机、"
           "火车或住宿未确认，出行请不要依赖它。官方应用的名称有“国家网络身份认证”“数字身份”两种说法，"
           "请从正规应用商店下载公安部发布的应用。",
           order=115, condition={"fact": "reason", "op": "eq", "value": "expiring"}, source=NETWORK_ID,
           confidence=L),
    notice(MAIN, "proxy_collection", "可请亲属代领（办证地有此做法）",
           "办证地公布过可由亲属代领：代领人带本人居民身份证和您的《居民身份证领取凭证》（领证回执），并签字确认；"
           "代领或邮寄的，您本人须在收到证件 30 日内到就近户籍窗口核验证件（含指纹）。以上出自四川省内异地首次申领的"
           "办事指南，其他业务请先问受理点。",
           order=95, condition={"all": [{"fact": "place.proxy_collection", "op": "eq", "value": True}, NOT_MAILED]},
           source=SICHUAN, confidence=L),
    notice(MAIN, "proxy_collection_unknown", "能否请家人代领：请先问受理点",
           "各地做法不同：有的允许亲属凭本人居民身份证和您的领取凭证（领证回执）代领（例如福建晋江、四川），"
           "也有的要求本人领取并现场核验。请在受理时问清楚。",
           order=96, condition={"all": [{"fact": "place.proxy_collection", "op": "ne", "value": True}, NOT_MAILED]},
           source=PROXY_UNKNOWN, confidence=U),
]

# (division code, topic, fields): placeholders to remove, rules to add.
PLACEHOLDER_FIELDS = {
    "applies": True, "days": None, "unit": "calendar_days", "note": "示例：部分城市提供邮寄送证，须由管理员核实",
    **was("domain.md §5（“部分城市提供邮寄送证”，未列明城市；此处为示例）", U)}
REGION_DELETES = [("440300", "mail_delivery", PLACEHOLDER_FIELDS), ("310000", "mail_delivery", PLACEHOLDER_FIELDS)]
REGION_CREATES = [
    ("630100", "mail_delivery", {
        "applies": True, "days": None, "unit": "calendar_days",
        "note": "西宁所有户政大厅、派出所受理异地业务，并可邮寄证件（青海新闻网 2023-07-26）。邮费和是否要求到窗口核验未写明。",
        **now(XINING_MAIL, L)}),
    ("510000", "proxy_collection", {
        "applies": True, "days": None, "unit": "calendar_days",
        "note": "四川省内异地首次申领：亲属凭本人身份证和领取凭证代领，本人收到后 30 日内到户籍窗口核验（含指纹）。"
                "其他业务是否同样允许未确认。",
        **now(SICHUAN, L)}),
]


def _plain(values):
    """Return the values a row can be matched on (JSON conditions are not compared)."""
    return {name: value for name, value in values.items() if not isinstance(value, dict | list)}


def _rows(apps, change, values):
    model = apps.get_model("procedures", change["model"])
    return model.objects.filter(procedure__slug__in=change["slugs"], **change["key"], **_plain(values))


def _put_rules(apps, rules):
    Region = apps.get_model("procedures", "Region")
    RegionRule = apps.get_model("procedures", "RegionRule")
    for code, topic, fields in rules:
        RegionRule.objects.get_or_create(region=Region.objects.get(code=code), topic=topic, defaults=fields)


def _drop_rules(apps, rules):
    RegionRule = apps.get_model("procedures", "RegionRule")
    for code, topic, fields in rules:
        RegionRule.objects.filter(region__code=code, topic=topic, source=fields["source"]).delete()


def forwards(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    for change in EDITS:
        _rows(apps, change, change["old"]).update(**change["new"])
    for change in CREATES:
        model = apps.get_model("procedures", change["model"])
        for procedure in Procedure.objects.filter(slug__in=change["slugs"]):
            model.objects.get_or_create(procedure=procedure, **change["key"], defaults=change["fields"])
    _drop_rules(apps, REGION_DELETES)
    _put_rules(apps, REGION_CREATES)


def backwards(apps, schema_editor):
    _drop_rules(apps, REGION_CREATES)
    _put_rules(apps, REGION_DELETES)
    for change in reversed(CREATES):
        _rows(apps, change, {"source": change["fields"]["source"]}).delete()
    for change in reversed(EDITS):
        _rows(apps, change, change["new"]).update(**change["old"])


class Migration(migrations.Migration):
    dependencies = [("procedures", "0010_renewal_window_and_urgent_texts")]
    operations = [migrations.RunPython(forwards, backwards)]
