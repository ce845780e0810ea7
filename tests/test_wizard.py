"""The applicant wizard, driven through the Django test client as a browser would.

Route tests say which page comes next for which answers; the other tests check
that navigation never loses or smuggles answers and that hostile input never
breaks a page.
"""
import datetime
import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from procedures.models import Region, RegionRule
from wizard import forms
from wizard.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def shenzhen_mails_cards():
    """Let Shenzhen offer mail delivery: the seeded content records mail only where a source says so."""
    RegionRule.objects.create(region=Region.objects.get(code="440300"), topic="mail_delivery", source="测试数据")

SESSION_KEY = "wizard_apply_wizard"
RESTART_MESSAGE = "页面已超时：为保护您的信息，长时间没有操作后，之前的回答已清除"


def today():
    return timezone.localdate()


def in_days(days):
    return today() + datetime.timedelta(days=days)


class Applicant:
    """A browser session on the wizard: knows the name of its hidden step field and posts steps."""

    def __init__(self, client, base="/apply/"):
        self.client = client
        self.base = base
        response = client.get(base, follow=True)
        assert response.status_code == 200
        self.prefix = re.search(r'name="([a-z_]+)-current_step"', response.content.decode()).group(1)

    def post(self, step, fields=None, *, url_step=None, **extra):
        """POST one step as its page would; ``fields`` maps field names (without prefix) to values."""
        data = {f"{self.prefix}-current_step": step}
        for name, value in (fields or {}).items():
            data[f"{step}-{name}"] = value
        data.update(extra)
        return self.client.post(f"{self.base}{url_step or step}/", data)

    def answer(self, step, value, **extra):
        """Answer a step: a string or list for choices, a date (or None) for dates."""
        if isinstance(value, datetime.date):
            fields = {"answer_0": str(value.year), "answer_1": str(value.month), "answer_2": str(value.day)}
        elif value is None:
            fields = {"answer_0": "", "answer_1": "", "answer_2": ""}
        elif isinstance(value, tuple):
            fields = {f"answer_{i}": part for i, part in enumerate(value)}
        else:
            fields = {"answer": value}
        return self.post(step, fields, **extra)

    def walk(self, answers):
        """Answer the steps in order, each must be accepted; return the last redirect's step."""
        response = None
        for step, value in answers:
            response = self.answer(step, value)
            assert response.status_code == 302, (step, response.content.decode()[:2000])
        return step_of(response) if response else None

    @property
    def state(self):
        """Return what the session keeps for the wizard."""
        return self.client.session.get(SESSION_KEY, {})

    @property
    def answers(self):
        """Return the stored answers, by question key."""
        return self.state.get("answers", {})


def step_of(response):
    """Return the step name a redirect leads to (or the whole URL if it is not a wizard step)."""
    match = re.fullmatch(r"/apply/([a-z_]+)/(\?.*)?", response.url)
    return match.group(1) if match else response.url


@pytest.fixture
def applicant(client):
    return Applicant(client)


BIRTH = datetime.date(1980, 5, 6)
HENAN_TO_SHENZHEN = [
    ("hukou_province", "410000"), ("hukou_prefecture", "410100"),
    ("residence_province", "440000"), ("residence_prefecture", "440300"),
]
HENAN_TO_ZHENGZHOU = [
    ("hukou_province", "410000"), ("hukou_prefecture", "410100"),
    ("residence_province", "410000"), ("residence_prefecture", "410100"),
]


def expiring_to_shenzhen():
    return [("reason", "expiring"), *HENAN_TO_SHENZHEN, ("birth_date", BIRTH), ("card_expiry_date", in_days(40)),
            ("documents", ["old_card", "residence_permit"]), ("has_photo_receipt", "yes"), ("delivery", "mail"),
            ("needed_by", None), ("hardship", "no")]


# --- routes ----------------------------------------------------------------------

