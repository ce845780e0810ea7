"""The desk as a work queue: tabs by status with counts, search, sorting, days overdue, batch moves."""
import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from procedures.models import Region
from procedures.selectors import compiled
from procedures.vocabulary import Milestone
from staff import services
from staff.models import Application, Office
from staff.selectors import status_of
from wizard.services import plan_create

from .test_staff import RENEWAL, TODAY

DESK = "/staff/"
BATCH = "/staff/batch/"


def open_one(office, clerk, *, days_ago=0, name="", phone="", path=()):
    application = services.open_application(
        plan=plan_create(answers=RENEWAL, today=TODAY), office=office, user=clerk, applicant_name=name,
        applicant_phone=phone, today=timezone.localdate() - datetime.timedelta(days=days_ago))
    for target in path:
        application = services.move_application(application=application, target=target,
                                                 expected_revision=application.revision, user=clerk)
    return application


@pytest.fixture
def queue(office, clerk):
    """Three just accepted, two at the household-registration county, one in production."""
    return {
        "accepted": [open_one(office, clerk, days_ago=days, name=name, phone=phone) for days, name, phone in
                     [(1, "张三丰", "13812345678"), (2, "李四", "139 0000 1111"), (3, "王五", "")]],
        "signoff": [open_one(office, clerk, days_ago=days, path=["signoff"]) for days in (4, 5)],
        "produce": [open_one(office, clerk, days_ago=6, path=["signoff", "produce"])],
    }


def desk(client, **params):
    response = client.get(DESK, params)
    assert response.status_code == 200
    return response.content.decode()


def codes_in(html):
    """Return the reference codes of the queue's rows, in order."""
    table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<td class="code"><a href="/staff/applications/([0-9A-Z]{15})/">', table)


def codes(applications):
    return [a.plan.code for a in applications]


def tab(html, label):
    """Return (count, is current) of the tab ``label``."""
    match = re.search(r'<li><a href="[^"]*"( aria-current="page")?>' + re.escape(label)
                      + r' <span class="count">(\d+)</span></a></li>', html)
    assert match, f"no tab {label}"
    return int(match[2]), bool(match[1])


# --- tabs by status ---------------------------------------------------------------------------------

def test_tabs_count_each_status(client, clerk, queue):
    client.force_login(clerk)
    html = desk(client)
    assert tab(html, "全部") == (6, True)
    assert tab(html, "已受理") == (3, False)
    assert tab(html, "户籍地办理中") == (2, False)
    assert tab(html, "制证中") == (1, False)
    assert tab(html, "待领取") == (0, False)


def test_the_tabs_are_the_statuses_content_gives_the_states_after_acceptance(client, clerk, queue):
    procedure = compiled(queue["accepted"][0].procedure)
    accepted = next(s.order for s in procedure.states if s.milestone == Milestone.ACCEPTED)
    expected = []
    for state in sorted(procedure.states, key=lambda s: s.order):
        if not state.is_terminal and state.order >= accepted and str(status_of(state)) not in expected:
            expected.append(str(status_of(state)))
    client.force_login(clerk)
    tabs = re.findall(r'<li><a href="/staff/[^"]*"(?: aria-current="page")?>([^<]+) <span class="count">',
                      desk(client))
    assert tabs == ["全部", *expected]
    assert "待申请人办理" not in tabs  # the applicant's own steps before acceptance hold no case


@pytest.mark.parametrize("label, group", [("已受理", "accepted"), ("户籍地办理中", "signoff"), ("制证中", "produce")])
def test_a_tab_shows_only_its_status(client, clerk, queue, label, group):
    client.force_login(clerk)
    link = re.search(r'<li><a href="(/staff/\?status=[^"]+)">' + label, desk(client))[1]
    html = desk(client, status=link.split("status=")[1])
    assert sorted(codes_in(html)) == sorted(codes(queue[group]))
    assert tab(html, label) == (len(queue[group]), True)


