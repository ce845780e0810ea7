"""Seed the procedures from shared/domain.md, with each fact's source and confidence.

Re-runnable (update_or_create on natural keys) and reversible (deletes what it made).
"""
import datetime

from django.db import migrations

CHECKED = datetime.date(2026, 11, 25)
V, L, U = "verified", "likely", "unknown"

SEED = "177250.com/sfz/427.html（异地换领、补领身份证流程）"
LAW = "中华人民共和国居民身份证法（2011 年修正）"
FEES = "发改价格〔2003〕2322号（中国长安网转载）；jingmen.cjyun.org/p/169452.html"
TEN_RULES = "户籍业务“十条准则”，gaotai.gov.cn 2023-08"
FIRST_2024 = "news.youth.cn 2024-05-27（首次申领居民身份证跨省通办）"
CCTV = "央视新闻 2024（身份证换领与照片要求）"
STAGES = "domain.md §6：制证环节的内部旧规（单一来源）"
TEMP = "uianet.net/dictionary/b2827056.html；zixun.hnmdtv.com"
PHOTO = "177250.com/sfz/9825.html；zhaopianhuizhi.com；ccschy.com"
LOCAL = "各地公安机关公开信息（domain.md §9）"

RENEWAL_REASONS = ["expiring", "expired", "damaged", "details_changed"]
ALWAYS = {}
FAR = datetime.date(2004, 1, 1)


def fact(name, op, value=None):
    node = {"fact": name, "op": op}
    if op != "is_set":
        node["value"] = value
    return node


def all_of(*items):
    return {"all": list(items)}


def any_of(*items):
    return {"any": list(items)}


def not_(item):
    return {"not": item}


CROSS = fact("cross_region", "eq", True)
LOCAL_ONLY = fact("cross_region", "eq", False)
MINOR = fact("age", "lt", 16)
# Without a valid card before the new one is ready: lost or expired, or needed after the old card expires.
URGENT = any_of(
    all_of(fact("needed_before_ready", "eq", True), fact("old_card_valid_when_needed", "eq", False)),
    fact("reason", "in", ["lost", "expired"]),
)
PHOTO_NEEDED = fact("residence.photo_receipt_required", "eq", True)
# Where the person must go home to apply, the home region's rules count.
PHOTO_NEEDED_AT_HOME = fact("hukou.photo_receipt_required", "eq", True)
MAIL_CHOSEN = fact("delivery", "eq", "mail")
MAIL_AT_HOME = all_of(MAIL_CHOSEN, fact("hukou.mail_delivery", "eq", True))


def src(source, confidence):
    return {"source": source, "confidence": confidence, "last_checked": CHECKED}


# --- states ------------------------------------------------------------------

def state(code, name, *, order, actor="applicant", location="", description="", initial=False,
          terminal=False, milestone="", duration=(0, 0), unit="calendar_days", sub=None, source=SEED,
          confidence=V):
    return {
        "code": code, "name": name, "order": order, "actor": actor, "location": location,
        "description": description, "is_initial": initial, "is_terminal": terminal,
        "milestone": milestone, "duration_min": duration[0], "duration_max": duration[1],
        "duration_unit": unit, "subprocedure": sub, **src(source, confidence),
    }


def tr(source, target, label, *, condition=ALWAYS, priority=100, kind="planned", source_text=SEED,
       confidence=V):
    return {
        "source_state": source, "target_state": target, "label": label, "condition": condition,
        "priority": priority, "kind": kind, **src(source_text, confidence),
    }


def prepare_states():
    return [
        state("prepare", "准备材料", order=10, initial=True,
              description="按本页清单准备材料；需要照片回执的地区，先办好回执。"),
        state("photo_receipt", "办理照片回执", order=20, sub="photo-receipt",
              description="居住地要求照片回执时，先在手机上自助办理。", source=PHOTO, confidence=L),
    ]


def prepare_transitions(first_step, photo_needed=PHOTO_NEEDED):
    return [
        tr("prepare", "photo_receipt", "需要照片回执且还没有",
           condition=all_of(photo_needed, fact("has_photo_receipt", "ne", True)), priority=10,
           source_text=PHOTO, confidence=L),
        tr("prepare", first_step, "材料齐全", priority=20),
        tr("photo_receipt", first_step, "拿到回执"),
    ]


