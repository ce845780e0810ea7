"""Every path through the question graph asks only questions that can change that person's plan.

The walk follows the wizard's own rules (``questions.relevant_keys``, ``offered_choices`` and the
cleaners), branching on a few answers for each question that between them reach every path: every
reason, places with and without photo receipts, mail, a waiver or the counter's camera, Hong Kong,
ages either side of 16 and 46, cards expiring soon or later or already expired. At the end of each
path, each question it asked is answered otherwise, one at a time, with the rest kept (answers that
no longer hold are dropped, as the wizard does): some other answer must give a different plan. A
plan is compared without the parts that only repeat an answer back (the places' names, the age,
the day needed): a question whose only effect is to be repeated could not change the plan.
"""
import dataclasses
import datetime

import pytest

from procedures import questions
from procedures.selectors import stamps_read_once
from procedures.vocabulary import HeldDocument, Reason
from wizard.services import RegionLookup, compute_plan

TODAY = datetime.date(2026, 12, 7)  # a Monday

# (hukou, residences to try with it): local, cross-province with and without receipts or mail, a
# Yangtze-delta pair, counter photos, the same province, and Hong Kong either side.
PLACES = {
    "410100": ["410100", "440300", "440100", "510100", "350200", "630100", "810000"],  # Zhengzhou (Xining mails)
    "320100": ["310101", "320100"],  # Nanjing
    "440100": ["440300"],  # Guangzhou
    "810000": [],  # Hong Kong: nothing more is asked
}


def years_ago(years, days=0):
    return TODAY.replace(year=TODAY.year - years) - datetime.timedelta(days=days)


BIRTH_DATES = [years_ago(10), years_ago(16, days=-20), years_ago(40), years_ago(70)]
NEEDED_BY = [None, TODAY + datetime.timedelta(days=3), TODAY + datetime.timedelta(days=200)]
DOCUMENTS = [[], [HeldDocument.HUKOU_BOOK.value],
             [HeldDocument.OLD_CARD.value, HeldDocument.HUKOU_BOOK.value, HeldDocument.RESIDENCE_PERMIT.value]]


def candidates(key, answers):
    """Return the answers tried for a question, given the answers before it."""
    if key == "reason":
        return list(Reason.values)
    if key == "hukou_region":
        return list(PLACES)
    if key == "residence_region":
        return PLACES[answers["hukou_region"]]
    if key == "birth_date":
        return BIRTH_DATES
    if key == "card_expiry_date":
        if answers["reason"] == Reason.EXPIRED:
            return [TODAY - datetime.timedelta(days=30), TODAY - datetime.timedelta(days=400)]
        return [TODAY + datetime.timedelta(days=20), TODAY + datetime.timedelta(days=300)]
    if key == "documents":
        return DOCUMENTS
    if key == "needed_by":
        return NEEDED_BY
    question = questions.BY_KEY[key]
    if question.kind == "yes_no":
        return [True, False]
    return list(question.choices)


def alternatives(key, answers):
    """Return the other answers tried at the end of a path: as on the way, any residence for a residence."""
    if key == "residence_region":
        return sorted({code for residences in PLACES.values() for code in residences})
    return candidates(key, answers)


def clean(key, value, answers, regions):
    """Return the cleaned answer, or None if the wizard would refuse it for this person."""
    if isinstance(value, list):
        value = [item for item in value if item in questions.offered_choices(key, answers, regions)]
    try:
        return questions.clean_answer(key, value, answers, today=TODAY, regions=regions), True
    except questions.AnswerError:
        return None, False


def walk(answers, regions, found):
    """Collect every complete set of answers reachable from ``answers``."""
    key = next((k for k in asked_for(answers, regions) if k not in answers), None)
    if key is None:
        found.append(dict(answers))
        return
    for value in candidates(key, answers):
        cleaned, ok = clean(key, value, answers, regions)
        if ok:
            walk({**answers, key: cleaned}, regions, found)


