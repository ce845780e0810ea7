"""Photo receipts without contradictions: required, accepted and counter photo recorded apart (R8).

- Required (``photo_receipt``): Guangdong only, where the province's first-application guide lists the
  receipt and Guangzhou police describe studio capture with a 180-day receipt.
- Accepted but not required (``photo_receipt_accepted``): Qinghai (证照e拍), Hunan (湖南公安服务平台),
  Hubei (鄂汇拍), Anhui (皖事通, online applications), and the places a receipt seller lists
  (Haikou, Jiujiang, Ganzhou, Guizhou, four Liaoning cities). These used to be "required" on the
  seller's word; a seller's list says receipts *can* be used, not that they must.
- Taken at the counter (``counter_photo``): Hunan and Chengdu (free), Qinghai, Fujian, Chongqing, Beijing.
- The photo-receipt steps name the place's own route first (Guangdong: a studio in the province);
  commercial mini programs come last, with their cost and the open question of acceptance, so a plan no
  longer says both "upload your own photo in a mini program" and "photos must come from a studio".
"""
import datetime

from django.db import migrations

CHECKED = datetime.date(2026, 12, 3)
SEEDED = datetime.date(2026, 11, 25)
V, L = "verified", "likely"

MAIN = ("first-application-at-hukou-place", "details-changed-at-hukou-place", "cross-region-renewal",
        "cross-region-reissue", "cross-region-first-application", "local-renewal", "local-reissue",
        "local-first-application")
SUB = ("photo-receipt",)

OLD_SEED = "177250.com/sfz/427.html（异地换领、补领身份证流程）"
OLD_PHOTO = "177250.com/sfz/9825.html；zhaopianhuizhi.com；ccschy.com"
OLD_PHOTO_SOURCE = "domain.md §8（商业来源：177250.com/sfz/9825.html、zhaopianhuizhi.com；地区名单待管理员核实）"
OLD_PHOTO_NOTE = "商业来源称本地区需要或接受照片回执，待管理员核实。"

SEED = "177250.com《异地换领、补领身份证流程是什么？》，2023-04-26（商业网站），https://www.177250.com/sfz/427.html"
GUANGDONG = (
    "广州公安办证问答（智慧百科转载，2023-01-11），http://ccschy.com/techan/907ca31cb6e5ccbec5a5e1dc7073ec46.html；"
    "广州本地宝 2024-01-17，http://gz.bendibao.com/life/2023110/332704.shtml")
XINGNING = (
    "兴宁市人民政府网（广东）首次申领居民身份证跨省通办、省内通办须知（2023，须交相片回执），"
    "https://www.xingning.gov.cn/jrxn/xnxw/content/post_2474913.html")
HUNAN = (
    "长沙晚报 2024-02-02（湖南人像社会化采集，受理点仍免费照相；转载 http://www.lfhsjx.com/bwyq/2376.html）；"
    "https://changsha.iwelife.cn/17710.html（相片编号仅当日有效）")
QINGHAI = (
    "青海日报 2024-07-18《青海警方推出便民措施 居民身份证照片可以手机自助采集》（转载 "
    "http://youxixiaoniao.cn/yw/news/2024/0718/127370.html）")
HUBEI = "黄石广电 4 月 17 日《转发提醒，身份证照能“自拍”了！》（湖北“鄂汇拍”），https://yshs.hsgd.net.cn/p/398799.html"
ANHUI = "合肥警方网上办证指南（转载，未注明日期；皖事通自主申报照片），https://jscltqz.com/3cdd49ae89c7bfe6/707275fbc39f32ec.html"
SELLER = (
    "zhaopianhuizhi.com（出售照片回执的商业网站）列出的可用回执地区，"
    "https://zhaopianhuizhi.com/%e8%ba%ab%e4%bb%bd%e8%af%81/8740/.html")
