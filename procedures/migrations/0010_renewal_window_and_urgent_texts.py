"""Confidence that tells the truth: the renewal window by household-registration province, the online
services as sourced, and the ways to prove identity while waiting without claims a single page makes.

- The window is 3 months before expiry by default (the 1986 implementing rules, still the practice per
  People's Daily 2025-07-12) and 6 months for people registered in Shanghai, Jiangsu and Guangdong
  (People's Daily) and Anhui (a local police account): one time-limit row per province, its condition on
  ``hukou.province``, since the household-registration province's rule applies wherever one renews.
  All are read through re-posts only, so 较可能; the full list of provinces is 未确认.
- The online-service notice names only the schemes a source describes, with their limits; Shanghai's
  随申办 has no source and is left out. It now also reaches the reissue procedures it covers.
- The airport's 50-minute cut-off is one airport's rule, the Yangtze River Delta pilot is Shanghai's
  notice for people from the other three provinces, and Beijing's refusal of temporary cards is
  contradicted by a newer page: each is said as such, 较可能.
"""
import datetime

from django.db import migrations

CHECKED = datetime.date(2026, 12, 3)
SEEDED = datetime.date(2026, 11, 25)
V, L = "verified", "likely"

CROSS_REGION = ("cross-region-renewal", "cross-region-reissue", "cross-region-first-application")
AT_HOME = ("first-application-at-hukou-place", "details-changed-at-hukou-place")
LOCAL = ("local-renewal", "local-reissue", "local-first-application")
MAIN = (*AT_HOME, *CROSS_REGION, *LOCAL)
RENEWALS = ("cross-region-renewal", "local-renewal")
REISSUES = ("cross-region-reissue", "local-reissue")

LAW = "《中华人民共和国居民身份证法》（2011 年修正）"
RULES_1986 = "《居民身份证条例实施细则》（1986）第十五条（经 http://crsrw.com/falvjiangtang/115262.html 转载）"
PEOPLES_DAILY = (
    "人民日报 2025-07-12《第二代居民身份证迎来换证高峰 换领身份证，这份指南请收好》"
    "（经 http://www.vaol.cn/ejjzs/072025/1394263.html 等转载）")
ZHONGSHAN = (
    "中山市公安局 2025（广东省公安厅将换证期限提前到有效期满前 6 个月；微信文章镜像 "
    "https://wxredian.com/art?id=f75d4cc405dde8789816e525db392486）")
ANHUI = "网易号“利网” 2025（安徽户籍人员有效期满前 6 个月可申请换领），https://www.163.com/dy/article/KL9C9NKN0534DWA4.html"
EARLY = "readke.com 等网页：提前换领只能按丢失、损坏补领（未找到官方文件），http://readke.com/c/2343186.html"
ONLINE = (
    "苏服办：中新网江苏 2025-01-07（镜像 http://justasklydia.com/news/2025/0107/226553.html）；"
    "浙里办：兰溪导报 2023-09-22，http://ljdb.lxnews.cn/pc/content/202309/22/content_387417.html；"
    "皖事通：合肥警方指南转载，https://jscltqz.com/3cdd49ae89c7bfe6/707275fbc39f32ec.html；"
    "赣服通：丰城市人民政府 2023-10，http://www.jxfc.gov.cn/fcsrmzf/hjgl/202310/a2e08b8a7d8346048fdbe6a2c0994942.shtml；"
    "广东：" + ZHONGSHAN)
FLIGHT = (
    "民航局 2019-09-09 新闻发布会（转载 http://www.zsdlw.com/space/show-news-31405-56761.html）；"
    "新华社（转载 http://www.mkrecycle.com/baozhang/687531.html）；"
    "绵阳机场公安分局办事指南（转载 http://www.yzzsnet.com/techan/212643.html，起飞前 50 分钟不予办理）")
TRAIN = (
    "中国铁路 2022-01-15 发布的 12306 电子临时乘车身份证明（中国福建等转载，"
    "https://news.shi-fen.com/china/202201/50-1205599.html）")
TEMP_CARD = (
    LAW + "第十二条；《临时居民身份证管理办法》第七条、第十条（经 https://jizhuba.net/html/1706470901271881.html 等转载）；"
    "福建：泉州法治 2020-05-22，http://www.qzfzxww.com/2020-05/22/content_995668_2.htm；"
    "广东：东莞公安通告转载，https://hezeshenlvshi.com/z/173023.html")
YRD = (
    "上海市公安局窗口服务告知单《长三角区域临时居民身份证“跨省通办”试点正式启动》，2023-03-13"
    "（转载 http://zixun.hnmdtv.com/zixun/2023/0313/223905.html）")
YUNNAN = "国际在线 2023-01-17（云南试点临时居民身份证跨省通办），https://news.cri.cn/2023-01-17/10d23ea3-46bf-abb2-ad78-3013e1ff5439.html"

EXPIRING = {"fact": "reason", "op": "eq", "value": "expiring"}
SIX_MONTHS = [
    (1, "310000", "上海", PEOPLES_DAILY),
    (2, "320000", "江苏", PEOPLES_DAILY),
    (3, "440000", "广东", PEOPLES_DAILY + "；" + ZHONGSHAN),
    (4, "340000", "安徽", ANHUI),
]
ONLINE_PROVINCES = ["320000", "330000", "340000", "360000", "440000"]


