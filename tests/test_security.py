"""Security headers on every page type, the CSRF refusal, and a polite 503 while the database is down."""
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.db.utils import InterfaceError, OperationalError
from django.test import Client, override_settings

from procedures.models import Region
from staff import services as staff_services
from staff.models import Office, StaffMembership
from wizard.models import Plan

from .test_plan_pages import RENEWAL_SHENZHEN, make_plan
from .test_wizard import BIRTH, HENAN_TO_SHENZHEN, Applicant, expiring_to_shenzhen, in_days

pytestmark = pytest.mark.django_db

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
# The admin allows one style attribute of ours by hash (see CONTENT_SECURITY_POLICY_PREFIXES).
ADMIN_POLICY = POLICY + "; style-src-attr 'unsafe-hashes' 'sha256-2CFKUKBFzSRywOOK2GJpxxz+zMm/OTHNkTCCy6kSeL8='"
HSTS = "max-age=31536000; includeSubDomains; preload"
BUSY = "系统暂时繁忙，请稍后再试"

# Each wizard step type, and the answers that lead to it.
STEPS = {
    "single-choice": ("reason", []),
    "region": ("hukou_province", [("reason", "lost")]),
    "date": ("birth_date", [("reason", "lost"), *HENAN_TO_SHENZHEN]),
    "multi-choice": ("documents", [("reason", "lost"), *HENAN_TO_SHENZHEN, ("birth_date", BIRTH)]),
    "yes-no": ("has_photo_receipt", [("reason", "lost"), *HENAN_TO_SHENZHEN, ("birth_date", BIRTH),
                                     ("documents", [])]),
    "optional-date": ("needed_by", [("reason", "expiring"), *HENAN_TO_SHENZHEN, ("birth_date", BIRTH),
                                    ("card_expiry_date", in_days(40)), ("documents", []),
                                    ("has_photo_receipt", "yes"), ("delivery", "mail")]),
}


def behind_https_proxy(settings):
    """Apply production's proxy and HSTS settings."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True


@pytest.fixture
def https(settings):
    """Return a client whose requests arrive over HTTPS (behind the proxy), with production's HSTS settings."""
    behind_https_proxy(settings)
    return Client(HTTP_X_FORWARDED_PROTO="https")


@pytest.fixture(params=["http", "https"])
def scheme(request, settings):
    """Run the test once over plain HTTP and once over HTTPS behind the proxy (production's settings)."""
    if request.param == "https":
        behind_https_proxy(settings)
    return request.param


def client_for(scheme, **kwargs):
    """Return a test client whose requests arrive over ``scheme`` (with a Host header, as through a proxy)."""
    proxied = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "testserver"} if scheme == "https" else {}
    return Client(**kwargs, **proxied)


def sign_in_clerk(client):
    office = Office.objects.create(name="深圳市南山区异地受理点", region=Region.objects.get(code="440300"))
    user = User.objects.create_user("clerk", password="counter-pass-2026")
    user.groups.add(Group.objects.get(name="柜台工作人员"))
    StaffMembership.objects.create(user=user, office=office)
    client.force_login(user)
    return user


