"""The fixed set of questions: keys, types, choices, validation and when each is asked.

Questions are code, not content. This module is the single authority on what an
answer may be: the web wizard's forms and the ``plan`` command both validate
through it, and ``relevant_keys`` decides which questions a person is asked
(a question that cannot change the outcome is skipped).
"""
import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procedures.facts import DELIVERY, DOCUMENTS, REASONS

EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
# Cards issued under the 2004 law; anything before 1984 (first-generation cards) is a typo.
EARLIEST_EXPIRY = datetime.date(1984, 1, 1)
LONGEST_VALIDITY_YEARS = 20
FURTHEST_NEEDED_BY_DAYS = 2 * 366

REASON_LABELS = {
    "expiring": gettext_lazy("证件快到期了"),
    "expired": gettext_lazy("证件已经过期"),
    "damaged": gettext_lazy("证件损坏了"),
    "details_changed": gettext_lazy("姓名等登记信息变了"),
    "lost": gettext_lazy("证件丢了"),
    "first_time": gettext_lazy("第一次办身份证"),
}
DOCUMENT_LABELS = {
    "old_card": gettext_lazy("原来的身份证"),
    "hukou_book": gettext_lazy("户口簿"),
    "residence_permit": gettext_lazy("居住证"),
    "other_police_id": gettext_lazy("驾驶证、护照等公安机关签发的证件"),
    "residence_proof": gettext_lazy("其他居住证明（暂住登记、劳动合同、学生证、房产证或租房合同）"),
}
DELIVERY_LABELS = {
    "collect": gettext_lazy("到受理点自己领"),
    "mail": gettext_lazy("邮寄到家（邮费自付）"),
}


@dataclass(frozen=True)
class Question:
    key: str
    kind: str  # choice, multi, date, region, yes_no
    label: str
    help_text: str = ""
    choices: tuple = ()
    optional: bool = False
    steps: tuple = ()  # the wizard's pages for this question, in order; () means one page named by the key

    def __post_init__(self):
        if not self.steps:
            object.__setattr__(self, "steps", (self.key,))


QUESTIONS = (
    Question("reason", "choice", gettext_lazy("您为什么要办身份证？"), choices=REASONS),
    Question("hukou_region", "region", gettext_lazy("您的户口在哪里？"),
             gettext_lazy("户口簿上登记的地方（户籍地）。"), steps=("hukou_province", "hukou_prefecture")),
    Question("residence_region", "region", gettext_lazy("您现在住在哪里？"),
             gettext_lazy("您打算在哪个城市办理。"), steps=("residence_province", "residence_prefecture")),
    Question("birth_date", "date", gettext_lazy("您的出生日期是？"),
             gettext_lazy("用来判断是否需要监护人陪同，以及新证的有效期。")),
    Question("card_expiry_date", "date", gettext_lazy("旧身份证的有效期到哪一天？"),
             gettext_lazy("身份证背面“有效期限”的后一个日期。")),
    Question("documents", "multi", gettext_lazy("您手头有哪些证件？"),
             gettext_lazy("可以多选；都没有也可以继续。"), choices=DOCUMENTS, optional=True),
    Question("has_photo_receipt", "yes_no", gettext_lazy("您已经有照片回执了吗？"),
             gettext_lazy("您所在的地区办证要用数字相片采集回执。")),
    Question("delivery", "choice", gettext_lazy("新证怎么拿？"), choices=DELIVERY),
    Question("needed_by", "date", gettext_lazy("您最晚哪天要用身份证？（可不填）"),
             gettext_lazy("比如要坐飞机、火车的日期。没有就留空。"), optional=True),
    Question("hardship", "yes_no", gettext_lazy("您家是低保户或特困家庭吗？"),
             gettext_lazy("低保、特困家庭申领和换领免收工本费。")),
)
BY_KEY = {question.key: question for question in QUESTIONS}
KEYS = tuple(BY_KEY)


