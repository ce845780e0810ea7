"""Every page type passes axe-core (WCAG 2.1 A and AA) and the Nu HTML Checker, on a phone and a desktop.

axe runs in the page as a person sees it (after JavaScript, at the device's size); vnu
checks the HTML document the server sent. Each test walks several pages and reports every
problem it met, page by page, before failing.
"""
import datetime
import re

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.db.utils import OperationalError
from django.template.loader import render_to_string
from playwright.sync_api import expect

from procedures.models import Region
from staff import services as staff_services
from staff.models import Office, StaffMembership

from .checkers import axe_violations, describe_html_errors, describe_violations, require_axe, start_vnu
from .conftest import DEVICES, TIMEOUT_MS
from .pages import (
    answer_date,
    choose,
    expect_question,
    go_on,
    journey_answers,
    make_plan,
    pick_place,
    press,
    save_screenshot,
    sign_in,
    tick,
    today,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DEVICE_NAMES = ["phone", "desktop"]
PASSWORD = "counter-pass-2026"
CHILD_SENT_HOME = {  # details changed away from the hukou place: fix the register and apply there
    "reason": "details_changed", "birth_date": "2014-05-06", "hukou_region": "320100", "residence_region": "440305",
    "documents": ["old_card", "hukou_book"], "has_photo_receipt": False, "hardship": False,
}
HONG_KONG = {"reason": "lost", "hukou_region": "810000"}  # outside the mainland: not applicable
# The page's width against the layout viewport's. Not window.innerWidth: a mobile browser
# zooms out to show a page that is too wide, and innerWidth then grows with the page.
SCREEN_WIDTHS = "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.fixture(scope="module")
def vnu():
    """The Nu HTML Checker service, shared by this module's tests."""
    service = start_vnu()
    yield service
    service.stop()


class Audit:
    """Open pages on one device, check each with axe and vnu, and collect what is wrong."""

    def __init__(self, browser, base_url, device, vnu):
        require_axe()
        # axe is injected as a script the site's Content-Security-Policy would refuse.
        self.context = browser.new_context(base_url=base_url, bypass_csp=True, **DEVICES[device])
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.page.device = device
        self.page.javascript = True
        self.page.touch = DEVICES[device].get("has_touch", False)
        self.vnu = vnu
        self.device = device
        self.checked = []
        self.problems = []
        self.document = None
        self.page.on("response", self._keep_document)
        self.page.on("pageerror", lambda error: self.problems.append(f"JavaScript error: {error}"))

    def _keep_document(self, response):
        if response.request.resource_type == "document" and response.frame == self.page.main_frame:
            self.document = response

    def check(self, name, status=None):
        """Check the page now showing; ``name`` says which page type it stands for.

        With ``status``, the document must have come with that HTTP status (so that, say,
        the 429 page is checked, not the page a refusal might have fallen back to).
        """
        expect(self.page.locator("h1")).to_have_count(1)
        if status is not None:
            assert self.document.status == status, f"{name}: HTTP {self.document.status}, not {status}"
        html = self.document.text()
        found = describe_html_errors(self.vnu.errors(html), html)
        found += describe_violations(axe_violations(self.page))
        scroll_width, screen_width = self.page.evaluate(SCREEN_WIDTHS)
        if scroll_width > screen_width:
            found.append(f"scrolls sideways: {scroll_width}px on a {screen_width}px screen")
        self.checked.append(name)
        if found:
            save_screenshot(self.page, f"a11y-{name}-{self.device}")
            self.problems.append(f"--- {name} ({self.device}, {self.page.url})")
            self.problems.extend(found)

    def goto(self, path, name, status=None):
        self.page.goto(path)
        self.check(name, status)

    def assert_clean(self):
        assert not self.problems, "\n".join(self.problems)

    def close(self):
        self.context.close()


@pytest.fixture
def audit(browser, live_server, vnu):
    """Return a function that starts an ``Audit`` on "phone" or "desktop"."""
    opened = []

    def start(device):
        opened.append(Audit(browser, live_server.url, device, vnu))
        return opened[-1]

    yield start
    for each in opened:
        each.close()


@pytest.fixture
def counter(db):
    """A counter clerk at a Shenzhen office, with one accepted application; and a user without the desk."""
    office = Office.objects.create(name="深圳市南山区异地受理点", region=Region.objects.get(code="440300"))
    clerk = User.objects.create_user("clerk", password=PASSWORD)
    clerk.groups.add(Group.objects.get(name="柜台工作人员"))
    StaffMembership.objects.create(user=clerk, office=office)
    User.objects.create_user("visitor", password=PASSWORD)
    return office, clerk


def check_first_questions(run, prefix="", who="您"):
    """Answer from the reason to the birth date, checking each kind of question page on the way.

    ``who``: whom the questions are about (您, or 申请人 at the counter).
    """
    page = run.page
    expect_question(page, f"{who}为什么要办身份证？")
    run.check(f"{prefix}radio-step")
    tick(page, "证件快到期了")
    go_on(page)
    expect_question(page, f"{who}的户口在哪里？")
    run.check(f"{prefix}region-province-step")
    page.get_by_label("省、自治区、直辖市").select_option(label="河南省")
    go_on(page)
    expect(page.get_by_label("河南省的哪个城市（地区、州、盟）？")).to_be_visible()
    run.check(f"{prefix}region-city-step-with-filter")
    page.get_by_label("河南省的哪个城市（地区、州、盟）？").select_option(label="郑州市")
    go_on(page)
    pick_place(page, f"{who}现在住在哪里？", "广东省", "深圳市")
    expect_question(page, f"{who}的出生日期是？")
    go_on(page)  # no date typed: the page explains what is missing
    expect(page.get_by_role("alert")).to_be_visible()
    run.check(f"{prefix}date-step-with-error")


@pytest.mark.parametrize("device", DEVICE_NAMES)
def test_the_applicants_journey_pages(audit, device):
    run = audit(device)
    page = run.page
    run.goto("/", "start")
    press(page, page.get_by_role("link", name="开始"))
    check_first_questions(run)
    answer_date(page, "您的出生日期是？", datetime.date(1990, 5, 20))
    answer_date(page, "旧身份证的有效期到哪一天？", today() + datetime.timedelta(days=60))
    expect_question(page, "您手头有哪些证件？")
    run.check("documents-step")
    tick(page, "原来的身份证")
    go_on(page)
    choose(page, "您已经有照片回执了吗？", "否")
    answer_date(page, "您最晚哪天要用身份证？（可不填）", None)
    choose(page, "您家是低保户或特困家庭吗？", "否")
    expect_question(page, "请核对您的回答")
    run.check("summary")
    make_plan(page)
    run.check("plan-apply-here")
    run.assert_clean()


@pytest.mark.parametrize("device", DEVICE_NAMES)
def test_plan_lookup_and_error_pages(audit, stored_plan, device):
    here = stored_plan(journey_answers())
    hukou_place = stored_plan(CHILD_SENT_HOME)
    not_applicable = stored_plan(HONG_KONG)
    assert (here.outcome, hukou_place.outcome, not_applicable.outcome) == (
        "apply_here", "apply_at_hukou_place", "not_applicable")
    run = audit(device)

    run.goto(here.get_absolute_url(), "plan-apply-here")
    run.goto(hukou_place.get_absolute_url(), "plan-apply-at-hukou-place")
    run.goto(not_applicable.get_absolute_url(), "plan-not-applicable")
    run.goto(f"{here.get_absolute_url()}print/", "print")
    run.goto(f"{hukou_place.get_absolute_url()}print/", "print-apply-at-hukou-place")
    run.goto("/plan/", "lookup")
    run.goto("/plan/?code=", "lookup-empty-code")
    run.goto("/plan/?code=ZZZZZ-ZZZZZ-ZZZZZ", "lookup-not-found")
    run.goto("/no-such-page/", "404")
    unknown = here.code[:14] + ("2" if here.code[-1] != "2" else "3")
    run.goto(f"/plan/{unknown}/", "plan-code-not-found", status=404)

    # Hong Kong as the household-registration place: the exit, in place of the summary (no plan).
    run.goto("/apply/", "radio-step")
    tick(run.page, "证件丢了")
    go_on(run.page)
    expect_question(run.page, "您的户口在哪里？")
    run.page.get_by_label("省、自治区、直辖市").select_option(label="香港特别行政区")
    go_on(run.page)
    expect(run.page.get_by_role("heading", level=1)).to_have_text("这份指南不适用于您的情况")
    run.check("exit-not-applicable")

    # The 500 page is what Django renders, without a request, when a view fails.
    error_page = render_to_string("500.html")
    run.page.route("**/server-error/", lambda route: route.fulfill(
        status=500, body=error_page, content_type="text/html; charset=utf-8"))
    run.goto("/server-error/", "500")
    run.assert_clean()


@pytest.mark.parametrize("device", DEVICE_NAMES)
def test_staff_pages(audit, stored_plan, counter, device):
    office, clerk = counter
    accepted = stored_plan(journey_answers())
    waiting = stored_plan(journey_answers())
    staff_services.open_application(plan=accepted, office=office, user=clerk, applicant_name="张三丰",
                                    applicant_phone="13812345678",
                                    today=today() - datetime.timedelta(days=90))
    signed_off = staff_services.open_application(plan=stored_plan(journey_answers()), office=office, user=clerk,
                                                 applicant_name="李四", applicant_phone="13900001111")
    staff_services.move_application(application=signed_off, target="signoff", expected_revision=1, user=clerk)
    run = audit(device)
    page = run.page

    run.goto("/staff/login/", "staff-login")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill("wrong password")
    press(page, page.get_by_role("button", name="登录"))
    expect(page.get_by_role("alert")).to_be_visible()
    run.check("staff-login-with-error")
    page.get_by_label("密码").fill(PASSWORD)
    press(page, page.get_by_role("button", name="登录"))
    expect(page.get_by_role("heading", level=1)).to_have_text("受理点工作台")
    run.check("staff-desk")
    run.goto("/staff/lookup/?code=ZZZZZ", "staff-desk-lookup-error")
    run.goto("/staff/?q=张&status=m-accepted&sort=-overdue", "staff-desk-search-tab-sort")
    run.goto("/staff/?q=nobody", "staff-desk-nothing-found")
    run.goto(f"/staff/?q={'x' * 41}", "staff-desk-search-error")

    # A batch that closes cases asks first; a batch with a refusal reports it by code.
    page.goto("/staff/")
    page.get_by_label(f"选择 {accepted.display_code}").check()
    page.get_by_label("把勾选的申请改为").select_option(value="withdrawn")
    page.get_by_label("备注或原因").fill("申请人不办了")
    press(page, page.get_by_role("button", name="批量更新"))
    expect(page.get_by_role("heading", level=1)).to_have_text("确认结束申请")
    run.check("staff-batch-confirm")
    page.goto("/staff/")
    page.get_by_label(f"选择 {accepted.display_code}").check()
    page.get_by_label(f"选择 {signed_off.plan.display_code}").check()
    page.get_by_label("把勾选的申请改为").select_option(value="signoff")
    press(page, page.get_by_role("button", name="批量更新"))
    expect(page.get_by_role("status")).to_contain_text("未更新")
    run.check("staff-batch-with-a-refusal")

    elsewhere = stored_plan({**journey_answers(), "residence_region": "440100"})
    run.goto(f"/staff/plan/{elsewhere.code}/", "staff-plan-stale")
    run.goto(f"/staff/applications/{accepted.code}/print/", "staff-application-print")
    run.goto(f"/staff/plan/{waiting.code}/", "staff-plan")
    run.goto(f"/staff/plan/{accepted.code}/", "staff-plan-accepted")
    run.goto(f"/staff/applications/{accepted.code}/", "staff-application")
    press(page, page.get_by_role("button", name="显示完整号码（会记入办理记录）"))
    expect(page.locator("main")).to_contain_text("13812345678")
    run.check("staff-application-full-phone")
    run.goto("/staff/overdue/", "staff-overdue")

    # Signed in without the desk permission: the 403 page.
    run.context.clear_cookies()
    run.goto("/staff/login/", "staff-login")
    page.get_by_label("用户名").fill("visitor")
    page.get_by_label("密码").fill(PASSWORD)
    press(page, page.get_by_role("button", name="登录"))
    expect(page.get_by_role("heading", level=1)).to_have_text("无法打开这个页面")
    run.check("403")
    run.assert_clean()


@pytest.mark.parametrize("device", DEVICE_NAMES)
def test_walk_in_wizard_pages(audit, counter, device):
    """The applicant's questions as the counter answers them: the same step types, behind the desk."""
    run = audit(device)
    page = run.page
    sign_in(page, "clerk", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("受理点工作台")
    press(page, page.get_by_role("link", name="开始问答（代办）"))
    expect_question(page, "申请人为什么要办身份证？")
    expect(page.get_by_text("代办模式")).to_be_visible()
    assert "/staff/walk-in/" in page.url
    check_first_questions(run, "walk-in-", who="申请人")
    answer_date(page, "申请人的出生日期是？", datetime.date(1990, 5, 20))
    answer_date(page, "旧身份证的有效期到哪一天？", today() + datetime.timedelta(days=60))
    expect_question(page, "申请人手头有哪些证件？")
    run.check("walk-in-documents-step")
    tick(page, "原来的身份证")
    go_on(page)
    expect_question(page, "申请人已经有照片回执了吗？")
    run.check("walk-in-yes-no-step")
    choose(page, "申请人已经有照片回执了吗？", "否")
    expect_question(page, "申请人最晚哪天要用身份证？（可不填）")
    run.check("walk-in-optional-date-step")
    answer_date(page, "申请人最晚哪天要用身份证？（可不填）", None)
    choose(page, "申请人家是低保户或特困家庭吗？", "否")
    expect_question(page, "请核对申请人的回答")
    run.check("walk-in-summary")
    press(page, page.get_by_role("button", name="生成申请人的办事清单"))
    page.wait_for_url(re.compile(r"/staff/plan/[2-9A-Z]{15}/$"))
    run.check("staff-plan-from-walk-in")
    run.assert_clean()


@pytest.mark.parametrize("device", DEVICE_NAMES)
def test_refusal_pages(audit, counter, stored_plan, settings, monkeypatch, device):
    """The pages that say no: database down (503), CSRF failure (403), too many look-ups (429), locked out."""
    plan = stored_plan(journey_answers())
    run = audit(device)
    page = run.page

    # The database out of reach: the middleware answers with the standalone 503 page.
    def unreachable(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    with monkeypatch.context() as patch:
        patch.setattr("wizard.plan_views.plan_get", unreachable)
        page.goto(plan.get_absolute_url())
        expect(page.get_by_role("heading", level=1)).to_have_text("系统暂时繁忙，请稍后再试")
        run.check("503", status=503)

    # A form sent without its CSRF cookie (say, cookies cleared while it was open): Django's 403_csrf.html.
    page.goto("/staff/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(PASSWORD)
    run.context.clear_cookies()
    press(page, page.get_by_role("button", name="登录"))
    expect(page.get_by_role("heading", level=1)).to_have_text("页面已超时")
    run.check("403-csrf", status=403)

    # Past the look-up limit: the desk's 429 page.
    settings.LOOKUP_RATE_LIMIT_PER_MINUTE = 1
    sign_in(page, "clerk", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("受理点工作台")
    page.goto(f"/staff/lookup/?code={plan.code}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(plan.display_code)
    run.goto(f"/staff/lookup/?code={plan.code}", "staff-429", status=429)
    expect(page.get_by_role("heading", level=1)).to_have_text("查询太频繁")

    # Too many wrong passwords: django-axes shows the lock-out page.
    run.context.clear_cookies()
    for _attempt in range(django_settings.AXES_FAILURE_LIMIT - 1):
        sign_in(page, "clerk", "wrong password")
        expect(page.get_by_role("alert")).to_be_visible()
    sign_in(page, "clerk", "wrong password")
    expect(page.get_by_role("heading", level=1)).to_have_text("账号暂时锁定")
    run.check("staff-locked-out", status=429)
    run.assert_clean()


@pytest.mark.parametrize("device", DEVICE_NAMES)
def test_staff_pages_for_a_clerk_without_an_office(audit, stored_plan, device):
    clerk = User.objects.create_user("new-clerk", password=PASSWORD)
    clerk.groups.add(Group.objects.get(name="柜台工作人员"))
    plan = stored_plan(journey_answers())
    no_office = "您的账号还没有分配受理点"
    run = audit(device)
    page = run.page

    sign_in(page, "new-clerk", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("受理点工作台")
    expect(page.get_by_text(no_office)).to_be_visible()
    run.check("staff-desk-without-office")
    for path, name in [("/staff/overdue/", "staff-overdue-without-office"),
                       (f"/staff/plan/{plan.code}/", "staff-plan-without-office")]:
        run.goto(path, name, status=200)
        expect(page.get_by_text(no_office)).to_be_visible()
    run.assert_clean()


@pytest.mark.parametrize("device", DEVICE_NAMES)
def test_pages_with_larger_text(audit, stored_plan, counter, device):
    """The larger-text switch changes every size on the page: contrast, labels and layout must still pass."""
    plan = stored_plan(journey_answers())
    run = audit(device)
    page = run.page

    def check(name):
        expect(page.locator("html")).to_have_class("text-large")
        run.check(f"{name}-large-text")

    page.goto("/")
    press(page, page.get_by_role("link", name="放大文字"))
    check("start")
    press(page, page.get_by_role("link", name="开始"))
    expect_question(page, "您为什么要办身份证？")
    check("radio-step")
    tick(page, "证件快到期了")
    go_on(page)
    page.get_by_label("省、自治区、直辖市").select_option(label="河南省")
    go_on(page)
    expect(page.get_by_label("河南省的哪个城市（地区、州、盟）？")).to_be_visible()
    check("region-city-step-with-filter")
    for path, name in [(plan.get_absolute_url(), "plan"), (f"{plan.get_absolute_url()}print/", "print"),
                       ("/plan/?code=ZZZZZ-ZZZZZ-ZZZZZ", "lookup-not-found")]:
        page.goto(path)
        check(name)
    sign_in(page, "clerk", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("受理点工作台")
    # The desk keeps its own dense layout for the counter PC: the applicants' switch does not apply there.
    expect(page.locator("html")).not_to_have_class(re.compile("text-large"))
    run.check("staff-desk-after-larger-text")
    run.assert_clean()


def test_every_check_fails_on_a_bad_page(audit):
    """The checkers are wired up: a page with known faults fails both."""
    run = audit("phone")
    bad = ('<!doctype html><html><head><title>bad</title></head><body>'
           '<h1>bad</h1><img src="/static/favicon.svg"><p><div>block in p</div></p>'
           '<form action=""><input type="text"></form></body></html>')
    run.page.route("**/bad-page/", lambda route: route.fulfill(
        status=200, body=bad, content_type="text/html; charset=utf-8"))
    run.goto("/bad-page/", "bad")
    report = "\n".join(run.problems)
    for fault in ("html-has-lang", "image-alt", "label", "“p” end tag", "action"):
        assert fault in report, report


# --- zoom and the "larger text" switch ------------------------------------------------------

# Every control a person needs must lie inside the screen, not past its right edge.
CONTROLS_OUTSIDE = """() => {
  const width = document.documentElement.clientWidth;
  return Array.from(document.querySelectorAll("main a, main button, main input, main select, header a"))
    .filter(el => el.offsetParent !== null && !el.closest(".visually-hidden, .skip-link"))
    .filter(el => { const box = el.getBoundingClientRect(); return box.left < 0 || box.right > width + 1; })
    .map(el => el.outerHTML.slice(0, 120));
}"""


def assert_readable(page, name):
    """The page does not scroll sideways and every control is on screen."""
    scroll_width, screen_width = page.evaluate(SCREEN_WIDTHS)
    assert scroll_width <= screen_width, f"{name}: {scroll_width}px wide on a {screen_width}px screen"
    outside = page.evaluate(CONTROLS_OUTSIDE)
    assert not outside, f"{name}: controls off screen: {outside}"
    expect(page.locator("h1")).to_be_in_viewport()


@pytest.mark.parametrize("layout", ["zoom-200", "large-text"])
def test_text_readable_at_200_percent_and_with_larger_text(browser, live_server, stored_plan, layout):
    """200% zoom on a 390 px phone is a 195 px CSS viewport; the larger text is the site's own switch."""
    device = dict(DEVICES["phone"])
    if layout == "zoom-200":
        device.update(viewport={"width": 195, "height": 422})
    context = browser.new_context(base_url=live_server.url, **device)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.device, page.javascript, page.touch = layout, True, True
    try:
        page.goto("/")
        if layout == "large-text":
            press(page, page.get_by_role("link", name="放大文字"))
            expect(page.locator("html")).to_have_class("text-large")
        assert_readable(page, "start")
        press(page, page.get_by_role("link", name="开始"))
        expect_question(page, "您为什么要办身份证？")
        assert_readable(page, "radio step")
        choose(page, "您为什么要办身份证？", "证件快到期了")
        expect_question(page, "您的户口在哪里？")
        assert_readable(page, "province step")
        pick_place(page, "您的户口在哪里？", "河南省", "郑州市")
        page.get_by_label("省、自治区、直辖市").select_option(label="广东省")
        go_on(page)
        expect(page.get_by_label(re.compile("城市名称或拼音筛选"))).to_be_visible()
        assert_readable(page, "city step with filter")
        page.get_by_label("广东省的哪个城市（地区、州、盟）？").select_option(label="深圳市")
        go_on(page)
        expect_question(page, "您的出生日期是？")
        go_on(page)
        expect(page.get_by_role("alert")).to_be_visible()
        assert_readable(page, "date step with error")
        answer_date(page, "您的出生日期是？", datetime.date(1990, 5, 20))
        answer_date(page, "旧身份证的有效期到哪一天？", today() + datetime.timedelta(days=60))
        expect_question(page, "您手头有哪些证件？")
        assert_readable(page, "documents step")
        tick(page, "原来的身份证")
        go_on(page)
        choose(page, "您已经有照片回执了吗？", "否")
        answer_date(page, "您最晚哪天要用身份证？（可不填）", None)
        choose(page, "您家是低保户或特困家庭吗？", "否")
        expect_question(page, "请核对您的回答")
        assert_readable(page, "summary")
        make_plan(page)
        assert_readable(page, "plan")
        save_screenshot(page, f"plan-{layout}")
        for path, name in [(f"{page.url}print/", "print"), ("/plan/?code=ZZZZZ", "lookup"),
                           ("/staff/login/", "staff login"), ("/no-such-page/", "404")]:
            page.goto(path)
            assert_readable(page, name)
    finally:
        context.close()


@pytest.mark.parametrize("device", ["phone", "nojs"])
def test_larger_text_switch_persists_across_pages(open_page, device):
    page = open_page(device)
    page.goto("/")
    body_size = "parseFloat(getComputedStyle(document.body).fontSize)"
    normal = page.evaluate(body_size)

    press(page, page.get_by_role("link", name="放大文字"))
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator("html")).to_have_class("text-large")
    assert page.evaluate(body_size) >= normal * 1.2

    # It stays on while the reader goes through the questions and to other pages.
    press(page, page.get_by_role("link", name="开始"))
    expect_question(page, "您为什么要办身份证？")
    expect(page.locator("html")).to_have_class("text-large")
    assert page.evaluate(body_size) >= normal * 1.2
    page.goto("/plan/")
    expect(page.locator("html")).to_have_class("text-large")

    # The same place in the header turns it off again, on the page the reader is on.
    press(page, page.get_by_role("link", name="标准字号"))
    page.wait_for_url(re.compile(r"/plan/$"))
    expect(page.locator("html")).not_to_have_class("text-large")
    assert page.evaluate(body_size) == normal