SHENYANG = "zhaopianhuizhi.com（商业网站）：沈阳身份证照片社会化采集，https://zhaopianhuizhi.com/%e8%ba%ab%e4%bb%bd%e8%af%81/11633/.html"
HAIKOU = "智慧百科 2022-04-09（海口：照相馆照片经“椰城警民通”上传办理），http://www.yzzsnet.com/techan/100794.html"
CHENGDU = "成都本地宝 2025-09-12（各区县办证点免费照相，转载 https://www.10100.com/article/9987621）"
CHONGQING = "shebaozhaopian.com（商业网站）：重庆身份证照片在办证点或自助机拍摄，https://www.shebaozhaopian.com/faq/7034.html"
FUJIAN = "网易号 2023-07（福建：办身份证须到户籍窗口拍照），https://m.163.com/dy/article/ICLGN22M05531KKT.html"
BEIJING = "北京市公安局办证指南（kumico.net 转载，现场拍照），http://kumico.net/news/58f514682.html"
EXPIRY = (
    "177250.com 相关文章《身份证采集回执过期怎么办？》（商业网站）；广州本地宝 2024-01-17（180 天内办证），"
    "http://gz.bendibao.com/life/2023110/332704.shtml")


def was(source, confidence, checked=SEEDED):
    return {"source": source, "confidence": confidence, "last_checked": checked}


def now(source, confidence):
    return {"source": source, "confidence": confidence, "last_checked": CHECKED}


def edit(model, slugs, key, old, new):
    """Change the rows of ``model`` in procedures ``slugs`` matching ``key`` that still hold ``old``."""
    return {"model": model, "slugs": slugs, "key": key, "old": old, "new": new}


def notice(slugs, code, title, text, *, order, condition, source, confidence):
    return {"model": "notice", "slugs": slugs, "key": {"code": code}, "fields": {
        "title": title, "text": text, "order": order, "condition": condition, "severity": "info",
        "topic": "photo", "explains_outcome": False, **now(source, confidence)}}


EDITS = [
    edit("procedure", SUB, {}, {"summary": "在手机上自助办理数字相片采集回执。", **was(OLD_SEED, V)},
         {"summary": "按办证地的办法办理数字相片采集回执。", **now(GUANGDONG + "；" + XINGNING, L)}),
    edit("state", SUB, {"code": "get_photo_receipt"},
         {"name": "在手机上办理照片回执", "location": "微信小程序（如“图像号”）",
          "description": "打开小程序，上传已拍好的照片或现场拍摄，填写所在城市等信息；"
                         "等 10–30 分钟，收到“服务通知”后在“订单”里下载回执。", **was(OLD_SEED, V)},
         {"name": "办理照片回执", "location": "办证地认可的照相馆或采集点",
          "description": "按办证地的规定拍照并领取《居民身份证数字相片采集回执》（办法见“照片和照片回执”，"
                         "广东为省内任一照相馆，收费由照相馆定）；回执上的“回执号”或“图像号”就是回执编号。",
          **now(GUANGDONG, L)}),
    edit("state", SUB, {"code": "photo_receipt_ready"}, was(OLD_SEED, V), now(GUANGDONG, L)),
    edit("transition", SUB, {}, was(OLD_SEED, V), now(GUANGDONG, L)),
    edit("notice", SUB, {"code": "photo_rules"},
         {"text": "头发不遮挡耳朵、眉毛和肩膀；不戴耳环、项链、帽子、发卡；脸上没有阴影和反光；"
                  "不美颜、不磨皮、不加滤镜；小程序不检查背景颜色。", **was(OLD_SEED, V)},
         {"text": "头发不遮挡耳朵、眉毛和肩膀；不戴耳环、项链、帽子、发卡；脸上没有阴影和反光；不美颜、不磨皮、不加滤镜。",
          **now(SEED, L)}),
    edit("notice", SUB, {"code": "photo_studio_guangdong"},
         {"text": "广东要求使用省内照相馆拍摄的照片；广州不接受在省外拍摄的照片。", "order": 30,
          **was("ccschy.com（地方）", V)},
         {"text": "广东采用市场化采集：到省内任一照相馆拍照并领取《居民身份证数字相片回执》（收费由照相馆定），"
                  "回执自拍照次日起 180 天内有效；在省外拍的照片，广州不予受理。受理点能否免费现场拍照未确认，可以先问。",
          "order": 5, **now(GUANGDONG + "；" + XINGNING, L)}),
    edit("state", MAIN, {"code": "photo_receipt"},
         {"description": "居住地要求照片回执时，先在手机上自助办理。", **was(OLD_PHOTO, L)},
         {"description": "办证地要求照片回执时，先办好回执（办法见“照片和照片回执”）。", **now(GUANGDONG, L)}),
    edit("transition", MAIN, {"source_state__code": "prepare", "target_state__code": "photo_receipt"},
         was(OLD_PHOTO, L), now(GUANGDONG + "；" + XINGNING, L)),
    edit("requirement", MAIN, {"code": "photo_receipt"}, was(OLD_PHOTO, L), now(GUANGDONG + "；" + XINGNING, L)),
    edit("notice", MAIN, {"code": "photo_receipt_expiry"}, was(OLD_SEED + "相关文章；ccschy.com", V), now(EXPIRY, L)),
]

