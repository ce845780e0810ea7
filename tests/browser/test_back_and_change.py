"""Going back and changing an answer keep everything else a person typed."""
import datetime
import re

import pytest
from playwright.sync_api import expect

from .pages import (
    BIRTH_DATE,
    answer_from_birth_date,
    answer_up_to_birth_date,
    expect_question,
    fill_date,
    go_back,
    go_on,
    make_plan,
    press,
    summary_answers,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def expect_date(page, day):
    for label, value in zip(("年", "月", "日"), (day.year, day.month, day.day), strict=True):
        expect(page.get_by_label(label, exact=True)).to_have_value(str(value))


def test_back_keeps_a_date_typed_but_not_yet_sent(phone):
    answer_up_to_birth_date(phone)
    fill_date(phone, BIRTH_DATE)

    go_back(phone)
    expect_question(phone, "您现在住在哪里？")
    expect(phone.get_by_label("广东省的哪个城市（地区、州、盟）？").locator("option:checked")).to_have_text("深圳市")
    go_on(phone)

    expect_question(phone, "您的出生日期是？")
    expect_date(phone, BIRTH_DATE)


def test_change_from_the_summary_returns_to_it_with_the_other_answers_intact(phone):
    answer_up_to_birth_date(phone)
    answer_from_birth_date(phone)
    before = summary_answers(phone)
    assert before["您的出生日期是？"] == "1990年5月20日"

    # The link's name ends with the question, hidden from sight but read out.
    phone.get_by_role("link", name=re.compile(r"^修改\s*：您的出生日期是？$")).click()
    expect_question(phone, "您的出生日期是？")
    expect_date(phone, BIRTH_DATE)
    fill_date(phone, datetime.date(1985, 3, 8))
    go_on(phone)

    expect_question(phone, "请核对您的回答")
    after = summary_answers(phone)
    assert after == {**before, "您的出生日期是？": "1985年3月8日"}


def a_plan(page):
    """Answer the whole journey and make its plan; return (the summary's answers, the plan's code)."""
    answer_up_to_birth_date(page)
    answer_from_birth_date(page)
    before = summary_answers(page)
    return before, make_plan(page)


@pytest.mark.parametrize("device", ["phone", "nojs"])
def test_back_from_a_plan_returns_to_the_summary_with_every_answer(open_page, device):
    page = open_page(device)
    before, _code = a_plan(page)

    page.go_back()

    expect_question(page, "请核对您的回答")
    assert summary_answers(page) == before


@pytest.mark.parametrize("device", ["phone", "nojs"])
def test_change_answers_on_the_plan_changes_one_and_makes_a_new_plan(open_page, device):
    page = open_page(device)
    before, first = a_plan(page)

    press(page, page.get_by_role("link", name="修改回答"))
    expect_question(page, "请核对您的回答")
    assert summary_answers(page) == before
    page.get_by_role("link", name=re.compile(r"^修改\s*：您的出生日期是？$")).click()
    fill_date(page, datetime.date(1985, 3, 8))
    go_on(page)
    expect_question(page, "请核对您的回答")
    second = make_plan(page)

    assert second != first
    assert "1985年3月8日" not in before.values()
    page.goto(f"/plan/{first.replace('-', '')}/")  # the old code keeps working
    expect(page.get_by_role("region", name="您的查询码")).to_contain_text(first)
