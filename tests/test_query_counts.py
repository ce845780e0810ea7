"""SQL queries per page do not grow with the size of a procedure.

The same pages are requested for a plan of the seeded content (a handful of
states) and for a plan of a generated procedure a hundred times larger (400
states, 2,000 transitions, published and tried first, so it is the one chosen),
each after one warm-up request, as a worker serves them in steady state. Every
page must make exactly as many queries in both cases: no query per state,
transition, step or document.
"""
import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.generate import ANSWERS, generate_procedure
from bench.prepare import STEP, Wizard, wizard_steps
from procedures import questions
from procedures.models import Region
from procedures.selectors import clear_caches
from staff import services
from staff.models import Office, StaffMembership
from wizard.services import RegionLookup, plan_create

pytestmark = pytest.mark.django_db

LARGE_STATES = 400


@pytest.fixture
def clerk(db):
    office = Office.objects.create(name="深圳市南山区异地受理点", region=Region.objects.get(code="440300"))
    user = User.objects.create_user("clerk", password="counter-pass-2026")
    user.groups.add(Group.objects.get(name="柜台工作人员"))
    StaffMembership.objects.create(user=user, office=office)
    return user


def make_plan_and_application(clerk):
    today = timezone.localdate()
    raw = dict(ANSWERS, card_expiry_date=(today + datetime.timedelta(days=40)).isoformat())
    answers, problems = questions.clean_answers(raw, today=today, regions=RegionLookup(today))
    assert problems == []
    plan = plan_create(answers=answers, today=today)
    application = services.open_application(plan=plan, office=clerk.staff_membership.office, user=clerk,
                                            applicant_name="张三", applicant_phone="13812345678", today=today)
    return plan, application


def queries_per_page(client, clerk, plan):
    """Return {page: (status, queries)}, each counted on the second of two identical requests."""
    client.logout()
    wizard = Wizard(client)
    for step, fields in wizard_steps(timezone.localdate()):
        wizard.answer(step, fields)
    pages = {
        "plan": f"/plan/{plan.code}/",
        "print": f"/plan/{plan.code}/print/",
        "wizard step": f"/apply/{STEP}/",
    }
    counts = {}
    for name, path in pages.items():
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        counts[name] = (response.status_code, len(captured))
    client.force_login(clerk)
    for name, path in {"staff application": f"/staff/applications/{plan.code}/",
                       "staff plan": f"/staff/plan/{plan.code}/"}.items():
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        counts[name] = (response.status_code, len(captured))
    return counts


def test_queries_per_page_do_not_grow_with_the_procedure(client, clerk):
    small_plan, _application = make_plan_and_application(clerk)
    small_steps = len(small_plan.result["steps"])
    small = queries_per_page(client, clerk, small_plan)

    generate_procedure(states=LARGE_STATES, per_state=5, slug="generated", priority=0, published=True)
    clear_caches()
    large_plan, _application = make_plan_and_application(clerk)
    assert large_plan.procedure_slug == "generated"
    assert len(large_plan.result["steps"]) == LARGE_STATES > 20 * small_steps
    large = queries_per_page(client, clerk, large_plan)

    assert all(status == 200 for status, _count in small.values()), small
    assert all(status == 200 for status, _count in large.values()), large
    assert {page: count for page, (_s, count) in large.items()} == \
        {page: count for page, (_s, count) in small.items()}, (small, large)
    # A wizard step reads the session, the regions' stamp and the procedures' stamp, nothing else.
    assert small["wizard step"][1] <= 3, small