def production_states(place, collect_place, office="residence_office"):
    return [
        state("produce", "制作证件", order=50, actor="production", location=place,
              description="居住地公安机关收到签发后的制证信息，制作并核验证件。",
              duration=(3, 30), source=STAGES, confidence=L),
        state("deliver", "证件送到受理点", order=60, actor=office, location=place,
              description="制好的证件转到受理点。", duration=(1, 3), unit="working_days",
              source=STAGES, confidence=L),
        state("ready", "通知领证", order=70, actor=office, milestone="card_ready",
              location=place, description="受理点通知你证件已可领取。", duration=(0, 2),
              unit="working_days", source=STAGES, confidence=L),
        state("collect", "领取新证", order=80, terminal=True, milestone="collected",
              location=collect_place,
              description="带上领证回执领取新证；换领的，同时交回旧证。"),
        state("mailed", "邮寄送证", order=85, actor=office, terminal=True,
              milestone="collected", duration=(1, 5), description="证件寄到你填写的地址，邮费自付。",
              source="domain.md §5（部分城市提供邮寄）", confidence=L),
        state("withdrawn", "申请人撤回", order=90, terminal=True,
              description="申请人主动撤回申请。", source=LAW, confidence=L),
    ]


def production_transitions(mail=MAIL_CHOSEN):
    return [
        tr("produce", "deliver", "制证完成"),
        tr("deliver", "ready", "送达受理点"),
        tr("ready", "mailed", "选择邮寄", condition=mail, priority=10,
           source_text="domain.md §5（部分城市提供邮寄）", confidence=L),
        tr("ready", "collect", "本人领取", priority=20),
    ]


# --- requirements ---------------------------------------------------------------

def req(code, name, *, order, description="", form="original", group="", handed_back=False,
        condition=ALWAYS, source=SEED, confidence=V, quantity=1):
    return {
        "code": code, "name": name, "order": order, "description": description, "form": form,
        "any_of_group": group, "handed_back": handed_back, "condition": condition,
        "quantity": quantity, **src(source, confidence),
    }


def common_requirements(photo_needed=PHOTO_NEEDED, minors=True):
    return [
        req("photo_receipt", "照片回执（数字相片采集回执）", order=80, form="none", condition=photo_needed,
            description="在有效期内的回执；回执上的“回执号”或“图像号”即回执编号。",
            source=PHOTO, confidence=L),
        *([req("guardian_proof", "监护关系证明和监护人身份证", order=90, condition=MINOR,
               description="未满 16 周岁的，由监护人陪同，带户口簿和监护关系证明（如出生医学证明）。",
               source=LAW + "；domain.md §9", confidence=L)] if minors else []),
    ]


def residence_requirements(order=40):
    return [
        req("residence_permit", "居住证", order=order, group="residence",
            description="证明你在本地居住。", source=TEN_RULES),
        req("residence_proof", "其他居住证明", order=order + 1, group="residence",
            description="任选一种：暂住登记、劳动合同、学生证、房产证或租房合同；不少地方可用书面承诺代替。",
            source=TEN_RULES + "；各地做法", confidence=L),
    ]


CROSS_FORM = req("application_form", "《居民身份证异地受理登记表》", order=10, form="none",
                 description="在受理点现场填写。")
LOCAL_FORM = req("application_form", "《居民身份证申领登记表》", order=10, form="none",
                 description="在户政窗口现场填写。", source=LAW, confidence=L)
OLD_CARD = req("old_card", "原居民身份证", order=20, handed_back=True,
               description="申请时交验；领取新证时交回。")


# --- fees ---------------------------------------------------------------------

def fee(code, label, amount, *, priority, condition=ALWAYS, waiver=False, valid_from=FAR, valid_to=None,
        source=FEES, confidence=V):
    return {
        "code": code, "label": label, "amount_yuan": amount, "priority": priority, "condition": condition,
        "is_waiver": waiver, "valid_from": valid_from, "valid_to": valid_to, **src(source, confidence),
    }


HARDSHIP_WAIVER = fee("hardship_waiver", "城市最低生活保障对象、农村特困家庭免收工本费", 0, priority=10,
                      condition=fact("hardship", "eq", True), waiver=True, source=LAW)
RENEWAL_FEES = [
    HARDSHIP_WAIVER,
    fee("damaged", "证件损坏换领：工本费 40 元", 40, priority=20, condition=fact("reason", "eq", "damaged")),
    fee("renewal", "到期换领或登记项目变更换领：工本费 20 元", 20, priority=30),
]
REISSUE_FEES = [fee("reissue", "遗失补领：工本费 40 元", 40, priority=30)]
FIRST_FEES = [
    fee("first_free", "首次申领免收工本费（2018 年 4 月 1 日起）", 0, priority=20,
        valid_from=datetime.date(2018, 4, 1)),
    fee("first_before_2018", "首次申领：工本费 20 元（2018 年 4 月 1 日前）", 20, priority=30,
        valid_to=datetime.date(2018, 3, 31)),
]


# --- notices and urgent options -----------------------------------------------------