def page(name, client):
    """GET one page of the given type with ``client``; return the response."""
    if name == "staff-locked-out":
        office = Office.objects.create(name="深圳市南山区异地受理点", region=Region.objects.get(code="440300"))
        user = User.objects.create_user("clerk", password="counter-pass-2026")
        StaffMembership.objects.create(user=user, office=office)
        for _attempt in range(django_settings.AXES_FAILURE_LIMIT):
            client.post("/staff/login/", {"username": "clerk", "password": "wrong"})
        return client.post("/staff/login/", {"username": "clerk", "password": "counter-pass-2026"})
    if name == "staff-walk-in-step":
        sign_in_clerk(client)
        Applicant(client, base="/staff/walk-in/").walk([("reason", "lost")])
        return client.get("/staff/walk-in/hukou_province/")
    if name in STAFF_PLAN_PAGES:
        user = sign_in_clerk(client)
        plan = make_plan(RENEWAL_SHENZHEN)
        if name == "staff-application":
            staff_services.open_application(plan=plan, office=user.staff_membership.office, user=user)
            return client.get(f"/staff/applications/{plan.code}/")
        if name == "staff-too-many":
            with override_settings(LOOKUP_RATE_LIMIT_PER_MINUTE=1):
                client.get("/staff/lookup/", {"code": plan.code})
                return client.get("/staff/lookup/", {"code": plan.code})
        return client.get("/staff/lookup/", {"code": STAFF_PLAN_PAGES[name] or plan.display_code})
    if name.startswith("step-"):
        step, answers = STEPS[name.removeprefix("step-")]
        applicant = Applicant(client)
        applicant.walk(answers)
        return client.get(f"/apply/{step}/")
    if name == "summary":
        Applicant(client).walk(expiring_to_shenzhen())
        return client.get("/apply/summary/")
    if name in {"plan", "print", "ics"}:
        plan = make_plan(RENEWAL_SHENZHEN)
        suffix = {"plan": "", "print": "print/", "ics": "calendar.ics"}[name]
        return client.get(f"/plan/{plan.code}/{suffix}")
    if name.startswith("staff-") and name != "staff-login":
        sign_in_clerk(client)
        plan = make_plan(RENEWAL_SHENZHEN)
        return client.get({"staff-desk": "/staff/", "staff-plan": f"/staff/plan/{plan.code}/",
                           "staff-walk-in": "/staff/walk-in/reason/", "staff-overdue": "/staff/overdue/"}[name])
    if name == "admin-index":
        client.force_login(User.objects.create_superuser("root", "", "x"))
        return client.get("/admin/")
    if name == "admin-change-form":
        client.force_login(User.objects.create_superuser("root", "", "x"))
        return client.get("/admin/procedures/procedure/1/change/")
    return client.get({
        "start": "/",
        "lookup": "/plan/",
        "lookup-not-found": "/plan/?code=ABCDEFGHJKMNPQR",
        "404": "/no-such-page/",
        "plan-404": "/plan/NOSUCHCODE2345X/",
        "staff-login": "/staff/login/",
        "admin-login": "/admin/login/",
        "static": "/static/css/site.css",
    }[name])


# Staff pages about one plan: what the lookup is given (None: the plan's own code).
STAFF_PLAN_PAGES = {"staff-application": None, "staff-too-many": None, "staff-lookup-found": None,
                    "staff-lookup-not-found": "ABCDE-FGHJK-MNPQR", "staff-lookup-malformed": "0OIL1"}

PAGES = {
    "start": 200, **{f"step-{kind}": 200 for kind in STEPS}, "summary": 200, "plan": 200, "print": 200,
    "ics": 200, "lookup": 200, "lookup-not-found": 404, "404": 404, "plan-404": 404, "staff-login": 200,
    "staff-desk": 200, "staff-plan": 200, "staff-walk-in": 200, "staff-overdue": 200, "admin-login": 200,
    "admin-index": 200, "admin-change-form": 200, "static": 200,
    "staff-application": 200, "staff-walk-in-step": 200, "staff-lookup-found": 302, "staff-lookup-not-found": 404,
    "staff-lookup-malformed": 200, "staff-too-many": 429, "staff-locked-out": 429,
}
# Pages whose status alone does not show that the right page answered.
PAGE_TEXT = {
    "staff-application": "办理记录", "staff-walk-in-step": "代办模式", "staff-lookup-not-found": "找不到查询码",
    "staff-lookup-malformed": "应为 15 位", "staff-too-many": "查询太频繁", "staff-locked-out": "账号暂时锁定",
}


def assert_security_headers(response, *, https=True):
    headers = response.headers
    admin = response.wsgi_request.path.startswith("/admin/")
    assert headers["Content-Security-Policy"] == (ADMIN_POLICY if admin else POLICY)
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "unsafe-eval" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    if https:
        assert headers["Strict-Transport-Security"] == HSTS


@pytest.mark.parametrize("name", PAGES)
def test_every_page_type_sends_the_security_headers(https, name):
    response = page(name, https)

    assert response.status_code == PAGES[name]
    if name in PAGE_TEXT:
        assert PAGE_TEXT[name] in response.content.decode()
    if name == "staff-lookup-found":
        assert response.url.startswith("/staff/plan/")
    assert_security_headers(response)