def choice_label(key, value):
    """Return the label a person sees for a stored answer value."""
    labels = {"reason": REASON_LABELS, "documents": DOCUMENT_LABELS, "delivery": DELIVERY_LABELS}.get(key, {})
    return labels.get(value, value)


def relevant_keys(answers, regions):
    """Return, in order, the keys of the questions this person is asked.

    ``answers`` holds what is known so far; ``regions`` maps a division code to a
    ``RegionInfo`` (or None) and, if it can, tells the place where the person will
    apply (``place_of_application``; see ``wizard.services.RegionLookup``). A
    question whose answer cannot change the outcome is left out: after a Hong Kong,
    Macao or Taiwan registration nothing else matters; the expiry date only for an
    expiring or expired card; the photo receipt and mail delivery only where the
    place of application has them; hardship only where a fee could be waived.
    """
    keys = ["reason", "hukou_region"]
    hukou = regions(answers.get("hukou_region"))
    if hukou is not None and hukou.rule("not_applicable"):
        return keys
    keys.append("residence_region")
    residence = regions(answers.get("residence_region"))
    if residence is not None and residence.rule("not_applicable"):
        return keys
    keys.append("birth_date")
    reason = answers.get("reason")
    if reason in ("expiring", "expired"):
        keys.append("card_expiry_date")
    keys.append("documents")
    # Local rules are those of the place where the person will apply, which is not
    # always where they live (a child's first card is made at home).
    place = regions.place_of_application(answers) if hasattr(regions, "place_of_application") else residence
    if place is not None and place.rule("photo_receipt"):
        keys.append("has_photo_receipt")
    if place is not None and place.rule("mail_delivery"):
        keys.append("delivery")
    keys.append("needed_by")
    if reason != "first_time":
        keys.append("hardship")
    return keys


def required_keys(answers, regions):
    """Return the relevant keys that must have an answer."""
    return [key for key in relevant_keys(answers, regions) if not BY_KEY[key].optional]


# --- single-answer validation (shared by the web forms and the command) -------------

class AnswerError(ValueError):
    """An answer is not acceptable; the message is for the person who gave it."""


def clean_reason(value):
    if value not in REASONS:
        raise AnswerError(_("“%(value)s”不是可选的办证原因（可选：%(choices)s）。") % {
            "value": value, "choices": ", ".join(REASONS)})
    return value


def clean_region(value, regions):
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:06d}"
    if not isinstance(value, str) or len(value.strip()) != 6 or not value.strip().isdigit():
        raise AnswerError(_("地区代码应为 6 位数字，例如 440300。"))
    value = value.strip()
    if regions(value) is None:
        raise AnswerError(_("找不到地区代码 %(code)s，请检查后重填。") % {"code": value})
    return value


def clean_birth_date(value, today):
    if value > today:
        raise AnswerError(_("出生日期不能晚于今天。"))
    if value < EARLIEST_BIRTH_DATE:
        raise AnswerError(_("出生日期太早了，请检查年份。"))
    return value


def clean_card_expiry_date(value, today, reason):
    if value < EARLIEST_EXPIRY:
        raise AnswerError(_("有效期截止日太早了，请检查年份。"))
    if value > today.replace(year=today.year + LONGEST_VALIDITY_YEARS) + datetime.timedelta(days=1):
        raise AnswerError(_("身份证最长有效 20 年，这个日期太晚了，请检查年份。"))
    if reason == "expiring" and value < today:
        raise AnswerError(_("这个日期已经过去，说明证件已过期：请把办证原因改为“证件已经过期”。"))
    if reason == "expired" and value >= today:
        raise AnswerError(_("这个日期还没到，证件还没过期：请把办证原因改为“证件快到期了”。"))
    return value


def clean_documents(value):
    if not isinstance(value, list | tuple):
        raise AnswerError(_("证件应为列表。"))
    unknown = [item for item in value if item not in DOCUMENTS]
    if unknown:
        raise AnswerError(_("不认识的证件：%(items)s。") % {"items": ", ".join(map(str, unknown))})
    return [item for item in DOCUMENTS if item in value]


