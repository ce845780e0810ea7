"""The procedure admin's pages pass axe-core (no serious or critical violation) and the Nu HTML Checker.

Versions, diff, publish (refused and ready), diagram, import (empty and refused), the stale list, the
content report and a procedure's change page (a draft and a published version), on a desktop as a
content admin uses them; and, without JavaScript, the change page's folded parts still open. The
admin's links are told from text by more than colour (axe: link-in-text-block), from the project's
admin stylesheet.
"""
import json

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from procedures import selectors, services
from procedures.models import Fee, Transition

from .checkers import axe_violations, describe_html_errors, describe_violations, require_axe, start_vnu
from .conftest import DEVICES, TIMEOUT_MS
from .pages import save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct horse battery"
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="module")
def vnu():
    service = start_vnu()
    yield service
    service.stop()


@pytest.fixture
def admin_page(browser, live_server):
    """A desktop page signed in as a content admin; axe is injected, so the CSP is bypassed."""
    require_axe()
    User.objects.create_superuser("content-admin", password=PASSWORD)
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, **DEVICES["desktop"])
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto("/admin/login/")
    page.get_by_label("用户名").fill("content-admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("link", name="办理流程").first).to_be_visible()
    yield page
    context.close()


class PageAudit:
    """Check each page with vnu (the document sent) and axe (the page as shown); collect what is wrong."""

    def __init__(self, page, vnu):
        self.page, self.vnu = page, vnu
        self.problems, self.checked = [], []
        self.document = None
        page.on("response", self._keep)

    def _keep(self, response):
        if response.request.resource_type == "document" and response.frame == self.page.main_frame:
            self.document = response

    def check(self, name):
        expect(self.page.locator("h1")).to_have_count(1)
        assert self.document.status == 200, f"{name}: HTTP {self.document.status}"
        html = self.document.text()
        found = describe_html_errors(self.vnu.errors(html), html)
        found += describe_violations([v for v in axe_violations(self.page) if v["impact"] in SERIOUS])
        self.checked.append(name)
        if found:
            save_screenshot(self.page, f"admin-a11y-{name}")
            self.problems += [f"--- {name} ({self.page.url})", *found]

    def goto(self, path, name):
        self.page.goto(path)
        self.check(name)


def test_the_procedure_admins_own_pages_pass_axe_and_vnu(admin_page, vnu, tmp_path):
    page = admin_page
    live = selectors.live_version("cross-region-renewal")
    broken = services.draft_create(source=live)
    Transition.objects.filter(procedure=broken, source_state__code="produce").delete()  # E003, E002s
    Fee.objects.filter(procedure=broken, code="renewal").update(amount_yuan=25, confidence="unknown")
    local = selectors.live_version("local-renewal")
    ready = services.draft_create(source=local)
    Fee.objects.filter(procedure=ready, code="renewal").update(amount_yuan=25)
    run = PageAudit(page, vnu)

    run.goto("/admin/procedures/procedure/versions/cross-region-renewal/", "versions")
    run.goto(f"/admin/procedures/procedure/diff/{live.pk}/{broken.pk}/", "diff")
    expect(page.locator(".diff-table ins").first).to_be_visible()
    run.goto(f"/admin/procedures/procedure/{broken.pk}/publish/", "publish-refused")
    expect(page.locator(".errornote")).to_be_visible()
    run.goto(f"/admin/procedures/procedure/{ready.pk}/publish/", "publish-ready")
    expect(page.locator("#publish-button")).to_be_visible()
    run.goto(f"/admin/procedures/procedure/{broken.pk}/diagram/", "diagram-with-flags")
    expect(page.locator("svg .state.flagged").first).to_be_visible()
    run.goto(f"/admin/procedures/procedure/{ready.pk}/diagram/", "diagram")
    run.goto("/admin/procedures/procedure/import/", "import")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "something else"}), encoding="utf-8")
    page.get_by_label("导出的 JSON 文件").set_input_files(str(bad))
    page.get_by_role("button", name="导入").click()
    expect(page.locator(".problem-list")).to_be_visible()
    run.check("import-refused")
    run.goto(f"/admin/procedures/procedure/{broken.pk}/change/", "change-draft-with-failing-checks")
    run.goto(f"/admin/procedures/procedure/{live.pk}/change/", "change-published")
    run.goto("/admin/procedures/procedure/stale/", "stale")
    run.goto("/admin/procedures/content-report/", "content-report")
    page.locator("nav[aria-labelledby=report-filter-heading] a").nth(1).click()
    expect(page.locator("[aria-current=page]")).to_be_visible()
    run.check("content-report-filtered")

    assert len(run.checked) == 13
    assert not run.problems, "\n".join(run.problems)


def test_breadcrumb_and_text_links_are_underlined(admin_page):
    page = admin_page
    live = selectors.live_version("cross-region-renewal")
    page.goto("/admin/procedures/procedure/versions/cross-region-renewal/")

    for link in (page.locator(".breadcrumbs a").first, page.get_by_role("link", name=f"v{live.version}").first):
        assert "underline" in link.evaluate("a => getComputedStyle(a).textDecorationLine")


def test_folded_parts_open_without_javascript(browser, live_server):
    User.objects.create_superuser("content-admin", password=PASSWORD)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, **DEVICES["desktop"])
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto("/admin/login/")
        page.get_by_label("用户名").fill("content-admin")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        live = selectors.live_version("cross-region-renewal")
        page.goto(f"/admin/procedures/procedure/{live.pk}/change/")

        documents = page.locator("#requirement_set-group")
        first_name = documents.locator(".inline-related .field-name .readonly").first
        expect(first_name).to_be_hidden()
        documents.locator("summary").first.click()
        expect(first_name).to_be_visible()
        expect(page.locator("#state_set-group .inline-related").first).to_be_visible()  # states stay open
    finally:
        context.close()