def test_no_hsts_over_plain_http(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000

    response = client.get("/")

    assert "Strict-Transport-Security" not in response.headers
    assert response.headers["Content-Security-Policy"] == POLICY


@pytest.mark.parametrize("name", ["start", "step-region", "step-date", "summary", "plan", "print", "lookup",
                                  "404", "staff-login", "staff-desk", "staff-plan", "admin-login",
                                  "staff-application", "staff-walk-in-step", "staff-lookup-not-found",
                                  "staff-too-many", "staff-locked-out"])
def test_pages_have_no_inline_script_or_style(client, name):
    html = page(name, client).content.decode()

    assert " style=" not in html and "<style" not in html
    assert "<script>" not in html and "<script " not in html.replace('<script src="', "")
    assert "javascript:" not in html
    assert not any(f" on{event}=" in html for event in ("click", "load", "change", "submit", "error"))


def test_a_post_without_csrf_token_gets_the_friendly_403(scheme, caplog):
    client = client_for(scheme, enforce_csrf_checks=True)
    client.get("/apply/", follow=True)

    # Over HTTPS, a same-origin Referer: the refusal is for the missing token, not the Referer.
    response = client.post("/apply/reason/", {"apply_wizard-current_step": "reason", "reason-answer": "lost"},
                           HTTP_REFERER=f"{scheme}://testserver/apply/reason/")

    assert response.status_code == 403
    assert any("CSRF token missing" in record.getMessage() for record in caplog.records), caplog.text
    html = response.content.decode()
    assert "页面已超时" in html and "用查询码查找清单" in html
    assert '<html lang="zh-Hans">' in html
    assert "<style" not in html
    assert_security_headers(response, https=scheme == "https")


def test_staff_login_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/staff/login/", {"username": "clerk", "password": "counter-pass-2026"})

    assert response.status_code == 403
    assert "页面已超时" in response.content.decode() and "重新登录" in response.content.decode()


def test_server_error_page_has_the_headers(monkeypatch, scheme):
    from wizard import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.StartView, "get", broken)
    response = client_for(scheme, raise_request_exception=False).get("/")

    assert response.status_code == 500
    assert "出错了" in response.content.decode()
    assert_security_headers(response, https=scheme == "https")


# --- the database out of reach ---------------------------------------------------------------

def assert_busy_page(response, *, https=False):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    html = response.content.decode()
    assert BUSY in html
    assert '<html lang="zh-Hans">' in html
    assert_security_headers(response, https=https)