def test_an_unknown_tab_shows_the_whole_queue(client, clerk, queue):
    client.force_login(clerk)
    html = desk(client, status="a-nobody")
    assert len(codes_in(html)) == 6 and tab(html, "全部") == (6, True)


# --- search -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, who", [
    pytest.param("张三", 0, id="name-part"),
    pytest.param("李四", 1, id="full-name"),
    pytest.param("13812345678", 0, id="full-phone"),
    pytest.param("5678", 0, id="last-digits"),
    pytest.param("13900001111", 1, id="phone-stored-with-spaces"),
    pytest.param("139-0000-1111", 1, id="phone-typed-with-dashes"),
])
def test_search_by_name_or_phone(client, clerk, queue, text, who):
    client.force_login(clerk)
    html = desk(client, q=text)
    assert codes_in(html) == [queue["accepted"][who].plan.code]
    table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "13812345678" not in table and "张三丰" not in table  # the list stays masked
    assert tab(html, "全部") == (1, True)


@pytest.mark.parametrize("form", ["display", "lower", "part"])
def test_search_by_reference_code(client, clerk, queue, form):
    wanted = queue["signoff"][1].plan
    text = {"display": wanted.display_code, "lower": wanted.display_code.lower(), "part": wanted.code[3:11]}[form]
    client.force_login(clerk)
    assert codes_in(desk(client, q=text)) == [wanted.code]


def test_search_within_a_tab_and_nothing_found(client, clerk, queue):
    client.force_login(clerk)
    html = desk(client, q="张三", status="a-hukou_office")
    assert "没有符合条件的申请" in html and tab(html, "已受理") == (1, False)
    assert "清除搜索" in html


def test_a_search_too_long_is_refused_in_chinese(client, clerk, queue):
    client.force_login(clerk)
    html = desk(client, q="张" * 41)
    assert "搜索内容最多 40 个字" in html and len(codes_in(html)) == 6


def test_the_search_form_is_a_plain_get_form(client, clerk, queue):
    client.force_login(clerk)
    html = desk(client)
    form = re.search(r'<form method="get" action="/staff/" class="tool" role="search"[^>]*>(.*?)</form>', html, re.S)
    assert form and 'name="q"' in form[1] and 'type="submit"' in form[1]


# --- sorting ------------------------------------------------------------------------------------------

def _all(queue):
    return [a for group in queue.values() for a in group]


@pytest.mark.parametrize("sort, key, reverse", [
    pytest.param("code", lambda a: a.plan.code, False, id="code"),
    pytest.param("-code", lambda a: a.plan.code, True, id="code-descending"),
    pytest.param("accepted", lambda a: (a.accepted_on, a.pk), False, id="accepted"),
    pytest.param("-accepted", lambda a: a.accepted_on, True, id="accepted-descending"),
    pytest.param("ready", lambda a: a.card_ready_due, False, id="card-ready"),
    pytest.param("-deadline", lambda a: a.statutory_due, True, id="deadline-descending"),
])
def test_sort_by_column(client, clerk, queue, sort, key, reverse):
    client.force_login(clerk)
    shown = codes_in(desk(client, sort=sort))
    expected = sorted(_all(queue), key=key, reverse=reverse)
    assert [Application.objects.get(plan__code=c).__getattribute__("pk") for c in shown] == [a.pk for a in expected]


def test_sort_by_status_follows_the_procedure(client, clerk, queue):
    client.force_login(clerk)
    shown = codes_in(desk(client, sort="status"))
    assert shown[:3] == codes(sorted(queue["accepted"], key=lambda a: (a.accepted_on, a.pk)))
    assert set(shown[3:5]) == set(codes(queue["signoff"])) and shown[5:] == codes(queue["produce"])
    assert codes_in(desk(client, sort="-status"))[0] == queue["produce"][0].plan.code


