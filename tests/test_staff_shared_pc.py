"""The desk on a shared counter PC: nothing cached, sessions that end, look-ups limited, fresh walk-ins,
and a phone number shown in full only on request, each view recorded."""
import datetime
import time

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from procedures.models import Region
from staff import services
from staff.models import Application, Office, StaffMembership
from staff.views import SESSION_STARTED
from wizard.services import plan_create

from .test_staff import RENEWAL, STAFF_URLS, TODAY, _url
from .test_wizard import Applicant

PASSWORD = "counter-pass-2026"


@pytest.fixture
def plan(db):
    return plan_create(answers=RENEWAL, today=TODAY)


@pytest.fixture
def application(plan, office, clerk):
    return services.open_application(plan=plan, office=office, user=clerk, applicant_name="张三丰",
                                     applicant_phone="13812345678", today=TODAY)


def _no_store(response):
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize("name, kwargs", STAFF_URLS)
@pytest.mark.parametrize("who", ["anonymous", "clerk", "visitor"])
def test_every_staff_url_is_never_stored(client, application, clerk, name, kwargs, who):
    if who == "clerk":
        client.force_login(clerk)
    elif who == "visitor":
        client.force_login(User.objects.create_user("visitor"))
    url = _url(name, kwargs, application.plan)
    for response in (client.get(url), client.post(url, {"target": "signoff", "revision": 1})):
        assert _no_store(response), (url, response.status_code, response.get("Cache-Control"))


@pytest.mark.parametrize("url", ["/staff/login/", "/staff/no-such-page/", "/staff/plan/ABCDEFGHJKMNPQR/"])
def test_the_login_page_and_desk_errors_are_never_stored(client, clerk, url):
    assert _no_store(client.get(url))
    client.force_login(clerk)
    assert _no_store(client.get(url))


def test_the_applicants_pages_keep_their_caching(client, plan):
    assert not _no_store(client.get("/"))


