"""The plan's pages: checklist and timeline, the one-page print view, the calendar file, look-up by code."""
import datetime
import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from procedures import questions
from procedures.engine.plan import Document
from procedures.models import Region, RegionRule, ServicePoint
from wizard import plan_views
from wizard.models import Plan
from wizard.services import RegionLookup, plan_create
from wizard.templatetags.plan_tags import cn_date, document_groups

TODAY = datetime.date(2026, 11, 25)

RENEWAL_SHENZHEN = {
    "reason": "expiring", "birth_date": "1990-03-04", "hukou_region": "410102", "residence_region": "440305",
    "card_expiry_date": "2026-12-20", "documents": ["old_card"], "has_photo_receipt": False,
    "delivery": "mail", "hardship": False, "needed_by": "2026-12-10",
}
LOST_SHANGHAI = {
    "reason": "lost", "birth_date": "1960-05-06", "hukou_region": "320100", "residence_region": "310101",
    "documents": ["hukou_book"], "hardship": False, "delivery": "collect",
}
CHILD_SENT_HOME = {  # details changed away from home: fixed at the hukou place first (fee waived: 免费)
    "reason": "details_changed", "birth_date": "2014-05-06", "hukou_region": "320100", "residence_region": "440305",
    "documents": ["old_card", "hukou_book"], "has_photo_receipt": False, "delivery": "collect", "hardship": True,
}
HONG_KONG = {"reason": "lost", "hukou_region": "810000"}


def make_plan(raw):
    """Clean raw answers as the wizard does (dates become datetime.date) and store a plan."""
    answers, problems = questions.clean_answers(raw, today=TODAY, regions=RegionLookup())
    assert problems == []
    assert isinstance(answers.get("birth_date", TODAY), datetime.date)
    return plan_create(answers=answers, today=TODAY)