def notice(code, title, text, *, order, condition=ALWAYS, severity="info", source=SEED, confidence=V):
    return {
        "code": code, "title": title, "text": text, "order": order, "condition": condition,
        "severity": severity, **src(source, confidence),
    }


GUARDIAN = notice(
    "guardian_must_attend", "未满 16 周岁须监护人陪同",
    "申请人未满 16 周岁，须由监护人陪同办理，带上户口簿和监护关系证明；本人须到场采集指纹。",
    order=10, condition=MINOR, severity="warning", source=LAW + "；domain.md §9", confidence=L)
FIX_FIRST = notice(
    "fix_registration_first", "先在户籍地改好户口登记",
    "姓名、民族、出生日期等登记项目变更的，须先到户籍地派出所变更户口登记；"
    "信息与全国人口信息系统一致后才能办理换领，否则受理点会拒绝受理。",
    order=20, condition=fact("reason", "eq", "details_changed"), severity="warning",
    source="news.youth.cn 2024-05-27；" + TEN_RULES)
WINDOW = notice(
    "renewal_window_not_open", "还不能提前换领",
    "你的证件 {card_expiry_date} 到期，最早可在 {renewal_window_opens} 申请换领（有效期满前 3 个月起）。"
    "本计划按 {apply_date} 申请来推算日期。",
    order=30, condition=fact("renewal_window_open", "eq", False), severity="warning",
    source="央视新闻 2024（有效期满前 3 个月可换领）")
WINDOW_PROVINCES = notice(
    "renewal_window_provinces", "部分省份可提前 6 个月",
    "有的省份允许提前 6 个月换领，具体以当地公安机关为准。",
    order=31, condition=fact("reason", "eq", "expiring"), source=CCTV, confidence=U)
EARLY_FEE = notice(
    "early_renewal_fee", "过早换领可能按损坏收费",
    "在允许的期限之前换领，有的地方按损坏换领收取 40 元工本费。",
    order=32, condition=fact("renewal_window_open", "eq", False), source="地方咨询答复（单一来源）",
    confidence=L)
RETURN_OLD = notice(
    "return_old_card", "领新证时交回旧证", "换领的，领取新证时须交回原证件。",
    order=40, severity="warning", condition=fact("delivery", "ne", "mail"))
RETURN_OLD_BY_MAIL = notice(
    "return_old_card_by_mail", "邮寄送证也要交回旧证",
    "换领的须交回原证件。选择邮寄的，按受理点的要求交回：有的在受理时收回，有的要求收到新证后到受理点核验时交回。",
    order=41, severity="warning", condition=fact("delivery", "eq", "mail"),
    source="domain.md §3、§5（地方做法）", confidence=L)
CALENDAR = notice(
    "holiday_calendar_incomplete", "部分日期按周一至周五估算",
    "时间表涉及的年份中，有的年份的法定节假日安排尚未公布或尚未录入，这些日期按周一至周五推算，可能有出入。",
    order=50, condition=fact("calendar_incomplete", "eq", True), severity="warning",
    source="chinesecalendar（国务院办公厅节假日安排通知）")
NO_EXTRA = notice(
    "no_extra_time_or_fee", "异地办理不加时间、不加钱",
    "异地受理不增加制证周期，也不额外收费。", order=60)
REFUSALS = notice(
    "refusal_reasons", "这些情况会被拒绝受理",
    "个人信息与全国人口信息系统不一致；相貌变化大且没有指纹信息；使用伪造、变造的材料。",
    order=70, source=TEN_RULES)
LOSS_REPORT = notice(
    "loss_report", "可先挂失",
    "可到任一户籍派出所挂失：填写《居民身份证挂失申报登记表》，现场核验指纹。部分城市要求先挂失再补领。",
    order=80, condition=fact("reason", "eq", "lost"), source=LOCAL)
HARDSHIP_REISSUE = notice(
    "hardship_reduction", "困难群众可申请减收",
    "法律规定的免收工本费适用于申领和换领；遗失补领的，其他困难情况可以向受理点申请减收。",
    order=85, condition=fact("hardship", "eq", True), source=LAW)
MAIL = notice(
    "mail_delivery", "邮寄送证",
    "邮费由申请人承担（常见 15–20 元）；部分城市要求收到证件后约 30 天内到受理点现场核验。",
    order=90, condition=fact("delivery", "eq", "mail"), source="domain.md §4、§5（地方做法）", confidence=L)
APPOINTMENT = notice(
    "appointment", "出发前查一下是否要预约",
    "有的城市要求或建议预约（如广州；厦门可提前 7 个工作日预约，爽约 2 次暂停预约）。",
    order=100, source=LOCAL, confidence=L)