def test_a_desk_session_ends_at_browser_close(client, clerk):
    response = client.post(reverse("staff:login"), {"username": "clerk", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert client.session.get_expire_at_browser_close()
    assert not client.cookies["sessionid"]["expires"] and not client.cookies["sessionid"]["max-age"]


def test_a_desk_session_ends_after_a_working_day(client, clerk, settings):
    client.force_login(clerk)
    assert client.get(reverse("staff:desk")).status_code == 200
    session = client.session
    session[SESSION_STARTED] = int(time.time()) - settings.STAFF_SESSION_SECONDS + 60
    session.save()
    assert client.get(reverse("staff:desk")).status_code == 200
    session = client.session
    session[SESSION_STARTED] = int(time.time()) - settings.STAFF_SESSION_SECONDS - 1
    session.save()
    response = client.get(reverse("staff:desk"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("staff:login"))
    assert "_auth_user_id" not in client.session
    assert "重新登录" in client.get(response["Location"]).content.decode()


@pytest.mark.usefixtures("one_rate_window")
def test_plan_pages_opened_by_address_count_as_look_ups(client, clerk, plan, settings):
    settings.LOOKUP_RATE_LIMIT_PER_MINUTE = 3
    client.force_login(clerk)
    url = reverse("staff:plan", kwargs={"code": plan.code})
    statuses = [client.get(url).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "查询太频繁" in client.get(reverse("staff:plan", kwargs={"code": "ABCDEFGHJKMNPQR"})).content.decode()


@pytest.mark.usefixtures("one_rate_window")
def test_a_look_up_and_the_plan_page_it_leads_to_count_once(client, clerk, plan, settings):
    settings.LOOKUP_RATE_LIMIT_PER_MINUTE = 3
    client.force_login(clerk)
    statuses = [client.get(reverse("staff:lookup"), {"code": plan.code}, follow=True).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.usefixtures("one_rate_window")
def test_a_clerks_look_ups_through_the_applicants_plan_pages_count_too(client, clerk, plan, settings):
    settings.LOOKUP_RATE_LIMIT_PER_MINUTE = 3
    client.force_login(clerk)
    client.get(reverse("staff:desk"))  # the desk marks the browser as a signed-in clerk's
    public = [reverse(name, kwargs={"code": plan.code}) for name in ("wizard:plan", "wizard:plan_print", "wizard:plan")]
    assert [client.get(url).status_code for url in public] == [200, 200, 200]
    refused = client.get(reverse("wizard:plan", kwargs={"code": plan.code}))
    assert refused.status_code == 429 and "查询太频繁" in refused.content.decode() and _no_store(refused)
    assert client.get(reverse("wizard:plan_lookup"), {"code": plan.code}).status_code == 429
    assert client.get(reverse("staff:plan", kwargs={"code": plan.code})).status_code == 429  # one limit for both


def test_applicants_reading_their_plan_are_not_counted(client, plan, settings):
    settings.LOOKUP_RATE_LIMIT_PER_MINUTE = 3
    url = reverse("wizard:plan", kwargs={"code": plan.code})
    assert [client.get(url).status_code for _ in range(6)] == [200] * 6


def test_each_walk_in_starts_fresh(client, clerk):
    client.force_login(clerk)
    walk_in = Applicant(client, base="/staff/walk-in/")
    client.get(reverse("staff:walk_in"))
    assert walk_in.answer("reason", "lost").status_code == 302
    hukou = reverse("staff:walk_in_step", kwargs={"step": "hukou_province"})
    assert client.get(hukou).status_code == 200  # the first applicant's answers reach this page
    client.get(reverse("staff:desk"))  # back to the desk mid-way; the next applicant comes up
    response = client.get(reverse("staff:walk_in"), follow=True)
    assert "上一位申请人的回答已清除" in response.content.decode()
    assert client.get(hukou)["Location"] == reverse("staff:walk_in_step", kwargs={"step": "reason"})


def test_the_look_up_field_has_focus(client, clerk):
    client.force_login(clerk)
    html = client.get(reverse("staff:desk")).content.decode()
    assert html.count("autofocus") == 1 and 'name="code"' in html.split("autofocus")[0].rsplit("<input", 1)[1]


def test_the_staff_plan_page_prints_and_leads_back_to_the_desk(client, clerk, plan):
    client.force_login(clerk)
    html = client.get(reverse("staff:plan", kwargs={"code": plan.code})).content.decode()
    assert f'href="{reverse("wizard:plan_print", kwargs={"code": plan.code})}"' in html and "打印清单" in html
    assert f'href="{reverse("staff:desk")}">返回工作台' in html


def test_an_empty_look_up_is_refused_in_chinese(client, clerk):
    client.force_login(clerk)
    html = client.get(reverse("staff:lookup"), {"code": ""}).content.decode()
    assert "请输入查询码" in html and "This field is required" not in html


def test_a_failed_look_up_still_lists_the_recent_plans(client, clerk):
    made = plan_create(answers=RENEWAL, today=TODAY, created_by=clerk)
    client.force_login(clerk)
    response = client.get(reverse("staff:lookup"), {"code": "ABCDE-FGHJK-MNPQR"})
    html = response.content.decode()
    assert response.status_code == 404
    assert made.display_code in html and "还没有代办生成的清单" not in html


def test_the_password_box_is_styled_like_the_other_boxes():
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/staff.css"), encoding="utf-8").read()
    assert 'input[type="password"]' in css


# --- contact details a clerk can use ------------------------------------------------------

def _phone_url(application):
    return reverse("staff:phone", kwargs={"code": application.plan.code})


def test_a_clerk_of_the_office_sees_the_full_number_and_the_view_is_recorded(client, clerk, application):
    client.force_login(clerk)
    page = client.get(reverse("staff:application", kwargs={"code": application.plan.code})).content.decode()
    assert "13812345678" not in page and "显示完整号码" in page
    response = client.post(_phone_url(application))
    html = response.content.decode()
    assert response.status_code == 200 and "13812345678" in html
    assert "no-store" in response["Cache-Control"]
    event = application.events.last()
    assert (event.label, event.actor, event.from_state, event.to_state) == ("查看完整电话", clerk, "apply", "apply")
    assert "查看完整电话（clerk）" in html
    application.refresh_from_db()
    assert (application.state_code, application.revision) == ("apply", 1)


def test_the_list_keeps_the_number_masked_after_a_view(client, clerk, application):
    client.force_login(clerk)
    client.post(_phone_url(application))
    desk = client.get(reverse("staff:desk")).content.decode()
    assert "13812345678" not in desk


def test_another_office_cannot_see_the_number(client, application):
    other = Office.objects.create(name="北京市朝阳区异地受理点", region=Region.objects.get(code="110000"))
    user = User.objects.create_user("other-clerk")
    user.groups.add(Group.objects.get(name="柜台工作人员"))
    StaffMembership.objects.create(user=user, office=other)
    client.force_login(user)
    assert client.post(_phone_url(application)).status_code == 404
    assert application.events.count() == 1


@pytest.mark.parametrize("who, status", [pytest.param("anonymous", 302, id="anonymous"),
                                         pytest.param("visitor", 403, id="no-permission")])
def test_the_number_needs_sign_in_and_the_permission(client, application, who, status):
    if who == "visitor":
        client.force_login(User.objects.create_user("visitor"))
    assert client.post(_phone_url(application)).status_code == status
    assert application.events.count() == 1


def test_the_number_is_shown_by_post_only(client, clerk, application):
    client.force_login(clerk)
    assert client.get(_phone_url(application)).status_code == 405
    assert application.events.count() == 1


def test_an_erased_number_cannot_be_shown(client, clerk, application):
    Application.objects.filter(pk=application.pk).update(applicant_phone="")
    client.force_login(clerk)
    response = client.post(_phone_url(application), follow=True)
    assert "没有登记电话号码" in response.content.decode()
    assert application.events.count() == 1
    application.refresh_from_db()
    with pytest.raises(services.MoveRefused):
        services.record_phone_view(application=application, user=clerk)


# --- moves that close a case, and moves that lose a race ----------------------------------------

def _move_url(application):
    return reverse("staff:move", kwargs={"code": application.plan.code})


def test_a_move_that_closes_the_case_asks_for_confirmation(client, clerk, application):
    client.force_login(clerk)
    page = client.get(reverse("staff:application", kwargs={"code": application.plan.code})).content.decode()
    assert 'name="confirm"' in page and 'id="confirm-withdrawn"' in page and 'id="confirm-signoff"' not in page
    response = client.post(_move_url(application), {"target": "withdrawn", "revision": 1, "note": "申请人不办了"})
    html = response.content.decode()
    assert response.status_code == 200 and "请勾选确认" in html and "申请人不办了</textarea>" in html
    application.refresh_from_db()
    assert (application.state_code, application.is_closed) == ("apply", False)
    response = client.post(_move_url(application),
                           {"target": "withdrawn", "revision": 1, "note": "申请人不办了", "confirm": "1"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.is_closed and application.events.last().note == "申请人不办了"


def test_a_move_that_keeps_the_case_open_needs_no_confirmation(client, clerk, application):
    client.force_login(clerk)
    assert client.post(_move_url(application), {"target": "signoff", "revision": 1}).status_code == 302
    application.refresh_from_db()
    assert application.state_code == "signoff"


def test_a_move_that_lost_the_race_keeps_the_note_and_says_who_moved_it(client, clerk, application):
    other = User.objects.create_user("colleague")
    services.move_application(application=application, target="signoff", expected_revision=1, user=other)
    client.force_login(clerk)
    response = client.post(_move_url(application), {"target": "signoff", "revision": 1, "note": "已电话告知申请人"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "刚被其他人更新" in html and "colleague 已把它改为“户籍地审核签发”" in html
    assert 'readonly>已电话告知申请人</textarea>' in html
    assert application.events.count() == 2


# --- states read as statuses; buttons name where they lead --------------------------------------

@pytest.mark.parametrize("path, status", [
    pytest.param([], "已受理", id="accepted"),
    pytest.param(["signoff"], "户籍地办理中", id="at-the-hukou-county"),
    pytest.param(["signoff", "produce"], "制证中", id="in-production"),
    pytest.param(["signoff", "produce", "deliver", "ready"], "待领取", id="ready"),
    pytest.param(["signoff", "produce", "deliver", "ready", "collect"], "已领取", id="collected"),
    pytest.param(["withdrawn"], "已结束：申请人撤回", id="withdrawn"),
])
def test_the_case_reads_as_a_status(client, clerk, application, path, status):
    for target in path:
        application = services.move_application(application=application, target=target, note="原因",
                                                 expected_revision=application.revision, user=clerk)
    client.force_login(clerk)
    html = client.get(reverse("staff:application", kwargs={"code": application.plan.code})).content.decode()
    assert f"<dd><strong>{status}</strong></dd>" in html


def test_buttons_say_what_the_case_becomes(client, clerk, application):
    for target in ["signoff", "produce", "deliver"]:
        application = services.move_application(application=application, target=target,
                                                 expected_revision=application.revision, user=clerk)
    client.force_login(clerk)
    html = client.get(reverse("staff:application", kwargs={"code": application.plan.code})).content.decode()
    assert "送达受理点（改为“待领取”）</button>" in html


def test_the_desk_and_overdue_lists_show_statuses(client, clerk, office):
    late = services.open_application(plan=plan_create(answers=RENEWAL, today=TODAY), office=office, user=clerk,
                                     today=TODAY - datetime.timedelta(days=90))
    services.move_application(application=late, target="signoff", expected_revision=1, user=clerk)
    client.force_login(clerk)
    for url in (reverse("staff:desk"), reverse("staff:overdue")):
        assert "<strong>户籍地办理中</strong>" in client.get(url).content.decode()


@pytest.mark.parametrize("rows", [5, 50])
def test_the_desk_makes_as_many_queries_for_50_rows_as_for_5(client, clerk, office, rows,
                                                             django_assert_max_num_queries):
    for _ in range(rows):
        services.open_application(plan=plan_create(answers=RENEWAL, today=TODAY, created_by=clerk), office=office,
                                  user=clerk, today=TODAY - datetime.timedelta(days=90))
    client.force_login(clerk)
    client.get(reverse("staff:desk"))  # compiles the procedure once per process, as a running site has
    with django_assert_max_num_queries(9):
        html = client.get(reverse("staff:desk")).content.decode()
    assert html.count("<strong>已受理</strong>") == rows


def test_the_desk_and_overdue_lists_come_in_pages_of_50(client, clerk, office):
    for _ in range(51):
        services.open_application(plan=plan_create(answers=RENEWAL, today=TODAY), office=office, user=clerk,
                                  today=TODAY - datetime.timedelta(days=90))
    client.force_login(clerk)
    for name in ("staff:desk", "staff:overdue"):
        url = reverse(name)
        first = client.get(url).content.decode()
        assert first.count("<strong>已受理</strong>") == 50 and f'href="{url}?page=2" rel="next"' in first
        assert "第 1 / 2 页，共 51 份" in first
        second = client.get(url, {"page": 2}).content.decode()
        assert second.count("<strong>已受理</strong>") == 1 and f'href="{url}?page=1" rel="prev"' in second
    failed_look_up = client.get(reverse("staff:lookup"), {"code": "ABCDE-FGHJK-MNPQR"}).content.decode()
    assert f'href="{reverse("staff:desk")}?page=2"' in failed_look_up
