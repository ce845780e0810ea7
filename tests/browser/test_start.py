"""The start page, as a person on a phone inside WeChat sees it."""
import re

import pytest

from .pages import assert_fits_width, expect_question, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_start_page_in_chinese_fits_the_phone_and_leads_to_the_wizard(phone):
    phone.goto("/")

    assert phone.locator("html").get_attribute("lang") == "zh-Hans"
    assert phone.get_by_role("heading", level=1).inner_text() == "在居住地换领、补领身份证"
    assert_fits_width(phone)
    save_screenshot(phone, "start-phone")

    phone.get_by_role("link", name="开始").tap()

    expect_question(phone, "您为什么要办身份证？")
    assert re.search(r"/apply/reason/$", phone.url)


def test_start_page_on_desktop(desktop):
    desktop.goto("/")

    assert desktop.get_by_role("link", name="开始").is_visible()
    assert_fits_width(desktop)
    save_screenshot(desktop, "start-desktop")
