"""The wizard's pages, derived from the question registry, and where a person stands among them.

Each question of ``questions.QUESTIONS`` names its pages (``Question.steps``): one,
or for a region a province page and then a page for the city within it. The
session keeps one ``State``: the answers, cleaned once when their page was sent,
by question key and JSON-safe. A ``Position`` reads that state, never a form: it
asks ``questions.relevant_keys`` which questions apply and tells which page
comes next.
"""
import hashlib
import json
from dataclasses import dataclass, field

from procedures import questions
from procedures.vocabulary import QuestionKind

SUMMARY = "summary"
QUESTION_OF_STEP = {step: question for question in questions.QUESTIONS for step in question.steps}
QUESTION_STEPS = tuple(QUESTION_OF_STEP)
STEPS = (*QUESTION_STEPS, SUMMARY)
FIRST_STEP = QUESTION_STEPS[0]


def is_province_step(step):
    """Return whether ``step`` is the first of a region question's two pages (the province)."""
    question = QUESTION_OF_STEP.get(step)
    return question is not None and question.kind == QuestionKind.REGION and len(question.steps) > 1 \
        and step == question.steps[0]


def city_step(question):
    """Return the page asking for the city within the province, or None."""
    if question.kind == QuestionKind.REGION and len(question.steps) > 1:
        return question.steps[1]
    return None


@dataclass
class State:
    """What the session holds for one wizard (all of it JSON-safe)."""

    answers: dict = field(default_factory=dict)    # question key -> cleaned answer (``questions.to_json``)
    rejected: dict = field(default_factory=dict)   # question key -> a stored answer that no longer validates
    provinces: dict = field(default_factory=dict)  # region question key -> the province chosen on its first page
    typed: dict = field(default_factory=dict)      # step -> what "上一步" carried away from it, not validated

    @classmethod
    def load(cls, data):
        data = data if isinstance(data, dict) else {}
        return cls(**{name: dict(data.get(name) or {}) for name in ("answers", "rejected", "provinces", "typed")})

    def dump(self):
        order = {key: index for index, key in enumerate(questions.KEYS)}
        return {
            "answers": dict(sorted(self.answers.items(), key=lambda item: order[item[0]])),
            "rejected": self.rejected, "provinces": self.provinces, "typed": self.typed,
        }

    def values(self):
        """Return the valid answers with Python values (dates as dates)."""
        return questions.from_json(self.answers)

    def basis(self, step):
        """Return a short digest of the answers a page is built on (the ones before it; all, for the summary).

        A page carries it in a hidden field: if it differs when the page comes back, the answers
        changed meanwhile, most likely in another tab or window of the same browser (one session).
        """
        if step == SUMMARY:
            shown = {"answers": self.answers, "provinces": self.provinces}
        else:
            question = QUESTION_OF_STEP[step]
            keys = questions.KEYS[:questions.KEYS.index(question.key)]
            shown = {"answers": {key: self.answers[key] for key in keys if key in self.answers},
                     "province": self.provinces.get(question.key) if step == city_step(question) else None}
        return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()[:16]

    def set_aside(self, problems):
        """Move the answers ``questions.clean_answers`` refused into ``rejected``, to be shown with their error."""
        for key, _message in problems:
            if key in self.answers:
                self.rejected[key] = self.answers.pop(key)

    def forget(self, question):
        """Drop everything stored for a question; return whether there was anything."""
        found = False
        for store, name in [(self.answers, question.key), (self.rejected, question.key),
                            (self.provinces, question.key), *((self.typed, step) for step in question.steps)]:
            if name in store:
                del store[name]
                found = True
        return found

    def reclean(self, changed, *, today, regions):
        """Clean the stored answers after the question ``changed`` again, in order.

        The cleaners read the answers before them (an expiry date is checked against
        the reason), so a changed answer can make a later one wrong, or right again:
        an answer that no longer validates is set aside in ``rejected``, to be shown
        with its error, and one that validates again comes back.
        """
        keys = questions.KEYS
        later = keys[keys.index(changed) + 1:]
        before = {key: value for key, value in self.values().items() if key not in later}
        for key in later:
            if key in self.answers:
                raw = self.answers.pop(key)
            elif key in self.rejected:
                raw = self.rejected.pop(key)
            else:
                continue
            if isinstance(raw, list):
                # A choice no longer offered (the old card, once the card is lost) is not the person's error.
                offered = questions.offered_choices(key, before, regions)
                raw = [item for item in raw if item in offered]
            try:
                value = questions.clean_answer(key, raw, before, today=today, regions=regions)
            except questions.AnswerError:
                self.rejected[key] = raw
                continue
            before[key] = value
            self.answers[key] = questions.to_json({key: value})[key]


class Position:
    """Where a person stands: the pages asked, in order, and the first one still open."""

    def __init__(self, state, *, regions, places):
        self.state = state
        self.relevant = questions.relevant_keys(state.values(), regions)
        self.steps = []
        for key in self.relevant:
            question = questions.BY_KEY[key]
            for step in question.steps:
                province = state.provinces.get(key)
                # Until the province is known, count its city page as asked (the progress hint says "about").
                if step == city_step(question) and province is not None and not places.has_prefectures(province):
                    continue
                self.steps.append(step)
        self.all_steps = [*self.steps, SUMMARY]
        self.first_open = next((step for step in self.steps if not self.answered(step)), SUMMARY)

    def holds_answer(self, step):
        """Return whether a page's value is its question's answer (not a province with its city page to come)."""
        return not (is_province_step(step) and city_step(QUESTION_OF_STEP[step]) in self.steps)

    def answered(self, step):
        """Return whether a page has a valid answer (the province page: a province, if a city page follows)."""
        key = QUESTION_OF_STEP[step].key
        return key in (self.state.answers if self.holds_answer(step) else self.state.provinces)

    @property
    def complete(self):
        return self.first_open == SUMMARY

    def rejected(self, step):
        return step != SUMMARY and QUESTION_OF_STEP[step].key in self.state.rejected

    def reachable(self, step):
        """Return whether ``step`` is asked and every page before it has a valid answer."""
        return step in self.all_steps and self.all_steps.index(step) <= self.all_steps.index(self.first_open)

    def after(self, step):
        """Return the page that follows ``step``."""
        if step not in self.all_steps:
            return self.first_open
        return self.all_steps[min(self.all_steps.index(step) + 1, len(self.all_steps) - 1)]

    def before(self, step):
        """Return the page before ``step``, or None on the first."""
        index = self.all_steps.index(step) if step in self.all_steps else 0
        return self.all_steps[index - 1] if index > 0 else None

    def open_after(self, step):
        """Return the first page after ``step`` that still needs an answer, or the summary."""
        later = self.steps[self.steps.index(step) + 1:] if step in self.steps else self.steps
        return next((s for s in later if not self.answered(s)), SUMMARY)

    def is_open(self, question):
        """Return whether a question is asked and a page of it still needs an answer."""
        return question.key in self.relevant and any(
            not self.answered(step) for step in question.steps if step in self.steps)


def prune(state, *, regions, places):
    """Drop what is stored for questions no longer asked; return the ``Position`` after it.

    Only as far as that is certain: past the first question still open, whether a
    question is asked may change with its answer, so what is stored there stays.
    Dropping an answer can change which questions apply, so repeat until nothing changes.
    """
    while True:
        position = Position(state, regions=regions, places=places)
        dropped = False
        for question in questions.QUESTIONS:
            if question.key not in position.relevant:
                dropped = state.forget(question) or dropped
            elif position.is_open(question):
                break
        if not dropped:
            return position
