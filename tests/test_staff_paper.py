"""Trustworthy paper: a case prints its own office and dates; a plan made on another day, version or city
says so on the desk, and a clerk can recompute it for today, keeping the old one."""
import datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.urls import reverse

from procedures import services as procedure_services
from procedures.models import Fee, Region
from procedures.selectors import live_version
from staff import selectors, services
from staff.models import ApplicationEvent, Office, StaffMembership
from wizard.models import Plan
from wizard.services import plan_create

from .test_staff import RENEWAL, TODAY

# Two months after the plans below were made for TODAY: a working Monday in China's time zone.
LATER = datetime.date(2027, 1, 25)
DAYS = (LATER - TODAY).days


@pytest.fixture(autouse=True)
def sessions_in_the_database(settings):
    """Keep sessions where travelling in time does not age them (the file backend reads the files' real times)."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(2, 0), tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def plan(db):
    return plan_create(answers=RENEWAL, today=TODAY)


@pytest.fixture
def late_case(plan, office, clerk):
    """The plan made on TODAY, accepted two months later."""
    return services.open_application(plan=plan, office=office, user=clerk, today=LATER)


def _time(day):
    return f'<time datetime="{day.isoformat()}">'


def _page(client, name, code):
    return client.get(reverse(name, kwargs={"code": code})).content.decode()


# --- printing from a case -------------------------------------------------------------------

def test_a_case_prints_its_own_dates_and_office(client, clerk, office, late_case):
    plan = late_case.plan.computed
    with at(LATER):
        client.force_login(clerk)
        sheet = _page(client, "staff:application_print", late_case.plan.code)
    assert office.name in sheet
    assert _time(late_case.card_ready_due) in sheet and _time(late_case.statutory_due) in sheet
    assert _time(LATER) in sheet  # the day to go is the day it was accepted
    assert _time(plan.card_ready.date) not in sheet and _time(plan.deadline.date) not in sheet
    assert "受理日期" in sheet


MOVED = "顺延到受理日期估算"


def test_a_case_accepted_after_its_plans_day_says_its_dates_are_moved_estimates(client, clerk, late_case):
    with at(LATER):
        client.force_login(clerk)
        sheet = _page(client, "staff:application_print", late_case.plan.code)
    assert f"日期由原清单（按 {TODAY.year}年{TODAY.month}月{TODAY.day}日 去办理计算）{MOVED}" in sheet
    assert "请先在申请页“按今天重新计算”，再打印" in sheet  # on screen, for the clerk


def test_a_case_recomputed_after_its_acceptance_is_not_told_to_recompute_again(client, clerk, late_case):
    with at(LATER + datetime.timedelta(days=7)):
        client.force_login(clerk)
        new = services.recompute_plan(plan=late_case.plan, office=late_case.office, user=clerk)
        sheet = _page(client, "staff:application_print", new.code)
    assert MOVED in sheet  # the new plan's dates, moved back to the day of acceptance, are estimates too
    assert "按今天重新计算" not in sheet  # but the case page offers no recompute, so neither does the sheet


def test_a_case_accepted_on_its_plans_day_prints_exact_dates(client, clerk, office, plan):
    with at(TODAY):
        case = services.open_application(plan=plan, office=office, user=clerk, today=TODAY)
        client.force_login(clerk)
        sheet = _page(client, "staff:application_print", case.plan.code)
    assert _time(plan.computed.card_ready.date) in sheet
    assert MOVED not in sheet and "按今天重新计算" not in sheet


def test_the_moved_timeline_matches_the_case_and_keeps_the_applicants_own_dates(late_case):
    old = late_case.plan.computed
    printed = selectors.plan_as_accepted(late_case)
    assert printed.apply_date == late_case.accepted_on
    assert (printed.card_ready.date, printed.deadline.date) == (late_case.card_ready_due, late_case.statutory_due)
    assert [s.latest for s in printed.steps] == [s.latest + datetime.timedelta(days=DAYS) for s in old.steps]
    assert printed.renewal_window_opens == old.renewal_window_opens and printed.needed_by == old.needed_by


def test_the_case_page_and_an_accepted_plans_page_print_from_the_case(client, clerk, late_case):
    client.force_login(clerk)
    printed = reverse("staff:application_print", kwargs={"code": late_case.plan.code})
    assert f'href="{printed}"' in _page(client, "staff:application", late_case.plan.code)
    assert f'href="{printed}"' in _page(client, "staff:plan", late_case.plan.code)


def sign_in_at_another_office(client):
    """Sign in a clerk of Guangzhou's office, with the same rights as the Shenzhen clerk."""
    other = Office.objects.create(name="广州市天河区异地受理点", region=Region.objects.get(code="440100"))
    user = User.objects.create_user("other-clerk")
    user.groups.add(*User.objects.get(username="clerk").groups.all())
    StaffMembership.objects.create(user=user, office=other)
    client.force_login(user)