ECHOES = ("hukou_region", "residence_region", "age", "today", "needed_by")


def plan_of(answers, regions, cache):
    """Return the plan for cleaned answers, without the parts that only repeat an answer."""
    key = repr(sorted(answers.items()))
    if key not in cache:
        plan, _data = compute_plan(answers, today=TODAY, regions=regions)
        blank = {field.name: field.default if field.default is not dataclasses.MISSING else field.default_factory()
                 for field in dataclasses.fields(plan) if field.name in ECHOES}
        cache[key] = dataclasses.replace(plan, **blank)
    return cache[key]


_ASKED = {}


def asked_for(answers, regions):
    """Return ``questions.relevant_keys`` for the answers (many paths share them: kept)."""
    key = repr(sorted(answers.items()))
    if key not in _ASKED:
        _ASKED[key] = tuple(questions.relevant_keys(answers, regions))
    return _ASKED[key]


def with_other_answer(answers, key, value, regions):
    """Return the answers with ``key`` answered ``value`` and the rest kept where they still hold."""
    changed, kept = {}, {**answers, key: value}
    for question in questions.QUESTIONS:
        name = question.key
        if name not in kept or name not in asked_for(changed, regions):
            continue
        cleaned, ok = clean(name, kept[name], changed, regions) if name != key else (value, True)
        if ok:
            changed[name] = cleaned
    return complete(changed, regions)


def complete(answers, regions):
    """Answer the questions another answer newly asks with the first answer tried for each."""
    while True:
        key = next((k for k in asked_for(answers, regions)
                    if k not in answers and not questions.BY_KEY[k].optional), None)
        if key is None:
            return answers
        for value in candidates(key, answers):
            cleaned, ok = clean(key, value, answers, regions)
            if ok:
                answers = {**answers, key: cleaned}
                break
        else:
            return None


@pytest.fixture(scope="module")
def paths(django_db_blocker):
    with django_db_blocker.unblock(), stamps_read_once():
        regions = RegionLookup(TODAY)
        found = []
        walk({}, regions, found)
        return regions, found


@pytest.mark.django_db
def test_the_walk_reaches_every_question_and_every_kind_of_path(paths):
    _regions, found = paths
    asked = {key for answers in found for key in answers}
    assert asked == set(questions.KEYS)  # every question is asked on some path
    sequences = {tuple(answers) for answers in found}
    assert ("reason", "hukou_region") in sequences  # Hong Kong: the exit after the second question
    assert len(sequences) >= 10
    assert len(found) > 1000


@pytest.mark.django_db
def test_no_question_asked_on_any_path_could_not_change_that_persons_plan(paths):
    regions, found = paths
    cache = {}
    useless = []
    with stamps_read_once():
        for answers in found:
            useless += questions_that_change_nothing(answers, regions, cache)
    shown = "\n".join(f"{key}: {questions.to_json(answers)}" for key, answers in useless[:10])
    assert not useless, f"{len(useless)} questions asked that could not change the plan, e.g.\n{shown}"


def questions_that_change_nothing(answers, regions, cache):
    """Return (key, answers) for each question of a path that no other answer gives another plan for."""
    plan = plan_of(answers, regions, cache)
    asked = list(answers)
    if plan.not_applicable:
        # The exit comes right after the answer that decides it; the questions before it were asked
        # while they could still matter (the reason, before the place is known).
        asked = asked[-1:]
    useless = []
    for key in asked:
        value = answers[key]
        before = {k: answers[k] for k in questions.KEYS[:questions.KEYS.index(key)] if k in answers}
        others = [v for v in alternatives(key, before) if v != value]
        changes = False
        for other in others:
            cleaned, ok = clean(key, other, answers, regions)
            changed = with_other_answer(answers, key, cleaned, regions) if ok else None
            if changed is not None and plan_of(changed, regions, cache) != plan:
                changes = True
                break
        if not changes:
            useless.append((key, answers))
    return useless

