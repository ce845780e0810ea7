"""Finding a city on the province page, and two tabs of one browser on one wizard."""
import datetime

import pytest
from playwright.sync_api import expect

from .pages import choose, expect_question, fill_date, go_on, pick_place, press

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_typing_a_city_on_the_province_page_picks_its_province_and_then_the_city(phone):
    page = phone
    page.goto("/apply/")
    choose(page, "您为什么要办身份证？", "证件丢了")
    pick_place(page, "您的户口在哪里？", "湖南省", "长沙市")

    expect_question(page, "您现在住在哪里？")
    page.get_by_label("输入省份或城市的名称、拼音筛选（如“广东”“深圳”或“sz”）").fill("深圳")
    expect(page.get_by_label("省、自治区、直辖市").locator("option:checked")).to_have_text("广东省")
    expect(page.locator(".region-filter-count")).to_have_text("找到 1 个：深圳市在广东省，选好后下一页会选中它")
    go_on(page)

    expect_question(page, "您现在住在哪里？")
    expect(page.get_by_label("广东省的哪个城市（地区、州、盟）？").locator("option:checked")).to_have_text("深圳市")
    go_on(page)
    expect_question(page, "您的出生日期是？")


def test_by_pinyin_initials_the_province_page_lists_every_province_with_such_a_city(phone):
    page = phone
    page.goto("/apply/")
    choose(page, "您为什么要办身份证？", "证件丢了")
    expect_question(page, "您的户口在哪里？")
    page.get_by_label("输入省份或城市的名称、拼音筛选（如“广东”“深圳”或“sz”）").fill("shenzhen")
    options = page.get_by_label("省、自治区、直辖市").locator("option").all_inner_texts()
    assert options == ["请选择", "广东省"]
    page.get_by_label("输入省份或城市的名称、拼音筛选（如“广东”“深圳”或“sz”）").fill("sz")
    options = page.get_by_label("省、自治区、直辖市").locator("option").all_inner_texts()
    assert {"广东省", "江苏省", "安徽省"} <= set(options)  # 深圳, 苏州, 宿州


@pytest.mark.parametrize("device", ["phone", "nojs"])
def test_a_second_tab_that_changes_an_earlier_answer_is_noticed_by_the_first(open_page, device):
    first = open_page(device)
    first.goto("/apply/")
    choose(first, "您为什么要办身份证？", "证件丢了")
    pick_place(first, "您的户口在哪里？", "湖南省", "长沙市")
    pick_place(first, "您现在住在哪里？", "广东省", "深圳市")
    expect_question(first, "您的出生日期是？")

    # The same browser, another tab: back to the first question, another reason.
    second = first.context.new_page()
    second.device, second.javascript, second.touch = first.device, first.javascript, first.touch
    second.goto("/apply/reason/?change=1")
    expect(second.get_by_role("heading", level=1)).to_have_text("您为什么要办身份证？")
    press(second, second.get_by_label("证件损坏了", exact=True))
    press(second, second.get_by_role("button", name="继续"))
    expect(second.get_by_role("heading", level=1)).not_to_have_text("您为什么要办身份证？")

    fill_date(first, datetime.date(1958, 3, 2))
    go_on(first)
    expect_question(first, "您的出生日期是？")  # shown again, not taken on answers this tab did not show
    expect(first.get_by_role("status")).to_contain_text("另一个标签页")
    expect(first.get_by_label("年", exact=True)).to_have_value("1958")
    go_on(first)
    expect_question(first, "您手头有哪些证件？")


@pytest.mark.parametrize("device", ["phone", "desktop", "nojs"])
def test_an_expired_session_says_the_page_timed_out_and_keeps_what_the_page_sent(open_page, device):
    page = open_page(device)
    page.goto("/apply/")
    choose(page, "您为什么要办身份证？", "证件丢了")
    expect_question(page, "您的户口在哪里？")
    page.get_by_label("省、自治区、直辖市").select_option(label="湖南省")
    # The session ends (expired on the server, or its cookie gone) while the page is open.
    session = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    assert session
    page.context.clear_cookies(name="sessionid")
    go_on(page)

    expect_question(page, "您为什么要办身份证？")
    status = page.get_by_role("status")
    expect(status).to_contain_text("页面已超时")
    expect(status).to_contain_text("您刚填的“您的户口在哪里？”已保留")
    choose(page, "您为什么要办身份证？", "证件丢了")
    expect_question(page, "您的户口在哪里？")
    expect(page.get_by_label("省、自治区、直辖市").locator("option:checked")).to_have_text("湖南省")