def test_another_office_cannot_print_the_case(client, late_case):
    sign_in_at_another_office(client)
    assert client.get(reverse("staff:application_print", kwargs={"code": late_case.plan.code})).status_code == 404


# --- what makes a plan stale ----------------------------------------------------------------

def test_a_current_plan_raises_no_warning(client, clerk, office):
    with at(TODAY):
        fresh = plan_create(answers=RENEWAL, today=TODAY)
        assert selectors.stale_reasons(fresh, office) == []
        client.force_login(clerk)
        assert "可能已经不准" not in _page(client, "staff:plan", fresh.code)


def test_a_plan_for_a_day_gone_by_is_flagged(client, clerk, plan):
    with at(LATER):
        client.force_login(clerk)
        html = _page(client, "staff:plan", plan.code)
    assert "可能已经不准" in html and "这一天已经过去" in html
    assert f'action="{reverse("staff:recompute", kwargs={"code": plan.code})}"' in html


def test_a_case_is_flagged_when_its_plan_was_for_an_earlier_day_than_its_acceptance(client, clerk, late_case):
    with at(LATER):
        client.force_login(clerk)
        assert "这一天已经过去" in _page(client, "staff:application", late_case.plan.code)


def test_a_case_accepted_on_its_plans_day_is_not_flagged_for_the_day(client, clerk, office, plan):
    case = services.open_application(plan=plan, office=office, user=clerk, today=plan.computed.apply_date)
    with at(LATER):
        client.force_login(clerk)
        assert "这一天已经过去" not in _page(client, "staff:application", case.plan.code)


def test_a_plan_on_an_older_version_is_flagged(client, clerk, admin_user):
    with at(TODAY):
        old = plan_create(answers=RENEWAL, today=TODAY)
        draft = procedure_services.draft_create(source=live_version(old.procedure_slug, TODAY), user=admin_user)
        Fee.objects.filter(procedure=draft, code="renewal").update(amount_yuan=25)
        procedure_services.procedure_publish(procedure=draft, user=admin_user, today=TODAY)
        client.force_login(clerk)
        html = _page(client, "staff:plan", old.code)
    assert f"按第 {old.procedure_version} 版规则计算，现行的是第 {draft.version} 版" in html


def test_a_plan_for_another_city_is_flagged(client, clerk):
    with at(TODAY):
        guangzhou = plan_create(answers={**RENEWAL, "residence_region": "440106"}, today=TODAY)
        client.force_login(clerk)
        html = _page(client, "staff:plan", guangzhou.code)
    assert "按居住地“广东省广州市天河区”计算，与本受理点所在的“广东省深圳市”不同" in html
    assert "这一天已经过去" not in html


# --- recomputing ----------------------------------------------------------------------------

def _recompute(client, plan):
    return client.post(reverse("staff:recompute", kwargs={"code": plan.code}))


