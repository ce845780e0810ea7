"""The applicant's whole journey by keyboard alone: Tab, Shift+Tab, arrows, Space and Enter, no clicks.

Each control is reached by pressing Tab (never by focusing it from the test), and every
control that takes focus must show where the focus is.
"""
import datetime
import re

import pytest
from playwright.sync_api import expect

from .pages import BIRTH_DATE, assert_fits_width, expect_question, today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MAX_TABS = 60

# A rough accessible name of the focused element: its labels, else its text.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const labels = el.labels ? Array.from(el.labels).map(l => l.innerText.trim()).join(" ") : "";
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(), type: el.type || "", name: labels || el.innerText.trim(),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
  };
}"""


def focused(page):
    return page.evaluate(FOCUSED)


def tab_to(page, name, backwards=False):
    """Press Tab (or Shift+Tab) until the control named ``name`` has the focus; check it shows."""
    key = "Shift+Tab" if backwards else "Tab"
    seen = []
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        now = focused(page)
        if now and (now["name"] == name if isinstance(name, str) else name.search(now["name"])):
            assert now["outline"] or now["shadow"], f"focus on {now} is not visible"
            return now
        seen.append(now and now["name"])
    raise AssertionError(f"{name!r} not reached by {key} on {page.url}; focus went {seen}")


def continue_(page):
    tab_to(page, "继续")
    page.keyboard.press("Enter")


def choose_by_arrows(page, heading, label):
    """Tab into a radio group, move with the arrow keys to ``label``, go on."""
    expect_question(page, heading)
    first = page.locator("input[type=radio]").first
    first_name = page.locator(f"label[for='{first.get_attribute('id')}']").inner_text().strip()
    tab_to(page, first_name)
    for _ in range(page.locator("input[type=radio]").count()):
        if focused(page)["name"] == label:
            page.keyboard.press("Space")  # Tab into a group focuses its first radio without ticking it
            break
        page.keyboard.press("ArrowDown")
    else:
        raise AssertionError(f"no option {label!r}")
    expect(page.get_by_label(label, exact=True)).to_be_checked()
    continue_(page)


def select_by_arrows(page, select_label, option):
    """Tab to a <select> and press ArrowDown until ``option`` is chosen."""
    tab_to(page, select_label)
    select = page.get_by_label(select_label, exact=True)
    for _ in range(select.locator("option").count()):
        if select.locator("option:checked").inner_text().strip() == option:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{option!r} not in {select_label!r}")


def pick_place(page, heading, province, city, city_filter):
    expect_question(page, heading)
    select_by_arrows(page, "省、自治区、直辖市", province)
    continue_(page)
    expect_question(page, heading)
    city_label = f"{province}的哪个城市（地区、州、盟）？"
    if page.javascript:
        # Type into the filter; with one match it is chosen, and Enter moves on to the list.
        tab_to(page, re.compile("城市名称或拼音筛选"))
        page.keyboard.type(city_filter)
        expect(page.get_by_label(city_label).locator("option:checked")).to_have_text(city)
        page.keyboard.press("Enter")
        assert focused(page)["name"] == city_label
    else:
        select_by_arrows(page, city_label, city)
    continue_(page)


def type_date(page, heading, day):
    expect_question(page, heading)
    if day is not None:
        for label, value in zip(("年", "月", "日"), (day.year, day.month, day.day), strict=True):
            tab_to(page, label)
            page.keyboard.type(str(value))
    continue_(page)


@pytest.mark.parametrize("device", ["desktop", "nojs"])
def test_the_whole_journey_by_keyboard(open_page, device):
    page = open_page(device)
    page.goto("/")

    # The first Tab shows the skip link; it jumps past the header.
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "跳到正文"
    tab_to(page, "开始")
    page.keyboard.press("Enter")

    choose_by_arrows(page, "您为什么要办身份证？", "证件快到期了")
    pick_place(page, "您的户口在哪里？", "河南省", "郑州市", "zhengzhou")
    pick_place(page, "您现在住在哪里？", "广东省", "深圳市", "深圳")

    # Going on without a date: the error summary's link takes the focus to the first box.
    expect_question(page, "您的出生日期是？")
    continue_(page)
    expect(page.get_by_role("alert")).to_be_visible()
    tab_to(page, page.locator(".error-summary a").first.inner_text().strip())
    page.keyboard.press("Enter")
    assert focused(page)["name"] == "年"
    page.keyboard.type(str(BIRTH_DATE.year))
    for label, value in (("月", BIRTH_DATE.month), ("日", BIRTH_DATE.day)):
        tab_to(page, label)
        page.keyboard.type(str(value))
    continue_(page)
    type_date(page, "旧身份证的有效期到哪一天？", today() + datetime.timedelta(days=60))

    expect_question(page, "您手头有哪些证件？")
    for document in ("原来的身份证", "户口簿"):
        tab_to(page, document)
        page.keyboard.press("Space")
        expect(page.get_by_label(document, exact=True)).to_be_checked()
    # Shift+Tab goes back through the boxes without changing them.
    tab_to(page, "原来的身份证", backwards=True)
    expect(page.get_by_label("原来的身份证", exact=True)).to_be_checked()
    continue_(page)

    choose_by_arrows(page, "您已经有照片回执了吗？", "否")
    type_date(page, "您最晚哪天要用身份证？（可不填）", None)
    choose_by_arrows(page, "您家是低保户或特困家庭吗？", "否")

    expect_question(page, "请核对您的回答")
    tab_to(page, "生成我的办事清单")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/plan/[2-9A-Z]{15}/$"))
    expect(page.get_by_role("region", name="您的查询码")).to_be_visible()
    assert "20 元" in page.get_by_role("region", name="费用").inner_text()
    assert_fits_width(page)

    # The print sheet is one Tab + Enter away.
    tab_to(page, "打印清单")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/print/$"))


@pytest.mark.parametrize("device", ["desktop", "nojs"])
def test_a_refused_page_puts_the_focus_on_what_went_wrong(open_page, device):
    page = open_page(device)
    page.goto("/apply/")
    expect_question(page, "您为什么要办身份证？")
    page.get_by_role("button", name="继续").click()  # nothing chosen

    summary = page.get_by_role("alert").filter(has_text="请修改以下问题")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    # Tab from there reaches the link to the question that needs an answer first.
    page.keyboard.press("Tab")
    assert focused(page)["tag"] == "a"