COUNTER = {"fact": "place.counter_photo", "op": "eq", "value": True}
OPTIONAL = {"all": [{"fact": "place.photo_receipt_accepted", "op": "eq", "value": True},
                    {"fact": "place.photo_receipt_required", "op": "ne", "value": True}]}
CREATES = [
    notice(SUB, "photo_receipt_commercial", "商业小程序代办回执",
           "网上也有商业微信小程序代办回执（如“图像号”）：上传手机照片或现场拍摄，填写所在城市，约 10–30 分钟后下载回执；"
           "要收费，办证地是否接受这类回执未确认。请先按上面办证地公布的办法办理，或先问受理点。",
           order=40, condition={}, source=SEED, confidence=L),
    notice(MAIN, "photo_counter", "照片：受理点可以现场拍",
           "办证地的受理点可以现场拍照，不必自带照片或回执（湖南、成都的受理点公布为免费拍照；其他地方的费用以现场为准）。",
           order=125, condition=COUNTER,
           source="；".join((HUNAN, CHENGDU, QINGHAI, FUJIAN, CHONGQING, BEIJING)), confidence=L),
    notice(MAIN, "photo_receipt_optional", "照片回执：可以用，但不是必须",
           "办证地也接受照片回执，但不是必须。官方渠道优先：青海可用微信小程序“证照e拍”（首次申领仍须现场拍照）；"
           "湖南户籍居民可用微信公众号“湖南公安服务平台”的人像社会采集（相片编号当天有效）；湖北户籍居民可在证件到期前"
           " 3 个月内用“鄂汇拍”上传照片；安徽网上办证可在“皖事通”自主申报照片。照相馆和商业小程序拍照要收费，"
           "是否被受理点接受请先问清楚。",
           order=126, condition=OPTIONAL, source="；".join((QINGHAI, HUNAN, HUBEI, ANHUI, SELLER)), confidence=L),
]

RULE = {"applies": True, "days": None, "unit": "calendar_days"}


def seeded_receipt(note, source=OLD_PHOTO_SOURCE, **extra):
    return {**RULE, "note": note, **was(source, L), **extra}


# The receipt rules as seeded (restored backwards), and what replaces them.
RECEIPTS_REMOVED = [
    ("460100", seeded_receipt("海南省仅知海口市。" + OLD_PHOTO_NOTE)),
    ("340000", seeded_receipt(OLD_PHOTO_NOTE)),
    ("360400", seeded_receipt("江西省仅知九江、赣州。" + OLD_PHOTO_NOTE)),
    ("360700", seeded_receipt("江西省仅知九江、赣州。" + OLD_PHOTO_NOTE)),
    ("430000", seeded_receipt(
        "不适用：2024年2月起湖南户籍居民可自助拍照（照片号仅当天有效），但受理点仍免费拍照，所以不要求申请人自带回执。"
        + OLD_PHOTO_NOTE, OLD_PHOTO_SOURCE + "；湖南 2024-02 起自助照片（地方来源）", applies=False, days=0)),
    ("520000", seeded_receipt(OLD_PHOTO_NOTE)),
    ("630000", seeded_receipt(OLD_PHOTO_NOTE)),
    *((code, seeded_receipt("辽宁省仅知沈阳、朝阳、辽阳、锦州。" + OLD_PHOTO_NOTE))
      for code in ("210100", "211300", "211000", "210700")),
]
GUANGDONG_OLD = {
    "note": "回执有效期 180 天为地方来源已核实；因需要回执的地区名单仅为较可能，本条仍标为较可能。"
            "须在省内照相馆拍摄，广州不接受省外拍摄的照片。" + OLD_PHOTO_NOTE,
    **was(OLD_PHOTO_SOURCE + "；回执有效期 180 天见 ccschy.com（地方来源，已核实）", L)}