def test_recomputing_a_plan_makes_a_new_one_for_today_in_the_offices_city(client, clerk, office):
    with at(TODAY):
        guangzhou = plan_create(answers={**RENEWAL, "residence_region": "440106"}, today=TODAY)
    with at(LATER):
        client.force_login(clerk)
        response = _recompute(client, guangzhou)
    new = Plan.objects.exclude(pk=guangzhou.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("staff:plan", kwargs={"code": new.code})
    assert new.computed_for == LATER and new.computed.apply_date >= LATER
    assert new.answers["residence_region"] == office.region.code
    assert new.created_by == clerk and new.channel == Plan.Channel.STAFF
    # The same answers, less those the office's city does not ask about.
    assert {"reason", "birth_date", "hukou_region", "documents"} <= new.answers.keys()
    assert all(guangzhou.answers[key] == value for key, value in new.answers.items() if key != "residence_region")
    kept = Plan.objects.get(pk=guangzhou.pk)
    assert (kept.result, kept.answers) == (guangzhou.result, guangzhou.answers)  # the old plan is kept as it was
    with at(LATER):
        assert selectors.stale_reasons(new, office) == []


def test_recomputing_a_case_links_the_new_plan_and_records_the_old_one(client, clerk, late_case):
    old = late_case.plan
    with at(LATER):
        client.force_login(clerk)
        response = _recompute(client, old)
    late_case.refresh_from_db()
    new = late_case.plan
    assert new != old and new.computed_for == LATER
    assert response["Location"] == reverse("staff:application", kwargs={"code": new.code})
    event = late_case.events.last()
    assert event.replaced_plan == old and event.actor == clerk and old.display_code in event.note
    assert late_case.state_code == "apply" and late_case.accepted_on == LATER  # the case goes on as it was
    with at(LATER):
        case_page = _page(client, "staff:application", new.code)
        old_page = _page(client, "staff:plan", old.code)
    assert f'href="{reverse("staff:plan", kwargs={"code": old.code})}"' in case_page
    assert "这一天已经过去" not in case_page
    assert f'href="{reverse("staff:plan", kwargs={"code": new.code})}"' in old_page and "查看新清单" in old_page
    with at(LATER):  # the old code, as on the applicant's first paper, leads to the case
        assert client.get(reverse("staff:application", kwargs={"code": old.code}))["Location"] == \
            reverse("staff:application", kwargs={"code": new.code})


def test_a_case_is_recomputed_once_when_the_button_is_pressed_twice(clerk, office, late_case):
    old = late_case.plan
    services.recompute_plan(plan=old, office=office, user=clerk, today=LATER)
    with pytest.raises(services.MoveRefused):
        services.recompute_plan(plan=old, office=office, user=clerk, today=LATER)
    assert Plan.objects.count() == 2 and ApplicationEvent.objects.filter(replaced_plan=old).count() == 1


def test_a_recompute_whose_answers_no_longer_hold_is_refused_and_makes_nothing(client, clerk, office):
    with at(TODAY):
        plan = plan_create(answers=RENEWAL, today=TODAY)
    Plan.objects.filter(pk=plan.pk).update(answers={**plan.answers, "birth_date": "2030-01-01"})
    with pytest.raises(services.MoveRefused):
        services.recompute_plan(plan=Plan.objects.get(pk=plan.pk), office=office, user=clerk, today=LATER)
    assert Plan.objects.count() == 1


def test_a_past_day_id_was_needed_is_dropped_on_recompute(clerk, office):
    plan = plan_create(answers={**RENEWAL, "needed_by": TODAY + datetime.timedelta(days=10)}, today=TODAY)
    new = services.recompute_plan(plan=plan, office=office, user=clerk, today=LATER)
    assert plan.answers["needed_by"] and "needed_by" not in new.answers


def test_another_office_cannot_recompute_a_case(client, late_case):
    sign_in_at_another_office(client)
    response = _recompute(client, late_case.plan)
    assert response.status_code == 302
    late_case.refresh_from_db()
    assert Plan.objects.count() == 1 and late_case.events.count() == 1


def test_recompute_needs_a_post_with_a_csrf_token(clerk, plan):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    url = reverse("staff:recompute", kwargs={"code": plan.code})
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assert Plan.objects.count() == 1
