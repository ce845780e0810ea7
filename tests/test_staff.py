"""The counter's desk: access, applications moving along their state machine, overdue, retention."""
import datetime
import threading
import time

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse

from procedures.models import Region, RegionRule
from staff import services
from staff.models import Application, ApplicationEvent, Office, StaffMembership
from staff.selectors import mask_name, mask_phone, overdue_applications
from wizard import selectors as wizard_selectors
from wizard.models import Plan
from wizard.services import plan_create

TODAY = datetime.date(2026, 11, 25)
D = datetime.date
RENEWAL = {
    "reason": "expired", "birth_date": D(1990, 3, 4), "hukou_region": "410102", "residence_region": "440305",
    "card_expiry_date": D(2026, 10, 1), "documents": ["old_card"], "has_photo_receipt": True,
    "delivery": "collect", "needed_by": None, "hardship": False,
}
HAPPY_PATH = ["signoff", "produce", "deliver", "ready", "collect"]


@pytest.fixture
def plan(db):
    return plan_create(answers=RENEWAL, today=TODAY)


@pytest.fixture
def application(plan, office, clerk):
    return services.open_application(plan=plan, office=office, user=clerk, applicant_name="张三丰",
                                     applicant_phone="13812345678", today=TODAY)


STAFF_URLS = [
    pytest.param("staff:desk", {}, id="desk"),
    pytest.param("staff:overdue", {}, id="overdue"),
    pytest.param("staff:lookup", {}, id="lookup"),
    pytest.param("staff:plan", {"code": "PLAN"}, id="plan"),
    pytest.param("staff:open_application", {"code": "PLAN"}, id="open-application"),
    pytest.param("staff:recompute", {"code": "PLAN"}, id="recompute"),
    pytest.param("staff:application", {"code": "PLAN"}, id="application"),
    pytest.param("staff:application_print", {"code": "PLAN"}, id="application-print"),
    pytest.param("staff:move", {"code": "PLAN"}, id="move"),
    pytest.param("staff:phone", {"code": "PLAN"}, id="phone"),
    pytest.param("staff:batch_move", {}, id="batch-move"),
    pytest.param("staff:walk_in", {}, id="walk-in"),
    pytest.param("staff:walk_in_step", {"step": "reason"}, id="walk-in-step"),
]


POST_ONLY = ("open-application", "recompute", "move", "phone", "batch-move")


def test_the_list_of_staff_urls_names_every_desk_page():
    from staff.urls import urlpatterns

    signing_in = {"login", "logout"}  # open to everyone (the sign-in page), or signing out
    assert {p.name for p in urlpatterns} - signing_in == {p.values[0].removeprefix("staff:") for p in STAFF_URLS}


def _url(name, kwargs, plan):
    return reverse(name, kwargs={key: plan.code if key == "code" else value for key, value in kwargs.items()})


@pytest.mark.parametrize("name, kwargs", STAFF_URLS)
def test_anonymous_is_sent_to_the_login_page(client, application, name, kwargs):
    url = _url(name, kwargs, application.plan)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


@pytest.mark.parametrize("name, kwargs", STAFF_URLS)
def test_signed_in_without_the_permission_gets_403(client, application, name, kwargs):
    client.force_login(User.objects.create_user("visitor"))
    response = client.get(_url(name, kwargs, application.plan))
    assert response.status_code == 403


@pytest.mark.parametrize("name, kwargs", STAFF_URLS)
def test_posts_need_sign_in_and_the_permission_too(client, application, name, kwargs):
    url = _url(name, kwargs, application.plan)
    response = client.post(url, {"target": "signoff", "revision": 1})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))
    client.force_login(User.objects.create_user("visitor"))
    assert client.post(url, {"target": "signoff", "revision": 1}).status_code == 403
    application.refresh_from_db()
    assert (application.state_code, application.revision) == ("apply", 1)


@pytest.mark.parametrize("name, kwargs", [p for p in STAFF_URLS if p.id not in POST_ONLY])
def test_counter_staff_can_open_every_page(client, clerk, application, name, kwargs):
    client.force_login(clerk)
    response = client.get(_url(name, kwargs, application.plan))
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("name, kwargs", [p for p in STAFF_URLS if p.id in POST_ONLY])
def test_post_only_views_refuse_get(client, clerk, application, name, kwargs):
    client.force_login(clerk)
    assert client.get(_url(name, kwargs, application.plan)).status_code == 405