def was(source, confidence, checked=SEEDED):
    return {"source": source, "confidence": confidence, "last_checked": checked}


def now(source, confidence):
    return {"source": source, "confidence": confidence, "last_checked": CHECKED}


def edit(model, slugs, key, old, new):
    """Change the rows of ``model`` in procedures ``slugs`` matching ``key`` that still hold ``old``."""
    return {"model": model, "slugs": slugs, "key": key, "old": old, "new": new}


def create(model, slugs, key, fields):
    """Add a row to every version of procedures ``slugs``; ``key`` finds it again."""
    return {"model": model, "slugs": slugs, "key": key, "fields": fields}


OLD_ONLINE = {
    "text": "本省户籍居民可在网上办理换领：上海“随申办”、浙江“浙里办”、安徽“皖事通”、广东“粤省事”。",
    "condition": {"all": [{"fact": "same_province", "op": "eq", "value": True},
                          {"fact": "residence.province", "op": "in",
                           "value": ["310000", "330000", "340000", "440000"]}]},
    **was("各地公安机关公开信息（domain.md §9）", V),
}
NEW_ONLINE = {
    "title": "本省户籍：部分省份可以网上办",
    "text": "部分省份为本省户籍居民开通了网上办理，条件各不相同，符合条件的可以不去窗口（以平台说明为准）："
            "江苏“苏服办”（损坏换领、丢失补领，2025 年 1 月起，要求近 5 年内在江苏办过证）；"
            "浙江“浙里办”（丢失、损坏补领，距上次领证未满 2 年，2023 年 9 月起）；"
            "安徽“皖事通”（18 周岁以上、2 年内办过证，只寄往省内地址）；"
            "江西“赣服通”（到期换领、损坏换领、丢失补领，须已登记指纹和证件照片，邮费到付）；"
            "广东（中山、广州等地公安公布省内户籍可网上申办）。",
    "condition": {"all": [{"fact": "same_province", "op": "eq", "value": True},
                          {"fact": "hukou.province", "op": "in", "value": ONLINE_PROVINCES}]},
    **now(ONLINE, L),
}
OLD_TEMP_LOCAL = "申请期间急需用证，可在户籍地派出所申领临时居民身份证：工本费 10 元，有效期 3 个月，3 日内签发。"
OLD_TEMP_PILOT = (
    "您的户籍地和居住地都在上海、江苏、浙江、安徽：户籍地县级公安机关审核签发后，"
    "可以在受理您申请的派出所申领临时居民身份证。工本费 10 元，有效期 3 个月，3 日内签发。")
OLD_TEMP_SOURCE = "uianet.net/dictionary/b2827056.html；zixun.hnmdtv.com"
OLD_FLIGHT = (
    "微信小程序“民航临时乘机证明”约 1 分钟出具二维码，免费，有效期 15 天；"
    "也可在机场公安值班室办理纸质证明，但航班起飞前 50 分钟内不再办理。")
OLD_TRAIN = "在 12306 App 申请电子临时身份证明，有效期 24 小时，每月最多 3 次；也可到车站公安制证窗口办理。"