HOME_VISIT = notice(
    "home_visit", "行动不便可申请上门服务",
    "卧床、年老或残疾等行动不便的，许多城市提供上门办证服务，可向当地派出所咨询。",
    order=110, source=LOCAL, confidence=L)
ONLINE = notice(
    "online_same_province", "同省户籍可网上办",
    "本省户籍居民可在网上办理换领：上海“随申办”、浙江“浙里办”、安徽“皖事通”、广东“粤省事”。",
    order=120, condition=all_of(fact("same_province", "eq", True),
                                fact("residence.province", "in", ["310000", "330000", "340000", "440000"])),
    source=LOCAL)
RECEIPT_EXPIRY = notice(
    "photo_receipt_expiry", "照片回执过期不能延期",
    "照片回执有有效期（如广东为 180 天），过期后不能延期，只能重新办理。",
    order=130, condition=PHOTO_NEEDED, source=SEED + "相关文章；ccschy.com")
TEMP_AT_HOME = notice(
    "temporary_card_at_home_only", "临时身份证一般要回户籍地办",
    "临时居民身份证一般只能在户籍地派出所申领；北京、宜昌等地不为外地户籍人员办理。",
    order=140, condition=all_of(URGENT, not_(all_of(fact("hukou.yrd_pilot", "eq", True),
                                                    fact("residence.yrd_pilot", "eq", True)))),
    source=TEMP)
FIRST_DEADLINE = notice(
    "apply_within_three_months", "满 16 周岁 3 个月内申领",
    "公民应当自年满 16 周岁之日起 3 个月内申领居民身份证。", order=150,
    condition=fact("age", "eq", 16), source=LAW)


def urgent(code, title, text, *, order, condition=URGENT, fee_yuan=None, source=TEMP, confidence=V):
    return {
        "code": code, "title": title, "text": text, "order": order, "condition": condition,
        "fee_yuan": fee_yuan, **src(source, confidence),
    }


FLIGHT = urgent(
    "flight_temporary_certificate", "乘飞机：临时乘机证明",
    "微信小程序“民航临时乘机证明”约 1 分钟出具二维码，免费，有效期 15 天；"
    "也可在机场公安值班室办理纸质证明，但航班起飞前 50 分钟内不再办理。", order=20, fee_yuan=0,
    source="机场公安公开信息（地方）")
TRAIN = urgent(
    "train_temporary_certificate", "乘火车：临时身份证明",
    "在 12306 App 申请电子临时身份证明，有效期 24 小时，每月最多 3 次；也可到车站公安制证窗口办理。",
    order=30, fee_yuan=0, source="新闻报道（12306 电子临时身份证明）")
TEMP_PILOT = urgent(
    "temporary_card", "临时居民身份证（长三角试点）",
    "你的户籍地和居住地都在上海、江苏、浙江、安徽：户籍地县级公安机关审核签发后，"
    "可以在受理你申请的派出所申领临时居民身份证。工本费 10 元，有效期 3 个月，3 日内签发。",
    order=10, fee_yuan=10, condition=all_of(URGENT, fact("hukou.yrd_pilot", "eq", True),
                                            fact("residence.yrd_pilot", "eq", True)))
TEMP_LOCAL = urgent(
    "temporary_card", "临时居民身份证",
    "申请期间急需用证，可在户籍地派出所申领临时居民身份证：工本费 10 元，有效期 3 个月，3 日内签发。",
    order=10, fee_yuan=10)


# --- validity and time limits -----------------------------------------------------

VALIDITY = [
    {"min_age": 0, "max_age": 15, "years": 5, "condition": ALWAYS, **src(LAW, V)},
    {"min_age": 16, "max_age": 25, "years": 10, "condition": ALWAYS, **src(LAW, V)},
    {"min_age": 26, "max_age": 45, "years": 20, "condition": ALWAYS, **src(LAW, V)},
    {"min_age": 46, "max_age": None, "years": None, "condition": ALWAYS, **src(LAW, V)},
]
DEADLINES = [
    {"kind": "deadline", "amount": 90, "unit": "calendar_days", "priority": 10,
     "label": "交通不便地区：受理之日起 90 日内发放（60 日再延长 30 日）",
     "condition": fact("residence.remote_area", "eq", True), **src(LAW, V)},
    {"kind": "deadline", "amount": 60, "unit": "calendar_days", "priority": 20,
     "label": "受理之日起 60 日内发放", "condition": ALWAYS, **src(LAW, V)},
]
RENEWAL_WINDOW = {"kind": "renewal_window", "amount": 3, "unit": "months", "priority": 10,
                  "label": "有效期满前 3 个月起可申请换领", "condition": ALWAYS,
                  **src("央视新闻 2024", V)}


