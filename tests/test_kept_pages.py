"""Plan pages kept in the cache: the same page as a fresh render, live parts always current, keys that move."""
import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from procedures.models import Region
from staff import services
from staff.models import Office, StaffMembership
from wizard import kept_pages
from wizard.services import plan_create

TODAY = datetime.date(2026, 11, 25)
RENEWAL = {
    "reason": "expired", "birth_date": datetime.date(1990, 3, 4), "hukou_region": "410102",
    "residence_region": "440305", "card_expiry_date": datetime.date(2026, 10, 1), "documents": ["old_card"],
    "has_photo_receipt": True, "delivery": "collect", "needed_by": None, "hardship": False,
}
DESK_LINK = "在受理点工作台打开"

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(db):
    return plan_create(answers=RENEWAL, today=TODAY)


@pytest.fixture
def clerk(db):
    office = Office.objects.create(name="深圳市南山区异地受理点", region=Region.objects.get(code="440300"))
    user = User.objects.create_user("clerk", password="counter-pass-2026")
    user.groups.add(Group.objects.get(name="柜台工作人员"))
    StaffMembership.objects.create(user=user, office=office)
    return user


@pytest.mark.parametrize("suffix", ["", "print/"])
def test_a_kept_page_is_the_page_and_reads_no_plan(client, plan, suffix):
    url = f"/plan/{plan.code}/{suffix}"
    fresh = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as captured:
        kept = client.get(url).content.decode()
    assert kept == fresh
    assert "<!--live:" not in kept
    assert not any("wizard_plan" in query["sql"] for query in captured.captured_queries)


def test_the_application_state_is_always_current(client, plan, clerk):
    url = f"/plan/{plan.code}/"
    assert "办理进度" not in client.get(url).content.decode()
    services.open_application(plan=plan, office=clerk.staff_membership.office, user=clerk, today=TODAY)
    page = client.get(url).content.decode()
    assert "办理进度" in page and "受理" in page


def test_staff_links_and_office_are_per_person(client, plan, clerk):
    anonymous = client.get(f"/plan/{plan.code}/").content.decode()
    anonymous_print = client.get(f"/plan/{plan.code}/print/").content.decode()
    client.force_login(clerk)
    client.get("/staff/")  # the desk marks the browser as a signed-in clerk's
    staff = client.get(f"/plan/{plan.code}/").content.decode()
    staff_print = client.get(f"/plan/{plan.code}/print/").content.decode()
    assert DESK_LINK not in anonymous and DESK_LINK in staff
    assert "深圳市南山区异地受理点" not in anonymous_print and "深圳市南山区异地受理点" in staff_print
    client.logout()
    assert DESK_LINK not in client.get(f"/plan/{plan.code}/").content.decode()


def test_text_size_and_language_have_pages_of_their_own(client, plan):
    url = f"/plan/{plan.code}/"
    normal = client.get(url).content.decode()
    client.cookies["text_size"] = "large"
    large = client.get(url).content.decode()
    assert 'class="text-large"' in large and 'class="text-large"' not in normal
    del client.cookies["text_size"]
    assert client.get(url).content.decode() == normal


def test_each_language_has_its_own_key(rf, plan):
    request = rf.get(f"/plan/{plan.code}/")
    with translation.override("en"):
        english = kept_pages.page_key(request, "plan/plan.html", plan.code)
    with translation.override("zh-hans"):
        chinese = kept_pages.page_key(request, "plan/plan.html", plan.code)
    assert english != chinese


def test_a_query_string_is_rendered_not_kept(client, plan):
    page = client.get(f"/plan/{plan.code}/?from=qr").content.decode()
    assert "%3Ffrom%3Dqr" in page  # the text-size switch returns to this very address
    assert "%3Ffrom%3Dqr" not in client.get(f"/plan/{plan.code}/").content.decode()


def test_a_new_deploy_starts_on_new_keys(rf, plan, monkeypatch):
    request = rf.get(f"/plan/{plan.code}/")
    before = kept_pages.page_key(request, "plan/plan.html", plan.code)
    monkeypatch.setattr(kept_pages, "deployed_version", lambda: "another-version")
    after = kept_pages.page_key(request, "plan/plan.html", plan.code)
    assert before != after and "another-version" in after


def test_the_deployed_version_covers_templates_and_code(tmp_path, settings):
    kept_pages.deployed_version.cache_clear()
    for folder in ("templates", "wizard"):
        (tmp_path / folder).mkdir()
    (tmp_path / "templates" / "page.html").write_text("one")
    (tmp_path / "wizard" / "views.py").write_text("x = 1")
    settings.BASE_DIR = tmp_path
    try:
        first = kept_pages.deployed_version()
        kept_pages.deployed_version.cache_clear()
        (tmp_path / "templates" / "page.html").write_text("two")
        second = kept_pages.deployed_version()
        kept_pages.deployed_version.cache_clear()
        (tmp_path / "wizard" / "views.py").write_text("x = 2")
        third = kept_pages.deployed_version()
    finally:
        kept_pages.deployed_version.cache_clear()
    assert len({first, second, third}) == 3


def test_nothing_is_kept_with_debug_on(rf, plan, settings):
    settings.DEBUG = True
    assert kept_pages.page_key(rf.get(f"/plan/{plan.code}/"), "plan/plan.html", plan.code) is None


@pytest.mark.parametrize("suffix", ["", "print/"])
def test_an_applicant_with_a_session_reads_a_kept_page_without_the_database(client, plan, suffix):
    client.get("/apply/", follow=True)  # a wizard session, as the person who made the plan has
    assert "sessionid" in client.cookies
    url = f"/plan/{plan.code}/{suffix}"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert captured.captured_queries == []  # not the plan, the status (kept) nor the session


def test_signing_in_at_the_desk_marks_the_browser_and_signing_out_unmarks_it(client, plan, clerk):
    response = client.post("/staff/login/", {"username": "clerk", "password": "counter-pass-2026"})
    assert response.status_code == 302
    assert client.cookies["desk_signed_in"].value == "1"
    assert client.cookies["desk_signed_in"]["httponly"]
    assert DESK_LINK in client.get(f"/plan/{plan.code}/").content.decode()

    client.post("/staff/logout/")
    assert client.cookies["desk_signed_in"].value == ""  # deleted
    assert DESK_LINK not in client.get(f"/plan/{plan.code}/").content.decode()