GUANGDONG_NEW = {
    "note": "需要《居民身份证数字相片回执》（首次申领须提交；换领、补领见广州公安问答）。省内任一照相馆拍摄，"
            "自拍照次日起 180 天内有效；省外拍的照片广州不受理。受理点能否免费现场拍照未确认。",
    **now(GUANGDONG + "；" + XINGNING, L)}

SELLER_NOTE = "出售回执的商业网站称这里可以使用照片回执；是否必须、是否也能现场拍照未确认。"
ACCEPTED = [
    ("630000", "青海省内（本省和外省户籍）可用微信小程序“证照e拍”手机采集，须他人协助拍摄；首次申领仍须现场拍照。", QINGHAI),
    ("430000", "湖南户籍居民可用“湖南公安服务平台”人像社会采集，相片编号仅当日有效；相馆和手机拍摄收费。", HUNAN),
    ("420000", "湖北户籍居民可在有效期满前 3 个月内用“鄂汇拍”上传照片；窗口发现相貌不符的会重拍。", HUBEI),
    ("340000", "安徽户籍网上办证可用“皖事通”自主申报照片；卖回执的网站有的列安徽、有的不列，窗口是否要求未确认。",
     ANHUI + "；" + SELLER),
    ("460100", "海口不见面审批可用照相馆照片经“椰城警民通”上传；窗口是否要求回执未确认。", HAIKOU + "；" + SELLER),
    ("360400", SELLER_NOTE, SELLER),
    ("360700", SELLER_NOTE, SELLER),
    ("520000", SELLER_NOTE, SELLER),
    ("210100", SELLER_NOTE, SHENYANG),
    *((code, SELLER_NOTE, SELLER) for code in ("211300", "211000", "210700")),
]
COUNTER_PHOTO = [
    ("430000", "湖南受理点仍提供免费照相。", HUNAN),
    ("630000", "青海派出所（办证大厅）受理窗口可现场采集人像。", QINGHAI),
    ("350000", "福建：照片不能自带，须在户籍窗口拍照。", FUJIAN),
    ("510100", "成都各区县办证点免费照相，无需自带照片。", CHENGDU),
    ("500000", "重庆在办证点或自助机拍摄，外面拍的回执不能用（商业网站所述）。", CHONGQING),
    ("110000", "北京在办证时现场拍照。", BEIJING),
]
REGION_CREATES = [
    *((code, "photo_receipt_accepted", {**RULE, "note": note, **now(source, L)}) for code, note, source in ACCEPTED),
    *((code, "counter_photo", {**RULE, "note": note, **now(source, L)}) for code, note, source in COUNTER_PHOTO),
]


def _plain(values):
    """Return the values a row can be matched on (JSON conditions are not compared)."""
    return {name: value for name, value in values.items() if not isinstance(value, dict | list)}


def _rows(apps, change, values):
    model = apps.get_model("procedures", change["model"])
    if change["model"] == "procedure":
        return model.objects.filter(slug__in=change["slugs"], **_plain(values))
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


def _receipts_removed():
    return [(code, "photo_receipt", fields) for code, fields in RECEIPTS_REMOVED]


def forwards(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    RegionRule = apps.get_model("procedures", "RegionRule")
    for change in EDITS:
        _rows(apps, change, change["old"]).update(**change["new"])
    for change in CREATES:
        model = apps.get_model("procedures", change["model"])
        for procedure in Procedure.objects.filter(slug__in=change["slugs"]):
            model.objects.get_or_create(procedure=procedure, **change["key"], defaults=change["fields"])
    RegionRule.objects.filter(region__code="440000", topic="photo_receipt", **_plain(GUANGDONG_OLD)).update(
        **GUANGDONG_NEW)
    _drop_rules(apps, _receipts_removed())
    _put_rules(apps, REGION_CREATES)


def backwards(apps, schema_editor):
    RegionRule = apps.get_model("procedures", "RegionRule")
    _drop_rules(apps, REGION_CREATES)
    _put_rules(apps, _receipts_removed())
    RegionRule.objects.filter(region__code="440000", topic="photo_receipt", **_plain(GUANGDONG_NEW)).update(
        **GUANGDONG_OLD)
    for change in reversed(CREATES):
        _rows(apps, change, {"source": change["fields"]["source"]}).delete()
    for change in reversed(EDITS):
        _rows(apps, change, change["new"]).update(**change["old"])


class Migration(migrations.Migration):
    dependencies = [("procedures", "0014_identity_document_warning")]
    operations = [migrations.RunPython(forwards, backwards)]
