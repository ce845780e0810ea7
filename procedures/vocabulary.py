"""The one vocabulary: every closed set of codes the product knows, with its translated labels.

Models, the engine, the wizard, the desk and the templates all use these
``TextChoices``; nothing else spells a code out. Which code applies to whom is
content (rows with conditions), never written here.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Confidence(models.TextChoices):
    VERIFIED = "verified", _("已核实")
    LIKELY = "likely", _("较可能")
    UNKNOWN = "unknown", _("未确认")


class DurationUnit(models.TextChoices):
    CALENDAR_DAYS = "calendar_days", _("自然日")
    WORKING_DAYS = "working_days", _("工作日")


class TimeUnit(models.TextChoices):
    CALENDAR_DAYS = "calendar_days", _("自然日")
    WORKING_DAYS = "working_days", _("工作日")
    MONTHS = "months", _("月")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class Outcome(models.TextChoices):
    APPLY_HERE = "apply_here", _("在居住地（或户籍地本地）办理")
    APPLY_AT_HUKOU_PLACE = "apply_at_hukou_place", _("须回户籍地办理")
    NOT_APPLICABLE = "not_applicable", _("不适用")


class Place(models.TextChoices):
    """Whose local rules (promised times, photo receipts, mail) a plan follows."""

    RESIDENCE = "residence", _("居住地")
    HUKOU = "hukou", _("户籍地")
    NOWHERE = "", _("无")


# An outcome decides where the person applies: that is what the outcome means.
PLACE_OF_OUTCOME = {
    Outcome.APPLY_HERE: Place.RESIDENCE,
    Outcome.APPLY_AT_HUKOU_PLACE: Place.HUKOU,
    Outcome.NOT_APPLICABLE: Place.NOWHERE,
}


class ProcedureKind(models.TextChoices):
    MAIN = "main", _("主流程")
    SUB = "sub", _("子流程（由某一环节调用）")


class Actor(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESIDENCE_OFFICE = "residence_office", _("居住地受理点")
    HUKOU_OFFICE = "hukou_office", _("户籍地县级公安机关")
    PRODUCTION = "production", _("制证机构")


class Milestone(models.TextChoices):
    NONE = "", _("无")
    ACCEPTED = "accepted", _("受理")
    CARD_READY = "card_ready", _("证件可领取")
    ISSUED = "issued", _("审核签发")
    COLLECTED = "collected", _("已领证")
    MAILED = "mailed", _("证件已寄出")


# The milestones at which the person has the new card in hand (collected or delivered by post).
HANDOVER_MILESTONES = frozenset((Milestone.COLLECTED, Milestone.MAILED))


class TransitionKind(models.TextChoices):
    PLANNED = "planned", _("正常流转（用于生成办事计划）")
    EXCEPTION = "exception", _("例外（退回、撤回等，仅由工作人员操作）")


class DocumentForm(models.TextChoices):
    ORIGINAL = "original", _("原件")
    COPY = "copy", _("复印件")
    ORIGINAL_AND_COPY = "original_and_copy", _("原件和复印件")
    NONE = "none", _("无需纸质材料")


class Severity(models.TextChoices):
    """How much a notice weighs: the plan's 请特别注意 lists the first two, most severe first."""

    CRITICAL = "critical", _("必须注意（不照做就办不成或白跑一趟）")
    WARNING = "warning", _("警示")
    INFO = "info", _("提示")


# The severities listed under 请特别注意, in the order they are shown.
WARNING_SEVERITIES = (Severity.CRITICAL.value, Severity.WARNING.value)


class NoticeTopic(models.TextChoices):
    """Where on the plan a notice is shown."""

    GENERAL = "general", _("其他提示")
    PHOTO = "photo", _("照片和照片回执")


class TimeLimitKind(models.TextChoices):
    DEADLINE = "deadline", _("法定制证时限（自受理之日起）")
    RENEWAL_WINDOW = "renewal_window", _("可提前换领的期限（到期前）")
    PROMISE = "promise", _("承诺时限（取办证地公布的某项地方规定）")


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    PREFECTURE = "prefecture", _("地级")


class RegionTopic(models.TextChoices):
    PHOTO_RECEIPT = "photo_receipt", _("需要照片回执（天数 = 回执有效天数）")
    PROMISE_CROSS_REGION = "promise_cross_region", _("承诺的异地办证时限")
    PROMISE_LOCAL = "promise_local", _("承诺的本地办证时限")
    MAIL_DELIVERY = "mail_delivery", _("提供邮寄送证")
    YRD_PILOT = "yrd_pilot", _("长三角临时身份证试点")
    NOT_APPLICABLE = "not_applicable", _("不签发居民身份证")
    REMOTE_AREA = "remote_area", _("交通不便地区（法定时限可延长）")
    PHOTO_RECEIPT_ACCEPTED = "photo_receipt_accepted", _("接受照片回执（不是必须）")
    COUNTER_PHOTO = "counter_photo", _("受理点现场拍照")
    PROVINCE_WIDE = "province_wide", _("省内通办：本省户籍可在省内任一受理点办理")
    CITY_WIDE = "city_wide", _("市内通办：本市户籍可在市内任一受理点办理")
    WEEKEND_SERVICE = "weekend_service", _("周末也受理")
    PROXY_COLLECTION = "proxy_collection", _("可由他人代领新证")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class CardReadyBasis(models.TextChoices):
    """What the card-ready date rests on."""

    LOCAL_PROMISE = "local_promise", _("当地公布的办证承诺时限")
    STAGE_DURATIONS = "stage_durations", _("各环节通常需要的时间")
    STATUTORY_DEADLINE = "statutory_deadline", _("法定最迟发证日期")


# --- the answers a person gives --------------------------------------------------

class Reason(models.TextChoices):
    EXPIRING = "expiring", _("证件快到期了")
    EXPIRED = "expired", _("证件已经过期")
    DAMAGED = "damaged", _("证件损坏了")
    DETAILS_CHANGED = "details_changed", _("姓名等登记信息变了")
    LOST = "lost", _("证件丢了")
    FIRST_TIME = "first_time", _("第一次办身份证")


class HeldDocument(models.TextChoices):
    """The documents a person may say they have (the documents question)."""

    OLD_CARD = "old_card", _("原来的身份证")
    HUKOU_BOOK = "hukou_book", _("户口簿")
    RESIDENCE_PERMIT = "residence_permit", _("居住证")
    OTHER_POLICE_ID = "other_police_id", _("驾驶证、护照等公安机关签发的证件")
    RESIDENCE_PROOF = "residence_proof", _("其他居住证明（暂住登记、劳动合同、学生证、房产证或租房合同）")


class Delivery(models.TextChoices):
    COLLECT = "collect", _("到受理点自己领")
    MAIL = "mail", _("邮寄到家（邮费自付）")


class ServicePointKind(models.TextChoices):
    """What an entry of the office directory is."""

    OFFICE = "office", _("受理点")
    CHANNEL = "channel", _("官方办理或预约渠道")


class WeekendService(models.TextChoices):
    YES = "yes", _("周末也办理")
    NO = "no", _("周末不办理")
    UNKNOWN = "unknown", _("未确认")


class QuestionKind(models.TextChoices):
    CHOICE = "choice", _("单选")
    MULTI = "multi", _("多选")
    DATE = "date", _("日期")
    REGION = "region", _("地区")
    YES_NO = "yes_no", _("是非")