def test_login_page_signs_in_and_lands_on_the_desk(client, clerk):
    response = client.post(reverse("staff:login"), {"username": "clerk", "password": "counter-pass-2026"})
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:desk")


def test_repeated_failed_logins_lock_the_account(client, clerk, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("staff:login"), {"username": "clerk", "password": "wrong"})
    response = client.post(reverse("staff:login"), {"username": "clerk", "password": "counter-pass-2026"})
    assert response.status_code == 429
    assert "暂时锁定" in response.content.decode()


def test_lookup_finds_a_plan_typed_with_dashes_and_lower_case(client, clerk, plan):
    client.force_login(clerk)
    response = client.get(reverse("staff:lookup"), {"code": plan.display_code.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:plan", kwargs={"code": plan.code})


@pytest.mark.parametrize("code, status, text", [
    pytest.param("ABCDE-FGHJK-MNPQR", 404, "找不到查询码", id="unknown"),
    pytest.param("0OIL1", 200, "应为 15 位", id="malformed"),
    pytest.param("x" * 500, 200, "应为 15 位", id="too-long"),
])
def test_lookup_refusals_say_why(client, clerk, code, status, text):
    client.force_login(clerk)
    response = client.get(reverse("staff:lookup"), {"code": code})
    assert response.status_code == status
    assert text in response.content.decode()


@pytest.mark.usefixtures("one_rate_window")
def test_lookups_are_rate_limited(client, clerk, plan, settings):
    settings.LOOKUP_RATE_LIMIT_PER_MINUTE = 3
    client.force_login(clerk)
    statuses = [client.get(reverse("staff:lookup"), {"code": plan.code}).status_code for _ in range(5)]
    assert statuses == [302, 302, 302, 429, 429]


def test_opening_an_application_from_the_desk(client, clerk, plan):
    client.force_login(clerk)
    response = client.post(reverse("staff:open_application", kwargs={"code": plan.code}),
                           {"applicant_name": "李四", "applicant_phone": "13900001111"})
    assert response.status_code == 302
    application = Application.objects.get(plan=plan)
    assert application.state_code == "apply"
    assert application.opened_by == clerk
    assert application.accepted_on == datetime.date.today()
    assert list(application.events.values_list("to_state", flat=True)) == ["apply"]


def test_open_application_rejects_a_bad_phone_number_with_a_message(client, clerk, plan):
    client.force_login(clerk)
    response = client.post(reverse("staff:open_application", kwargs={"code": plan.code}),
                           {"applicant_phone": "call me maybe"})
    assert response.status_code == 200
    assert "电话号码只能包含数字" in response.content.decode()
    assert not Application.objects.exists()


def test_a_plan_is_accepted_only_once(plan, office, clerk, application):
    with pytest.raises(services.MoveRefused, match="已经受理过"):
        services.open_application(plan=plan, office=office, user=clerk, today=TODAY)


def test_due_dates_follow_the_plan_moved_to_the_acceptance_date(plan, office, clerk):
    later = TODAY + datetime.timedelta(days=10)
    application = services.open_application(plan=plan, office=office, user=clerk, today=later)
    assert application.statutory_due == D.fromisoformat(plan.result["statutory_deadline"]) + datetime.timedelta(10)
    assert application.card_ready_due == D.fromisoformat(plan.result["card_ready_by"]) + datetime.timedelta(10)


def test_every_allowed_move_along_the_happy_path(application, clerk):
    for target in HAPPY_PATH:
        application = services.move_application(application=application, target=target,
                                                 expected_revision=application.revision, user=clerk)
        assert application.state_code == target
    assert application.is_closed
    assert application.collected_on == datetime.date.today()
    assert [e.to_state for e in application.events.all()] == ["apply", *HAPPY_PATH]


@pytest.mark.parametrize("path, refused, message", [
    pytest.param([], "produce", "不能这样流转", id="skip-sign-off"),
    pytest.param([], "collect", "不能这样流转", id="collect-before-production"),
    pytest.param(["signoff"], "apply", "不能这样流转", id="backwards"),
    pytest.param([], "nowhere", "不能这样流转", id="unknown-state"),
    pytest.param(["signoff"], "refused", "须写明原因", id="refuse-without-reason"),
    pytest.param([], "withdrawn", "须写明原因", id="withdraw-without-reason"),
    pytest.param(HAPPY_PATH, "ready", "不能这样流转", id="after-collection"),
])
def test_refused_moves_change_nothing(application, clerk, path, refused, message):
    for target in path:
        application = services.move_application(application=application, target=target,
                                                 expected_revision=application.revision, user=clerk)
    before = (application.state_code, application.revision, application.events.count())
    with pytest.raises(services.MoveRefused, match=message):
        services.move_application(application=application, target=refused,
                                  expected_revision=application.revision, user=clerk)
    application.refresh_from_db()
    assert (application.state_code, application.revision, application.events.count()) == before


@pytest.mark.parametrize("path, target", [
    pytest.param(["signoff"], "refused", id="refused-by-hukou-county"),
    pytest.param([], "withdrawn", id="withdrawn"),
])
def test_exception_moves_with_a_reason_close_the_application(application, clerk, path, target):
    for step in path:
        application = services.move_application(application=application, target=step,
                                                 expected_revision=application.revision, user=clerk)
    application = services.move_application(application=application, target=target, note="照片不合格",
                                             expected_revision=application.revision, user=clerk)
    assert application.is_closed
    assert application.events.last().note == "照片不合格"


def test_a_move_based_on_an_old_copy_is_refused_by_the_database(application, clerk):
    stale = Application.objects.get(pk=application.pk)  # loaded by a second clerk before the first move
    services.move_application(application=application, target="signoff", expected_revision=1, user=clerk)
    with pytest.raises(services.StaleApplication, match="刚被其他人更新"):
        services.move_application(application=stale, target="signoff", expected_revision=1, user=clerk)
    assert application.events.count() == 2


def test_the_move_form_reports_a_stale_page_politely(client, clerk, application):
    client.force_login(clerk)
    url = reverse("staff:move", kwargs={"code": application.plan.code})
    client.post(url, {"target": "signoff", "revision": 1})
    response = client.post(url, {"target": "signoff", "revision": 1}, follow=True)
    assert response.status_code == 200
    assert "刚被其他人更新" in response.content.decode()
    assert Application.objects.get(pk=application.pk).state_code == "signoff"


@pytest.mark.parametrize("data", [
    pytest.param({}, id="empty"),
    pytest.param({"target": "signoff", "revision": "abc"}, id="bad-revision"),
    pytest.param({"target": "x" * 500, "revision": 1}, id="long-target"),
])
def test_garbage_moves_never_fail_loudly(client, clerk, application, data):
    client.force_login(clerk)
    response = client.post(reverse("staff:move", kwargs={"code": application.plan.code}), data, follow=True)
    assert response.status_code == 200
    assert Application.objects.get(pk=application.pk).state_code == "apply"


def test_another_office_cannot_see_the_application(client, application):
    other = Office.objects.create(name="北京市朝阳区异地受理点", region=Region.objects.get(code="110000"))
    user = User.objects.create_user("other-clerk")
    user.groups.add(Group.objects.get(name="柜台工作人员"))
    StaffMembership.objects.create(user=user, office=other)
    client.force_login(user)
    assert client.get(reverse("staff:application", kwargs={"code": application.plan.code})).status_code == 404


def test_history_is_never_edited_or_deleted(application):
    event = application.events.get()
    event.note = "changed"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_the_database_refuses_to_update_history(application):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        ApplicationEvent.objects.filter(application=application).update(note="rewritten")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_staff_moving_at_once_exactly_one_wins(office, clerk):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL (run with DATABASE_URL=postgres://...)")
    from django.db import transaction

    application = services.open_application(plan=plan_create(answers=RENEWAL, today=TODAY), office=office,
                                            user=clerk, today=TODAY)
    first_holds_lock, release = threading.Event(), threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                services.move_application(application=Application.objects.get(pk=application.pk),
                                          target="signoff", expected_revision=1, user=clerk)
                first_holds_lock.set()
                release.wait(10)  # keep the row locked until the second clerk is seen waiting for it
            outcome["first"] = "moved"
        finally:
            connections.close_all()

    def second():
        try:
            try:
                services.move_application(application=Application.objects.get(pk=application.pk),
                                          target="signoff", expected_revision=1, user=clerk)
                outcome["second"] = "moved"
            except services.StaleApplication:
                outcome["second"] = "stale"
        finally:
            connections.close_all()

    def backends_waiting_for_a_lock():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND wait_event_type = 'Lock'")
            return cursor.fetchone()[0]

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert first_holds_lock.wait(10)
    threads[1].start()
    blocked = False
    for _attempt in range(200):  # the second move must block on the first one's row lock
        if backends_waiting_for_a_lock():
            blocked = True
            break
        time.sleep(0.05)
    release.set()
    for thread in threads:
        thread.join(10)
    assert blocked, "the second move should have waited for the first one's row lock"
    assert outcome["first"] == "moved"
    assert outcome["second"] == "stale"
    application.refresh_from_db()
    assert application.state_code == "signoff"
    assert application.revision == 2
    assert list(application.events.values_list("to_state", flat=True)) == ["apply", "signoff"]


def test_overdue_lists_late_applications_oldest_first(office, clerk):
    made = []
    for days_ago in (50, 90, 5):
        plan = plan_create(answers=RENEWAL, today=TODAY)
        made.append(services.open_application(plan=plan, office=office, user=clerk,
                                              today=TODAY - datetime.timedelta(days=days_ago)))
    closed = services.open_application(plan=plan_create(answers=RENEWAL, today=TODAY), office=office,
                                       user=clerk, today=TODAY - datetime.timedelta(days=100))
    services.move_application(application=closed, target="withdrawn", note="不办了", expected_revision=1,
                              user=clerk)
    with time_machine.travel(datetime.datetime(2026, 11, 25, 10, tzinfo=datetime.UTC), tick=False):
        overdue = list(overdue_applications(office))
    assert overdue == [made[1], made[0]]


def test_overdue_page_shows_the_late_application(client, office, clerk):
    late = services.open_application(plan=plan_create(answers=RENEWAL, today=TODAY), office=office,
                                     user=clerk, today=TODAY - datetime.timedelta(days=90))
    client.force_login(clerk)
    with time_machine.travel(datetime.datetime(2026, 11, 25, 10, tzinfo=datetime.UTC), tick=False):
        response = client.get(reverse("staff:overdue"))
    assert late.plan.display_code in response.content.decode()


def test_the_applicant_sees_no_personal_data_and_lists_mask_it(client, clerk, application):
    client.force_login(clerk)
    desk = client.get(reverse("staff:desk")).content.decode()
    assert "张三丰" not in desk and "13812345678" not in desk
    assert "张**" in desk
    page = client.get(reverse("staff:application", kwargs={"code": application.plan.code})).content.decode()
    assert "138****5678" in page and "13812345678" not in page


@pytest.mark.parametrize("value, masked", [
    pytest.param("张三丰", "张**", id="name"), pytest.param("", "", id="empty"),
    pytest.param("13812345678", "138****5678", id="mobile"), pytest.param("1234", "****", id="short"),
    pytest.param("李", "李", id="one-character-name"),
])
def test_masking(value, masked):
    assert (mask_phone if value.isdigit() else mask_name)(value) == masked


def test_retention_command_erases_personal_data_after_collection(application, clerk, settings):
    for target in HAPPY_PATH:
        application = services.move_application(application=application, target=target,
                                                 expected_revision=application.revision, user=clerk)
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    Application.objects.filter(pk=application.pk).update(closed_on=datetime.date.today() - datetime.timedelta(29))
    call_command("erase_personal_data")
    application.refresh_from_db()
    assert application.applicant_name == "张三丰"
    Application.objects.filter(pk=application.pk).update(closed_on=datetime.date.today() - datetime.timedelta(30))
    call_command("erase_personal_data")
    application.refresh_from_db()
    assert (application.applicant_name, application.applicant_phone) == ("", "")
    assert application.personal_data_erased_on == datetime.date.today()
    assert application.events.count() == 1 + len(HAPPY_PATH)


def test_retention_command_also_erases_withdrawn_applications(application, clerk, settings):
    services.move_application(application=application, target="withdrawn", note="不办了", expected_revision=1,
                              user=clerk, today=TODAY)
    application.refresh_from_db()
    assert application.closed_on == TODAY and application.collected_on is None
    call_command("erase_personal_data", days=30)
    application.refresh_from_db()
    assert application.applicant_name == "张三丰"
    Application.objects.filter(pk=application.pk).update(closed_on=datetime.date.today() - datetime.timedelta(30))
    call_command("erase_personal_data", days=30)
    application.refresh_from_db()
    assert (application.applicant_name, application.applicant_phone) == ("", "")


def test_accepting_a_plan_twice_says_so(plan, office, clerk, client):
    services.open_application(plan=plan, office=office, user=clerk, today=TODAY)
    with pytest.raises(services.MoveRefused, match="已经受理过了"):
        services.open_application(plan=plan, office=office, user=clerk, today=TODAY)
    client.force_login(clerk)
    response = client.post(reverse("staff:open_application", kwargs={"code": plan.code}), follow=True)
    assert response.status_code == 200
    assert "已经受理过了" in response.content.decode()
    assert Application.objects.filter(plan=plan).count() == 1


def test_accepting_while_another_clerk_just_did_is_refused_not_a_crash(plan, office, clerk):
    """The existence check can pass for both clerks; the one-to-one constraint then decides."""
    from unittest import mock

    services.open_application(plan=plan, office=office, user=clerk, today=TODAY)
    real_filter = Application.objects.filter

    def filter_that_misses_the_other_clerks_row(*args, **kwargs):
        return real_filter(pk__in=[]) if kwargs == {"plan": plan} else real_filter(*args, **kwargs)

    with mock.patch.object(Application.objects, "filter", side_effect=filter_that_misses_the_other_clerks_row):
        with pytest.raises(services.MoveRefused, match="已经受理过了"):
            services.open_application(plan=plan, office=office, user=clerk, today=TODAY)
    assert Application.objects.filter(plan=plan).count() == 1


def _ready(application, clerk):
    for target in HAPPY_PATH[:-1]:
        application = services.move_application(application=application, target=target,
                                                 expected_revision=application.revision, user=clerk)
    return application


def test_mail_is_not_offered_to_someone_who_chose_to_collect(application, clerk):
    application = _ready(application, clerk)
    assert [t.target for t in services.allowed_moves(application)] == ["collect"]
    with pytest.raises(services.MoveRefused):
        services.move_application(application=application, target="mailed",
                                  expected_revision=application.revision, user=clerk)


def test_a_mailed_card_closes_the_application(office, clerk):
    # The seeded content records mail only where a source says so: let Shenzhen offer it here.
    RegionRule.objects.create(region=Region.objects.get(code="440300"), topic="mail_delivery", source="测试数据")
    plan = plan_create(answers={**RENEWAL, "delivery": "mail"}, today=TODAY)
    application = _ready(services.open_application(plan=plan, office=office, user=clerk, today=TODAY), clerk)
    assert "mailed" in [t.target for t in services.allowed_moves(application)]
    application = services.move_application(application=application, target="mailed",
                                            expected_revision=application.revision, user=clerk, today=TODAY)
    assert application.is_closed and application.closed_on == TODAY
    assert application.collected_on == TODAY


def test_retention_command_keeps_open_applications(application):
    call_command("erase_personal_data", days=0)
    application.refresh_from_db()
    assert application.applicant_name == "张三丰"



def test_walk_in_wizard_records_that_staff_made_the_plan(client, clerk):
    from .test_wizard import Applicant, expiring_to_shenzhen

    client.force_login(clerk)
    assert "代办模式" in client.get(reverse("staff:walk_in"), follow=True).content.decode()
    walk_in = Applicant(client, base="/staff/walk-in/")
    for step, value in expiring_to_shenzhen():
        assert walk_in.answer(step, value).status_code == 302
    response = walk_in.post("summary")
    plan = Plan.objects.get()
    assert response.url == reverse("staff:plan", kwargs={"code": plan.code})
    assert (plan.channel, plan.created_by) == (Plan.Channel.STAFF, clerk)
    # The clerk's own applicant wizard is untouched, and the plan shows on the desk.
    assert "wizard_apply_wizard" not in client.session
    assert plan.display_code in client.get(reverse("staff:desk")).content.decode()


def test_walk_in_wizard_needs_the_desk_permission(client, db):
    client.force_login(User.objects.create_user("visitor"))
    assert client.get(reverse("staff:walk_in"), follow=True).status_code == 403


def test_the_applicant_sees_state_and_dates_but_no_personal_data(client, clerk, application):
    services.move_application(application=application, target="signoff", expected_revision=1, user=clerk,
                              note="内部备注：已电话联系")
    html = client.get(reverse("wizard:plan", kwargs={"code": application.plan.code})).content.decode()
    assert "办理进度" in html and "户籍地审核签发" in html
    assert f'datetime="{application.accepted_on.isoformat()}"' in html
    for private in ("张三丰", "张**", "13812345678", "138****5678", "内部备注", "clerk"):
        assert private not in html


def test_a_plan_without_an_application_shows_no_progress(client, plan):
    assert "办理进度" not in client.get(reverse("wizard:plan", kwargs={"code": plan.code})).content.decode()


def test_the_print_sheet_names_the_office_of_the_clerk_printing_it(client, clerk, office, plan):
    url = reverse("wizard:plan_print", kwargs={"code": plan.code})
    assert office.name not in client.get(url).content.decode()
    client.force_login(clerk)
    client.get(reverse("staff:desk"))  # signed in at the desk (which marks the browser so)
    assert office.name in client.get(url).content.decode()


def test_without_the_desks_readers_a_plan_shows_no_application_and_no_office(
        client, clerk, office, application, monkeypatch):
    monkeypatch.setattr(wizard_selectors, "_readers", {})
    client.force_login(clerk)
    code = application.plan.code
    assert "办理进度" not in client.get(reverse("wizard:plan", kwargs={"code": code})).content.decode()
    assert office.name not in client.get(reverse("wizard:plan_print", kwargs={"code": code})).content.decode()


def test_a_clerk_who_scans_the_qr_code_can_go_on_to_the_desk(client, clerk, plan):
    desk = reverse("staff:plan", kwargs={"code": plan.code})
    public = reverse("wizard:plan", kwargs={"code": plan.code})
    assert desk not in client.get(public).content.decode()
    client.force_login(clerk)
    client.get(reverse("staff:desk"))  # signed in at the desk (which marks the browser so)
    assert desk in client.get(public).content.decode()


def test_the_staff_plan_page_shows_no_fee_line_for_a_plan_without_one(client, clerk):
    plan = plan_create(answers={"reason": "lost", "hukou_region": "810000"}, today=TODAY)
    client.force_login(clerk)
    page = client.get(reverse("staff:plan", kwargs={"code": plan.code})).content.decode()
    assert "None" not in page and "工本费" not in page


@pytest.mark.parametrize("count, forwarded, remote, expected", [
    pytest.param(0, "203.0.113.9", "10.0.0.1", "10.0.0.1", id="no-proxy-ignores-the-header"),
    pytest.param(1, "198.51.100.7, 203.0.113.9", "10.0.0.1", "203.0.113.9", id="one-proxy-rightmost"),
    pytest.param(1, "", "10.0.0.1", "10.0.0.1", id="no-header"),
    pytest.param(2, "203.0.113.9", "10.0.0.1", "10.0.0.1", id="header-shorter-than-the-count"),
])
def test_lockout_counts_the_client_behind_the_proxy(rf, settings, count, forwarded, remote, expected):
    from staff.client_ip import client_ip

    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected


def test_one_client_behind_the_proxy_cannot_lock_out_another(client, clerk, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("staff:login"), {"username": "clerk", "password": "wrong"},
                    HTTP_X_FORWARDED_FOR="198.51.100.7")
    locked = client.post(reverse("staff:login"), {"username": "clerk", "password": "counter-pass-2026"},
                         HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert locked.status_code == 429
    other = client.post(reverse("staff:login"), {"username": "clerk", "password": "counter-pass-2026"},
                        HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert other.status_code == 302


# --- the applicant's status, kept between views of a plan page ----------------------------------

def test_the_status_on_a_plan_page_is_kept_between_views_and_dropped_by_every_move(
        plan, office, clerk, django_capture_on_commit_callbacks):
    from django.test.utils import CaptureQueriesContext

    from staff import selectors

    assert selectors.status_for_applicant(plan) is None  # not accepted yet: kept as such
    with django_capture_on_commit_callbacks(execute=True):
        application = services.open_application(plan=plan, office=office, user=clerk, today=TODAY)
    first = selectors.status_for_applicant(plan)
    assert first["state_name"] == application.state_name  # the acceptance dropped the kept "none"
    with CaptureQueriesContext(connection) as queries:
        assert selectors.status_for_applicant(plan) == first
    assert len(queries) == 0  # kept

    target = services.allowed_moves(application)[0].target
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.move_application(application=application, target=target,
                                          expected_revision=application.revision, user=clerk)
    assert selectors.status_for_applicant(plan)["state_name"] == moved.state_name != first["state_name"]

    with django_capture_on_commit_callbacks(execute=True):
        Application.objects.get(pk=application.pk).save()  # the admin, say
    with CaptureQueriesContext(connection) as queries:
        selectors.status_for_applicant(plan)
    assert len(queries) == 1  # read again
