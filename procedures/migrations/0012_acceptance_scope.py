"""Where one may apply, as data: 省内通办 and 市内通办 per region, and plans that follow it (R3).

- Region rules with their sources: Guangdong, Fujian and Zhejiang take renewals and reissues of their
  own residents at any acceptance point in the province; Beijing and Guangzhou at any office in the
  city (all 较可能). Qinghai's sources contradict each other (one says no proof of residence, an older
  one asks for it): recorded as not applying, 未确认.
- A renewal or reissue inside such a province no longer demands proof of residence; a notice says
  that this is likely, not certain. Inside a province whose scope is unknown the proof stays, with a
  notice that many provinces do without it. First applications keep it (Guangdong's own first-
  application guide asks for residence information even inside the province).
- At home (same city), the plan no longer names the household-registration district as the only place:
  where the city or province handles it anywhere it says so; elsewhere it says that many cities do and
  that this city's rule is not confirmed.
"""
import datetime

from django.db import migrations

CHECKED = datetime.date(2026, 12, 3)
SEEDED = datetime.date(2026, 11, 25)
L, U = "likely", "unknown"

LOCAL = ("local-renewal", "local-reissue", "local-first-application")
CROSS_RENEWAL_REISSUE = ("cross-region-renewal", "cross-region-reissue")

XINHUA_GD = (
    "新华社广州 2023-03-31 电《广东全面开通首次申领居民身份证跨省通办服务》（“全省通办”，深圳热线转载 "
    "http://www.shenzhenrexian.net/redian/2023/0401/13159.html）")
DONGGUAN = (
    "东莞市人民政府 通知公告（省内居民可在居住地申办换领、补领，约 2016 年），"
    "http://www.dg.gov.cn/zwgk/zfxxgkml/qxz/qt/tzgg/content/post_721902.html")
GUANGZHOU = (
    "广州公安 2022-06-15 消息（全市通办，非广州户籍换领只需数字相片回执），news.cncjw.com.cn 2022-06-16，"
    "http://news.cncjw.com.cn/tupian/2022/0616/57104.html")
GUANGZHOU_DISTRICT = "广州办证指南转载（登记项目变更须在户籍所在区办理），http://www.651010f.com/banshizhinan/zonghe/33586.html"
FUJIAN = (
    "网易号 2023-07（福建：换领、补领可在省内任一公安派出所办理，凭一种公安机关签发的身份证件），"
    "https://m.163.com/dy/article/ICLGN22M05531KKT.html")
ZHEJIANG = "8fxc.com 转载的浙江 2025 年换证提醒（省内可在各地公安户籍窗口办理），https://www.8fxc.com/zatan/6783.html"
BEIJING = "北京市公安局办证指南（kumico.net 转载，未注明日期；可到任一户籍派出所办理），http://kumico.net/news/58f514682.html"
QINGHAI_NO_PROOF = "jwbk.com 百科（西宁，约 2023：本省户籍全省通办，不再提交居住等证明），https://jwbk.com/techan/e5cf6bba8aa9986e26d9635427299547.html"
QINGHAI_PROOF = (
    "智慧百科《青海西宁身份证异地办理条件》，2022-11-25（省内异地仍列居住证明），"
    "http://m.ccschy.com/techan/ae40db5bdac633e7047150731be747de.html")
TEN_RULES = (
    "《居民身份证异地受理工作十条准则》，高台县人民政府 政府信息公开·户籍管理，2023-08-14，"
    "http://gaotai.gov.cn/zfxxgk/fdzdgknr/zdmsxx/hjgl/202308/t20230814_1093616.html")

SAME_PROVINCE = {"fact": "same_province", "op": "eq", "value": True}
PROVINCE_WIDE = {"all": [SAME_PROVINCE, {"fact": "hukou.province_wide", "op": "eq", "value": True}]}
NOT_PROVINCE_WIDE = {"not": PROVINCE_WIDE}
SCOPE_UNKNOWN_IN_PROVINCE = {"all": [SAME_PROVINCE, {"fact": "hukou.province_wide", "op": "ne", "value": True}]}
ANYWHERE_IN_CITY = {"any": [{"fact": "hukou.city_wide", "op": "eq", "value": True},
                            {"fact": "hukou.province_wide", "op": "eq", "value": True}]}
