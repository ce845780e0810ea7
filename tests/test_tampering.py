"""Tampering with the wizard: skipped steps, forged final POSTs, replayed steps, two tabs on one session.

tests/test_wizard.py covers single forged posts; these go further. Whatever is
done, the outcome stays consistent: never a server error, and a plan is only
ever made from answers that pass ``questions.clean_answers``.
"""
import datetime

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procedures import questions
from wizard.models import Plan
from wizard.navigation import QUESTION_STEPS, SUMMARY
from wizard.services import RegionLookup

from .test_wizard import (
    BIRTH,
    HENAN_TO_SHENZHEN,
    RESTART_MESSAGE,
    Applicant,
    expiring_to_shenzhen,
    in_days,
    step_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(client):
    return Applicant(client)


def assert_sound(plan):
    """A stored plan's answers pass the same checks the wizard makes."""
    _answers, problems = questions.clean_answers(plan.answers, today=timezone.localdate(), regions=RegionLookup())
    assert problems == [], (plan.answers, problems)


def all_fields(answers):
    """Return every step's fields for ``answers`` in one dict, as a forged single POST would carry them."""
    data = {}
    for step, value in answers:
        if isinstance(value, datetime.date):
            data.update({f"{step}-answer_0": str(value.year), f"{step}-answer_1": str(value.month),
                         f"{step}-answer_2": str(value.day)})
        elif value is None:
            data.update({f"{step}-answer_{i}": "" for i in range(3)})
        else:
            data[f"{step}-answer"] = value
    return data


# --- skipping steps by URL ----------------------------------------------------------------------

@pytest.mark.parametrize("step", [*QUESTION_STEPS[3:], SUMMARY, "done"])
def test_no_later_step_opens_by_url(applicant, step):
    applicant.walk([("reason", "expiring"), ("hukou_province", "410000")])

    response = applicant.client.get(f"/apply/{step}/")

    assert response.status_code == 302
    assert step_of(response) == "hukou_prefecture"


@pytest.mark.parametrize("step", QUESTION_STEPS[3:])
def test_a_valid_answer_posted_to_a_later_step_is_not_stored(applicant, step):
    applicant.walk([("reason", "expiring"), ("hukou_province", "410000")])
    value = dict(expiring_to_shenzhen()).get(step, "no")
    before = applicant.state

    response = applicant.answer(step, value)

    assert step_of(response) == "hukou_prefecture"
    assert applicant.state == before
    # "Answer this first", or (a step not yet asked at all) "no answer received for that page".
    html = applicant.client.get(response.url).content.decode()
    assert "请先回答这个问题" in html or "没有收到这一页的回答" in html


# --- forging the final POST -------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/apply/summary/", "/apply/done/", "/apply/reason/"])
def test_every_answer_in_one_forged_summary_post_makes_no_plan(applicant, url):
    applicant.walk([("reason", "expiring")])
    data = {**all_fields(expiring_to_shenzhen()), f"{applicant.prefix}-current_step": SUMMARY}

    response = applicant.client.post(url, data)

    assert response.status_code == 302
    assert step_of(response) == "hukou_province"
    assert not Plan.objects.exists()


def test_a_forged_summary_post_in_a_fresh_session_makes_no_plan(client):
    data = {**all_fields(expiring_to_shenzhen()), "apply_wizard-current_step": SUMMARY}

    response = client.post("/apply/summary/", data)

    assert step_of(response) == "reason"
    assert RESTART_MESSAGE in client.get(response.url).content.decode()
    assert not Plan.objects.exists()


def test_summary_post_carrying_changed_answers_uses_only_the_stored_ones(applicant):
    applicant.walk(expiring_to_shenzhen())
    # The summary has no fields: answers smuggled into its POST are ignored.
    forged = all_fields([("reason", "lost"), ("birth_date", datetime.date(2020, 1, 1)), ("hardship", "yes")])

    applicant.post("summary", {}, **forged)

    plan = Plan.objects.get()
    assert plan.answers["reason"] == "expiring"
    assert plan.answers["birth_date"] == BIRTH.isoformat()
    assert plan.answers["hardship"] is False
    assert_sound(plan)


# --- replaying an old step ----------------------------------------------------------------------

def test_replaying_the_same_old_step_changes_nothing(applicant):
    applicant.walk(expiring_to_shenzhen())
    before = applicant.state

    response = applicant.answer("reason", "expiring")

    assert response.status_code == 302
    assert applicant.state == before
    applicant.post("summary")
    assert Plan.objects.get().answers["reason"] == "expiring"


def test_replaying_an_old_step_with_another_answer_keeps_the_answers_consistent(applicant):
    applicant.walk(expiring_to_shenzhen())

    applicant.answer("reason", "lost")  # a POST captured earlier, sent again with another value

    assert "card_expiry_date" not in applicant.answers  # does not apply to a lost card
    response = applicant.post("summary")
    plan = Plan.objects.get()
    assert response.url == plan.get_absolute_url()
    assert plan.answers["reason"] == "lost"
    assert "card_expiry_date" not in plan.answers
    assert_sound(plan)


def test_replaying_a_step_after_the_plan_was_made_changes_that_answer_only(applicant):
    # The answers stay after the plan (Back returns to them): a step sent again is an answer changed.
    applicant.walk(expiring_to_shenzhen())
    first = Plan.objects.get(code=applicant.post("summary").url.split("/")[2])

    response = applicant.answer("hardship", "yes")

    assert step_of(response) == "summary"
    assert Plan.objects.count() == 1  # nothing is made until the summary's button is pressed again
    second = Plan.objects.get(code=applicant.post("summary").url.split("/")[2])
    assert second.answers == {**first.answers, "hardship": True}


def test_replaying_an_invalid_old_step_leaves_the_stored_answer(applicant):
    applicant.walk(expiring_to_shenzhen())

    response = applicant.answer("birth_date", ("1980", "2", "30"))

    assert response.status_code == 200
    assert "2 月只有 29 天" in response.content.decode()
    applicant.post("summary")
    assert Plan.objects.get().answers["birth_date"] == BIRTH.isoformat()


# --- a second wizard in another tab ---------------------------------------------------------------

def tabs():
    """Return two clients sharing one session cookie, as two tabs of one browser."""
    first = Client()
    applicant = Applicant(first)
    second = Client()
    second.cookies = first.cookies
    return applicant, Applicant(second)


def test_two_tabs_answering_differently_end_in_one_consistent_plan():
    tab1, tab2 = tabs()
    tab1.walk(expiring_to_shenzhen())
    # The other tab, still on the first question, answers it differently.
    tab2.answer("reason", "lost")

    response = tab1.post("summary")

    plan = Plan.objects.get()
    assert response.url == plan.get_absolute_url()
    assert plan.answers["reason"] == "lost"
    assert "card_expiry_date" not in plan.answers
    assert_sound(plan)


def test_a_tab_posting_a_step_the_other_tab_made_unreachable_is_refused():
    tab1, tab2 = tabs()
    tab1.walk([("reason", "expiring"), *HENAN_TO_SHENZHEN, ("birth_date", BIRTH)])
    tab2.answer("reason", "lost")  # card_expiry_date no longer asked

    response = tab1.answer("card_expiry_date", in_days(40))

    assert response.status_code == 302
    assert "card_expiry_date" not in tab1.answers
    assert tab1.client.get(response.url).status_code == 200


def test_the_other_tab_after_the_plan_was_made_shows_the_same_plan():
    tab1, tab2 = tabs()
    tab1.walk(expiring_to_shenzhen())
    tab1.post("summary")

    response = tab2.post("summary")

    # The same button pressed in the other tab shows the plan just made; nothing new is made.
    assert response.url == Plan.objects.get().get_absolute_url()
    assert step_of(tab2.answer("hardship", "yes")) == "summary"
    assert Plan.objects.count() == 1


ANSWERS = dict(expiring_to_shenzhen())
CHOICES = {
    "reason": ["expiring", "lost", "expired", "first_time", "stolen"],
    "hukou_province": ["410000", "440000", "110000", "999999"],
    "hukou_prefecture": ["410100", "440300", "110000"],
    "residence_province": ["440000", "410000", "310000"],
    "residence_prefecture": ["440300", "410100", "440100"],
    "birth_date": [BIRTH, datetime.date(2014, 5, 6), ("1980", "2", "30")],
    "card_expiry_date": [in_days(40), in_days(-3), in_days(400)],
    "documents": [["old_card", "residence_permit"], [], ["passport"]],
    "has_photo_receipt": ["yes", "no", "maybe"],
    "delivery": ["mail", "collect"],
    "needed_by": [None, in_days(20), in_days(-1)],
    "hardship": ["yes", "no"],
}
moves = st.lists(st.tuples(st.integers(0, 1), st.sampled_from(QUESTION_STEPS).flatmap(
    lambda step: st.tuples(st.just(step), st.sampled_from(CHOICES[step])))), min_size=1, max_size=14)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(sequence=moves)
def test_two_tabs_interleaving_never_break_or_make_an_unsound_plan(db, sequence):
    tab1, tab2 = tabs()
    tab1.walk(expiring_to_shenzhen())
    plans = Plan.objects.count()
    for tab, (step, value) in sequence:
        response = (tab1, tab2)[tab].answer(step, value)
        assert response.status_code in (200, 302)

    for tab in (tab1, tab2):
        response = tab.post("summary")
        assert response.status_code in (200, 302)
    made = Plan.objects.order_by("-pk")[:Plan.objects.count() - plans]
    assert len(made) <= 1  # both tabs share one session: at most one plan
    for plan in made:
        assert_sound(plan)
