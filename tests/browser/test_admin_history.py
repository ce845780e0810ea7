"""Issue 12's admin pages in Chromium: a region rule's history, a past version compared and restored, and a
draft previewed as of a date. Each page passes axe-core and the Nu HTML Checker and keeps the CSP."""
import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from procedures import selectors, services
from procedures.models import Fee, RegionRule

from .checkers import AXE_JS, AXE_TAGS, describe_html_errors, describe_violations
from .pages import admin_log_in, answer_from_birth_date, choose, pick_place, save_screenshot
from .test_accessibility import (
    audit,  # noqa: F401
    vnu,  # noqa: F401  (the fixture is used by name)
)
from .test_csp import assert_no_violations, visit, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("device", ["desktop"])
def test_a_rule_is_changed_compared_and_restored(audit, device):  # noqa: F811
    run = audit(device)
    page = run.page
    admin_log_in(page)
    rule = RegionRule.objects.get(region__code="110000", topic="promise_cross_region")

    page.goto(f"/admin/procedures/regionrule/{rule.pk}/change/")
    page.locator("#id_days").fill("5")
    page.get_by_role("button", name="保存", exact=True).click()
    page.goto(f"/admin/procedures/regionrule/{rule.pk}/change/")
    page.get_by_role("link", name="历史").click()
    expect(page.locator("#change-history tbody tr")).to_have_count(2)
    expect(page.locator("#change-history")).to_contain_text("天数：20 → 5")
    run.check("region-rule-history")
    save_screenshot(page, "admin-region-rule-history")

    page.locator("#change-history tbody tr").last.get_by_role("link").click()
    expect(page.locator("#restore-diff")).to_contain_text("天数")
    run.check("region-rule-past-version")
    save_screenshot(page, "admin-region-rule-past-version")
    page.get_by_role("button", name="恢复为这个版本").first.click()

    expect(page.locator(".messagelist .success")).to_contain_text("恢复为")
    expect(page.locator("#change-history tbody tr")).to_have_count(3)
    rule.refresh_from_db()
    assert rule.days == 20
    run.assert_clean()


@pytest.mark.parametrize("device", ["desktop"])
def test_a_draft_is_previewed_as_of_next_month(audit, device):  # noqa: F811
    run = audit(device)
    page = run.page
    admin_log_in(page)
    day = timezone.localdate() + datetime.timedelta(days=31)
    draft = services.draft_create(source=selectors.live_version("cross-region-renewal"))
    renewal = Fee.objects.get(procedure=draft, code="renewal")
    Fee.objects.create(procedure=draft, code="renewal_raised", label=renewal.label, amount_yuan=25,
                       valid_from=day, priority=renewal.priority - 1, condition=renewal.condition)

    page.goto(f"/admin/procedures/procedure/{draft.pk}/change/")
    page.get_by_label("按这一天预览").fill(day.isoformat())
    # The draft's page as a whole is the admin's (issue 12's admin work checks it); here, the part this adds.
    page.add_script_tag(path=str(AXE_JS))
    found = page.evaluate("async (tags) => (await axe.run('#version-status', {runOnly: {type: 'tag', values: tags}, "
                          "resultTypes: ['violations']})).violations", AXE_TAGS)
    assert describe_violations(found) == []
    html = run.document.text()
    assert [line for line in describe_html_errors(run.vnu.errors(html), html) if "preview-day" in line] == []
    page.locator("#version-status").get_by_role("button", name="预览").click()
    expect(page.locator(".wizard-messages")).to_contain_text(f"以 {day.isoformat()} 为“今天”")
    choose(page, "您为什么要办身份证？", "证件快到期了")
    pick_place(page, "您的户口在哪里？", "河南省", "郑州市")
    pick_place(page, "您现在住在哪里？", "广东省", "深圳市")
    answer_from_birth_date(page)
    page.get_by_role("button", name="生成我的办事清单").click()
    expect(page.locator("#preview-day")).to_contain_text(day.isoformat())
    expect(page.locator("#preview-fee")).to_contain_text("25 元")
    run.check("dated-preview-plan")
    save_screenshot(page, "admin-dated-preview-plan")
    run.assert_clean()


def test_history_pages_keep_the_content_security_policy(open_page):
    page = watch(open_page("desktop"))
    admin_log_in(page)
    rule = RegionRule.objects.get(region__code="110000", topic="promise_cross_region")
    rule.days = 5
    rule.save()
    first = rule.history.last()
    draft = services.draft_create(source=selectors.live_version("cross-region-renewal"))
    for path in (
        f"/admin/procedures/regionrule/{rule.pk}/history/",
        f"/admin/procedures/regionrule/{rule.pk}/history/{first.history_id}/",
        f"/admin/procedures/region/{rule.region_id}/history/",
        f"/admin/procedures/procedure/{draft.pk}/change/",
    ):
        visit(page, path)
    page.get_by_label("按这一天预览").fill((timezone.localdate() + datetime.timedelta(days=3)).isoformat())
    page.locator("#version-status").get_by_role("button", name="预览").click()
    expect(page.locator(".wizard-messages")).to_contain_text("为“今天”")
    assert_no_violations(page)