CITY_SCOPE_UNKNOWN = {"not": ANYWHERE_IN_CITY}
WITHOUT_PERMIT = {"fact": "documents", "op": "not_in", "value": ["residence_permit"]}

OLD_PLACE = "户籍地（{hukou.name}）派出所或户政窗口"
NEW_PLACE = "户籍所在城市的派出所户政窗口或办证大厅"


def now(source, confidence):
    return {"source": source, "confidence": confidence, "last_checked": CHECKED}


def edit(model, slugs, key, old, new):
    """Change the rows of ``model`` in procedures ``slugs`` matching ``key`` that still hold ``old``."""
    return {"model": model, "slugs": slugs, "key": key, "old": old, "new": new}


def notice(slugs, code, title, text, *, order, condition, source, confidence):
    """Add a notice to every version of procedures ``slugs``."""
    return {"model": "notice", "slugs": slugs, "key": {"code": code}, "fields": {
        "title": title, "text": text, "order": order, "condition": condition, "severity": "info",
        "topic": "general", "explains_outcome": False, **now(source, confidence)}}


EDITS = [
    edit("requirement", ("cross-region-renewal",), {"code": "residence_permit"}, {"condition": {}},
         {"condition": NOT_PROVINCE_WIDE}),
    edit("requirement", ("cross-region-renewal",), {"code": "residence_proof"}, {"condition": {}},
         {"condition": NOT_PROVINCE_WIDE}),
    edit("requirement", ("cross-region-reissue",), {"code": "residence_proof"}, {"condition": WITHOUT_PERMIT},
         {"condition": {"all": [WITHOUT_PERMIT, NOT_PROVINCE_WIDE]}}),
    *(edit("state", (slug,), {"code": "apply"}, {"name": f"到户籍地派出所{what}", "location": OLD_PLACE},
           {"name": f"到户政窗口{what}", "location": NEW_PLACE})
      for slug, what in (("local-renewal", "申请换领"), ("local-reissue", "申请补领"),
                         ("local-first-application", "首次申领"))),
    edit("state", LOCAL, {"code": "collect"}, {"location": OLD_PLACE}, {"location": NEW_PLACE}),
]

CREATES = [
    notice(CROSS_RENEWAL_REISSUE, "province_wide_no_proof", "省内通办：一般不用居住证明",
           "您的户籍和居住地在同一个省，这个省实行省内通办：可以在省内任一受理点办理换领、补领，一般不用再交"
           "居住证明。个别城市仍可能要求（例如广东东莞早期的通知列出居住证或学籍证明），有居住证或租房合同的可以带上。",
           order=62, condition=PROVINCE_WIDE,
           source="广东：" + XINHUA_GD + "；" + GUANGZHOU + "；" + DONGGUAN + "；福建：" + FUJIAN + "；浙江：" + ZHEJIANG,
           confidence=L),
    notice(CROSS_RENEWAL_REISSUE, "same_province_scope_unknown", "同省异地：是否要居住证明未确认",
           "您的户籍和居住地在同一个省。不少省份实行省内通办（可在省内任一受理点办理，一般不用居住证明），"
           "但您户籍所在省是否如此未确认：清单里的居住证明请尽量带上，或先向受理点确认。",
           order=62, condition=SCOPE_UNKNOWN_IN_PROVINCE,
           source="未找到本省的公开规定；省内通办的例子见广东、福建、浙江公安机关的公开信息；" + TEN_RULES + "（第二条）",
           confidence=U),
    notice(LOCAL, "where_city_wide", "可以就近办理",
           "您户籍所在地实行市内或省内通办：可以就近到本市任一派出所户政窗口或办证大厅办理，不必回户籍所在的区、县。"
           "登记项目变更等个别业务仍可能要回户籍所在的派出所（例如广州）。",
           order=8, condition=ANYWHERE_IN_CITY,
           source="北京：" + BEIJING + "；广州：" + GUANGZHOU + "；" + GUANGZHOU_DISTRICT + "；广东：" + XINHUA_GD
           + "；福建：" + FUJIAN + "；浙江：" + ZHEJIANG,
           confidence=L),
    notice(LOCAL, "where_scope_unknown", "住在本市另一个区：先问能否就近办",
           "同城不同区、县：很多城市可以就近在任一户政窗口办理，不必回户籍所在的区县（例如北京、广州）；"
           "您所在城市是否如此未确认，请先打电话或在当地公安机关的公众号上确认。",
           order=8, condition=CITY_SCOPE_UNKNOWN,
           source="未找到本市的公开规定；市内通办的例子：" + BEIJING + "；" + GUANGZHOU, confidence=U),
]