# --- the procedures -------------------------------------------------------------

CROSS_PLACE = "{residence.name}公安机关居民身份证异地受理点"
HOME_PLACE = "户籍地（{hukou.name}）派出所或户政窗口"


def cross_region_states(apply_name, apply_description):
    return [
        *prepare_states(),
        state("apply", apply_name, order=30, actor="residence_office", location=CROSS_PLACE,
              milestone="accepted", description=apply_description),
        state("signoff", "户籍地审核签发", order=40, actor="hukou_office",
              location="户籍地（{hukou.name}）县级公安机关", duration=(1, 5),
              description="受理点把申请传到户籍地，户籍地县级公安机关 5 日内审核签发，或说明理由退回。"),
        state("refused", "不予签发（退回）", order=95, actor="hukou_office", terminal=True,
              description="户籍地公安机关 5 日内说明理由并退回。"),
        *production_states("{residence.name}公安机关", CROSS_PLACE),
    ]


def cross_region_transitions():
    return [
        *prepare_transitions("apply"),
        tr("apply", "signoff", "受理并传送户籍地"),
        tr("apply", "withdrawn", "申请人撤回", kind="exception"),
        tr("signoff", "produce", "审核签发"),
        tr("signoff", "refused", "不予签发", kind="exception"),
        *production_transitions(),
    ]


def local_states(apply_name, apply_description):
    return [
        *prepare_states(),
        state("apply", apply_name, order=30, actor="hukou_office", location=HOME_PLACE,
              milestone="accepted", description=apply_description, source=LAW, confidence=V),
        state("refused", "不予受理", order=95, actor="hukou_office", terminal=True,
              description="材料不符合要求时不予受理，并说明理由。", source=LAW, confidence=L),
        *production_states("{hukou.name}公安机关", HOME_PLACE, office="hukou_office"),
    ]


def local_transitions(photo_needed=PHOTO_NEEDED, mail=MAIL_CHOSEN):
    return [
        *prepare_transitions("apply", photo_needed),
        tr("apply", "produce", "受理"),
        tr("apply", "withdrawn", "申请人撤回", kind="exception"),
        tr("apply", "refused", "不予受理", kind="exception"),
        *production_transitions(mail),
    ]


CROSS_NOTICES = [NO_EXTRA, REFUSALS, APPOINTMENT, HOME_VISIT, CALENDAR, MAIL, RECEIPT_EXPIRY, TEMP_AT_HOME]
LOCAL_NOTICES = [APPOINTMENT, HOME_VISIT, CALENDAR, MAIL, RECEIPT_EXPIRY]


def procedure(slug, name, summary, *, priority, applies_when, outcome="apply_here", kind="main",
              states=(), transitions=(), requirements=(), fees=(), notices=(), urgent_options=(),
              validity=VALIDITY, limits=DEADLINES, source=SEED, confidence=V):
    return {
        "fields": {
            "name": name, "summary": summary, "priority": priority, "applies_when": applies_when,
            "outcome": outcome, "kind": kind, "is_published": True, **src(source, confidence),
        },
        "slug": slug, "states": list(states), "transitions": list(transitions),
        "requirements": list(requirements), "fees": list(fees), "notices": list(notices),
        "urgent_options": list(urgent_options), "validity": list(validity), "limits": list(limits),
    }