def text_of(response):
    """Return the page's text without tags, with whitespace squeezed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def unfold(body):
    """Undo RFC 5545 line folding."""
    return body.replace("\r\n ", "")


@pytest.fixture
def renewal(db):
    return make_plan(RENEWAL_SHENZHEN)


# --- template helpers -----------------------------------------------------------------------

@pytest.mark.parametrize(("value", "style", "expected"), [
    pytest.param("2026-12-01", "", "2026年12月1日（周二）", id="iso-string"),
    pytest.param(datetime.date(2027, 1, 24), "", "2027年1月24日（周日）", id="date"),
    pytest.param("2047-01-06", "short", "2047年1月6日", id="short"),
    pytest.param("", "", "", id="empty"),
    pytest.param(None, "", "", id="none"),
    pytest.param("2026-02-30", "", "", id="not-a-date"),
])
def test_cn_date(value, style, expected):
    assert cn_date(value, style) == expected


def test_document_groups_keep_alternatives_together():
    documents = [
        Document(code="form", name="表", held=None),
        Document(code="a", name="A", held=False, any_of=("a", "b")),
        Document(code="c", name="C", held=False),
        Document(code="b", name="B", held=True, any_of=("a", "b")),
    ]
    groups = document_groups(documents)
    assert [[d.code for d in g["items"]] for g in groups] == [["form"], ["a", "b"], ["c"]]
    assert [g["any_of"] for g in groups] == [False, True, False]
    assert groups[1]["held"] is True


# --- the plan page --------------------------------------------------------------------------

@pytest.mark.django_db
def test_plan_page_shows_the_checklist(client, renewal):
    result = renewal.result
    response = client.get(renewal.get_absolute_url())
    assert response.status_code == 200
    text = text_of(response)

    assert renewal.display_code in text
    assert "请截图或抄下查询码" in text
    assert f"{result['procedure_name']}（第 {renewal.procedure_version} 版规则）" in text
    assert "计算日期 2026年11月25日（周三）" in text
    # Outcome heading names the residence place.
    assert f"在{result['residence_region']['name']}办理" in text
    # Fee and its basis.
    assert "20 元" in text
    assert result["fee"]["label"] in text
    # Documents, with the any-of group shown together.
    assert "任选其一" in text
    names = {d["code"]: d["name"] for d in result["documents"]}
    group = text.split("任选其一", 1)[1]
    assert names["residence_permit"] in group and names["residence_proof"] in group
    assert "✓ 您有" in text  # the old card, which the person said they have
    assert "领新证时要交回" in text
    # Where to go, steps with dates, the card-ready date in words.
    apply_step = next(s for s in result["steps"] if s["milestone"] == "accepted")
    assert apply_step["where"] in text
    for step in result["steps"]:
        assert step["title"] in text
    assert "2026年11月26日（周四） 至 2026年11月30日（周一）" in text
    assert "最晚哪天可以拿到新证 约 2027年1月7日（周四）" in text  # 1 January is closed
    assert "按各环节通常需要的时间推算" in text
    assert cn_date(result["statutory_deadline"]) in text
    assert "20 年，约到 2046年11月30日" in text  # twenty years from the latest sign-off day (签发)
    assert cn_date(result["photo_receipt_expiry"]) in text
    assert cn_date(result["renewal_window_opens"]) in text
    # Warnings, photo rules, urgent options.
    for warning in result["warnings"]:
        assert warning["title"] in text
    assert "请特别注意" in text
    assert "照片要求" in text
    for option in result["urgent_options"]:
        assert option["title"] in text
    # Links.
    html = response.content.decode()
    assert f'href="{reverse("wizard:plan_print", kwargs={"code": renewal.code})}"' in html
    assert f'href="{reverse("wizard:plan_ics", kwargs={"code": renewal.code})}"' in html
    assert 'href="/apply/?reset=1"' in html


@pytest.mark.django_db
def test_facts_not_verified_carry_a_badge_and_their_source(client, renewal):
    html = client.get(renewal.get_absolute_url()).content.decode()
    likely = next(d for d in renewal.result["documents"] if d["confidence"] == "likely")
    unknown = next(n for n in renewal.result["notices"] if n["confidence"] == "unknown")

    def fragment(title):
        # After the summary at the top, which names the documents too, without their sources.
        start = html.index(title, html.index('id="documents-title"'))
        return html[start:html.index("</li>", start)]

    assert 'class="confidence-likely">较可能</span>' in fragment(likely["name"])
    assert "<summary>来源</summary>" in fragment(likely["name"])
    assert likely["source"] in fragment(likely["name"])
    assert 'class="confidence-unknown">未确认</span>' in fragment(unknown["title"])
    assert unknown["source"] in fragment(unknown["title"])
    # A verified fact gets neither.
    verified = next(n for n in renewal.result["notices"] if n["confidence"] == "verified")
    assert "confidence-" not in fragment(verified["title"])
    assert html.count("<summary>来源</summary>") == sum(
        1 for item in iter_items(renewal.result) if item["confidence"] != "verified")


def iter_items(result):
    """Yield every item of a plan that the page shows with its provenance."""
    for key in ("documents", "steps", "warnings", "notices", "urgent_options"):
        yield from result[key]
    for key in ("fee", "photo_receipt", "card_ready", "statutory_deadline_basis", "new_card_validity"):
        if result[key]:
            yield result[key]


@pytest.mark.django_db
def test_lost_card_shows_the_identity_group_and_the_fee(client):
    plan = make_plan(LOST_SHANGHAI)
    text = text_of(client.get(plan.get_absolute_url()))
    assert "40 元" in text
    assert "遗失补领" in text
    group = text.split("任选其一", 1)[1]
    for document in plan.result["documents"]:
        if document.get("any_of"):
            assert document["name"] in group
    assert "✓ 您已有其中一项" in text
    # A lost card always comes with the urgent options, each with its fee.
    assert plan.result["urgent_options"]
    assert "急用身份证怎么办" in text
    for option in plan.result["urgent_options"]:
        assert option["title"] in text
        if option["fee_yuan"] is not None:
            assert "费用：" + ("免费" if option["fee_yuan"] == 0 else f"{option['fee_yuan']} 元") in text


@pytest.mark.django_db
def test_apply_at_hukou_place_says_why_and_where_instead(client):
    plan = make_plan(CHILD_SENT_HOME)
    assert plan.result["outcome"] == "apply_at_hukou_place"
    text = text_of(client.get(plan.get_absolute_url()))
    hukou = plan.result["hukou_region"]["name"]
    residence = plan.result["residence_region"]["name"]
    assert f"需要回户籍地（{hukou}）办理" in text
    assert f"这次不能在{residence}办理" in text
    reason = plan.result["warnings"][0]
    assert reason["title"] in text and reason["text"] in text
    apply_step = next(s for s in plan.result["steps"] if s["milestone"] == "accepted")
    assert f"您需要这样做： {apply_step['title']}" in text
    assert "免费" in text
    assert "5 年" in text


@pytest.mark.django_db
def test_not_applicable_explains_and_has_no_checklist(client):
    plan = make_plan(HONG_KONG)
    assert plan.result["outcome"] == "not_applicable"
    response = client.get(plan.get_absolute_url())
    text = text_of(response)
    assert "这份指南不适用于您的情况" in text
    assert plan.result["warnings"][0]["text"] in text
    assert plan.display_code in text
    assert "要带的材料" not in text
    assert "办理步骤和时间" not in text
    assert "calendar.ics" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["wizard:plan", "wizard:plan_print", "wizard:plan_ics"])
def test_other_spellings_of_the_code_redirect_to_the_canonical_url(client, renewal, url_name):
    typed = renewal.display_code.lower()
    response = client.get(reverse(url_name, kwargs={"code": typed}))
    assert response.status_code == 301
    assert response["Location"] == reverse(url_name, kwargs={"code": renewal.code})


@pytest.mark.django_db
def test_plan_page_has_no_horizontal_layout_traps(client, renewal):
    html = client.get(renewal.get_absolute_url()).content.decode()
    assert 'name="viewport"' in html
    assert "<script" not in html
    headings = [int(level) for level in re.findall(r"<h([1-6])\b", html)]
    assert headings[0] == 1 and headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(headings, headings[1:], strict=False))


# --- print view -----------------------------------------------------------------------------

@pytest.mark.django_db
def test_print_view_has_qr_version_and_date_printed(client, renewal, monkeypatch):
    # 17:00 UTC is already the next day in Shanghai.
    monkeypatch.setattr(plan_views.timezone, "now",
                        lambda: datetime.datetime(2026, 11, 25, 17, 0, tzinfo=datetime.UTC))
    response = client.get(reverse("wizard:plan_print", kwargs={"code": renewal.code}))
    assert response.status_code == 200
    html = response.content.decode()
    text = text_of(response)
    assert re.search(r'<svg role="img" viewBox="0 0 \d+ \d+" class="qr"><title>', html)
    assert "<img" not in html  # no external QR service
    assert renewal.display_code in text
    assert f"第 {renewal.procedure_version} 版" in text
    assert "打印日期 2026年11月26日" in text
    assert "☐" in text
    assert renewal.result["fee"]["label"] in text
    assert "http://testserver" + renewal.get_absolute_url() in text
    assert "@page" not in html  # the page rules live in print.css
    assert "css/print.css" in html


def test_qr_svg_encodes_the_text_without_fixed_size():
    svg = plan_views.qr_svg("http://example.com/plan/ABC/", title="扫码")
    assert svg.startswith('<svg role="img" ')
    assert "width=" not in svg.split(">", 1)[0]
    assert "<title>扫码</title>" in svg


# --- calendar file --------------------------------------------------------------------------

@pytest.mark.django_db
def test_calendar_file(client, renewal):
    result = renewal.result
    response = client.get(reverse("wizard:plan_ics", kwargs={"code": renewal.code}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="plan-{renewal.code}.ics"'
    raw = response.content
    body = raw.decode("utf-8")
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")  # every line ends with CRLF
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # folding never splits a character
    unfolded = unfold(body)
    expected = {
        "apply": result["apply_date"], "card-ready": result["card_ready_by"],
        "statutory-deadline": result["statutory_deadline"],
        "photo-receipt-expiry": result["photo_receipt_expiry"],
        "renewal-window-opens": result["renewal_window_opens"],
    }
    assert unfolded.count("BEGIN:VEVENT") == unfolded.count("END:VEVENT") == len(expected)
    events = unfolded.split("BEGIN:VEVENT")[1:]
    for (slug, day), event in zip(expected.items(), events, strict=True):
        assert f"UID:{renewal.code}-{slug}@testserver\r\n" in event
        assert f"DTSTART;VALUE=DATE:{day.replace('-', '')}\r\n" in event
        assert re.search(r"DTSTAMP:\d{8}T\d{6}Z\r\n", event)
        assert "SUMMARY:身份证" in event
        assert "http://testserver" + renewal.get_absolute_url() in event
    assert "\\n查询码：" + renewal.display_code in unfolded


@pytest.mark.django_db
def test_calendar_uids_are_stable(client, renewal):
    url = reverse("wizard:plan_ics", kwargs={"code": renewal.code})
    assert client.get(url).content == client.get(url).content


def one_event_file(summary, detail=""):
    """Return the calendar file, unfolded into lines, for one event with the given summary and detail."""
    plan = Plan(code="ABCDEFGHJKMNPQR", created_at=datetime.datetime(2026, 11, 25, 8, 0, tzinfo=datetime.UTC))
    body = plan_views.calendar_text(plan, [("apply", TODAY, summary, detail)], url="http://testserver/plan/x/",
                                    host="testserver")
    return body, unfold(body).split("\r\n")


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("a,b;c\\d", "a\\,b\\;c\\\\d", id="punctuation"),
    pytest.param("one\ntwo\r\nthree\rfour", "one\\ntwo\\nthree\\nfour", id="newlines"),
    pytest.param("地点：深圳，南山", "地点：深圳，南山", id="full-width-untouched"),
    pytest.param("<b>南山</b>区", "南山区", id="tags-dropped"),
])
def test_calendar_text_is_escaped(text, expected):
    _body, lines = one_event_file(text, detail=text)
    assert f"SUMMARY:{expected}" in lines
    assert any(line.startswith(f"DESCRIPTION:{expected}\\n查询码：") for line in lines)


def test_calendar_lines_are_folded_by_octets_never_inside_a_character():
    summary = "身份证" * 40 + "abc"
    body, lines = one_event_file(summary)
    parts = body.encode("utf-8").split(b"\r\n")
    folded = [part for part in parts if part.startswith(b" ")]
    assert folded  # the long summary was folded
    assert all(len(part) <= 75 for part in parts)
    assert [part.decode("utf-8") for part in parts]  # no split character
    assert f"SUMMARY:{summary}" in lines
    assert "UID:ABCDEFGHJKMNPQR-apply@testserver" in lines  # a short line stays whole


@pytest.mark.django_db
def test_calendar_for_a_plan_without_dates_is_not_found(client):
    plan = make_plan(HONG_KONG)
    response = client.get(reverse("wizard:plan_ics", kwargs={"code": plan.code}))
    assert response.status_code == 404


# --- unknown codes --------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/plan/{}/", "/plan/{}/print/", "/plan/{}/calendar.ics"])
@pytest.mark.parametrize("code", [
    pytest.param("ABCDEABCDEABCDE", id="well-formed"),
    pytest.param("abc", id="short"),
    pytest.param("中文查询码", id="chinese"),
    pytest.param("<script>alert(1)</script>", id="markup"),
    pytest.param("A" * 5000, id="very-long"),
    pytest.param("%00", id="percent"),
    pytest.param("\x00", id="nul"),
    pytest.param("ＡＢＣＤＥ", id="full-width"),
])
def test_unknown_code_is_a_friendly_404(client, path, code):
    response = client.get(path.format(quote(code, safe="")))
    assert response.status_code == 404
    html = response.content.decode()
    assert "<script>alert" not in html and "\x00" not in html
    if "/" in code:  # not a code at all: the address matches no page, which links to the look-up page
        assert "找不到这个页面" in html and f'href="{reverse("wizard:plan_lookup")}"' in html
        return
    # The look-up page itself: what went wrong, and the field to type the code again.
    assert "没有找到这个查询码" in html
    assert f'action="{reverse("wizard:plan_lookup")}"' in html and 'name="code"' in html


# --- look-up --------------------------------------------------------------------------------

@pytest.mark.django_db
def test_lookup_form(client):
    response = client.get(reverse("wizard:plan_lookup"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'method="get"' in html and 'name="code"' in html
    assert "没有找到这个查询码" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [
    pytest.param("{dashed}", id="dashed"),
    pytest.param("{lower}", id="lower-case"),
    pytest.param(" {spaced} ", id="spaces"),
    pytest.param("{fullwidth}", id="full-width"),
])
def test_lookup_redirects_to_the_plan(client, renewal, typed):
    code = renewal.code
    typed = typed.format(
        dashed=renewal.display_code, lower=renewal.display_code.lower(),
        spaced=" ".join(renewal.display_code.split("-")),
        fullwidth="".join(chr(ord(ch) + 0xFEE0) for ch in code))
    response = client.get(reverse("wizard:plan_lookup"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == renewal.get_absolute_url()


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["ABCDE-ABCDE-ABCDE", "nonsense", "中" * 500, "<b>x</b>"])
def test_lookup_unknown_code(client, typed):
    response = client.get(reverse("wizard:plan_lookup"), {"code": typed})
    assert response.status_code == 404
    html = response.content.decode()
    assert "没有找到这个查询码" in html
    assert 'name="code"' in html
    assert "<b>x</b>" not in html


@pytest.mark.django_db
def test_lookup_empty_code_asks_again(client):
    response = client.get(reverse("wizard:plan_lookup"), {"code": " - "})
    assert response.status_code == 200
    assert "请输入查询码" in response.content.decode()


def test_mail_delivery_shows_when_the_posted_card_should_arrive(client, db):
    # The seeded content records mail only where a source says so: let Shanghai offer it here.
    RegionRule.objects.create(region=Region.objects.get(code="310000"), topic="mail_delivery", source="测试数据")
    plan = make_plan({**LOST_SHANGHAI, "delivery": "mail"})
    mailed = next(step for step in plan.result["steps"] if step["code"] == "mailed")
    arrives = datetime.date.fromisoformat(mailed["latest"])
    for name in ("wizard:plan", "wizard:plan_print"):
        html = client.get(reverse(name, kwargs={"code": plan.code})).content.decode()
        assert "寄到" in html and f'datetime="{arrives.isoformat()}"' in html


@pytest.mark.django_db
def test_a_child_sent_home_reads_the_home_places_rules_by_name(client):
    """Receipt and promise are those of the place the child applies: home (Shenzhen), not where they live."""
    plan = make_plan({**CHILD_SENT_HOME, "hukou_region": "440305", "residence_region": "410102"})
    assert plan.outcome == "apply_at_hukou_place"
    page = text_of(client.get(reverse("wizard:plan", kwargs={"code": plan.code})))
    assert "在广东省深圳市南山区办证，要先办好照片回执" in page
    assert "在河南省郑州市中原区办证" not in page
    assert "不用手机：到照相馆拍照办回执（广东）" in page


@pytest.mark.django_db
def test_details_changed_does_not_promise_that_no_trip_home_is_needed(client):
    plan = make_plan({**LOST_SHANGHAI, "reason": "details_changed", "documents": ["old_card"]})
    page = text_of(client.get(reverse("wizard:plan", kwargs={"code": plan.code})))
    assert "不用回户籍地" not in page
    assert "fix_registration_first" in [w["code"] for w in plan.result["warnings"]]
    ordinary = text_of(client.get(reverse("wizard:plan", kwargs={"code": make_plan(LOST_SHANGHAI).code})))
    assert "不用回户籍地" in ordinary


@pytest.mark.django_db
def test_receipt_expiry_counts_from_the_day_the_person_can_apply(client):
    """An early renewal that has to wait for its window: the receipt is counted from that day, not today."""
    plan = make_plan({**RENEWAL_SHENZHEN, "card_expiry_date": "2027-06-30", "needed_by": None})
    result = plan.result
    assert result["apply_date"] > result["today"]
    expected = datetime.date.fromisoformat(result["apply_date"]) + datetime.timedelta(days=180)
    assert result["photo_receipt_expiry"] == expected.isoformat()
    page = text_of(client.get(reverse("wizard:plan", kwargs={"code": plan.code})))
    assert "如果今天办好回执" not in page and "按今天办好回执计算" not in page
    assert "按去办理那天办好回执计算" in page


@pytest.mark.django_db
@pytest.mark.parametrize("needed_by, late", [("2026-11-27", True), ("2027-01-20", False)])
def test_the_delta_temporary_card_says_by_when_it_comes_on_the_plan_and_the_sheet(client, needed_by, late):
    plan = make_plan({**LOST_SHANGHAI, "needed_by": needed_by})
    card = next(o for o in plan.result["urgent_options"] if o["code"] == "temporary_card")
    ready = cn_date(card["ready_by"])
    page = text_of(client.get(plan.get_absolute_url()))
    sheet = text_of(client.get(reverse("wizard:plan_print", kwargs={"code": plan.code})))
    assert f"最晚约 {ready} 能拿到" in page and f"最晚约 {ready} 能拿到" in sheet
    assert ("赶不上您要用证的日期" in page) is late
    assert ("赶不上您要用证的日期" in sheet) is late


@pytest.mark.django_db
def test_a_plan_sent_home_says_its_dates_start_on_the_day_at_home(client):
    plan = make_plan(CHILD_SENT_HOME)
    assert plan.result["outcome"] == "apply_at_hukou_place"
    page = text_of(client.get(plan.get_absolute_url()))
    sheet = text_of(client.get(reverse("wizard:plan_print", kwargs={"code": plan.code})))
    assert "按您这一天就在户籍地办理推算" in page and "今天就可以去" not in page
    assert "按这天在户籍地办理推算" in sheet
    here = text_of(client.get(make_plan(RENEWAL_SHENZHEN).get_absolute_url()))
    assert "户籍地办理推算" not in here


def warning_titles(response):
    """Return the 请特别注意 group's headings, in order, with their severity tags."""
    html = response.content.decode()
    group = html.split('id="warnings-title"')[1].split("</section>")[0]
    headings = re.findall(r"<h3>(.*?)</h3>", group, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", h3)).strip() for h3 in headings]


def test_one_group_of_warnings_most_severe_first_with_the_card_too_late_at_the_top(client, db):
    # A minor whose card expires soon, needing ID before a new card can be ready, without the old card.
    plan = make_plan({**RENEWAL_SHENZHEN, "birth_date": "2012-03-04", "documents": ["hukou_book"],
                      "card_expiry_date": "2026-11-30", "needed_by": "2026-12-01"})
    titles = warning_titles(client.get(plan.get_absolute_url()))

    assert titles[0] == "必须注意 新证可能来不及"
    critical = [title for title in titles if title.startswith("必须注意")]
    assert titles[:len(critical)] == critical  # no lesser warning before a critical one
    assert any("换领要交回旧证" in title for title in critical)
    assert any("未满 16 周岁须监护人陪同" in title for title in critical)
    assert len(critical) < len(titles)  # the others follow, without the tag
    assert client.get(plan.get_absolute_url()).content.decode().count('id="warnings-title"') == 1


def test_the_engine_orders_warnings_by_severity_then_content_order():
    from procedures.engine.calculators import messages
    from procedures.vocabulary import Severity

    def notice(code, severity):
        return type("N", (), {"code": code, "title": code, "text": "", "severity": severity, "topic": "general",
                              "explains_outcome": False, "provenance": None, "test": staticmethod(lambda f: True)})

    procedure = type("P", (), {"notices": [notice("a", Severity.WARNING), notice("b", Severity.CRITICAL),
                                           notice("c", Severity.INFO), notice("d", Severity.WARNING),
                                           notice("e", Severity.CRITICAL)]})
    warnings, others = messages([procedure], {})
    assert [m.code for m in warnings] == ["b", "e", "a", "d"]
    assert [m.code for m in others] == ["c"]


# --- where exactly: the office directory --------------------------------------------------

LOST_XIAMEN = {"reason": "lost", "birth_date": "1958-03-02", "hukou_region": "430100", "residence_region": "350203",
               "documents": ["hukou_book"]}


def test_the_directory_entry_of_the_place_where_one_applies_is_shown_with_its_source(client, db):
    html = client.get(make_plan(LOST_XIAMEN).get_absolute_url()).content.decode()
    where = html.split('id="where-title"')[1].split("</section>")[0]
    assert "“厦门公安”微信公众号（户政预约）" in where and "户政预约" in where
    assert '<span class="confidence-likely">较可能</span>' in where  # one commercial source
    assert "yzzsnet.com" in where  # the source, folded under 来源
    assert "<dt>周末</dt><dd>未确认</dd>" in where
    assert "请向当地公安机关确认" in where  # for what the entry does not say
    assert '<a href="#where-title">地址和预约办法</a>' in html  # from 一眼看清


def test_where_nothing_is_sourced_the_plan_says_to_ask_locally_and_invents_nothing(client, db):
    html = client.get(make_plan(LOST_SHANGHAI).get_absolute_url()).content.decode()
    where = html.split('id="where-title"')[1].split("</section>")[0]
    assert "service-point" not in where
    assert "受理点的地址、办公时间和预约办法，这里还没有核实过，请向当地公安机关（派出所或户政窗口）确认后再去" in where


def test_an_admin_entry_shows_on_plans_its_condition_admits_with_each_field_given(client, db):
    shanghai = Region.objects.get(code="310000")
    ServicePoint.objects.create(
        region=shanghai, kind="office", name="示例受理点", address="某路 1 号", hours="周一至周五 9:00–17:00",
        phone="021-0000 0000", booking_url="https://example.org/book", weekend="no", confidence="likely",
        source="测试", condition={"fact": "reason", "op": "eq", "value": "lost"})
    html = client.get(make_plan(LOST_SHANGHAI).get_absolute_url()).content.decode()
    where = html.split('id="where-title"')[1].split("</section>")[0]
    for shown in ("示例受理点", "某路 1 号", "周一至周五 9:00–17:00", 'href="tel:02100000000"',
                  'href="https://example.org/book"', "<dd>周末不办理</dd>"):
        assert shown in where, shown
    renewal = make_plan({**LOST_SHANGHAI, "reason": "damaged", "documents": ["old_card"]})
    assert "示例受理点" not in client.get(renewal.get_absolute_url()).content.decode()


@pytest.mark.parametrize("residence, route", [
    pytest.param("440305", "不用手机：到照相馆拍照办回执（广东）", id="guangdong-studio"),
    pytest.param("510104", "不用手机：受理点可以现场拍照", id="chengdu-counter"),
    pytest.param("430102", "不用手机：受理点可以现场拍照", id="hunan-counter"),
])
def test_someone_without_a_phone_for_photos_reads_the_route_without_one(client, db, residence, route):
    plan = make_plan({**LOST_SHANGHAI, "hukou_region": "410102", "residence_region": residence,
                      "has_photo_receipt": False})
    html = client.get(plan.get_absolute_url()).content.decode()
    photo = html.split('id="photo-title"')[1].split("</section>")[0]
    assert route in photo
    if "用手机：" in photo.replace("不用手机：", ""):
        assert photo.index(route) < photo.replace("不用手机：", "—————").index("用手机：")  # before the phone route


def test_where_the_rules_give_no_route_without_a_phone_none_is_promised(client, db):
    plan = make_plan({**LOST_SHANGHAI, "hukou_region": "410102", "residence_region": "210102"})  # Shenyang
    assert "不用手机" not in client.get(plan.get_absolute_url()).content.decode()