@pytest.mark.parametrize("answers, expected", [
    pytest.param([("reason", "lost")], "hukou_province", id="reason-then-hukou"),
    pytest.param([("reason", "lost"), ("hukou_province", "440000")], "hukou_prefecture",
                 id="province-asks-prefecture"),
    pytest.param([("reason", "lost"), ("hukou_province", "110000")], "residence_province",
                 id="municipality-has-no-prefecture-step"),
    pytest.param([("reason", "lost"), ("hukou_province", "500000")], "residence_province",
                 id="chongqing-has-no-prefecture-step"),
    pytest.param([("reason", "lost"), ("hukou_province", "810000")], "summary", id="hong-kong-hukou-to-summary"),
    pytest.param([("reason", "lost"), ("hukou_province", "710000")], "summary", id="taiwan-hukou-to-summary"),
    pytest.param([("reason", "lost"), ("hukou_province", "410000"), ("hukou_prefecture", "419001")],
                 "residence_province", id="county-under-province-accepted"),
    pytest.param([("reason", "lost"), ("hukou_province", "410000"), ("hukou_prefecture", "410100"),
                  ("residence_province", "310000")], "birth_date", id="shanghai-residence-no-prefecture"),
    pytest.param([("reason", "lost"), *HENAN_TO_SHENZHEN, ("birth_date", BIRTH)], "documents",
                 id="lost-card-skips-expiry"),
    pytest.param([("reason", "expiring"), *HENAN_TO_SHENZHEN, ("birth_date", BIRTH)], "card_expiry_date",
                 id="expiring-asks-expiry"),
    pytest.param([("reason", "expired"), *HENAN_TO_SHENZHEN, ("birth_date", BIRTH)], "documents",
                 id="expired-skips-expiry"),
    pytest.param([("reason", "damaged"), *HENAN_TO_SHENZHEN, ("birth_date", BIRTH)], "documents",
                 id="damaged-skips-expiry"),
    pytest.param([("reason", "lost"), *HENAN_TO_SHENZHEN, ("birth_date", BIRTH), ("documents", [])],
                 "has_photo_receipt", id="guangdong-residence-asks-photo-receipt"),
    pytest.param([("reason", "lost"), *HENAN_TO_ZHENGZHOU, ("birth_date", BIRTH), ("documents", [])],
                 "needed_by", id="henan-residence-skips-photo-receipt-and-delivery"),
    pytest.param([("reason", "lost"), *HENAN_TO_SHENZHEN, ("birth_date", BIRTH), ("documents", []),
                  ("has_photo_receipt", "no")], "delivery", id="shenzhen-asks-delivery"),
    pytest.param([("reason", "lost"), ("hukou_province", "410000"), ("hukou_prefecture", "410100"),
                  ("residence_province", "440000"), ("residence_prefecture", "440100"), ("birth_date", BIRTH),
                  ("documents", []), ("has_photo_receipt", "no")], "needed_by",
                 id="guangzhou-skips-delivery"),
    pytest.param([("reason", "damaged"), *HENAN_TO_ZHENGZHOU, ("birth_date", BIRTH), ("documents", []),
                  ("needed_by", None)], "hardship", id="renewal-asks-hardship"),
    pytest.param([("reason", "lost"), *HENAN_TO_ZHENGZHOU, ("birth_date", BIRTH), ("documents", []),
                  ("needed_by", None)], "summary", id="reissue-skips-hardship"),
    pytest.param([("reason", "first_time"), *HENAN_TO_ZHENGZHOU, ("birth_date", BIRTH), ("documents", []),
                  ("needed_by", in_days(20))], "summary", id="first-time-skips-hardship"),
    pytest.param([("reason", "damaged"), *HENAN_TO_ZHENGZHOU, ("birth_date", BIRTH), ("documents", []),
                  ("needed_by", None), ("hardship", "yes")], "summary", id="last-question-to-summary"),
])
def test_next_step(applicant, shenzhen_mails_cards, answers, expected):
    assert applicant.walk(answers) == expected


def test_prefecture_page_lists_only_the_chosen_province(applicant):
    applicant.walk([("reason", "lost"), ("hukou_province", "440000")])

    html = applicant.client.get("/apply/hukou_prefecture/").content.decode()

    assert 'value="440300"' in html and "深圳市" in html
    assert 'value="410100"' not in html
    assert 'data-pinyin="shenzhenshi szs"' in html
    assert "广东省的哪个城市" in html


def test_region_page_loads_the_filter_script_deferred(applicant):
    html = applicant.client.get("/apply/reason/").content.decode()
    assert "region-search.js" not in html

    applicant.walk([("reason", "lost")])
    html = applicant.client.get("/apply/hukou_province/").content.decode()

    assert re.search(r'<script src="/static/js/region-search\.js" defer></script>', html)
    assert "<script>" not in html
    assert "/static/css/wizard.css" in html


def test_the_province_page_finds_a_province_by_its_cities_and_the_city_found_comes_chosen(applicant):
    applicant.walk([("reason", "lost"), ("hukou_province", "410000"), ("hukou_prefecture", "410100")])
    html = applicant.client.get("/apply/residence_province/").content.decode()
    # What the filter reads: each province's cities with their pinyin, and its words from gettext.
    assert re.search(r'<option value="440000" data-pinyin="[^"]*" data-within="[^"]*440300 深圳市 shenzhenshi szs',
                     html)
    assert 'data-filter-label="输入省份或城市的名称、拼音筛选' in html

    # The script sends the city it found with the province: the city page has it chosen.
    response = applicant.post("residence_province", {"answer": "440000", "city": "440300"})
    assert step_of(response) == "residence_prefecture"
    page = applicant.client.get(response.url).content.decode()
    assert '<option value="440300" selected data-pinyin="shenzhenshi szs">深圳市</option>' in page
    assert "residence_region" not in applicant.answers  # chosen on the page, not yet answered


