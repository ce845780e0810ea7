"""Every page type works under the Content-Security-Policy: Chromium reports no violation.

A violation shows up twice: as a console message ("Refused to apply inline style
because it violates the following Content Security Policy directive ...") and as a
``securitypolicyviolation`` event, which an init script records (Playwright injects
it outside the page's policy).
"""
import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import RequestFactory
from django.urls import reverse
from playwright.sync_api import expect

from procedures import services as procedure_services
from procedures.models import Procedure, Region
from staff import services
from staff.models import Office, StaffMembership
from wizard.models import Plan

from .pages import (
    answer_from_birth_date,
    answer_up_to_birth_date,
    choose,
    expect_question,
    make_plan,
    pick_place,
    press,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "csp-test-pass-2026"
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


def watch(page):
    """Record console messages about the policy, and violation events, on ``page``."""
    page.csp_messages = []
    page.on("console", lambda message: (
        "Content Security Policy" in message.text or "Refused to" in message.text)
        and page.csp_messages.append(f"{page.url}: {message.text}"))
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def assert_no_violations(page):
    """Fail if the current page (or any before it) broke the policy."""
    page.wait_for_load_state("load")
    events = page.evaluate("window.__cspViolations || []")
    problems = page.csp_messages + [f"{page.url}: {event}" for event in events]
    assert not problems, "\n".join(problems)


def visit(page, path):
    response = page.goto(path)
    assert response is not None
    assert "content-security-policy" in response.headers  # Playwright lower-cases header names
    assert_no_violations(page)
    return response


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_applicant_pages_keep_the_policy(open_page, device):
    page = watch(open_page(device))

    visit(page, "/")
    # Every question type on the way: choices, region with its filter script, dates, boxes to tick.
    answer_up_to_birth_date(page)
    assert_no_violations(page)
    answer_from_birth_date(page)
    assert_no_violations(page)
    code = make_plan(page)
    assert_no_violations(page)

    # The print sheet carries the QR code as inline SVG.
    visit(page, f"/plan/{code}/print/")
    expect(page.locator("svg.qr")).to_be_visible()
    visit(page, "/plan/")
    visit(page, "/plan/?code=ABCDEFGHJKMNPQR")
    visit(page, "/no-such-page/")
    visit(page, "/apply/?reset=1")


def test_staff_desk_keeps_the_policy(open_page):
    office = Office.objects.create(name="深圳市南山区异地受理点", region=Region.objects.get(code="440300"))
    user = User.objects.create_user("clerk", password=PASSWORD)
    user.groups.add(Group.objects.get(name="柜台工作人员"))
    StaffMembership.objects.create(user=user, office=office)
    page = watch(open_page("desktop"))

    visit(page, "/staff/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill(PASSWORD)
    press(page, page.get_by_role("button", name="登录"))
    expect(page.get_by_role("heading", level=1)).to_have_text("受理点工作台")
    assert_no_violations(page)

    visit(page, "/staff/walk-in/")
    answer_up_to_walk_in_plan(page)
    code = page.url.rstrip("/").rsplit("/", 1)[-1]
    services.open_application(plan=Plan.objects.get(code=code), office=office, user=user)
    for path in (f"/staff/plan/{code}/", f"/staff/applications/{code}/", "/staff/overdue/",
                 f"/staff/lookup/?code={code}", "/staff/lookup/?code=nonsense", f"/plan/{code}/print/",
                 f"/staff/applications/{code}/print/"):
        visit(page, path)


def answer_up_to_walk_in_plan(page):
    """Answer the walk-in wizard from its first question to the staff plan page."""
    choose(page, "申请人为什么要办身份证？", "证件快到期了")
    pick_place(page, "申请人的户口在哪里？", "河南省", "郑州市")
    pick_place(page, "申请人现在住在哪里？", "广东省", "深圳市")
    expect_question(page, "申请人的出生日期是？")
    answer_from_birth_date(page, who="申请人")
    assert_no_violations(page)
    press(page, page.get_by_role("button", name="生成申请人的办事清单"))
    page.wait_for_url("**/staff/plan/*/")
    assert_no_violations(page)


def admin_paths(user):
    """Return the admin index, and every registered model's list and add page (where adding is allowed)."""
    request = RequestFactory().get("/admin/")
    request.user = user
    paths = ["/admin/", "/admin/password_change/"]
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        paths.append(reverse(f"{name}_changelist"))
        if model_admin.has_add_permission(request):
            paths.append(reverse(f"{name}_add"))
    # A draft, whose change page has editable inlines and date widgets (published versions are read-only).
    published = Procedure.objects.filter(status=Procedure.Status.PUBLISHED).order_by("pk").first()
    draft = procedure_services.draft_create(source=published, user=user)
    paths.append(reverse("admin:procedures_procedure_change", args=[draft.pk]))
    return paths


def test_django_admin_keeps_the_policy(open_page):
    user = User.objects.create_superuser("root", "", PASSWORD)
    page = watch(open_page("desktop"))

    visit(page, "/admin/login/")
    page.get_by_label("用户名").fill("root")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#site-name")).to_be_visible()
    assert_no_violations(page)

    paths = admin_paths(user)
    for path in paths:
        visit(page, path)
    # The scripts that build widgets on the page: an inline row added, a date picker opened.
    page.goto(paths[-1])
    rows = page.locator(".inline-related:not(.empty-form)").count()
    page.locator(".add-row a:visible").first.click()
    assert page.locator(".inline-related:not(.empty-form)").count() == rows + 1
    page.locator(".inline-related:not(.empty-form) details summary").first.click()  # a row's folded source box
    page.locator(".datetimeshortcuts a:visible").first.click()
    assert_no_violations(page)
