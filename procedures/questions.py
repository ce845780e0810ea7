"""The question registry: each question declared once, with its kind, choices, cleaner and relevance.

Questions are code; when each is asked is data. ``relevant_when`` is a condition in
the content's own language (``procedures.conditions``) over the answers so far and
the facts they give (regions, the place where the person applies, whether a fee
could be waived), so "ask about hardship only where a waivable fee applies" is
decided by the ``Fee`` rows. The wizard's pages, the answer facts, summary labels
and the ``plan`` command's validation are all derived from ``QUESTIONS``.
"""
import datetime
import functools
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .calendar import add_years
from .vocabulary import Delivery, HeldDocument, QuestionKind, Reason

EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
# Cards issued under the 2004 law; anything before 1984 (first-generation cards) is a typo.
EARLIEST_EXPIRY = datetime.date(1984, 1, 1)
LONGEST_VALIDITY_YEARS = 20
OLDEST_AGE = 120  # a birth date further back is taken for a typo
FURTHEST_NEEDED_BY_DAYS = 2 * 366

# The fact type a condition sees for each kind of question.
FACT_TYPE = {
    QuestionKind.CHOICE: "enum", QuestionKind.MULTI: "enum_list", QuestionKind.DATE: "date",
    QuestionKind.REGION: "str", QuestionKind.YES_NO: "bool",
}


def _fact(name, op, value=None):
    return {"fact": name, "op": op, "value": value}


# Nothing else is asked once either place does not issue this card (Hong Kong, Macao, Taiwan).
ISSUES_CARDS = {"all": [_fact("hukou.not_applicable", "ne", True), _fact("residence.not_applicable", "ne", True)]}


def _and(*parts):
    return {"all": [ISSUES_CARDS, *parts]}


@dataclass(frozen=True)
class Question:
    key: str
    kind: str  # a QuestionKind
    label: str
    help_text: str = ""
    choice_set: type | None = None  # a TextChoices class: the values and the labels a person sees
    optional: bool = False
    steps: tuple = ()  # the wizard's pages for this question, in order; () means one page named by the key
    relevant_when: dict | None = None  # a condition; None: always asked
    fact_label: str = ""  # how admins see the answer in a condition
    cleaner: object = None  # (value, answers, today, regions) -> cleaned value; raises AnswerError
    # A choice offered only where its condition holds (value -> condition); others are always offered.
    choice_relevant_when: dict | None = None
    # The same question put to a clerk answering for the applicant at the counter (blank: the wording is neutral).
    clerk_label: str = ""
    clerk_help_text: str = ""

    def __post_init__(self):
        if not self.steps:
            object.__setattr__(self, "steps", (self.key,))

    @property
    def choices(self):
        """Return the values a person may choose from, in order."""
        return tuple(self.choice_set.values) if self.choice_set else ()

    @property
    def fact_type(self):
        return FACT_TYPE[self.kind]

    def label_for(self, walk_in=False):
        """Return the question as the applicant reads it, or as the clerk reads it at the counter."""
        return (self.clerk_label or self.label) if walk_in else self.label

    def help_for(self, walk_in=False):
        return (self.clerk_help_text or self.help_text) if walk_in else self.help_text

    def label_of(self, value):
        """Return the label a person sees for a stored value."""
        if self.choice_set and value in self.choice_set.values:
            return self.choice_set(value).label
        return value

    @functools.cached_property
    def _choice_tests(self):
        from . import conditions

        return {value: conditions.compile_condition(condition)
                for value, condition in (self.choice_relevant_when or {}).items()}

    def offered(self, facts):
        """Return the values offered to a person with these facts, in order."""
        tests = self._choice_tests
        return tuple(value for value in self.choices if value not in tests or tests[value](facts))

    @functools.cached_property
    def relevant(self):
        """Return the compiled relevance test (facts -> bool)."""
        # Imported here: the fact vocabulary that conditions check against is built from QUESTIONS.
        from . import conditions

        return conditions.compile_condition(self.relevant_when or {})