@pytest.mark.parametrize("city", ["410100", "999999", "<b>", ""])
def test_a_city_sent_with_a_province_it_is_not_in_is_ignored(applicant, city):
    applicant.walk([("reason", "lost"), ("hukou_province", "410000"), ("hukou_prefecture", "410100")])
    response = applicant.post("residence_province", {"answer": "440000", "city": city})
    assert step_of(response) == "residence_prefecture"
    page = applicant.client.get(response.url).content.decode()
    select = page.split('id="id_residence_prefecture-answer"')[1].split("</select>")[0]
    assert '<option value="" selected>' in select and select.count(" selected") == 1


# --- a whole journey ---------------------------------------------------------------

def test_full_journey_creates_a_plan(applicant, shenzhen_mails_cards):
    answers = expiring_to_shenzhen()
    assert applicant.walk(answers) == "summary"

    summary = applicant.client.get("/apply/summary/")
    html = summary.content.decode()
    assert summary.status_code == 200
    assert "广东省深圳市" in html and "河南省郑州市" in html
    assert "1980年5月6日" in html
    assert "原来的身份证、居住证" in html
    assert html.count("修改") >= 10

    response = applicant.post("summary")

    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response.url == f"/plan/{plan.code}/"
    assert plan.channel == Plan.Channel.WEB
    assert plan.computed_for == today()
    assert plan.answers == {
        "reason": "expiring", "hukou_region": "410100", "residence_region": "440300",
        "birth_date": "1980-05-06", "card_expiry_date": in_days(40).isoformat(),
        "documents": ["old_card", "residence_permit"], "has_photo_receipt": True, "delivery": "mail",
        "needed_by": None, "hardship": False,
    }
    # The answers stay: the browser's Back button returns to the summary with all of them.
    back = applicant.client.get("/apply/summary/")
    assert back.status_code == 200 and "广东省深圳市" in back.content.decode()


def test_pressing_the_summary_button_twice_shows_the_same_plan(applicant):
    applicant.walk(expiring_to_shenzhen())
    first = applicant.post("summary")

    second = applicant.post("summary")

    assert second.status_code == 302
    assert second.url == first.url
    assert Plan.objects.count() == 1


