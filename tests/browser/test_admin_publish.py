"""A content admin changes a fee in a draft, previews it as an applicant would, and publishes it."""
import re

import pytest
from playwright.sync_api import expect

from procedures import selectors
from procedures.models import Procedure

from .pages import admin_log_in, answer_from_birth_date, choose, expect_question, pick_place, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_admin_changes_a_fee_previews_and_publishes(desktop):
    page = desktop
    admin_log_in(page)
    live = selectors.live_version("cross-region-renewal")

    page.goto(f"/admin/procedures/procedure/{live.pk}/change/")
    expect(page.locator("svg.procedure-diagram")).to_be_visible()
    save_screenshot(page, "admin-published-version")
    page.get_by_role("button", name="新建草稿（复制这个版本）").click()
    page.wait_for_url(re.compile(r"/admin/procedures/procedure/\d+/change/$"))
    draft = Procedure.objects.get(slug="cross-region-renewal", status=Procedure.Status.DRAFT)
    assert f"/{draft.pk}/change/" in page.url

    code = page.locator("input[name^='fee_set-'][name$='-code'][value='renewal']")
    prefix = code.get_attribute("name").removesuffix("-code")
    page.locator(f"input[name='{prefix}-amount_yuan']").fill("25")
    page.get_by_role("button", name="保存并继续编辑").first.click()
    expect(page.locator(".messagelist .success").first).to_contain_text("流程检查通过")

    page.get_by_role("link", name="预览").click()
    expect(page.locator(".wizard-messages")).to_contain_text("正在预览")
    choose(page, "您为什么要办身份证？", "证件快到期了")
    pick_place(page, "您的户口在哪里？", "河南省", "郑州市")
    pick_place(page, "您现在住在哪里？", "广东省", "深圳市")
    expect_question(page, "您的出生日期是？")
    answer_from_birth_date(page)
    page.get_by_role("button", name="生成我的办事清单").click()
    expect(page.locator("#preview-banner")).to_contain_text("预览，不是真实的办事清单")
    expect(page.locator("#preview-fee")).to_contain_text("25 元")
    save_screenshot(page, "admin-preview-plan")
    assert Procedure.objects.get(pk=draft.pk).status == Procedure.Status.DRAFT

    page.get_by_role("link", name="回到草稿").click()
    page.get_by_role("link", name="发布…").click()
    expect(page.get_by_text("没有错误。")).to_be_visible()
    expect(page.locator(".diff-table ins").first).to_have_text("25")
    save_screenshot(page, "admin-publish-page")
    page.get_by_role("button", name="发布").click()

    expect(page.locator(".messagelist .success").first).to_contain_text("已发布")
    save_screenshot(page, "admin-published-draft")
    assert selectors.live_version("cross-region-renewal").pk == draft.pk
    fees = selectors.compiled(selectors.live_version("cross-region-renewal")).fees
    assert next(fee.amount for fee in fees if fee.code == "renewal") == 25
    assert Procedure.objects.get(pk=live.pk).status == Procedure.Status.RETIRED


def test_version_pages_keep_the_content_security_policy(open_page):
    from procedures import services

    from .test_csp import assert_no_violations, visit, watch

    page = watch(open_page("desktop"))
    admin_log_in(page)
    live = selectors.live_version("cross-region-renewal")
    draft = services.draft_create(source=live)
    for path in (
        f"/admin/procedures/procedure/{live.pk}/change/",
        f"/admin/procedures/procedure/{draft.pk}/publish/",
        "/admin/procedures/procedure/versions/cross-region-renewal/",
        f"/admin/procedures/procedure/diff/{live.pk}/{draft.pk}/",
        f"/admin/procedures/procedure/{draft.pk}/diagram/",
        "/admin/procedures/procedure/stale/",
        "/admin/procedures/procedure/import/",
        f"/admin/procedures/procedure/{draft.pk}/preview/",
        f"/admin/procedures/procedure/{draft.pk}/change/",
    ):
        visit(page, path)
    page.locator(".add-row a").first.click()  # the inline scripts still run on a draft
    assert_no_violations(page)