PROCEDURES = [
    procedure(
        "photo-receipt", "照片回执", "在手机上自助办理数字相片采集回执。", kind="sub", priority=900,
        applies_when=ALWAYS, source=SEED, confidence=V, validity=(), limits=(),
        states=[
            state("get_photo_receipt", "在手机上办理照片回执", order=10, initial=True,
                  location="微信小程序（如“图像号”）",
                  description="打开小程序，上传已拍好的照片或现场拍摄，填写所在城市等信息；"
                              "等 10–30 分钟，收到“服务通知”后在“订单”里下载回执。"),
            state("photo_receipt_ready", "拿到照片回执", order=20, terminal=True,
                  description="保存好回执（纸质或手机里），办证时出示。"),
        ],
        transitions=[tr("get_photo_receipt", "photo_receipt_ready", "回执办好")],
        notices=[
            notice("photo_rules", "照片要求",
                   "头发不遮挡耳朵、眉毛和肩膀；不戴耳环、项链、帽子、发卡；脸上没有阴影和反光；"
                   "不美颜、不磨皮、不加滤镜；小程序不检查背景颜色。", order=10),
            notice("photo_rules_clothing", "穿着",
                   "穿深色上衣（不要白色），不穿制服、不穿高领；平时戴眼镜的可以戴；不化浓妆；露出双耳和双眉。",
                   order=20, source=CCTV),
            notice("photo_studio_guangdong", "广东：照片来源",
                   "广东要求使用省内照相馆拍摄的照片；广州不接受在省外拍摄的照片。", order=30,
                   condition=fact("place.province", "eq", "440000"), source="ccschy.com（地方）"),
        ],
    ),
    procedure(
        "not-applicable", "港澳台地区", "港澳台居民不申领居民身份证。", priority=10,
        outcome="not_applicable", validity=(), limits=(),
        applies_when=any_of(fact("hukou.not_applicable", "eq", True),
                            fact("residence.not_applicable", "eq", True)),
        source="domain.md §10", confidence=V,
        states=[state("explain", "不适用本指南", order=10, initial=True, terminal=True,
                      description="居民身份证发给中国内地（大陆）户籍的公民。", source="domain.md §10")],
        notices=[
            notice("hukou_not_applicable", "港澳台居民不申领居民身份证",
                   "户籍登记在香港、澳门或台湾的居民不持有居民身份证。在内地居住的，可以向居住地公安机关"
                   "咨询港澳台居民居住证，出行使用港澳居民来往内地通行证或台湾居民来往大陆通行证。",
                   order=10, severity="warning", condition=fact("hukou.not_applicable", "eq", True),
                   source="domain.md §10；港澳台居民居住证申领发放办法（2018）", confidence=L),
            notice("residence_not_applicable", "须在内地办理",
                   "居民身份证只能在内地（大陆）的公安机关办理：回户籍地，或到内地任一异地受理点办理。",
                   order=20, severity="warning",
                   condition=all_of(fact("residence.not_applicable", "eq", True),
                                    fact("hukou.not_applicable", "eq", False)),
                   source="domain.md §5、§10", confidence=L),
        ],
    ),
    procedure(
        "first-application-at-hukou-place", "首次申领（须回户籍地）",
        "未满 16 周岁首次申领，须由监护人陪同回户籍地办理。", priority=20,
        outcome="apply_at_hukou_place", source=FIRST_2024,
        applies_when=all_of(fact("reason", "eq", "first_time"), CROSS,
                            any_of(MINOR, fact("today", "lt", "2024-05-27"))),
        states=local_states("回户籍地派出所首次申领",
                            "监护人陪同，填写申领登记表，采集指纹，拍照（或交照片回执）。"),
        transitions=local_transitions(PHOTO_NEEDED_AT_HOME, MAIL_AT_HOME),
        requirements=[LOCAL_FORM,
                      req("hukou_book", "居民户口簿", order=20, source=LAW, confidence=V),
                      *common_requirements(PHOTO_NEEDED_AT_HOME)],
        fees=FIRST_FEES,
        notices=[
            notice("cross_region_first_application_adults_only", "异地首次申领只面向 16 周岁以上",
                   "首次申领居民身份证的跨省通办，自 2024 年 5 月 27 日起面向年满 16 周岁的公民；"
                   "未满 16 周岁的首次申领，须回户籍地办理。", order=5, severity="warning", source=FIRST_2024),
            GUARDIAN, *[n for n in LOCAL_NOTICES if n not in (RECEIPT_EXPIRY, MAIL)],
            RECEIPT_EXPIRY | {"condition": PHOTO_NEEDED_AT_HOME}, MAIL | {"condition": MAIL_AT_HOME},
        ],
        urgent_options=[TEMP_LOCAL, FLIGHT, TRAIN],
    ),
    procedure(
        "details-changed-at-hukou-place", "登记项目变更换领（须先回户籍地）",
        "姓名、民族、出生日期等登记项目变更的，先回户籍地变更户口登记，可同时在户籍地换领。", priority=25,
        outcome="apply_at_hukou_place", source="news.youth.cn 2024-05-27；" + TEN_RULES,
        applies_when=all_of(fact("reason", "eq", "details_changed"), CROSS),
        states=local_states("回户籍地派出所变更户口登记并换领",
                            "先办理户口登记项目变更，再填写申领登记表，交验原身份证，采集指纹，缴纳工本费。"),
        transitions=local_transitions(PHOTO_NEEDED_AT_HOME, MAIL_AT_HOME),
        requirements=[LOCAL_FORM, OLD_CARD,
                      req("hukou_book", "居民户口簿", order=30, source=LAW, confidence=L),
                      req("change_proof", "登记项目变更的证明材料", order=40,
                          description="如姓名、民族或出生日期变更的相关证明；具体材料以户籍地派出所的要求为准。",
                          source="domain.md §5（未列出具体材料）", confidence=U),
                      *common_requirements(PHOTO_NEEDED_AT_HOME)],
        fees=[fee for fee in RENEWAL_FEES if fee["code"] != "damaged"],
        # The first warning is the reason the plan page gives for going home.
        notices=[
            FIX_FIRST | {"order": 5},
            notice("renew_here_after_fixing", "改好户口登记后，也可以回居住地换领",
                   "户口登记改好、与全国人口信息系统一致后，也可以回到居住地的异地受理点换领；"
                   "既然要回户籍地，一起办好通常最省事。",
                   order=25, source=TEN_RULES + "；domain.md §5", confidence=L),
            GUARDIAN, RETURN_OLD, RETURN_OLD_BY_MAIL, APPOINTMENT, HOME_VISIT, CALENDAR,
            RECEIPT_EXPIRY | {"condition": PHOTO_NEEDED_AT_HOME}, MAIL | {"condition": MAIL_AT_HOME},
        ],
        urgent_options=[TEMP_LOCAL, FLIGHT, TRAIN],
    ),
    procedure(
        "cross-region-renewal", "异地换领", "在居住地的异地受理点换领居民身份证（到期、将到期、损坏、登记项目变更）。",
        priority=30, applies_when=all_of(fact("reason", "in", RENEWAL_REASONS), CROSS),
        states=cross_region_states(
            "到居住地异地受理点申请换领",
            "填写《居民身份证异地受理登记表》，交验原身份证，采集指纹，缴纳工本费，拿好领证回执。"),
        transitions=cross_region_transitions(),
        requirements=[CROSS_FORM, OLD_CARD, *residence_requirements(), *common_requirements()],
        fees=RENEWAL_FEES,
        # Details changed: sent home first (details-changed-at-hukou-place), so no FIX_FIRST here.
        notices=[GUARDIAN, WINDOW, WINDOW_PROVINCES, EARLY_FEE, RETURN_OLD, RETURN_OLD_BY_MAIL,
                 *CROSS_NOTICES, ONLINE],
        urgent_options=[TEMP_PILOT, FLIGHT, TRAIN],
        limits=[*DEADLINES, RENEWAL_WINDOW],
    ),
    procedure(
        "cross-region-reissue", "异地补领", "证件遗失后，在居住地的异地受理点补领居民身份证。",
        priority=40, applies_when=all_of(fact("reason", "eq", "lost"), CROSS),
        states=cross_region_states(
            "到居住地异地受理点申请补领",
            "填写《居民身份证异地受理登记表》，交验户口簿或居住证，采集指纹，缴纳工本费，拿好领证回执。"),
        transitions=cross_region_transitions(),
        requirements=[
            CROSS_FORM,
            req("hukou_book", "居民户口簿", order=20, group="identity", description="证明身份，任选一项。"),
            req("residence_permit", "居住证", order=21, group="identity", description="证明身份，任选一项。"),
            req("other_police_id", "公安机关签发的其他证件", order=22, group="identity",
                description="如驾驶证、护照。", source=TEN_RULES),
            req("residence_proof", "居住证明", order=40,
                condition=fact("documents", "not_in", ["residence_permit"]),
                description="没有居住证的，任选一种：暂住登记、劳动合同、学生证、房产证或租房合同；"
                            "不少地方可用书面承诺代替。", source=TEN_RULES + "；各地做法", confidence=L),
            *common_requirements(),
        ],
        fees=REISSUE_FEES,
        notices=[GUARDIAN, LOSS_REPORT, HARDSHIP_REISSUE, *CROSS_NOTICES],
        urgent_options=[TEMP_PILOT, FLIGHT, TRAIN],
    ),
    procedure(
        "cross-region-first-application", "异地首次申领",
        "年满 16 周岁，在居住地首次申领居民身份证（2024 年 5 月 27 日起全国通办）。",
        priority=50, source=FIRST_2024,
        applies_when=all_of(fact("reason", "eq", "first_time"), CROSS, fact("age", "gte", 16),
                            fact("today", "gte", "2024-05-27")),
        states=cross_region_states(
            "到居住地异地受理点首次申领",
            "填写《居民身份证异地受理登记表》，交验户口簿，采集指纹，拿好领证回执。"),
        transitions=cross_region_transitions(),
        # Only from 16, so no guardian: a younger child is sent home (first-application-at-hukou-place).
        requirements=[CROSS_FORM, req("hukou_book", "居民户口簿", order=20, source=FIRST_2024, confidence=L),
                      *residence_requirements(), *common_requirements(minors=False)],
        fees=FIRST_FEES,
        notices=[FIRST_DEADLINE, *CROSS_NOTICES],
        urgent_options=[TEMP_PILOT, FLIGHT, TRAIN],
    ),
    procedure(
        "local-renewal", "在户籍地换领", "在户籍所在地换领居民身份证。", priority=60, source=LAW,
        applies_when=all_of(fact("reason", "in", RENEWAL_REASONS), LOCAL_ONLY),
        states=local_states("到户籍地派出所申请换领", "填写申领登记表，交验原身份证，采集指纹，缴纳工本费。"),
        transitions=local_transitions(),
        requirements=[LOCAL_FORM, OLD_CARD, *common_requirements()],
        fees=RENEWAL_FEES,
        notices=[GUARDIAN, FIX_FIRST, WINDOW, WINDOW_PROVINCES, EARLY_FEE, RETURN_OLD, RETURN_OLD_BY_MAIL,
                 *LOCAL_NOTICES, ONLINE],
        urgent_options=[TEMP_LOCAL, FLIGHT, TRAIN],
        limits=[*DEADLINES, RENEWAL_WINDOW],
    ),
    procedure(
        "local-reissue", "在户籍地补领", "证件遗失后，在户籍所在地补领居民身份证。", priority=70, source=LAW,
        applies_when=all_of(fact("reason", "eq", "lost"), LOCAL_ONLY),
        states=local_states("到户籍地派出所申请补领", "填写申领登记表，交验户口簿，采集指纹，缴纳工本费。"),
        transitions=local_transitions(),
        requirements=[LOCAL_FORM, req("hukou_book", "居民户口簿", order=20, source=LAW, confidence=L),
                      *common_requirements()],
        fees=REISSUE_FEES,
        notices=[GUARDIAN, LOSS_REPORT, HARDSHIP_REISSUE, *LOCAL_NOTICES],
        urgent_options=[TEMP_LOCAL, FLIGHT, TRAIN],
    ),
    procedure(
        "local-first-application", "在户籍地首次申领", "在户籍所在地首次申领居民身份证。", priority=80, source=LAW,
        applies_when=all_of(fact("reason", "eq", "first_time"), LOCAL_ONLY),
        states=local_states("到户籍地派出所首次申领", "填写申领登记表，交验户口簿，采集指纹。"),
        transitions=local_transitions(),
        requirements=[LOCAL_FORM, req("hukou_book", "居民户口簿", order=20, source=LAW, confidence=V),
                      *common_requirements()],
        fees=FIRST_FEES,
        notices=[GUARDIAN, FIRST_DEADLINE, *LOCAL_NOTICES],
        urgent_options=[TEMP_LOCAL, FLIGHT, TRAIN],
    ),
]