class AnswerError(ValueError):
    """An answer is not acceptable; the message is for the person who gave it."""


# --- cleaners (shared by the web forms and the command) ----------------------------


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


def _date(value, *, optional=False):
    if value is None and optional:
        return None
    parsed = parse_iso_date(value)
    if parsed is None:
        raise AnswerError(_("日期应写成 YYYY-MM-DD。"))
    return parsed


def _choice(choices, what):
    def clean(value, answers, today, regions):
        if value not in choices.values:
            raise AnswerError(_("“%(value)s”不是可选的%(what)s（可选：%(choices)s）。") % {
                "value": value, "what": what, "choices": ", ".join(choices.values)})
        return value
    return clean


def clean_region(value, answers, today, regions):
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:06d}"
    if not isinstance(value, str) or len(value.strip()) != 6 or not value.strip().isdigit():
        raise AnswerError(_("地区代码应为 6 位数字，例如 440300。"))
    value = value.strip()
    if regions(value) is None:
        raise AnswerError(_("找不到地区代码 %(code)s，请检查后重填。") % {"code": value})
    return value


def clean_birth_date(value, answers, today, regions):
    value = _date(value)
    if value > today:
        raise AnswerError(_("出生日期不能晚于今天。"))
    if value < EARLIEST_BIRTH_DATE or value < add_years(today, -OLDEST_AGE):
        raise AnswerError(_("这个出生日期在 %(years)d 年以前，多半是年份填错了，请检查。") % {"years": OLDEST_AGE})
    return value


def _possible_expiries(birth_date, bands):
    """Return the earliest and latest day a card with a fixed term can expire for someone born then.

    The earliest: issued at the youngest age of a band, for that band's term; the
    latest: issued the day before the oldest age of a band ends. A card issued at an
    age whose band has no term (46 and over) is long-term and never expires.
    """
    fixed = [(min_age, max_age, years) for min_age, max_age, years in bands if years and max_age is not None]
    if not fixed:
        return None, None
    earliest = min(add_years(birth_date, min_age + years) for min_age, _max_age, years in fixed)
    latest = max(add_years(birth_date, max_age + 1 + years) for _min_age, max_age, years in fixed)
    return earliest, latest - datetime.timedelta(days=1)


def clean_card_expiry_date(value, answers, today, regions):
    value = _date(value)
    reason = answers.get("reason")
    if value < EARLIEST_EXPIRY:
        raise AnswerError(_("有效期截止日太早了，请检查年份。"))
    if value > today.replace(year=today.year + LONGEST_VALIDITY_YEARS) + datetime.timedelta(days=1):
        raise AnswerError(_("身份证最长有效 20 年，这个日期太晚了，请检查年份。"))
    if reason == Reason.EXPIRING and value < today:
        raise AnswerError(_("这个日期已经过去，说明证件已过期：请把办证原因改为“证件已经过期”。"))
    if reason == Reason.EXPIRED and value >= today:
        raise AnswerError(_("这个日期还没到，证件还没过期：请把办证原因改为“证件快到期了”。"))
    birth_date = answers.get("birth_date")
    bands = regions.validity_bands() if birth_date and hasattr(regions, "validity_bands") else ()
    earliest, latest = _possible_expiries(birth_date, bands) if bands else (None, None)
    if value <= (birth_date or EARLIEST_EXPIRY):
        raise AnswerError(_("有效期截止日早于您的出生日期，请检查年份。"))
    if earliest and value < earliest:
        raise AnswerError(_("按您的出生日期，您在这一天之前还不可能有过身份证：请检查出生日期和有效期截止日的年份。"))
    if latest and value > latest:
        raise AnswerError(_("按您的出生日期，您的身份证应是“长期”有效的，不会在这一天到期："
                            "请检查出生日期和有效期截止日。"))
    return value


