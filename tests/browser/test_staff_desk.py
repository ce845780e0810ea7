"""A counter clerk's morning: sign in, a checklist for a walk-in, print it, accept it, send it on."""
import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from procedures.models import Region
from staff import services
from staff.models import Application, Office, StaffMembership
from wizard.models import Plan

from .pages import (
    answer_from_birth_date,
    assert_fits_width,
    choose,
    expect_question,
    journey_answers,
    pick_place,
    press,
    save_screenshot,
    sign_in,
    today,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "counter-pass-2026"


@pytest.fixture
def clerk():
    office = Office.objects.create(name="深圳市南山区异地受理点", region=Region.objects.get(code="440300"))
    user = User.objects.create_user("clerk", password=PASSWORD)
    user.groups.add(Group.objects.get(name="柜台工作人员"))
    StaffMembership.objects.create(user=user, office=office)
    return user


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_counter_clerks_morning(open_page, clerk, device):
    page = open_page(device)

    # Sign in: the desk sends an anonymous visitor to the login page first.
    page.goto("/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("工作人员登录")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(PASSWORD)
    press(page, page.get_by_role("button", name="登录"))
    expect(page.get_by_role("heading", level=1)).to_have_text("受理点工作台")
    assert_fits_width(page)

    # A walk-in applicant: the same questions, answered at the counter.
    press(page, page.get_by_role("link", name="开始问答（代办）"))
    expect(page.get_by_text("代办模式")).to_be_visible()
    choose(page, "申请人为什么要办身份证？", "证件快到期了")
    pick_place(page, "申请人的户口在哪里？", "河南省", "郑州市")
    pick_place(page, "申请人现在住在哪里？", "广东省", "深圳市")
    expect_question(page, "申请人的出生日期是？")
    answer_from_birth_date(page, who="申请人")
    press(page, page.get_by_role("button", name=re.compile("生成")))
    page.wait_for_url(re.compile(r"/staff/plan/[2-9A-Z]{15}/$"))
    plan = Plan.objects.get()
    assert (plan.channel, plan.created_by_id) == (Plan.Channel.STAFF, clerk.pk)
    expect(page.get_by_role("heading", level=1)).to_contain_text(plan.display_code)

    # Print it: one A4 page with the office, the code and a QR code.
    press(page, page.get_by_role("link", name="打印清单"))
    page.wait_for_url(re.compile(r"/print/$"))
    sheet = page.locator("main").inner_text()
    assert plan.display_code in sheet and "深圳市南山区异地受理点" in sheet
    assert page.locator("svg").count() >= 1
    page.emulate_media(media="print")
    if device == "desktop":  # page.pdf works in headless Chromium
        pdf = page.pdf(format="A4", print_background=True)
        assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
    save_screenshot(page, f"staff-print-{device}")
    page.emulate_media(media="screen")
    page.go_back()

    # Accept the application, with an optional name for the counter's own use.
    page.get_by_label("申请人姓名（选填）").fill("王小明")
    press(page, page.get_by_role("button", name="受理这份申请"))
    page.wait_for_url(re.compile(r"/staff/applications/[2-9A-Z]{15}/$"))
    expect(page.get_by_text("到居住地异地受理点申请换领").first).to_be_visible()
    assert "王**" in page.locator("main").inner_text()

    # Send it to the household-registration county.
    press(page, page.get_by_role("button", name="受理并传送户籍地"))
    expect(page.get_by_role("status")).to_contain_text("已更新为“户籍地审核签发”")
    history = page.get_by_role("region", name="办理记录").inner_text()
    assert "受理并传送户籍地" in history and "clerk" in history
    assert Application.objects.get().state_code == "signoff"
    assert_fits_width(page)
    save_screenshot(page, f"staff-application-{device}")


# --- the work queue on the counter's PC ---------------------------------------------------------

QUEUED = 30
SIGNED_OFF = 8  # of the queue, already sent to the household-registration county
TABLE_FITS = """() => {
  const wrap = document.querySelector(".table-wrap");
  return [wrap.scrollWidth, wrap.clientWidth, document.documentElement.scrollWidth,
          document.documentElement.clientWidth];
}"""


@pytest.fixture
def queue_of_30(clerk, stored_plan):
    """Thirty applications at the clerk's office: most just accepted, some sent on, a few overdue."""
    office = clerk.staff_membership.office
    made = []
    for index in range(QUEUED):
        days_ago = 90 if index % 5 == 0 else index
        application = services.open_application(
            plan=stored_plan(journey_answers()), office=office, user=clerk,
            applicant_name=f"王小明{index}" if index == 7 else f"申请人{index:02d}",
            applicant_phone=f"139{index:08d}", today=today() - datetime.timedelta(days=days_ago))
        if index < SIGNED_OFF:
            application = services.move_application(application=application, target="signoff",
                                                    expected_revision=1, user=clerk)
        made.append(application)
    return made


def rows(page):
    return page.locator("table.queue tbody tr")


def test_a_clerks_morning_at_the_work_queue(open_page, clerk, queue_of_30, tmp_path):
    page = open_page("counter")
    sign_in(page, "clerk", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("受理点工作台")
    expect(rows(page)).to_have_count(QUEUED)

    # The whole table fits the counter's screen: no sideways scroll, for the page or the table.
    wrap_scroll, wrap_width, page_scroll, page_width = page.evaluate(TABLE_FITS)
    assert page.evaluate("window.innerWidth") == 1366
    assert wrap_scroll <= wrap_width and page_scroll <= page_width, page.evaluate(TABLE_FITS)
    # Codes and dates keep to one line.
    for cell in ("td.code", "td.date"):
        heights = page.locator(f"table.queue tbody tr:first-child {cell}").evaluate_all(
            "cells => cells.map(c => c.getBoundingClientRect().height)")
        line = page.locator("table.queue tbody tr:first-child td.date").first.evaluate(
            "c => parseFloat(getComputedStyle(c).lineHeight) + parseFloat(getComputedStyle(c).paddingTop) * 2 + 1")
        assert all(height <= line * 1.6 for height in heights), (cell, heights, line)
    tabs = page.get_by_role("navigation", name="按状态筛选")
    expect(tabs.get_by_role("link", name=f"全部 {QUEUED}")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("link", name="有 6 份申请已超期")).to_be_visible()
    save_screenshot(page, "staff-queue-counter")
    page.screenshot(path=str(tmp_path / "desk-queue-1366.png"), full_page=False)

    # A search by name: one row, the name still masked.
    page.get_by_label("搜索办理中的申请").fill("王小明")
    press(page, page.get_by_role("button", name="搜索"))
    expect(rows(page)).to_have_count(1)
    assert "王***" in rows(page).inner_text() and "王小明" not in rows(page).inner_text()
    press(page, page.get_by_role("link", name="清除搜索"))
    expect(rows(page)).to_have_count(QUEUED)

    # A tab: only what waits at the household-registration county.
    press(page, tabs.get_by_role("link", name=re.compile("^户籍地办理中")))
    expect(rows(page)).to_have_count(SIGNED_OFF)
    expect(tabs.get_by_role("link", name=f"户籍地办理中 {SIGNED_OFF}")).to_have_attribute("aria-current", "page")

    # The accepted ones: send five on to the household-registration county in one go.
    press(page, tabs.get_by_role("link", name=re.compile("^已受理")))
    expect(rows(page)).to_have_count(QUEUED - SIGNED_OFF)
    picked = [a for a in queue_of_30[SIGNED_OFF:SIGNED_OFF + 5]]
    for application in picked:
        page.get_by_label(f"选择 {application.plan.display_code}").check()
    page.get_by_label("把勾选的申请改为").select_option(label="受理并传送户籍地（改为“户籍地办理中”）")
    page.get_by_label("备注或原因").fill("今早一批")
    press(page, page.get_by_role("button", name="批量更新"))
    expect(page.get_by_role("status")).to_contain_text("已把 5 份申请改为“户籍地办理中”（户籍地审核签发）")
    expect(rows(page)).to_have_count(QUEUED - SIGNED_OFF - 5)
    for application in picked:
        application.refresh_from_db()
        assert (application.state_code, application.revision) == ("signoff", 2)
        assert application.events.last().note == "今早一批"
    expect(tabs.get_by_role("link", name=f"户籍地办理中 {SIGNED_OFF + 5}")).to_be_visible()
    assert_fits_width(page)
    page.screenshot(path=str(tmp_path / "desk-after-batch-1366.png"), full_page=True)
    save_screenshot(page, "staff-queue-after-batch-counter")

    # Withdrawing two would close them: the desk asks first, and going back changes nothing.
    leaving = queue_of_30[SIGNED_OFF + 5:SIGNED_OFF + 7]
    for application in leaving:
        page.get_by_label(f"选择 {application.plan.display_code}").check()
    page.get_by_label("把勾选的申请改为").select_option(value="withdrawn")
    page.get_by_label("备注或原因").fill("申请人不办了")
    press(page, page.get_by_role("button", name="批量更新"))
    expect(page.get_by_role("heading", level=1)).to_have_text("确认结束申请")
    for application in leaving:
        expect(page.get_by_role("link", name=application.plan.display_code)).to_be_visible()
    page.screenshot(path=str(tmp_path / "batch-confirm-1366.png"), full_page=True)
    press(page, page.get_by_role("link", name="不改，返回工作台"))
    expect(tabs.get_by_role("link", name=re.compile("^已受理"))).to_have_attribute("aria-current", "page")
    assert not Application.objects.filter(is_closed=True).exists()


# --- trustworthy paper, on the counter's PC ---------------------------------------------------------

def test_a_plan_for_another_city_is_recomputed_at_the_counter(open_page, clerk, stored_plan):
    """The desk has the look-up field in focus; a plan made for Guangzhou says so, and one press recomputes it."""
    elsewhere = stored_plan({**journey_answers(), "residence_region": "440100"})
    late = stored_plan(journey_answers())
    office = clerk.staff_membership.office
    services.open_application(plan=late, office=office, user=clerk, today=today() - datetime.timedelta(days=90))
    page = open_page("counter")
    sign_in(page, "clerk", PASSWORD)
    expect(page.get_by_label("按查询码查找清单")).to_be_focused()
    nav = page.get_by_role("navigation", name="工作台导航")
    expect(nav.get_by_role("link", name="超期申请 1")).to_be_visible()

    page.get_by_label("按查询码查找清单").fill(elsewhere.display_code)
    press(page, page.get_by_role("button", name="查找"))
    warning = page.get_by_role("region", name="这份清单可能已经不准")
    expect(warning).to_contain_text("与本受理点所在的“广东省深圳市”不同")
    expect(nav.get_by_role("link", name="超期申请 1")).to_be_visible()  # on every desk page
    button = warning.get_by_role("button", name="按今天重新计算")
    box = button.bounding_box()
    assert box["y"] + box["height"] <= 768, box  # in sight without scrolling on the counter's screen
    assert_fits_width(page)
    save_screenshot(page, "staff-plan-stale-counter")
    press(page, button)
    expect(page.get_by_role("status")).to_contain_text("已按今天重新计算")
    new = Plan.objects.exclude(pk__in=[elsewhere.pk, late.pk]).get()
    assert new.answers["residence_region"] == "440300" and Plan.objects.filter(pk=elsewhere.pk).exists()
    expect(page.get_by_role("heading", level=1)).to_contain_text(new.display_code)
    expect(page.get_by_role("region", name="这份清单可能已经不准")).to_have_count(0)
    expect(page.get_by_role("link", name="返回工作台")).to_be_visible()

    # The overdue case prints on its own office's sheet, with the dates the case page shows.
    case = Application.objects.get(plan=late)
    page.goto(f"/staff/applications/{late.code}/")
    press(page, page.get_by_role("link", name="打印清单"))
    page.wait_for_url(re.compile(r"/staff/applications/[2-9A-Z]{15}/print/$"))
    sheet = page.locator("main").inner_text()
    assert "深圳市南山区异地受理点" in sheet
    assert page.locator(f'time[datetime="{case.card_ready_due.isoformat()}"]').count() >= 1
    save_screenshot(page, "staff-application-print-counter")
    press(page, page.get_by_role("link", name="返回申请"))
    page.wait_for_url(re.compile(rf"/staff/applications/{late.code}/$"))


def test_a_case_accepted_on_a_plan_for_another_city_is_recomputed(open_page, clerk, stored_plan):
    elsewhere = stored_plan({**journey_answers(), "residence_region": "440100"})
    case = services.open_application(plan=elsewhere, office=clerk.staff_membership.office, user=clerk)
    page = open_page("counter")
    sign_in(page, "clerk", PASSWORD)
    page.goto(f"/staff/applications/{elsewhere.code}/")
    warning = page.get_by_role("region", name="这份清单可能已经不准")
    expect(warning).to_contain_text("广东省广州市")
    save_screenshot(page, "staff-application-stale-counter")
    press(page, warning.get_by_role("button", name="按今天重新计算"))
    expect(page.get_by_role("status")).to_contain_text("已按今天重新计算")
    case.refresh_from_db()
    assert case.plan != elsewhere and case.plan.answers["residence_region"] == "440300"
    page.wait_for_url(re.compile(rf"/staff/applications/{case.plan.code}/$"))
    history = page.get_by_role("region", name="办理记录")
    expect(history.get_by_role("link", name=f"查看原清单 {elsewhere.display_code}")).to_be_visible()
    assert_fits_width(page)
    save_screenshot(page, "staff-application-recomputed-counter")