def clean_yes_no(value):
    if isinstance(value, bool):
        return value
    if value in ("yes", "no"):
        return value == "yes"
    raise AnswerError(_("请回答“是”或“否”（true/false）。"))


def clean_delivery(value):
    if value not in DELIVERY:
        raise AnswerError(_("“%(value)s”不是可选的领证方式（可选：%(choices)s）。") % {
            "value": value, "choices": ", ".join(DELIVERY)})
    return value


def clean_needed_by(value, today):
    if value is None:
        return None
    if value < today:
        raise AnswerError(_("这个日期已经过去了；没有急用可以留空。"))
    if value > today + datetime.timedelta(days=FURTHEST_NEEDED_BY_DAYS):
        raise AnswerError(_("请填两年以内的日期；没有急用可以留空。"))
    return value


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_iso_date(value):
    """Parse YYYY-MM-DD (nothing else: no week dates, no 20261125); None if not of that form.

    A date of that form that does not exist (2026-02-30) raises AnswerError in plain words.
    """
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise AnswerError(_("“%(value)s”不是存在的日期。") % {"value": value}) from None
    if isinstance(value, str):
        return None
    raise AnswerError(_("日期应写成 YYYY-MM-DD。"))


def clean_answer(key, value, answers, *, today, regions):
    """Return the cleaned value of one answer, given the answers before it."""
    if key == "reason":
        return clean_reason(value)
    if key in ("hukou_region", "residence_region"):
        return clean_region(value, regions)
    if key == "documents":
        return clean_documents(value)
    if key in ("has_photo_receipt", "hardship"):
        return clean_yes_no(value)
    if key == "delivery":
        return clean_delivery(value)
    if key in ("birth_date", "card_expiry_date", "needed_by"):
        if value is None and key == "needed_by":
            return None
        parsed = parse_iso_date(value)
        if parsed is None:
            raise AnswerError(_("日期应写成 YYYY-MM-DD。"))
        if key == "birth_date":
            return clean_birth_date(parsed, today)
        if key == "card_expiry_date":
            return clean_card_expiry_date(parsed, today, answers.get("reason"))
        return clean_needed_by(parsed, today)
    raise AnswerError(_("未知的问题：%(key)s。") % {"key": key})


def clean_answers(raw, *, today, regions):
    """Validate a whole set of answers; return (answers, problems).

    ``answers`` keeps only the relevant questions, in question order; ``problems``
    is a list of (key, message) in plain words. Answers to questions that do not
    apply to this person are dropped, not refused.
    """
    problems = []
    if not isinstance(raw, dict):
        return {}, [("", _("答案应为一个 JSON 对象。"))]
    for key in raw:
        if key not in BY_KEY:
            problems.append((key, _("%(key)s: 未知的问题，可用的有：%(keys)s。") % {
                "key": key, "keys": ", ".join(KEYS)}))
    answers = {}
    # Clean in question order so that each answer can see the ones before it.
    for question in QUESTIONS:
        key = question.key
        if key not in raw:
            continue
        try:
            answers[key] = clean_answer(key, raw[key], answers, today=today, regions=regions)
        except AnswerError as error:
            problems.append((key, f"{key}: {error}"))
    relevant = relevant_keys(answers, regions)
    for key in required_keys(answers, regions):
        if key not in raw:
            problems.append((key, _("%(key)s: 缺少这个答案（%(label)s）。") % {
                "key": key, "label": BY_KEY[key].label}))
    answers = {key: answers[key] for key in relevant if key in answers}
    return answers, problems


def to_json(answers):
    """Return answers with dates as ISO strings (for storage)."""
    return {key: value.isoformat() if isinstance(value, datetime.date) else value
            for key, value in answers.items()}


def from_json(data):
    """Inverse of ``to_json``."""
    result = dict(data)
    for key in ("birth_date", "card_expiry_date", "needed_by"):
        if isinstance(result.get(key), str):
            result[key] = datetime.date.fromisoformat(result[key])
    return result
