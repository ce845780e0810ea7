"""axe-core and vnu on the journey's newer page states: a plan with the office directory and 必须注意
warnings, the province page's filter finding a city, and a page shown again after another tab."""
import pytest
from playwright.sync_api import expect

from .pages import choose, expect_question, go_on, pick_place, press
from .test_accessibility import DEVICE_NAMES, audit, vnu  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LOST_XIAMEN = {"reason": "lost", "birth_date": "1958-03-02", "hukou_region": "430100", "residence_region": "350203",
               "documents": ["hukou_book"], "needed_by": None}
CHILD_WITHOUT_OLD_CARD = {  # 必须注意: no old card to hand back, a guardian must come
    "reason": "damaged", "birth_date": "2014-05-06", "hukou_region": "410100", "residence_region": "440300",
    "documents": ["hukou_book"], "has_photo_receipt": False, "needed_by": None, "hardship": False,
}


@pytest.mark.parametrize("device", DEVICE_NAMES)
def test_the_journeys_newer_pages(audit, stored_plan, device):  # noqa: F811
    run = audit(device)
    page = run.page
    run.goto(stored_plan(LOST_XIAMEN).get_absolute_url(), "plan-with-office-directory")
    expect(page.get_by_role("heading", name="具体去哪里、怎么预约")).to_be_visible()
    run.goto(stored_plan(CHILD_WITHOUT_OLD_CARD).get_absolute_url(), "plan-with-critical-warnings")
    expect(page.locator(".notice-critical").first).to_be_visible()

    page.goto("/apply/")
    choose(page, "您为什么要办身份证？", "证件丢了")
    expect_question(page, "您的户口在哪里？")
    page.get_by_label("输入省份或城市的名称、拼音筛选（如“广东”“深圳”或“sz”）").fill("深圳")
    expect(page.locator(".region-filter-count")).to_contain_text("深圳市在广东省")
    run.check("province-filter-found-a-city")
    page.get_by_label("输入省份或城市的名称、拼音筛选（如“广东”“深圳”或“sz”）").fill("")
    pick_place(page, "您的户口在哪里？", "河南省", "郑州市")
    pick_place(page, "您现在住在哪里？", "广东省", "深圳市")
    expect_question(page, "您的出生日期是？")

    # Another tab changes the reason; this one's next page is shown again, saying why.
    other = run.context.new_page()
    other.goto("/apply/reason/?change=1")
    other.get_by_label("证件损坏了", exact=True).check()
    other.get_by_role("button", name="继续").click()
    expect(other.get_by_role("heading", level=1)).not_to_have_text("您为什么要办身份证？")
    other.close()
    page.get_by_label("年", exact=True).fill("1958")
    page.get_by_label("月", exact=True).fill("3")
    page.get_by_label("日", exact=True).fill("2")
    press(page, page.get_by_role("button", name="继续"))
    expect(page.get_by_role("status")).to_contain_text("另一个标签页")
    run.check("step-changed-in-another-tab")
    go_on(page)
    run.assert_clean()
