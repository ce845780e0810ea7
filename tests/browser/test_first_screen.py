"""A lost card, Changsha to Shenzhen, on a phone: few screens, and a plan whose first screen answers
where to go, which day, what to bring and what it costs."""
import datetime
import re

import pytest
from playwright.sync_api import expect

from .pages import answer_date, choose, expect_question, go_on, pick_place, press, tick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MAX_SCREENS = 10  # after 开始, the summary included (issue 11)


def test_a_lost_card_takes_at_most_ten_screens_and_the_plan_answers_four_questions_first(phone):
    page = phone
    screens = []
    page.on("framenavigated", lambda frame: frame == page.main_frame and "/apply/" in frame.url
            and screens.append(frame.url))
    page.goto("/")
    press(page, page.get_by_role("link", name="开始"))
    choose(page, "您为什么要办身份证？", "证件丢了")
    pick_place(page, "您的户口在哪里？", "湖南省", "长沙市")
    pick_place(page, "您现在住在哪里？", "广东省", "深圳市")
    answer_date(page, "您的出生日期是？", datetime.date(1958, 3, 2))
    expect_question(page, "您手头有哪些证件？")
    tick(page, "户口簿")
    go_on(page)
    choose(page, "您已经有照片回执了吗？", "否")
    answer_date(page, "您最晚哪天要用身份证？（可不填）", None)
    expect_question(page, "请核对您的回答")
    pages = sorted(set(screens), key=screens.index)
    asked = [url for url in pages if re.search(r"/apply/[a-z_]+/$", url)]
    assert 8 <= len(asked) <= MAX_SCREENS, asked  # (at least the eight questions a lost card must ask)
    assert asked[-1].endswith("/apply/summary/")

    press(page, page.get_by_role("button", name="生成我的办事清单"))
    page.wait_for_url(re.compile(r"/plan/[2-9A-Z]{15}/$"))
    glance = page.get_by_role("region", name="一眼看清")
    for term in ("去哪里办", "哪天可以去", "要准备什么", "要交多少钱"):
        item = glance.locator("dt", has_text=term)
        expect(item).to_be_in_viewport(ratio=1)
        expect(item.locator("xpath=following-sibling::dd[1]")).to_be_in_viewport()
    expect(glance.locator("dd").nth(2)).to_contain_text("户口簿")
    expect(glance).to_contain_text("40 元")