def seed(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    State = apps.get_model("procedures", "State")
    Transition = apps.get_model("procedures", "Transition")
    models = {name: apps.get_model("procedures", name) for name in (
        "Requirement", "Fee", "Notice", "UrgentOption", "ValidityRule", "TimeLimit")}
    made = {}
    # Sub-procedures first: main procedures' states point at them.
    for spec in sorted(PROCEDURES, key=lambda p: p["fields"]["kind"] != "sub"):
        proc, _ = Procedure.objects.update_or_create(slug=spec["slug"], version=1, defaults=spec["fields"])
        made[spec["slug"]] = proc
        states = {}
        for item in spec["states"]:
            fields = dict(item)
            code, sub = fields.pop("code"), fields.pop("subprocedure")
            fields["subprocedure"] = made[sub] if sub else None
            states[code], _ = State.objects.update_or_create(procedure=proc, code=code, defaults=fields)
        for item in spec["transitions"]:
            fields = dict(item)
            source, target = states[fields.pop("source_state")], states[fields.pop("target_state")]
            Transition.objects.update_or_create(
                procedure=proc, source_state=source, target_state=target, kind=fields["kind"],
                defaults=fields)
        for key, model_name, natural in (
            ("requirements", "Requirement", ("code",)), ("fees", "Fee", ("code",)),
            ("notices", "Notice", ("code",)), ("urgent_options", "UrgentOption", ("code",)),
            ("validity", "ValidityRule", ("min_age",)), ("limits", "TimeLimit", ("kind", "priority")),
        ):
            for item in spec[key]:
                fields = dict(item)
                lookup = {name: fields.pop(name) for name in natural}
                models[model_name].objects.update_or_create(procedure=proc, **lookup, defaults=fields)


def unseed(apps, schema_editor):
    Procedure = apps.get_model("procedures", "Procedure")
    slugs = [spec["slug"] for spec in PROCEDURES if spec["fields"]["kind"] == "main"]
    Procedure.objects.filter(slug__in=slugs, version=1).delete()
    Procedure.objects.filter(kind="sub", version=1, slug__in=[s["slug"] for s in PROCEDURES]).delete()


class Migration(migrations.Migration):
    dependencies = [("procedures", "0003_seed_calendar")]
    operations = [migrations.RunPython(seed, unseed)]