@pytest.mark.parametrize("answers", [
    pytest.param([("reason", "lost"), ("hukou_province", "810000")], id="hong-kong-hukou"),
    pytest.param([("reason", "expiring"), ("hukou_province", "410000"), ("hukou_prefecture", "410100"),
                  ("residence_province", "820000")], id="living-in-macao"),
])
def test_the_exit_comes_right_after_the_answer_that_decides_it_and_makes_no_plan(applicant, answers):
    assert applicant.walk(answers) == "summary"

    page = applicant.client.get("/apply/summary/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "这份指南不适用于您的情况" in html
    assert "生成我的办事清单" not in html and "查询码" not in html and "打印" not in html
    assert "到窗口时出示" not in html
    assert f'value="{answers[-1][0]}"' in html  # "改一下刚才的回答" goes back to that question

    pressed = applicant.post("summary")  # a summary page left open from before: still no plan
    assert pressed.status_code == 200 and "这份指南不适用于您的情况" in pressed.content.decode()
    assert Plan.objects.count() == 0

    back = applicant.post("summary", **{"wizard_goto_step": answers[-1][0]})
    assert step_of(back) == answers[-1][0]


# --- navigation that keeps answers -----------------------------------------------

def test_back_keeps_unvalidated_input(applicant):
    applicant.walk([("reason", "lost"), *HENAN_TO_SHENZHEN])

    response = applicant.answer("birth_date", ("1980", "2", "30"), wizard_goto_step="residence_prefecture")

    assert response.status_code == 302
    assert step_of(response) == "residence_prefecture"
    html = applicant.client.get("/apply/birth_date/").content.decode()
    assert 'value="1980"' in html and 'value="2"' in html and 'value="30"' in html
    assert "error-prefix" not in html
    # Continuing from the earlier page leads back to the unfinished date, and it is not an answer yet.
    assert step_of(applicant.answer("residence_prefecture", "440300")) == "birth_date"
    assert step_of(applicant.client.get("/apply/documents/")) == "birth_date"


def test_back_with_nothing_typed_stores_nothing(applicant):
    applicant.walk([("reason", "lost")])

    before = applicant.state

    applicant.post("hukou_province", {}, wizard_goto_step="reason")

    assert applicant.state == before
    assert "hukou_province" not in applicant.state["typed"]


def test_back_with_a_valid_choice_keeps_it(applicant):
    applicant.walk([("reason", "lost")])

    applicant.answer("hukou_province", "440000", wizard_goto_step="reason")

    html = applicant.client.get("/apply/hukou_province/").content.decode()
    assert re.search(r'<option value="440000" selected', html)


def test_changing_reason_drops_expiry_but_keeps_birth_date(applicant):
    applicant.walk([("reason", "expiring"), *HENAN_TO_SHENZHEN, ("birth_date", BIRTH),
                    ("card_expiry_date", in_days(40))])
    assert "card_expiry_date" in applicant.answers

    response = applicant.answer("reason", "lost")

    assert step_of(response) == "hukou_province"
    assert "card_expiry_date" not in applicant.answers
    assert applicant.answers["birth_date"] == "1980-05-06"
    assert applicant.answers["residence_region"] == "440300"


def test_changing_province_drops_a_prefecture_outside_it(applicant):
    applicant.walk([("reason", "lost"), *HENAN_TO_SHENZHEN, ("birth_date", BIRTH)])

    response = applicant.answer("residence_province", "410000")

    assert step_of(response) == "residence_prefecture"
    assert "residence_region" not in applicant.answers
    assert "birth_date" in applicant.answers


def test_changing_to_a_municipality_drops_the_prefecture(applicant):
    applicant.walk([("reason", "lost"), *HENAN_TO_SHENZHEN])

    response = applicant.answer("residence_province", "310000")

    assert step_of(response) == "birth_date"
    assert applicant.answers["residence_region"] == "310000"


def test_change_from_summary_returns_to_summary(applicant):
    applicant.walk(expiring_to_shenzhen())
    page = applicant.client.get("/apply/birth_date/?change=1").content.decode()
    assert 'name="wizard_return" value="summary"' in page

    response = applicant.answer("birth_date", datetime.date(1975, 1, 2), wizard_return="summary")

    assert step_of(response) == "summary"
    assert "1975年1月2日" in applicant.client.get("/apply/summary/").content.decode()


def test_changing_a_region_from_summary_offers_its_city_again(applicant):
    applicant.walk(expiring_to_shenzhen())

    response = applicant.answer("residence_province", "440000", wizard_return="summary")
    assert response.url == "/apply/residence_prefecture/?change=1"
    response = applicant.answer("residence_prefecture", "440100", wizard_return="summary")

    assert step_of(response) == "summary"
    assert "广东省广州市" in applicant.client.get("/apply/summary/").content.decode()
    assert "delivery" not in applicant.answers  # Guangzhou offers no mail delivery


def test_change_that_opens_a_new_question_asks_it_then_returns(applicant, shenzhen_mails_cards):
    applicant.walk([("reason", "damaged"), *HENAN_TO_ZHENGZHOU, ("birth_date", BIRTH), ("documents", []),
                    ("needed_by", None), ("hardship", "no")])

    response = applicant.answer("residence_province", "440000", wizard_return="summary")
    assert response.url == "/apply/residence_prefecture/?change=1"
    response = applicant.answer("residence_prefecture", "440300", wizard_return="summary")
    assert response.url == "/apply/has_photo_receipt/?change=1"
    response = applicant.answer("has_photo_receipt", "no", wizard_return="summary")
    assert response.url == "/apply/delivery/?change=1"
    response = applicant.answer("delivery", "collect", wizard_return="summary")

    assert step_of(response) == "summary"
    assert "needed_by" in applicant.answers and "hardship" in applicant.answers


def test_a_region_rule_changed_between_two_pages_changes_the_questions_at_once(applicant):
    """Which questions are asked is kept across requests; a content change must reach the next page."""
    answers = [("reason", "damaged"), *HENAN_TO_SHENZHEN, ("birth_date", BIRTH), ("documents", []),
               ("has_photo_receipt", "no")]
    assert applicant.walk(answers) == "needed_by"  # Shenzhen records no mail delivery: not asked

    RegionRule.objects.create(region=Region.objects.get(code="440300"), topic="mail_delivery", source="测试数据")

    assert step_of(applicant.client.get("/apply/needed_by/")) == "delivery"  # asked now, before going on


def test_change_that_invalidates_a_later_answer_shows_it_with_its_error(applicant):
    applicant.walk(expiring_to_shenzhen())

    # Born a year ago, nobody holds a card that expires in 40 days.
    response = applicant.answer("birth_date", in_days(-366), wizard_return="summary")

    assert response.url == "/apply/card_expiry_date/?change=1"
    html = applicant.client.get(response.url).content.decode()
    assert "按您的出生日期，您在这一天之前还不可能有过身份证" in html
    assert 'aria-invalid="true"' in html


def test_reset_clears_everything(applicant):
    applicant.walk([("reason", "lost"), ("hukou_province", "110000")])

    response = applicant.client.get("/apply/?reset=1")

    assert step_of(response) == "reason"
    assert applicant.answers == {} and applicant.state["typed"] == {}
    page = applicant.client.get(response.url).content.decode()
    assert "已清除您填写的内容" in page
    assert "checked" not in page


def test_start_page_points_at_the_wizard(client):
    html = client.get("/").content.decode()
    assert 'href="/apply/"' in html


@pytest.mark.parametrize("url, expected", [
    pytest.param("/apply/hardship/", "reason", id="later-step"),
    pytest.param("/apply/summary/", "reason", id="summary"),
    pytest.param("/apply/done/", "reason", id="done"),
    pytest.param("/apply/no_such_step/", "reason", id="unknown-step"),
    pytest.param("/apply/", "reason", id="entry"),
])
def test_get_of_an_unreachable_step_redirects_to_the_first_open_one(client, url, expected):
    response = client.get(url)
    assert response.status_code == 302
    assert step_of(response) == expected


def test_get_of_a_later_step_redirects_to_the_first_unanswered(applicant):
    applicant.walk([("reason", "lost"), ("hukou_province", "440000")])

    assert step_of(applicant.client.get("/apply/birth_date/")) == "hukou_prefecture"
    assert step_of(applicant.client.get("/apply/")) == "hukou_prefecture"
    # An earlier step can be revisited (the browser's back button, a reload).
    assert applicant.client.get("/apply/reason/").status_code == 200
    assert applicant.client.get("/apply/reason/").status_code == 200


def test_a_get_writes_nothing_to_the_session(applicant):
    applicant.walk([("reason", "expiring"), *HENAN_TO_SHENZHEN])
    before = applicant.state

    with CaptureQueriesContext(connection) as captured:
        for url in ("/apply/birth_date/", "/apply/reason/", "/apply/hardship/", "/apply/summary/", "/apply/"):
            assert applicant.client.get(url).status_code in (200, 302)

    assert [query["sql"] for query in captured if "django_session" in query["sql"]
            and not query["sql"].startswith("SELECT")] == []
    assert applicant.state == before


def test_a_step_builds_only_its_own_form(applicant, monkeypatch):
    applicant.walk(expiring_to_shenzhen()[:7])
    built = []
    original = forms.StepForm.__init__

    def record(self, *args, step, **kwargs):
        built.append(step)
        original(self, *args, step=step, **kwargs)

    monkeypatch.setattr(forms.StepForm, "__init__", record)
    applicant.client.get("/apply/documents/")
    applicant.answer("documents", ["old_card"])
    applicant.client.get("/apply/has_photo_receipt/")

    assert built == ["documents", "documents", "has_photo_receipt"]


def test_step_that_no_longer_applies_redirects(applicant):
    applicant.walk([("reason", "lost"), *HENAN_TO_SHENZHEN, ("birth_date", BIRTH)])

    assert step_of(applicant.client.get("/apply/card_expiry_date/")) == "documents"


# --- no skipping, no forging -------------------------------------------------------

@pytest.mark.parametrize("url_step", ["summary", "done"])
def test_forged_summary_post_with_missing_answers_creates_no_plan(applicant, url_step):
    applicant.walk([("reason", "lost")])

    response = applicant.post("summary", url_step=url_step)

    assert response.status_code == 302
    assert step_of(response) == "hukou_province"
    assert not Plan.objects.exists()


def test_forged_post_of_a_later_step_is_refused(applicant):
    applicant.walk([("reason", "lost")])

    response = applicant.answer("hardship", "yes")

    assert step_of(response) == "hukou_province"
    assert "hardship" not in applicant.answers


def test_stored_answer_gone_stale_is_checked_again_before_a_plan(applicant):
    applicant.walk(expiring_to_shenzhen())
    session = applicant.client.session
    # The card expired since the answer was given: "expiring" no longer fits.
    yesterday = in_days(-1)
    session[SESSION_KEY]["answers"]["card_expiry_date"] = yesterday.isoformat()
    session.save()

    response = applicant.post("summary")

    assert step_of(response) == "card_expiry_date"
    assert not Plan.objects.exists()
    html = applicant.client.get(response.url).content.decode()
    assert "证件已过期" in html


def test_done_rechecks_answers_with_questions(applicant, monkeypatch):
    applicant.walk(expiring_to_shenzhen())
    from procedures import questions

    original = questions.clean_answers

    def refuse_birth_date(raw, **kwargs):
        answers, problems = original(raw, **kwargs)
        return answers, [*problems, ("birth_date", "birth_date: refused")]

    monkeypatch.setattr(questions, "clean_answers", refuse_birth_date)
    response = applicant.post("summary")

    assert step_of(response) == "birth_date"
    assert not Plan.objects.exists()
    assert "hardship" in applicant.answers  # nothing was thrown away


# --- hostile and broken input ------------------------------------------------------

def test_expired_session_restarts_politely(client):
    response = client.post("/apply/birth_date/", {"apply_wizard-current_step": "birth_date",
                                                  "birth_date-answer_0": "1980"})

    assert response.status_code == 302
    assert step_of(response) == "reason"
    html = client.get(response.url).content.decode()
    assert RESTART_MESSAGE in html and "您刚填的“您的出生日期是？”已保留" in html


def test_what_an_expired_page_sent_is_filled_in_when_that_page_comes_again(client):
    client.post("/apply/birth_date/", {"apply_wizard-current_step": "birth_date", "birth_date-answer_0": "1980",
                                       "birth_date-answer_1": "5", "birth_date-answer_2": "6"})
    applicant = Applicant(client)
    assert applicant.walk([("reason", "lost"), *HENAN_TO_SHENZHEN]) == "birth_date"

    page = client.get("/apply/birth_date/").content.decode()
    assert 'value="1980"' in page and 'value="5"' in page and 'value="6"' in page


@pytest.mark.parametrize("data, message", [
    pytest.param({"apply_wizard-current_step": "no_such_step"}, "没有收到这一页的回答", id="unknown-step"),
    pytest.param({"apply_wizard-current_step": "done"}, "没有收到这一页的回答", id="done-as-step"),
    pytest.param({"reason-answer": "lost"}, "没有收到这一页的回答", id="missing-management-form"),
    pytest.param({}, "没有收到这一页的回答", id="empty"),
    pytest.param({"apply_wizard-current_step": "reason", "wizard_goto_step": "no_such_step"}, None,
                 id="unknown-goto"),
    pytest.param({"apply_wizard-current_step": "hardship"}, "请先回答这个问题", id="unreachable-step"),
])
@pytest.mark.parametrize("url", ["/apply/reason/", "/apply/done/", "/apply/no_such_step/"])
def test_broken_posts_redirect_with_a_message(applicant, url, data, message):
    response = applicant.client.post(url, data)

    assert response.status_code == 302
    assert step_of(response) == "reason"
    page = applicant.client.get(response.url)
    assert page.status_code == 200
    if message:
        assert message in page.content.decode()
    assert not Plan.objects.exists()


@pytest.mark.parametrize("step, value, message", [
    pytest.param("reason", "stolen", "请从列出的选项中选择一项", id="unknown-reason"),
    pytest.param("reason", "", "请选择一项", id="no-reason"),
    pytest.param("birth_date", ("nineteen", "5", "6"), "只能填数字", id="non-numeric-date"),
    pytest.param("birth_date", ("1980", "2", "30"), "2 月只有 29 天，没有 30 日", id="february-30"),
    pytest.param("birth_date", ("1981", "2", "29"), "2 月只有 28 天，没有 29 日", id="february-29-not-leap"),
    pytest.param("birth_date", ("1980", "13", "1"), "月份应在 1 到 12 之间", id="month-13"),
    pytest.param("birth_date", ("80", "5", "6"), "4 位数字", id="two-digit-year"),
    pytest.param("birth_date", ("1980", "", "6"), "缺少月", id="missing-month"),
    pytest.param("birth_date", ("", "", ""), "请填写年、月、日", id="empty-birth-date"),
    pytest.param("birth_date", ("99999999999999999999", "1", "1"), "4 位数字", id="huge-year"),
    pytest.param("birth_date", "not-a-list", "请填写年、月、日", id="date-as-one-field"),
    pytest.param("documents", ["old_card", "passport"], "请从列出的证件中勾选", id="unknown-document"),
    pytest.param("residence_prefecture", "110000", "请从列表中选择", id="prefecture-outside-province"),
    pytest.param("residence_province", "999999", "请从列表中选择", id="unknown-province"),
])
def test_bad_answers_rerender_with_a_message(applicant, step, value, message):
    applicant.walk([("reason", "lost"), *HENAN_TO_SHENZHEN])
    if step in ("birth_date", "documents"):
        applicant.walk([("birth_date", BIRTH)] if step == "documents" else [])
    if step == "reason" or step.startswith("residence"):
        applicant.client.get(f"/apply/{step}/")

    response = applicant.answer(step, value)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'class="error-summary"' in html
    assert '<span class="error-prefix">错误：</span>' in html
    assert 'aria-invalid="true"' in html
    assert "<title>错误：" in html


def test_future_birth_date_is_refused(applicant):
    applicant.walk([("reason", "lost"), *HENAN_TO_SHENZHEN])

    response = applicant.answer("birth_date", in_days(3))

    assert response.status_code == 200
    assert "出生日期不能晚于今天" in response.content.decode()


def test_needed_by_may_be_left_empty_but_not_half_filled(applicant):
    applicant.walk([("reason", "damaged"), *HENAN_TO_ZHENGZHOU, ("birth_date", BIRTH), ("documents", [])])

    half = applicant.answer("needed_by", (str(today().year), "", ""))
    assert half.status_code == 200
    assert "缺少月、日" in half.content.decode()
    assert step_of(applicant.answer("needed_by", None)) == "hardship"


def test_full_width_digits_are_accepted(applicant):
    applicant.walk([("reason", "lost"), *HENAN_TO_SHENZHEN])

    response = applicant.answer("birth_date", ("１９８０", "５", "６"))

    assert step_of(response) == "documents"


# --- markup ------------------------------------------------------------------------

def assert_sound_markup(html):
    ids = re.findall(r'\sid="([^"]+)"', html)
    duplicates = [item for item, count in Counter(ids).items() if count > 1]
    assert not duplicates
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if 'type="hidden"' in tag:
            continue
        input_id = re.search(r'\sid="([^"]+)"', tag).group(1)
        assert f'for="{input_id}"' in html, tag
    for described in re.findall(r'aria-describedby="([^"]+)"', html):
        for target in described.split():
            assert target in ids, target


@pytest.mark.parametrize("answers, step", [
    pytest.param([], "reason", id="radios"),
    pytest.param([("reason", "lost")], "hukou_province", id="province-select"),
    pytest.param([("reason", "lost"), ("hukou_province", "440000")], "hukou_prefecture", id="prefecture-select"),
    pytest.param([("reason", "lost"), *HENAN_TO_SHENZHEN], "birth_date", id="date"),
    pytest.param([("reason", "lost"), *HENAN_TO_SHENZHEN, ("birth_date", BIRTH)], "documents", id="checkboxes"),
    pytest.param(expiring_to_shenzhen(), "summary", id="summary"),
])
def test_pages_have_one_question_with_labels_and_unique_ids(applicant, answers, step):
    applicant.walk(answers)
    response = applicant.client.get(f"/apply/{step}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert_sound_markup(html)
    assert html.count("<h1>") == 1
    assert "第 " in html and " 步" in html
    if step != "summary":
        assert re.search(r"<legend[^>]*><h1>", html)
        assert "继续" in html
    if step != "reason":
        assert 'name="wizard_goto_step"' in html and "上一步" in html
    assert 'href="/apply/?reset=1"' in html


def test_error_page_links_the_error_to_the_question(applicant):
    applicant.walk([("reason", "lost"), *HENAN_TO_SHENZHEN])

    html = applicant.answer("birth_date", ("1980", "2", "30")).content.decode()

    assert_sound_markup(html)
    assert 'aria-describedby="birth_date-hint birth_date-error"' in html
    assert 'href="#id_birth_date-answer_0"' in html
    assert 'inputmode="numeric"' in html
    assert 'autocomplete="bday-year"' in html


def test_progress_hint_counts_the_steps(applicant):
    applicant.walk([("reason", "damaged"), *HENAN_TO_ZHENGZHOU])

    html = applicant.client.get("/apply/birth_date/").content.decode()

    # reason, 2 + 2 region steps, birth date, documents, needed by, hardship, summary
    assert "第 6 步，共约 10 步" in html


# --- after the plan: Back, and "修改回答" --------------------------------------------

def test_one_changed_answer_after_the_plan_makes_a_new_plan_with_the_rest_kept(applicant):
    applicant.walk(expiring_to_shenzhen())
    first = Plan.objects.get(code=applicant.post("summary").url.split("/")[2])

    changed = applicant.answer("documents", ["old_card"], wizard_return="summary")
    assert step_of(changed) == "summary"
    second = Plan.objects.get(code=applicant.post("summary").url.split("/")[2])

    assert second.code != first.code
    assert second.answers == {**first.answers, "documents": ["old_card"]}
    assert applicant.client.get(first.get_absolute_url()).status_code == 200  # the old code keeps working


def test_change_answers_on_a_plan_reopens_the_summary_in_another_browser(client, applicant):
    applicant.walk(expiring_to_shenzhen())
    plan = Plan.objects.get(code=applicant.post("summary").url.split("/")[2])
    assert "修改回答" in client.get(plan.get_absolute_url()).content.decode()

    elsewhere = Applicant(type(client)())
    response = elsewhere.client.get(f"/plan/{plan.code}/change/")
    assert step_of(response) == "summary"
    summary = elsewhere.client.get("/apply/summary/")
    html = summary.content.decode()
    assert "河南省郑州市" in html and "广东省深圳市" in html and "原来的身份证、居住证" in html
    assert "原来的查询码仍然可以用" in html
    assert elsewhere.answers == plan.answers | {"needed_by": None}  # every answer back, by key

    elsewhere.answer("residence_prefecture", "440100", wizard_return="summary")
    made = Plan.objects.get(code=elsewhere.post("summary").url.split("/")[2])
    assert made.answers == {**plan.answers, "residence_region": "440100"}
    assert Plan.objects.count() == 2


def test_change_answers_leads_to_an_answer_that_is_no_longer_right(applicant):
    # Made with a card expiring soon; opened again after it expired, the expiry answer is refused.
    applicant.walk(expiring_to_shenzhen())
    plan = Plan.objects.get(code=applicant.post("summary").url.split("/")[2])
    Plan.objects.filter(pk=plan.pk).update(answers={**plan.answers, "card_expiry_date": "2020-01-01"})

    response = applicant.client.get(f"/plan/{plan.code}/change/")

    assert step_of(response) == "card_expiry_date"
    page = applicant.client.get(response.url)
    assert "请检查这一步" in page.content.decode()


def test_change_answers_of_an_unknown_code_is_the_look_up_page(client):
    response = client.get("/plan/ABCDEABCDEABCDE/change/")
    assert response.status_code == 404
    assert "没有找到这个查询码" in response.content.decode()


def test_the_same_answers_after_a_content_change_make_a_new_plan(applicant):
    applicant.walk(expiring_to_shenzhen())
    first = applicant.post("summary")
    rule = RegionRule.objects.get(region__code="440000", topic="photo_receipt")
    rule.days = (rule.days or 0) + 30
    rule.save()  # an admin's edit: plans made from now on say so

    second = applicant.post("summary")

    assert second.url != first.url
    assert Plan.objects.count() == 2
    newer = Plan.objects.get(code=second.url.split("/")[2])
    assert newer.result["photo_receipt_validity_days"] == rule.days


# --- two tabs, one session ------------------------------------------------------------

def shown_basis(client, step):
    """Return the digest a page carries of the answers it was shown on (as a tab that opened it holds it)."""
    response = client.get(f"/apply/{step}/")
    assert response.status_code == 200, step
    return page_basis(response)


def page_basis(response):
    """Return the digest a page was shown with (its hidden wizard_basis field)."""
    return re.search(r'name="wizard_basis" value="([0-9a-f]+)"', response.content.decode()).group(1)


def test_a_page_answered_after_another_tab_changed_an_earlier_answer_says_so_and_keeps_the_input(applicant):
    applicant.walk([("reason", "lost"), *HENAN_TO_SHENZHEN])
    first_tab = shown_basis(applicant.client, "birth_date")
    # The second tab, on the same session, starts for someone else: another city of residence.
    applicant.walk([("residence_province", "440000"), ("residence_prefecture", "440100")])

    fields = {"answer_0": "1950", "answer_1": "3", "answer_2": "8"}
    response = applicant.post("birth_date", fields, wizard_basis=first_tab)

    assert response.status_code == 200
    html = response.content.decode()
    assert "另一个标签页" in html
    assert 'value="1950"' in html  # what this tab typed is kept, to be sent again
    assert "birth_date" not in applicant.answers  # nothing stored on answers the person did not see
    # Sent again from the page as it is now shown, the answer is taken.
    again = applicant.post("birth_date", fields, wizard_basis=page_basis(response))
    assert step_of(again) == "documents"
    assert applicant.answers["birth_date"] == "1950-03-08"


def test_the_summary_of_one_tab_does_not_make_a_plan_from_answers_another_tab_changed(applicant):
    applicant.walk(expiring_to_shenzhen())
    first_tab = shown_basis(applicant.client, "summary")
    applicant.answer("documents", ["old_card"], wizard_return="summary")  # the other tab

    response = applicant.post("summary", wizard_basis=first_tab)

    assert response.status_code == 200
    assert not Plan.objects.exists()
    html = response.content.decode()
    assert "另一个标签页" in html and "请核对您的回答" in html
    made = applicant.post("summary", wizard_basis=page_basis(response))
    assert Plan.objects.get(code=made.url.split("/")[2]).answers["documents"] == ["old_card"]


def test_a_later_page_of_the_same_tab_is_not_taken_for_another_tab(applicant):
    # Answering a page changes only later pages' basis: the next page, opened after it, goes through.
    applicant.walk([("reason", "lost")])
    basis = shown_basis(applicant.client, "hukou_province")
    response = applicant.post("hukou_province", {"answer": "410000"}, wizard_basis=basis)
    assert step_of(response) == "hukou_prefecture"
    basis = shown_basis(applicant.client, "hukou_prefecture")
    assert step_of(applicant.post("hukou_prefecture", {"answer": "410100"}, wizard_basis=basis)) == \
        "residence_province"