def clean_documents(value, answers, today, regions):
    if not isinstance(value, list | tuple):
        raise AnswerError(_("证件应为列表。"))
    unknown = [item for item in value if item not in HeldDocument.values]
    if unknown:
        raise AnswerError(_("不认识的证件：%(items)s。") % {"items": ", ".join(map(str, unknown))})
    offered = offered_choices("documents", answers, regions)
    refused = [item for item in value if item not in offered]
    if refused:
        raise AnswerError(_("按您选的办证原因，%(items)s不能算作您手头的证件，请取消勾选。") % {
            "items": "、".join(str(HeldDocument(item).label) for item in refused)})
    return [item for item in HeldDocument.values if item in value]


def clean_yes_no(value, answers, today, regions):
    if isinstance(value, bool):
        return value
    if value in ("yes", "no"):
        return value == "yes"
    raise AnswerError(_("请回答“是”或“否”（true/false）。"))


def clean_needed_by(value, answers, today, regions):
    value = _date(value, optional=True)
    if value is None:
        return None
    if value < today:
        raise AnswerError(_("这个日期已经过去了；没有急用可以留空。"))
    if value > today + datetime.timedelta(days=FURTHEST_NEEDED_BY_DAYS):
        raise AnswerError(_("请填两年以内的日期；没有急用可以留空。"))
    return value


QUESTIONS = (
    Question("reason", QuestionKind.CHOICE, gettext_lazy("您为什么要办身份证？"), choice_set=Reason,
             clerk_label=gettext_lazy("申请人为什么要办身份证？"),
             fact_label=gettext_lazy("申请原因"), cleaner=_choice(Reason, gettext_lazy("办证原因"))),
    Question("hukou_region", QuestionKind.REGION, gettext_lazy("您的户口在哪里？"),
             gettext_lazy("户口簿上登记的地方（户籍地）。"), steps=("hukou_province", "hukou_prefecture"),
             clerk_label=gettext_lazy("申请人的户口在哪里？"),
             fact_label=gettext_lazy("户籍地行政区划代码"), cleaner=clean_region),
    Question("residence_region", QuestionKind.REGION, gettext_lazy("您现在住在哪里？"),
             gettext_lazy("您打算在哪个城市办理。"), steps=("residence_province", "residence_prefecture"),
             clerk_label=gettext_lazy("申请人现在住在哪里？"),
             clerk_help_text=gettext_lazy("申请人打算在哪个城市办理。"),
             relevant_when=_fact("hukou.not_applicable", "ne", True),
             fact_label=gettext_lazy("居住地行政区划代码"), cleaner=clean_region),
    Question("birth_date", QuestionKind.DATE, gettext_lazy("您的出生日期是？"),
             gettext_lazy("用来判断是否需要监护人陪同，以及新证的有效期。"), relevant_when=ISSUES_CARDS,
             clerk_label=gettext_lazy("申请人的出生日期是？"),
             fact_label=gettext_lazy("出生日期"), cleaner=clean_birth_date),
    Question("card_expiry_date", QuestionKind.DATE, gettext_lazy("旧身份证的有效期到哪一天？"),
             gettext_lazy("身份证背面“有效期限”的后一个日期。"),
             # Only a card still valid: once expired, the day it expired changes nothing in a plan
             # (tests/test_question_graph.py walks every path to show that no question is idle).
             relevant_when=_and(_fact("reason", "eq", Reason.EXPIRING.value)),
             fact_label=gettext_lazy("旧证有效期截止日"), cleaner=clean_card_expiry_date),
    Question("documents", QuestionKind.MULTI, gettext_lazy("您手头有哪些证件？"),
             gettext_lazy("可以多选；都没有也可以继续。"), choice_set=HeldDocument, optional=True,
             clerk_label=gettext_lazy("申请人手头有哪些证件？"),
             relevant_when=ISSUES_CARDS, fact_label=gettext_lazy("手头的证件"), cleaner=clean_documents,
             # A lost card, or a first card, is no card in hand.
             choice_relevant_when={HeldDocument.OLD_CARD.value: _fact(
                 "reason", "not_in", [Reason.LOST.value, Reason.FIRST_TIME.value])}),
    Question("has_photo_receipt", QuestionKind.YES_NO, gettext_lazy("您已经有照片回执了吗？"),
             gettext_lazy("您所在的地区办证要用数字相片采集回执。"),
             clerk_label=gettext_lazy("申请人已经有照片回执了吗？"),
             clerk_help_text=gettext_lazy("申请人所在的地区办证要用数字相片采集回执。"),
             relevant_when=_and(_fact("place.photo_receipt_required", "eq", True)),
             fact_label=gettext_lazy("已有照片回执"), cleaner=clean_yes_no),
    Question("delivery", QuestionKind.CHOICE, gettext_lazy("新证怎么拿？"), choice_set=Delivery,
             relevant_when=_and(_fact("place.mail_delivery", "eq", True)),
             fact_label=gettext_lazy("领证方式"), cleaner=_choice(Delivery, gettext_lazy("领证方式"))),
    Question("needed_by", QuestionKind.DATE, gettext_lazy("您最晚哪天要用身份证？（可不填）"),
             gettext_lazy("比如要坐飞机、火车的日期。没有就留空。"), optional=True, relevant_when=ISSUES_CARDS,
             clerk_label=gettext_lazy("申请人最晚哪天要用身份证？（可不填）"),
             fact_label=gettext_lazy("最迟需要证件的日期"), cleaner=clean_needed_by),
    Question("hardship", QuestionKind.YES_NO, gettext_lazy("您家是低保户或特困家庭吗？"),
             gettext_lazy("低保、特困家庭申领和换领免收工本费。"),
             clerk_label=gettext_lazy("申请人家是低保户或特困家庭吗？"),
             relevant_when=_and(_fact("fee_waiver_possible", "eq", True)),
             fact_label=gettext_lazy("低保或特困家庭"), cleaner=clean_yes_no),
)
BY_KEY = {question.key: question for question in QUESTIONS}
KEYS = tuple(BY_KEY)
DATE_KEYS = tuple(q.key for q in QUESTIONS if q.kind == QuestionKind.DATE)