RULE = {"applies": True, "days": None, "unit": "calendar_days"}
REGION_CREATES = [
    ("440000", "province_wide", {
        **RULE, "note": "广东户籍可在省内任一受理点换领、补领（新华社称“全省通办”）。是否还要居住证明未确认："
                        "东莞早期的通知列出居住证或学籍证明，广州 2022 年起换领只要数字相片回执。",
        **now(XINHUA_GD + "；" + DONGGUAN + "；" + GUANGZHOU, L)}),
    ("350000", "province_wide", {
        **RULE, "note": "福建户籍换领、补领可在省内任一公安派出所办理，凭一种公安机关签发的身份证件；未提居住证明。",
        **now(FUJIAN, L)}),
    ("330000", "province_wide", {
        **RULE, "note": "浙江户籍在省内可到各地公安户籍窗口办理（2025 年换证提醒）；未提居住证明。", **now(ZHEJIANG, L)}),
    ("630000", "province_wide", {
        **RULE, "applies": False,
        "note": "来源相互矛盾：jwbk.com（约 2023）称本省户籍全省通办、不再提交居住证明；2022-11 的页面仍列居住证明。"
                "未确认，因此不免居住证明。",
        **now(QINGHAI_NO_PROOF + "；" + QINGHAI_PROOF, U)}),
    ("110000", "city_wide", {
        **RULE, "note": "北京户籍可持户口簿到户籍地、工作地或居住地任一户籍派出所办理。", **now(BEIJING, L)}),
    ("440100", "city_wide", {
        **RULE, "note": "广州 2022 年起身份证业务“全市通办”，可选市内任一办证点；登记项目变更须在户籍所在区。",
        **now(GUANGZHOU + "；" + GUANGZHOU_DISTRICT, L)}),
]


def _plain(values):
    """Return the values a row can be matched on (JSON conditions are not compared)."""
    return {name: value for name, value in values.items() if not isinstance(value, dict | list)}


def _rows(apps, change, values):
    model = apps.get_model("procedures", change["model"])
    return model.objects.filter(procedure__slug__in=change["slugs"], **change["key"], **_plain(values))


def forwards(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    Region = apps.get_model("procedures", "Region")
    RegionRule = apps.get_model("procedures", "RegionRule")
    for change in EDITS:
        _rows(apps, change, change["old"]).update(**change["new"])
    for change in CREATES:
        model = apps.get_model("procedures", change["model"])
        for procedure in Procedure.objects.filter(slug__in=change["slugs"]):
            model.objects.get_or_create(procedure=procedure, **change["key"], defaults=change["fields"])
    for code, topic, fields in REGION_CREATES:
        RegionRule.objects.get_or_create(region=Region.objects.get(code=code), topic=topic, defaults=fields)


def backwards(apps, schema_editor):
    RegionRule = apps.get_model("procedures", "RegionRule")
    for code, topic, fields in REGION_CREATES:
        RegionRule.objects.filter(region__code=code, topic=topic, source=fields["source"]).delete()
    for change in reversed(CREATES):
        _rows(apps, change, {"source": change["fields"]["source"]}).delete()
    for change in reversed(EDITS):
        _rows(apps, change, change["new"]).update(**change["old"])


class Migration(migrations.Migration):
    dependencies = [("procedures", "0011_mail_proxy_loss_network_id")]
    operations = [migrations.RunPython(forwards, backwards)]