EDITS = [
    edit("timelimit", RENEWALS, {"kind": "renewal_window", "priority": 10},
         {"label": "有效期满前 3 个月起可申请换领", **was("央视新闻 2024", V)},
         {"label": "有效期满前 3 个月起可申请换领（户籍所在省另有规定的除外）",
          **now(RULES_1986 + "；" + PEOPLES_DAILY, L)}),
    edit("notice", RENEWALS, {"code": "renewal_window_not_open"},
         {"text": "您的证件 {card_expiry_date} 到期，最早可在 {renewal_window_opens} 申请换领（有效期满前 3 个月起）。"
                  "本计划按 {apply_date} 申请来推算日期。", **was("央视新闻 2024（有效期满前 3 个月可换领）", V)},
         {"text": "您的证件 {card_expiry_date} 到期；按您户籍所在省的规定，最早可在 {renewal_window_opens} 申请换领。"
                  "本计划按 {apply_date} 申请来推算日期。", **now(RULES_1986 + "；" + PEOPLES_DAILY, L)}),
    edit("notice", RENEWALS, {"code": "renewal_window_provinces"},
         {"title": "部分省份可提前 6 个月", "text": "有的省份允许提前 6 个月换领，具体以当地公安机关为准。",
          **was("央视新闻 2024（身份证换领与照片要求）", "unknown")},
         {"title": "可以提前多久换领",
          "text": "可以提前多久换领，看户籍所在省的规定：一般是有效期满前 3 个月起；上海、江苏、广东"
                  "（人民日报 2025-07-12）和安徽（当地公安机关）已放宽到 6 个月。其他省份是否放宽未确认，"
                  "以户籍地公安机关公布的为准。",
          **now(PEOPLES_DAILY + "；" + ZHONGSHAN + "；" + ANHUI, L)}),
    edit("notice", RENEWALS, {"code": "early_renewal_fee"}, was("地方咨询答复（单一来源）", L), now(EARLY, L)),
    edit("notice", RENEWALS, {"code": "online_same_province"}, {"title": "同省户籍可网上办", **OLD_ONLINE}, NEW_ONLINE),
    edit("notice", CROSS_REGION, {"code": "temporary_card_at_home_only"},
         {"title": "临时身份证一般要回户籍地办",
          "text": "临时居民身份证一般只能在户籍地派出所申领；北京、宜昌等地不为外地户籍人员办理。",
          **was(OLD_TEMP_SOURCE, V)},
         {"title": "临时身份证多数要回户籍地办",
          "text": "临时居民身份证由户籍地公安机关签发，多数情况下要回户籍地申领。部分地方已试点在受理地申领"
                  "（例如云南自 2023 年 1 月起为省外来滇人员办理，上海为苏浙皖户籍人员办理），都要等户籍地审核签发之后；"
                  "您所在地是否可以，请先问受理点。",
          **now(LAW + "第十二条；" + YUNNAN + "；" + YRD, L)}),
    edit("urgentoption", (*AT_HOME, *LOCAL), {"code": "temporary_card"}, {"text": OLD_TEMP_LOCAL, **was(OLD_TEMP_SOURCE, V)},
         {"text": "申请期间急需用证，可以申领临时居民身份证：由户籍地公安机关签发，工本费 10 元，有效期 3 个月。"
                  "多快能拿到各地不同（例如福建省内半个工作日，广东“粤省事”网办 3 个工作日）。",
          **now(TEMP_CARD, L)}),
    edit("urgentoption", CROSS_REGION, {"code": "temporary_card"}, {"text": OLD_TEMP_PILOT, **was(OLD_TEMP_SOURCE, V)},
         {"text": "您的户籍地和居住地都在上海、江苏、浙江、安徽（长三角试点）：户籍地县级公安机关审核签发后，"
                  "可以向受理您申请的同一派出所申领临时居民身份证，签发后约 3 日内制发；工本费 10 元，有效期 3 个月。"
                  "上海公安公布的试点面向在沪办理的苏浙皖户籍人员；其他方向（如上海户籍在苏浙皖办理）是否可行未确认，"
                  "请先问受理点。",
          **now(YRD, L)}),
    edit("urgentoption", MAIN, {"code": "flight_temporary_certificate"},
         {"text": OLD_FLIGHT, **was("机场公安公开信息（地方）", V)},
         {"text": "微信小程序“民航临时乘机证明”（也在“国家政务服务平台”小程序里）约 1 分钟出具电子二维码，免费，"
                  "有效期 15 天，国内机场都可核验；也可到机场公安的临时身份证明窗口办理纸质证明（免费），"
                  "有的机场起飞前 50 分钟内不再办理（如绵阳机场），请提前到。",
          **now(FLIGHT, L)}),
    edit("urgentoption", MAIN, {"code": "train_temporary_certificate"},
         {"text": OLD_TRAIN, **was("新闻报道（12306 电子临时身份证明）", V)},
         {"text": "在 12306 App 首页“温馨服务”里申请电子临时乘车身份证明：免费，每次有效 24 小时，"
                  "每人每月最多 3 次；办不了的，到车站公安制证窗口办理纸质证明。",
          **now(TRAIN, L)}),
]

CREATES = [
    *(create("timelimit", RENEWALS, {"kind": "renewal_window", "priority": priority}, {
        "amount": 6, "unit": "months", "label": f"户籍在{name}：有效期满前 6 个月起可申请换领",
        "condition": {"all": [EXPIRING, {"fact": "hukou.province", "op": "eq", "value": code}]},
        "region_topic": "", **now(source, L)})
      for priority, code, name, source in SIX_MONTHS),
    create("notice", REISSUES, {"code": "online_same_province"},
           {"order": 120, "severity": "info", "topic": "general", "explains_outcome": False,
            **{k: v for k, v in NEW_ONLINE.items()}}),
]


def _plain(values):
    """Return the values a row can be matched on (JSON conditions are not compared)."""
    return {name: value for name, value in values.items() if not isinstance(value, dict | list)}


def _rows(apps, change, values):
    model = apps.get_model("procedures", change["model"])
    return model.objects.filter(procedure__slug__in=change["slugs"], **change["key"], **_plain(values))


def forwards(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    for change in EDITS:
        _rows(apps, change, change["old"]).update(**change["new"])
    for change in CREATES:
        model = apps.get_model("procedures", change["model"])
        for procedure in Procedure.objects.filter(slug__in=change["slugs"]):
            model.objects.get_or_create(procedure=procedure, **change["key"], defaults=change["fields"])


def backwards(apps, schema_editor):
    for change in reversed(CREATES):
        _rows(apps, change, {"source": change["fields"]["source"]}).delete()
    for change in reversed(EDITS):
        _rows(apps, change, change["new"]).update(**change["old"])


class Migration(migrations.Migration):
    dependencies = [("procedures", "0009_readable_sources_and_wording")]
    operations = [migrations.RunPython(forwards, backwards)]
