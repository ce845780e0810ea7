"""The closed set of facts a condition may name.

Answers come from the applicant; derived facts are computed from the answers and
the two regions; window facts need the procedure's time limits; timeline facts
exist only once the path has been laid on the calendar. A condition may only name
facts that are known at the point where it is evaluated (see ``PHASE_OF_MODEL``).
"""
import functools
from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .parts import PARTS
from .phases import ANSWER, DERIVED, TIMELINE, WINDOW
from .questions import QUESTIONS
from .vocabulary import RegionTopic


@dataclass(frozen=True)
class Fact:
    name: str
    type: str  # enum, enum_list, bool, int, date, str
    label: str
    phase: int
    choices: tuple = ()


# What each kind of region rule tells a condition: (topic, flag fact, days fact), with their labels.
# A flag is true where the rule applies; the days fact carries the rule's number of days.
REGION_RULE_FACTS = (
    (RegionTopic.PHOTO_RECEIPT, ("photo_receipt_required", _("需要照片回执")),
     ("photo_receipt_validity_days", _("照片回执有效天数"))),
    (RegionTopic.PROMISE_CROSS_REGION, None, ("promised_days_cross_region", _("承诺的异地办证时限"))),
    (RegionTopic.PROMISE_LOCAL, None, ("promised_days_local", _("承诺的本地办证时限"))),
    (RegionTopic.MAIL_DELIVERY, ("mail_delivery", _("提供邮寄送证")), None),
    (RegionTopic.YRD_PILOT, ("yrd_pilot", _("属长三角临时身份证试点")), None),
    (RegionTopic.NOT_APPLICABLE, ("not_applicable", _("不签发居民身份证")), None),
    (RegionTopic.REMOTE_AREA, ("remote_area", _("属交通不便地区")), None),
    (RegionTopic.PHOTO_RECEIPT_ACCEPTED, ("photo_receipt_accepted", _("接受照片回执")), None),
    (RegionTopic.COUNTER_PHOTO, ("counter_photo", _("受理点现场拍照")), None),
    (RegionTopic.PROVINCE_WIDE, ("province_wide", _("省内通办（本省户籍可在省内任一受理点办理）")), None),
    (RegionTopic.CITY_WIDE, ("city_wide", _("市内通办（本市户籍可在市内任一受理点办理）")), None),
    (RegionTopic.WEEKEND_SERVICE, ("weekend_service", _("周末也受理")), None),
    (RegionTopic.PROXY_COLLECTION, ("proxy_collection", _("可由他人代领新证")), None),
)


def _region_facts(prefix, where, phase=DERIVED):
    facts = [Fact(f"{prefix}.province", "str", format_lazy(_("{where}所在省级行政区代码"), where=where), phase)]
    for _topic, flag, days in REGION_RULE_FACTS:
        if flag:
            facts.append(Fact(f"{prefix}.{flag[0]}", "bool", format_lazy("{where}{what}", where=where, what=flag[1]),
                              phase))
        if days:
            facts.append(Fact(f"{prefix}.{days[0]}", "int", format_lazy("{where}{what}", where=where, what=days[1]),
                              phase))
    return facts


FACTS = {
    fact.name: fact
    for fact in [
        *(Fact(q.key, q.fact_type, q.fact_label, ANSWER, q.choices) for q in QUESTIONS),
        Fact("today", "date", _("今天"), DERIVED),
        Fact("age", "int", _("年龄（周岁）"), DERIVED),
        Fact("cross_region", "bool", _("居住地与户籍地不同"), DERIVED),
        Fact("same_province", "bool", _("居住地与户籍地在同一省"), DERIVED),
        Fact("days_to_expiry", "int", _("距旧证到期的天数"), DERIVED),
        *_region_facts("hukou", _("户籍地")),
        *_region_facts("residence", _("居住地")),
        Fact("renewal_window_opens", "date", _("可提前换领的起始日"), WINDOW),
        Fact("renewal_window_open", "bool", _("已可提前换领"), WINDOW),
        Fact("apply_date", "date", _("计划申请日"), WINDOW),
        # Where the person applies: the place of residence, or home when the procedure sends them there.
        *_region_facts("place", _("办证地"), WINDOW),
        # Whether a fee waiver could apply if the person answered "yes" to what its condition asks.
        Fact("fee_waiver_possible", "bool", _("可能减免工本费"), WINDOW),
        Fact("card_ready_by", "date", _("预计可领证日期"), TIMELINE),
        Fact("card_issued_by", "date", _("预计最迟签发日期"), TIMELINE),
        Fact("needed_before_ready", "bool", _("需要证件的日期早于预计领证日"), TIMELINE),
        Fact("old_card_valid_when_needed", "bool", _("需要用证那天旧证仍在有效期内"), TIMELINE),
        Fact("calendar_incomplete", "bool", _("节假日安排尚未公布"), TIMELINE),
    ]
}

# The latest phase whose facts each kind of record may name.
PHASE_OF_MODEL = {
    "procedure": DERIVED,
    **{part.name: part.phase for part in PARTS},
    "question": WINDOW,  # a question's relevant_when
}


@functools.cache
def facts_for(model_name):
    """Return the names of the facts a condition on ``model_name`` may use."""
    phase = PHASE_OF_MODEL.get(model_name, TIMELINE)
    return frozenset(name for name, fact in FACTS.items() if fact.phase <= phase)
