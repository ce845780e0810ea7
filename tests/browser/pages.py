"""Helpers for browser tests: artefacts for people to look at, and layout checks."""
import datetime
import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def slug(text):
    """Return ``text`` usable in a file name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


def save_screenshot(page, name):
    """Save a full-page PNG to test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{slug(name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_fits_width(page):
    """Fail if the page scrolls sideways (the commonest phone bug)."""
    # clientWidth, not innerWidth: an emulated phone zooms out to fit a page that is
    # too wide, and innerWidth grows with it, hiding the overflow.
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll_width <= inner_width, (
        f"{page.url} is {scroll_width}px wide on a {inner_width}px {page.device} screen")


# --- the applicant's journey, as a person clicks and types it ----------------------

REF_CODE = re.compile(r"\b[2-9A-Z]{5}-[2-9A-Z]{5}-[2-9A-Z]{5}\b")
CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def today():
    """Return today's date as the server computes it (in Asia/Shanghai)."""
    return timezone.localdate()


def expect_question(page, heading):
    """Wait until the page asks ``heading`` (its h1); it must not scroll sideways."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_fits_width(page)


def press(page, target):
    """Tap ``target`` on a touch screen, click it elsewhere."""
    if page.touch:
        target.tap()
    else:
        target.click()


def tick(page, label):
    """Select the radio button or tick the box labelled ``label``."""
    box = page.get_by_label(label, exact=True)
    press(page, box)
    expect(box).to_be_checked()


def go_on(page):
    press(page, page.get_by_role("button", name="继续"))


def go_back(page):
    press(page, page.get_by_role("button", name="上一步"))


def choose(page, heading, label):
    """Answer a radio question."""
    expect_question(page, heading)
    tick(page, label)
    go_on(page)


def pick_place(page, heading, province, city, shot=None):
    """Answer a region question: the province page, then the city page.

    With JavaScript the city is found by typing its name into the filter box, as a
    person on a phone would; without, it is picked from the plain list.
    """
    expect_question(page, heading)
    page.get_by_label("省、自治区、直辖市").select_option(label=province)
    go_on(page)
    expect_question(page, heading)
    city_select = page.get_by_label(f"{province}的哪个城市（地区、州、盟）？")
    if page.javascript:
        page.get_by_label(re.compile("城市名称或拼音筛选")).fill(city.removesuffix("市"))
        expect(city_select.locator("option:checked")).to_have_text(city)
    else:
        city_select.select_option(label=city)
    if shot:
        save_screenshot(page, shot)
    go_on(page)


def fill_date(page, day):
    """Type a date into the year, month and day boxes (empty for None)."""
    parts = ("", "", "") if day is None else (str(day.year), str(day.month), str(day.day))
    for label, value in zip(("年", "月", "日"), parts, strict=True):
        page.get_by_label(label, exact=True).fill(value)


def answer_date(page, heading, day):
    expect_question(page, heading)
    fill_date(page, day)
    go_on(page)


def date_in(text):
    """Return the first Chinese date (2026年12月1日) in ``text``."""
    match = CN_DATE.search(text)
    assert match, f"no date in {text!r}"
    return datetime.date(*map(int, match.groups()))


BIRTH_DATE = datetime.date(1990, 5, 20)
EXPIRY_IN = datetime.timedelta(days=60)


def answer_up_to_birth_date(page, shots=False):
    """From the start page, answer the questions before the birth date.

    With ``shots``, save screenshots of a few question pages on the way.
    """
    page.goto("/")
    press(page, page.get_by_role("link", name="开始"))
    choose(page, "您为什么要办身份证？", "证件快到期了")
    pick_place(page, "您的户口在哪里？", "河南省", "郑州市")
    pick_place(page, "您现在住在哪里？", "广东省", "深圳市",
               shot=shots and f"question-city-{page.device}")
    expect_question(page, "您的出生日期是？")


def answer_from_birth_date(page, shots=False, who="您"):
    """Answer the birth date and every question after it, up to the summary (``who``: 申请人 at the counter)."""
    if shots:
        save_screenshot(page, f"question-date-{page.device}")
    answer_date(page, f"{who}的出生日期是？", BIRTH_DATE)
    answer_date(page, "旧身份证的有效期到哪一天？", today() + EXPIRY_IN)
    expect_question(page, f"{who}手头有哪些证件？")
    for document in ("原来的身份证", "户口簿"):
        tick(page, document)
    if shots:
        save_screenshot(page, f"question-documents-{page.device}")
    go_on(page)
    choose(page, f"{who}已经有照片回执了吗？", "否")
    answer_date(page, f"{who}最晚哪天要用身份证？（可不填）", None)
    choose(page, f"{who}家是低保户或特困家庭吗？", "否")
    expect_question(page, f"请核对{who}的回答")


def summary_answers(page):
    """Return the summary's answers as {question: answer shown}, read from its <dt>/<dd> pairs."""
    pairs = page.locator("main dt").evaluate_all(
        "terms => terms.map(dt => [dt.innerText.trim(), dt.nextElementSibling.innerText.trim()])")
    return dict(pairs)


def make_plan(page):
    """Press the summary's button; return the plan page's reference code."""
    press(page, page.get_by_role("button", name="生成我的办事清单"))
    page.wait_for_url(re.compile(r"/plan/[2-9A-Z]{15}/$"))
    code = page.get_by_role("region", name="您的查询码").inner_text()
    match = REF_CODE.search(code)
    assert match, f"no reference code in {code!r}"
    return match.group()


def journey_answers():
    """Return the journey's answers as ``questions.clean_answers`` takes them."""
    return {
        "reason": "expiring", "hukou_region": "410100", "residence_region": "440300",
        "birth_date": BIRTH_DATE.isoformat(), "card_expiry_date": (today() + EXPIRY_IN).isoformat(),
        "documents": ["old_card", "hukou_book"], "has_photo_receipt": False,
        "needed_by": None, "hardship": False,
    }


def labelled_value(scope, term):
    """Return the text of the <dd> that follows the <dt> ``term`` inside ``scope``."""
    return scope.locator("dt", has_text=term).locator("xpath=following-sibling::dd[1]").inner_text()


# --- the counter's desk ------------------------------------------------------------------

def sign_in(page, username, password):
    """Sign in on the staff login page, as a clerk types it; the caller checks where it leads."""
    page.goto("/staff/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("工作人员登录")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    press(page, page.get_by_role("button", name="登录"))


def admin_log_in(page):
    """Create a content admin (a superuser) and sign in to the admin as them."""
    from django.contrib.auth.models import User

    User.objects.create_superuser("content-admin", password="correct horse battery")
    page.goto("/admin/login/")
    page.get_by_label("用户名").fill("content-admin")
    page.get_by_label("密码").fill("correct horse battery")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("link", name="办理流程").first).to_be_visible()