def choice_label(key, value):
    """Return the label a person sees for a stored answer value."""
    question = BY_KEY.get(key)
    return question.label_of(value) if question else value


def offered_choices(key, answers, regions):
    """Return the values of question ``key`` offered to a person with these answers."""
    question = BY_KEY[key]
    if not question.choice_relevant_when or regions is None or not hasattr(regions, "question_facts"):
        return question.choices
    return question.offered(regions.question_facts(answers))


def relevant_keys(answers, regions):
    """Return, in order, the keys of the questions this person is asked.

    ``answers`` holds what is known so far; ``regions`` maps a division code to a
    ``RegionInfo`` (or None) and gives the facts a relevance condition reads
    (``regions.question_facts(answers)``; see ``wizard.services.RegionLookup``).
    """
    facts = regions.question_facts(answers)
    return [question.key for question in QUESTIONS if question.relevant(facts)]


def required_keys(answers, regions):
    """Return the relevant keys that must have an answer."""
    return [key for key in relevant_keys(answers, regions) if not BY_KEY[key].optional]


def clean_answer(key, value, answers, *, today, regions):
    """Return the cleaned value of one answer, given the answers before it."""
    question = BY_KEY.get(key)
    if question is None:
        raise AnswerError(_("未知的问题：%(key)s。") % {"key": key})
    return question.cleaner(value, answers, today, regions)


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
    answers, refused = {}, {}
    # Clean in question order so that each answer can see the ones before it.
    for question in QUESTIONS:
        key = question.key
        if key not in raw:
            continue
        try:
            answers[key] = clean_answer(key, raw[key], answers, today=today, regions=regions)
        except AnswerError as error:
            refused[key] = f"{key}: {error}"
    relevant = relevant_keys(answers, regions)
    # A refused answer matters only if its question is asked (or no valid answer says whether it is).
    problems += [(key, message) for key, message in refused.items() if key in relevant or key not in answers]
    for key in relevant:
        if key not in raw and not BY_KEY[key].optional:
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
    for key in DATE_KEYS:
        if isinstance(result.get(key), str):
            result[key] = datetime.date.fromisoformat(result[key])
    return result
