"""The plan's print sheet and calendar file, reached from the plan page as a person would.

The plans here are stored through the same service the wizard calls (the journey
tests cover the wizard itself), so each test starts on its plan page.
"""
import datetime
import re

import pytest

from .pages import (
    ARTIFACTS,
    REF_CODE,
    assert_fits_width,
    date_in,
    journey_answers,
    labelled_value,
    save_screenshot,
    today,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# A page object of the PDF, not the /Type /Pages tree that lists them.
PDF_PAGE = re.compile(rb"/Type\s*/Page(?!s)")


def lost_card_answers():
    """Return answers for a long sheet: a lost card, nothing at hand, needed soon, sent by mail."""
    answers = {key: value for key, value in journey_answers().items() if key != "card_expiry_date"}
    return {**answers, "reason": "lost", "documents": [], "delivery": "mail",
            "needed_by": (today() + datetime.timedelta(days=10)).isoformat()}


def open_plan(page, plan):
    """Open the plan page; return the reference code it shows."""
    page.goto(plan.get_absolute_url())
    return REF_CODE.search(page.get_by_role("region", name="您的查询码").inner_text()).group()


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_print_sheet_opens_from_the_plan_with_its_code_and_a_qr_code(open_page, stored_plan, device):
    plan = stored_plan(journey_answers())
    page = open_page(device)
    code = open_plan(page, plan)

    page.get_by_role("link", name="打印清单").click()

    page.wait_for_url(re.compile(rf"/plan/{plan.code}/print/$"))
    assert page.get_by_text(code, exact=True).first.is_visible()
    qr = page.get_by_role("img", name="扫码打开这份清单")
    assert qr.evaluate("node => node.tagName.toLowerCase()") == "svg"
    assert qr.is_visible()
    assert_fits_width(page)
    save_screenshot(page, f"print-{device}")


@pytest.mark.parametrize("answers", [
    pytest.param(journey_answers, id="expiring-card"),
    pytest.param(lost_card_answers, id="lost-card-needed-soon"),
])
def test_print_sheet_fits_one_a4_page(desktop, stored_plan, answers):
    plan = stored_plan(answers())
    open_plan(desktop, plan)
    desktop.get_by_role("link", name="打印清单").click()
    desktop.wait_for_url(re.compile(r"/print/$"))

    desktop.emulate_media(media="print")
    pdf = desktop.pdf(format="A4")

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"print-{answers.__name__}.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    assert len(PDF_PAGE.findall(pdf)) == 1, "the print sheet should fit one A4 page"
    # Every piece of text on paper is at least 11 pt (14.67 CSS px), for older readers.
    small = desktop.evaluate("""() => [...document.querySelectorAll("main *")]
        .filter(el => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
        .filter(el => el.getClientRects().length && parseFloat(getComputedStyle(el).fontSize) < 14.6)
        .map(el => el.tagName + "." + el.className + ": " + el.textContent.trim().slice(0, 30))""")
    assert small == []
    # The code never wraps: one line box.
    assert desktop.locator(".sheet-code .code").evaluate("el => el.getClientRects().length") == 1
    lines = desktop.locator(".sheet-code .code").evaluate(
        "el => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight))")
    assert lines == 1


@pytest.mark.parametrize("device", ["phone", "nojs"])
def test_calendar_file_downloads_with_the_card_ready_date(open_page, stored_plan, device):
    plan = stored_plan(journey_answers())
    page = open_page(device)
    open_plan(page, plan)
    card_ready = date_in(labelled_value(page.get_by_role("region", name="关键日期"), "新证最晚可领"))

    with page.expect_download() as download_info:
        page.get_by_role("link", name="把日期加入手机日历").click()

    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    text = download.path().read_text(encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    download.save_as(ARTIFACTS / f"calendar-{device}.ics")
    assert text.startswith("BEGIN:VCALENDAR")
    assert f"DTSTART;VALUE=DATE:{card_ready:%Y%m%d}" in text


def one_line(locator):
    """Return whether an element's text takes one line (its height is one line box)."""
    return locator.evaluate(
        "el => el.getBoundingClientRect().height < 1.5 * parseFloat(getComputedStyle(el).lineHeight)")


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_reference_code_never_wraps_on_the_plan_or_the_sheet_at_any_text_size(open_page, stored_plan, device):
    plan = stored_plan(lost_card_answers())
    page = open_page(device)
    for large in (False, True):
        open_plan(page, plan)
        if large:
            page.get_by_role("link", name="放大文字").click()
            page.wait_for_function("document.documentElement.classList.contains('text-large')")
        assert one_line(page.locator(".ref-code")), (device, large)
        assert_fits_width(page)
        page.goto(f"/plan/{plan.code}/print/")
        assert one_line(page.locator(".sheet-code .code")), (device, large)
        assert_fits_width(page)
        if large:
            save_screenshot(page, f"print-large-text-{device}")