def test_busy_page_has_the_headers_over_https(https, monkeypatch):
    plan = make_plan(RENEWAL_SHENZHEN)

    def unreachable(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("wizard.plan_views.plan_get", unreachable)
    assert_busy_page(https.get(f"/plan/{plan.code}/"), https=True)


@pytest.mark.parametrize("error", [OperationalError("server closed the connection unexpectedly"),
                                   InterfaceError("connection already closed")], ids=["operational", "interface"])
def test_database_error_in_a_view_is_a_polite_503(client, monkeypatch, error):
    plan = make_plan(RENEWAL_SHENZHEN)

    def unreachable(*args, **kwargs):
        raise error

    monkeypatch.setattr("wizard.plan_views.plan_get", unreachable)
    assert_busy_page(client.get(f"/plan/{plan.code}/"))

    monkeypatch.undo()
    assert client.get(f"/plan/{plan.code}/").status_code == 200


def test_database_error_in_a_query_during_the_wizard_is_a_polite_503(client, monkeypatch):
    applicant = Applicant(client)

    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    # Every statement, through the ORM or a plain cursor (the wizard reads its content stamps with one).
    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", unreachable)
    response = applicant.answer("reason", "lost")
    assert_busy_page(response)

    monkeypatch.undo()
    assert applicant.answer("reason", "lost").status_code == 302


def test_database_error_in_a_template_is_a_polite_503(client, monkeypatch):
    clerk = sign_in_clerk(client)
    plan = make_plan(RENEWAL_SHENZHEN)
    staff_services.open_application(plan=plan, office=clerk.staff_membership.office, user=clerk)

    def unreachable(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    # The queue's status column is read while the template renders.
    monkeypatch.setattr("staff.selectors.application_status", unreachable)
    assert_busy_page(client.get("/staff/"))


def test_the_database_down_before_a_signed_in_clerk_is_loaded_is_a_polite_503(client, monkeypatch):
    """Seen in the soak: the desk's sign-in hint read the user after the 503 page was chosen, and got a 500."""
    sign_in_clerk(client)

    def unreachable(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    monkeypatch.setattr("django.contrib.auth.backends.ModelBackend.get_user", unreachable)
    assert_busy_page(client.get("/staff/lookup/", {"code": "ABCD"}))
    assert_busy_page(client.get("/staff/"))


# Sessions are in the database (with copies in the cache) when REDIS_URL is set: several instances.
DATABASE_SESSIONS = "django.contrib.sessions.backends.cached_db"


def test_session_store_failing_on_load_is_a_503_not_a_500(monkeypatch, settings):
    settings.SESSION_ENGINE = DATABASE_SESSIONS
    client = Client(raise_request_exception=False)
    Applicant(client)  # a session exists

    def unreachable(*args, **kwargs):
        raise OperationalError("the database system is starting up")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore._get_session_from_db", unreachable)
    caches["default"].clear()  # the session's cached copy gone too (Redis restarted): read from the database
    assert_busy_page(client.get("/apply/reason/"))


def test_session_store_failing_on_save_is_a_503_not_a_500(monkeypatch, settings):
    settings.SESSION_ENGINE = DATABASE_SESSIONS
    client = Client(raise_request_exception=False)

    def unreachable(*args, **kwargs):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.save", unreachable)
    # The wizard stores its state in a new session: saving it on the way out fails.
    assert_busy_page(client.get("/apply/"))

    monkeypatch.undo()
    assert client.get("/apply/", follow=True).status_code == 200


def test_other_errors_stay_500(monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("not the database")

    monkeypatch.setattr("wizard.plan_views.plan_get", broken)
    response = Client(raise_request_exception=False).get("/plan/ABCDEFGHJKMNPQR/")

    assert response.status_code == 500
    assert BUSY not in response.content.decode()


def test_busy_page_renders_without_a_request_or_database(django_assert_num_queries):
    from django.template.loader import render_to_string

    with django_assert_num_queries(0):
        html = render_to_string("503.html")

    assert BUSY in html
    assert "/static/css/site.css" in html


def test_persistent_connections_are_health_checked(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_no_plan_is_made_while_the_database_fails(client, monkeypatch):
    applicant = Applicant(client)
    applicant.walk(expiring_to_shenzhen())

    def unreachable(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("wizard.flow.plan_create", unreachable)
    assert_busy_page(applicant.post("summary"))
    assert not Plan.objects.exists()

    monkeypatch.undo()
    response = applicant.post("summary")
    assert response.status_code == 302
    assert response.url == Plan.objects.get().get_absolute_url()


# --- text typed by an admin, shown to applicants -------------------------------------------------

HOSTILE = "<script>alert(1)</script><b>x</b>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;"


@pytest.mark.parametrize("path", ["", "print/"], ids=["plan", "print"])
def test_admin_text_is_shown_as_text(client, path):
    from procedures.models import Notice, State
    from procedures.selectors import clear_caches

    Notice.objects.update(title=HOSTILE, text=f"{HOSTILE} {{renewal_window_opens}}")
    State.objects.update(name=HOSTILE, location=HOSTILE)
    clear_caches()
    # A plan keeps the result computed when it was made: make it after the change.
    plan = make_plan(RENEWAL_SHENZHEN)
    assert HOSTILE in str(plan.result)

    html = client.get(f"/plan/{plan.code}/{path}").content.decode()

    assert ESCAPED in html
    assert "<script>alert" not in html
    assert "<b>x</b>" not in html


def hostile(tag):
    """Return markup an admin might paste, marked with ``tag`` so each field can be found."""
    return f"<script>alert(1)</script><b>{tag}</b>"


def escaped(tag):
    return f"&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;{tag}&lt;/b&gt;"


def assert_no_markup_from(html, tags):
    assert "<script>alert" not in html
    for tag in tags:
        assert f"<b>{tag}</b>" not in html


# Where each field is shown: the plan page shows all of them; the print sheet only names and titles.
SHOWN_ON = {
    "": ["requirement-name", "requirement-description", "fee-label", "urgent-title", "urgent-text"],
    "print/": ["requirement-name", "fee-label", "urgent-title"],
}


@pytest.mark.parametrize("path", ["", "print/"], ids=["plan", "print"])
def test_admin_text_of_requirements_fees_and_urgent_options_is_shown_as_text(client, path):
    from procedures.models import Fee, Requirement, UrgentOption
    from procedures.selectors import clear_caches

    from .test_plan_pages import LOST_SHANGHAI

    Requirement.objects.update(name=hostile("requirement-name"), description=hostile("requirement-description"))
    Fee.objects.update(label=hostile("fee-label"))
    UrgentOption.objects.update(title=hostile("urgent-title"), text=hostile("urgent-text"))
    clear_caches()
    # A lost card comes with a fee, documents and the urgent options.
    plan = make_plan(LOST_SHANGHAI)
    assert plan.result["fee"]["label"] == hostile("fee-label")
    assert plan.result["documents"] and plan.result["urgent_options"]

    html = client.get(f"/plan/{plan.code}/{path}").content.decode()

    for tag in SHOWN_ON[path]:
        assert escaped(tag) in html, tag
    assert_no_markup_from(html, SHOWN_ON[""])


def test_office_and_state_names_are_shown_as_text_on_staff_pages_and_the_print_sheet(client):
    from procedures.models import State
    from procedures.selectors import clear_caches

    State.objects.update(name=hostile("state-name"))
    clear_caches()
    user = sign_in_clerk(client)
    Office.objects.update(name=hostile("office-name"), address=hostile("office-address"))
    plan = make_plan(RENEWAL_SHENZHEN)
    staff_services.open_application(plan=plan, office=Office.objects.get(), user=user)
    tags = ["office-name", "office-address", "state-name"]

    pages = {
        "/staff/": ["office-name", "state-name"],  # the open applications list their state
        f"/staff/plan/{plan.code}/": ["office-name"],
        f"/staff/applications/{plan.code}/": ["office-name", "state-name"],
        "/staff/overdue/": ["office-name"],
        "/staff/walk-in/reason/": [],  # the applicant's question pages: no staff header
        f"/plan/{plan.code}/print/": ["office-name", "state-name"],  # the office printing the sheet
    }
    for url, shown in pages.items():
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        html = response.content.decode()
        for tag in shown:
            assert escaped(tag) in html, (url, tag)
        assert_no_markup_from(html, tags)


# Every property the calendar file may hold; anything else was smuggled in.
ICS_PROPERTIES = {"BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "METHOD", "X-WR-CALNAME", "UID", "DTSTAMP",
                  "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "URL", "TRANSP"}
INJECTED = "\r\nATTACH:https://evil.example/x\r\nBEGIN:VALARM\nTRIGGER:-PT5M\rACTION:DISPLAY"


def calendar_file(client, *, state_text, procedure_name):
    """Put admin text into the states and procedures whose words reach the calendar file; return the file."""
    from procedures.models import Procedure, State
    from procedures.selectors import clear_caches

    State.objects.update(name=state_text, location=state_text)
    Procedure.objects.update(name=procedure_name)
    clear_caches()
    plan = make_plan(RENEWAL_SHENZHEN)
    return client.get(f"/plan/{plan.code}/calendar.ics")


def test_line_breaks_in_admin_text_cannot_add_calendar_lines(client):
    response = calendar_file(client, state_text=f"南山区受理点{INJECTED}", procedure_name=f"异地换领{INJECTED}")

    assert response.status_code == 200
    body = response.content.decode()
    assert "\r" not in body.replace("\r\n", "") and "\n" not in body.replace("\r\n", "")
    lines = body.replace("\r\n ", "").split("\r\n")  # unfolded
    assert lines[-1] == ""
    names = [line.split(":", 1)[0].split(";", 1)[0] for line in lines[:-1]]
    assert set(names) <= ICS_PROPERTIES, set(names) - ICS_PROPERTIES
    assert [line for line in lines if line.startswith("BEGIN:")] == ["BEGIN:VCALENDAR"] + ["BEGIN:VEVENT"] * (
        names.count("BEGIN") - 1)
    # The text did reach the file, its line breaks escaped inside one value.
    escaped_breaks = "\\nATTACH:https://evil.example/x\\nBEGIN:VALARM\\nTRIGGER:-PT5M\\nACTION:DISPLAY"
    assert f"SUMMARY:身份证：去办理异地换领{escaped_breaks}" in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:地点："))
    assert description.startswith(f"DESCRIPTION:地点：南山区受理点{escaped_breaks}\\n查询码：")


def test_no_markup_from_admin_text_reaches_the_calendar_file(client):
    """The file is plain text, but some calendar apps (Google Calendar) render HTML in a description."""
    response = calendar_file(client, state_text=hostile("state-location"), procedure_name=hostile("procedure-name"))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")  # downloaded, never shown as a page
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content.decode().replace("\r\n ", "")
    assert "state-location" in body and "procedure-name" in body  # the text is there, as text
    assert "<script>" not in body and "<b>" not in body
    assert "X-ALT-DESC" not in body and "text/html" not in body.lower()