def test_column_links_sort_and_reverse_and_keep_the_tab_and_search(client, clerk, queue):
    client.force_login(clerk)
    html = desk(client, q="张", status="m-accepted", sort="code")
    assert '<th scope="col" aria-sort="ascending"><a href="/staff/?q=%E5%BC%A0&amp;status=m-accepted&amp;sort=-code">' \
        in html
    assert 'href="/staff/?q=%E5%BC%A0&amp;status=m-accepted&amp;sort=accepted">受理日期' in html
    html = desk(client, sort="-code")
    assert '<th scope="col" aria-sort="descending"><a href="/staff/?sort=code">' in html


def test_an_unknown_sort_falls_back_to_acceptance(client, clerk, queue):
    client.force_login(clerk)
    assert codes_in(desk(client, sort="applicant_phone")) == codes_in(desk(client))


# --- days overdue and the overdue count ------------------------------------------------------------------

def test_days_overdue_column_and_counts(client, clerk, office, queue):
    late = open_one(office, clerk, days_ago=90)
    later = open_one(office, clerk, days_ago=120, path=["signoff"])
    today = timezone.localdate()
    client.force_login(clerk)
    html = desk(client, sort="overdue")
    assert codes_in(html)[:2] == [later.plan.code, late.plan.code]
    for application in (late, later):
        days = (today - min(application.card_ready_due, application.statutory_due)).days
        assert days > 0
        row = html.split(f'/staff/applications/{application.plan.code}/', 1)[1].split("</tr>", 1)[0]
        assert f'<td class="num"><span class="overdue">{days} 天</span></td>' in row
    on_time = html.split(f'/staff/applications/{queue["accepted"][0].plan.code}/', 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">—</td>' in on_time
    assert "有 2 份申请已超期" in html
    assert f'href="{reverse("staff:overdue")}">超期申请 <span class="count">2</span>' in html
    overdue = client.get(reverse("staff:overdue")).content.decode()
    assert '超期申请 <span class="count">2</span>' in overdue and overdue.count('<span class="overdue">') == 2


def test_the_overdue_count_ignores_the_search(client, clerk, office, queue):
    open_one(office, clerk, days_ago=90)
    client.force_login(clerk)
    assert "有 1 份申请已超期" in desk(client, q="李四")


# --- queries do not grow ---------------------------------------------------------------------------------

CHOICES = [
    pytest.param({}, id="plain"), pytest.param({"status": "a-hukou_office"}, id="tab"),
    pytest.param({"q": "张三"}, id="search-name"), pytest.param({"q": "0001"}, id="search-phone"),
    pytest.param({"sort": "-status"}, id="sort-status"), pytest.param({"sort": "overdue"}, id="sort-overdue"),
    pytest.param({"page": "2", "sort": "code"}, id="page-2"), pytest.param({"page": "3"}, id="last-page"),
    pytest.param({"q": "张", "status": "m-accepted", "sort": "-code"}, id="all-three"),
]


def _desk_queries(client, params):
    client.get(DESK, params)  # compiles the procedure once per process, as a running site has
    with CaptureQueriesContext(connection) as captured:
        assert client.get(DESK, params).status_code == 200
    return len(captured)


def _fill(office, clerk, rows, start=0):
    for index in range(start, start + rows):
        open_one(office, clerk, days_ago=index * 3, name=f"张三{index}", phone=f"1380000{index:04d}",
                 path=["signoff"] if index % 3 == 0 else ())


def test_the_desks_queries_do_not_grow_with_rows_or_choices(client, clerk, office):
    """Three rows or 120 (more than two pages), any tab, search or sort: the same queries."""
    client.force_login(clerk)
    _fill(office, clerk, 3)
    few = {p.id: _desk_queries(client, p.values[0]) for p in CHOICES if p.id != "page-2"}
    _fill(office, clerk, 117, start=3)
    many = {p.id: _desk_queries(client, p.values[0]) for p in CHOICES}
    assert few == {key: many[key] for key in few}
    assert set(many.values()) == {many["plain"]}, many
    assert many["plain"] <= 9


# --- batch moves -------------------------------------------------------------------------------------------

def picks(*applications):
    return [f"{a.plan.code}.{a.revision}" for a in applications]


def test_a_batch_move_moves_each_through_the_service(client, clerk, queue):
    chosen = queue["accepted"]
    client.force_login(clerk)
    response = client.post(BATCH + "?status=m-accepted", {"pick": picks(*chosen), "target": "signoff",
                                                            "note": "一批"})
    assert response.status_code == 302 and response["Location"] == "/staff/?status=m-accepted"
    for application in chosen:
        application.refresh_from_db()
        assert (application.state_code, application.revision) == ("signoff", 2)
        assert [(e.to_state, e.note, e.actor) for e in application.events.all()][-1] == ("signoff", "一批", clerk)
    html = client.get(response["Location"]).content.decode()
    assert "已把 3 份申请改为“户籍地办理中”（户籍地审核签发）" in html


def test_a_refused_move_is_reported_by_its_code_and_the_others_are_done(client, clerk, queue):
    good, wrong_state = queue["accepted"][0], queue["produce"][0]
    client.force_login(clerk)
    response = client.post(BATCH, {"pick": picks(good, wrong_state), "target": "signoff", "note": "到件"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{wrong_state.plan.display_code} 未更新：当前环节“制作证件”不能这样流转。" in html
    assert "已把 1 份申请改为" in html and good.plan.display_code in html
    good.refresh_from_db()
    wrong_state.refresh_from_db()
    assert good.state_code == "signoff" and wrong_state.state_code == "produce"
    assert wrong_state.events.count() == 3
    # What the clerk chose and typed is kept, the refused row still ticked.
    assert '<option value="signoff" selected>' in html and ">到件</textarea>" in html
    assert f'value="{wrong_state.plan.code}.{wrong_state.revision}" id="pick-{wrong_state.plan.code}" checked' in html


def test_a_conflict_in_a_batch_keeps_the_note_and_says_who_moved_it_to_what(client, clerk, queue):
    first, raced = queue["accepted"][:2]
    seen = picks(first, raced)
    colleague = User.objects.create_user("colleague")
    services.move_application(application=raced, target="signoff", expected_revision=1, user=colleague)
    client.force_login(clerk)
    html = client.post(BATCH, {"pick": seen, "target": "signoff", "note": "已电话告知"}).content.decode()
    assert f"{raced.plan.display_code} 未更新：这份申请刚被其他人更新过" in html
    assert "colleague 已把它改为“户籍地审核签发”" in html
    assert ">已电话告知</textarea>" in html
    raced.refresh_from_db()
    assert raced.revision == 2 and raced.events.last().actor == colleague
    first.refresh_from_db()
    assert first.state_code == "signoff"


def test_an_exception_move_without_a_reason_is_refused_for_each(client, clerk, queue):
    client.force_login(clerk)
    chosen = queue["signoff"]
    html = client.post(BATCH, {"pick": picks(*chosen), "target": "refused", "confirm": "1"}).content.decode()
    for application in chosen:
        assert re.search(re.escape(application.plan.display_code) + r" 未更新：“[^”]+”须写明原因。", html)
    assert not Application.objects.filter(pk__in=[a.pk for a in chosen], is_closed=True).exists()


def test_a_batch_move_that_closes_cases_asks_first(client, clerk, queue):
    chosen = queue["accepted"][:2]
    client.force_login(clerk)
    response = client.post(BATCH + "?sort=code", {"pick": picks(*chosen), "target": "withdrawn", "note": "不办了"})
    html = response.content.decode()
    assert response.status_code == 200 and "确认结束申请" in html
    assert "改为“申请人撤回”会结束下面 2 份申请" in html
    assert 'action="/staff/batch/?sort=code"' in html and 'name="confirm" value="1"' in html
    assert 'name="note" value="不办了"' in html and 'href="/staff/?sort=code"' in html
    assert all(p in html for p in picks(*chosen))
    assert not Application.objects.filter(is_closed=True).exists()
    response = client.post(BATCH + "?sort=code", {"pick": picks(*chosen), "target": "withdrawn", "note": "不办了",
                                                   "confirm": "1"})
    assert response.status_code == 302
    for application in chosen:
        application.refresh_from_db()
        assert application.is_closed and application.events.last().note == "不办了"


def test_a_batch_move_that_keeps_cases_open_needs_no_confirmation(client, clerk, queue):
    client.force_login(clerk)
    response = client.post(BATCH, {"pick": picks(*queue["signoff"]), "target": "produce"})
    assert response.status_code == 302
    assert Application.objects.filter(state_code="produce").count() == 3


def test_another_offices_application_is_not_moved(client, clerk, queue):
    other_office = Office.objects.create(name="北京市朝阳区异地受理点", region=Region.objects.get(code="110000"))
    other = open_one(other_office, clerk)
    client.force_login(clerk)
    html = client.post(BATCH, {"pick": picks(other, queue["accepted"][0]), "target": "signoff"}).content.decode()
    assert f"{other.plan.display_code} 未更新：本受理点没有这份申请。" in html
    other.refresh_from_db()
    assert (other.state_code, other.revision) == ("apply", 1)


@pytest.mark.parametrize("data, message", [
    pytest.param({"target": "signoff"}, "请先勾选", id="nothing-ticked"),
    pytest.param({"pick": ["ABC"], "target": "signoff"}, "勾选的内容无效", id="no-revision"),
    pytest.param({"pick": ["ABC.1'; DROP"], "target": "signoff"}, "勾选的内容无效", id="garbage"),
    pytest.param({"pick": ["ABCDEFGHJKMNPQR.1"]}, "请选择要改成的状态", id="no-target"),
    pytest.param({"pick": [f"A{i}.1" for i in range(201)], "target": "x"}, "一次最多操作 200 份", id="too-many"),
])
def test_garbage_batches_say_why_and_change_nothing(client, clerk, queue, data, message):
    client.force_login(clerk)
    response = client.post(BATCH, data, follow=True)
    assert response.status_code == 200 and message in response.content.decode()
    assert Application.objects.filter(revision__gt=1).count() == 3  # the fixture's own moves only


def test_the_batch_form_carries_csrf_and_each_row_a_labelled_box(client, clerk, queue):
    client.force_login(clerk)
    html = desk(client)
    form = html.split('<form method="post" action="/staff/batch/"', 1)[1].split("</form>", 1)[0]
    assert 'name="csrfmiddlewaretoken"' in form
    for application in _all(queue):
        code = application.plan.code
        assert f'<input type="checkbox" name="pick" value="{code}.{application.revision}" id="pick-{code}">' in form
        assert f'<label for="pick-{code}" class="visually-hidden">选择 {application.plan.display_code}</label>' in form


def test_the_batch_needs_csrf(clerk, queue):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(clerk)
    assert strict.post(BATCH, {"pick": picks(queue["accepted"][0]), "target": "signoff"}).status_code == 403
    assert Application.objects.get(pk=queue["accepted"][0].pk).revision == 1


# --- contact details ------------------------------------------------------------------------------------------

def test_lists_mask_the_phone_and_the_case_page_shows_it_once_asked(client, clerk, queue):
    application = queue["accepted"][0]
    client.force_login(clerk)
    for html in (desk(client), desk(client, q="13812345678")):
        table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        assert "138****5678" in table and "13812345678" not in table
    full = client.post(reverse("staff:phone", kwargs={"code": application.plan.code})).content.decode()
    assert "13812345678" in full
    event = application.events.last()
    assert (event.label, event.actor) == ("查看完整电话", clerk) and event.at is not None
    assert "13812345678" not in desk(client)
