"""A counter clerk's morning: sign in, a checklist for a walk-in, print it, accept it, send it on."""
import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from procedures.models import Region
from staff.models import Application, Office, StaffMembership
from wizard.models import Plan

from .pages import (
    answer_from_birth_date,
    assert_fits_width,
    choose,
    expect_question,
    pick_place,
    press,
    save_screenshot,
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
    choose(page, "您为什么要办身份证？", "证件快到期了")
    pick_place(page, "您的户口在哪里？", "河南省", "郑州市")
    pick_place(page, "您现在住在哪里？", "广东省", "深圳市")
    expect_question(page, "您的出生日期是？")
    answer_from_birth_date(page)
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
