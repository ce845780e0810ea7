"""Rules of the correctness issue that live in the engine and the questions, through the ``plan`` command
and the pages: validity by age at issue (rule 1), dates a person can act on (4), urgent needs (5) and
answers that cannot be true (10)."""
import datetime

import pytest
from django.urls import reverse

from procedures import questions
from procedures.selectors import load_calendar
from wizard.services import RegionLookup, plan_create

from .test_plan_command import answers, call, codes, plan_of  # noqa: F401 (call is a fixture)
from .test_plan_pages import text_of

D = datetime.date


def problems_of(call, content, today="2026-11-25"):  # noqa: F811
    code, out, err = call(content, today=today)
    assert (code, out) == (2, "")
    return err


# --- rule 1: validity by age on the day the card is issued --------------------------------------

def test_validity_is_by_age_at_issue_not_at_collection(call):  # noqa: F811
    # Born 1981-01-02, applying 2026-12-14: 45 when the card is signed off, 46 before it can be collected.
    data = plan_of(call, answers(reason="expired", card_expiry_date="2026-10-01", birth_date="1981-01-02",
                                 documents=["old_card", "residence_permit"]), today="2026-12-14")
    assert data["card_ready_by"] > "2027-01-02"
    assert (data["new_card_validity_years"], data["new_card_long_term"]) == (20, False)
    issued = D.fromisoformat(data["new_card_issued_on"])
    assert issued < D(2027, 1, 2)
    assert data["new_card_expiry"] == issued.replace(year=issued.year + 20).isoformat()


# --- rule 4: dates a person can act on ----------------------------------------------------------

@pytest.mark.parametrize("today, expected", [
    pytest.param("2026-11-28", "2026-11-30", id="saturday-goes-on-monday"),
    pytest.param("2026-10-01", "2026-10-08", id="national-day-holiday"),  # 1 to 7 October are holidays
    pytest.param("2026-11-25", "2026-11-25", id="a-working-day-is-today"),
])
def test_the_day_to_go_is_a_day_the_office_is_open(call, today, expected):  # noqa: F811
    data = plan_of(call, answers(), today=today)
    assert data["apply_date"] == expected
    assert data["steps"][0]["earliest"] == expected


@pytest.mark.django_db
@pytest.mark.parametrize("today", ["2026-09-28", "2026-11-25", "2026-12-20", "2027-01-29"])
def test_card_ready_is_never_a_closed_day(call, today):  # noqa: F811
    calendar = load_calendar()
    for reason, extra in (("lost", {}), ("expired", {"card_expiry_date": "2026-08-01"}),
                          ("damaged", {}), ("first_time", {"birth_date": "2010-06-01"})):
        data = plan_of(call, answers(reason=reason, **extra), today=today)
        ready = D.fromisoformat(data["card_ready_by"])
        assert calendar.is_working_day(ready), (reason, ready)


def test_holiday_warning_only_when_a_date_shown_is_in_a_year_without_data(call):  # noqa: F811
    # Every stage ends in 2026; only the deadline (calendar days, by law) is in 2027.
    data = plan_of(call, answers(residence_region="110105", documents=["hukou_book"]))
    assert all(step["latest"] < "2027-01-01" for step in data["steps"])
    assert data["statutory_deadline"] > "2027-01-01"
    assert data["calendar_incomplete"] is False
    assert "holiday_calendar_incomplete" not in codes(data["warnings"])


# --- rule 5: urgent needs that help -------------------------------------------------------------

@pytest.mark.django_db
def test_an_old_card_still_valid_on_the_day_is_said_first(client):
    raw = {"reason": "expiring", "hukou_region": "410100", "residence_region": "440300",
           "birth_date": "1990-05-01", "card_expiry_date": "2027-01-20", "documents": ["old_card"],
           "has_photo_receipt": False, "delivery": "collect", "needed_by": "2026-12-10", "hardship": False}
    clean, problems = questions.clean_answers(raw, today=D(2026, 11, 25), regions=RegionLookup(D(2026, 11, 25)))
    assert problems == []
    plan = plan_create(answers=clean, today=D(2026, 11, 25))
    assert plan.computed.needed_before_ready and plan.computed.old_card_valid_when_needed
    text = text_of(client.get(plan.get_absolute_url()))
    assert "那天您的旧证还在有效期内" in text and "新证可能来不及" not in text
    assert "那天旧证还有效" in text_of(client.get(reverse("wizard:plan_print", args=[plan.code])))


@pytest.mark.django_db
def test_without_a_valid_card_the_temporary_options_are_listed_on_plan_and_print(client):
    raw = {"reason": "expired", "hukou_region": "320100", "residence_region": "310101",
           "birth_date": "1990-05-01", "card_expiry_date": "2026-08-01", "documents": ["old_card"],
           "delivery": "collect", "needed_by": "2026-12-01", "hardship": False}
    clean, problems = questions.clean_answers(raw, today=D(2026, 11, 25), regions=RegionLookup(D(2026, 11, 25)))
    assert problems == []
    plan = plan_create(answers=clean, today=D(2026, 11, 25))
    computed = plan.computed
    assert computed.needed_before_ready and not computed.old_card_valid_when_needed
    page = text_of(client.get(plan.get_absolute_url()))
    sheet = text_of(client.get(reverse("wizard:plan_print", args=[plan.code])))
    assert "新证可能来不及" in page and "新证可能来不及" in sheet
    for option in computed.urgent_options:
        assert option.title in page and option.title in sheet


# --- rule 10: answers that cannot be true are refused ---------------------------------------------

@pytest.mark.parametrize("changes, key, words", [
    pytest.param({"birth_date": "1900-06-01"}, "birth_date", "120", id="born-over-120-years-ago"),
    pytest.param({"reason": "expired", "card_expiry_date": "1989-01-01"}, "card_expiry_date", "早于您的出生日期",
                 id="expiry-before-birth"),
    pytest.param({"reason": "expired", "card_expiry_date": "1993-01-01"}, "card_expiry_date", "还不可能有过",
                 id="expiry-before-any-card-could-have-been-held"),
    pytest.param({"reason": "expiring", "birth_date": "1950-03-01", "card_expiry_date": "2027-01-20"},
                 "card_expiry_date", "长期", id="expiring-although-long-term-by-age"),
    pytest.param({"reason": "lost", "documents": ["old_card", "hukou_book"]}, "documents", "原来的身份证",
                 id="old-card-after-a-loss"),
    pytest.param({"reason": "first_time", "birth_date": "2010-06-01", "documents": ["old_card"]}, "documents",
                 "原来的身份证", id="old-card-for-a-first-card"),
])
def test_answers_that_cannot_be_true_are_refused_with_a_reason(call, changes, key, words):  # noqa: F811
    err = problems_of(call, answers(**changes))
    line = next(line for line in err.splitlines() if line.startswith(f"{key}:"))
    assert words in line


@pytest.mark.django_db
def test_the_old_card_is_not_offered_after_a_loss(client):
    lookup = RegionLookup(D(2026, 11, 25))
    assert "old_card" not in questions.offered_choices("documents", {"reason": "lost"}, lookup)
    assert "old_card" not in questions.offered_choices("documents", {"reason": "first_time"}, lookup)
    assert "old_card" in questions.offered_choices("documents", {"reason": "damaged"}, lookup)
