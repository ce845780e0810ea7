"""Fixtures for browser tests: Debian's Chromium driven by Playwright against ``live_server``.

One Chromium runs for the whole ``tests/browser`` package; every test gets a fresh
context (cookies, storage) shaped like a phone inside WeChat, a desktop, or a phone
with JavaScript off. Browsers are never downloaded: without /usr/bin/chromium the
tests skip locally and fail in CI (``CI`` set), where a skip would hide a gap.
"""
import os

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

from procedures import questions
from wizard.services import RegionLookup, plan_create

from .pages import save_screenshot, slug, today

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 15_000

# Android WeChat's built-in browser (XWEB); the site must work for exactly this.
WECHAT_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; V2309A Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/130.0.6723.103 Mobile Safari/537.36 XWEB/1300289 "
    "MMWEBSDK/20241103 MMWEBID/6563 MicroMessenger/8.0.55.2780(0x2800373B) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
COMMON = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai", "accept_downloads": True}
DEVICES = {
    "phone": {
        **COMMON,
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
        "user_agent": WECHAT_USER_AGENT,
    },
    "desktop": {**COMMON, "viewport": {"width": 1280, "height": 800}},
}
DEVICES["nojs"] = {**DEVICES["phone"], "java_script_enabled": False}
# The counter's PC: the desk is laid out for this screen.
DEVICES["counter"] = {**COMMON, "viewport": {"width": 1366, "height": 768}}


def _unavailable(reason):
    """Fail in CI, where browser tests must run; skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so browser tests may not skip)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser():
    """Start Debian's Chromium once for the browser tests; stop it when they are done."""
    if not os.path.exists(CHROMIUM):
        _unavailable(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk")

    # Playwright's sync API marks an asyncio loop as running on this thread between
    # its calls. Django then takes the thread for async code: the ORM refuses to run
    # (the database flush and restore around each live_server test), and connections
    # are looked up per context, so the test would get a second connection without
    # the serialized seed data. Allow the ORM and hand it the thread's own connections.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    own_connections = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    for alias, connection in own_connections.items():
        connections[alias] = connection
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        # Stopping Playwright ends its loop, so later tests see the usual async safety checks.
        playwright.stop()
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures know whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _new_page(browser, device, base_url):
    """Open a fresh context and page for ``device``; record errors the page raises."""
    context = browser.new_context(base_url=base_url, **DEVICES[device])
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.device = device
    page.javascript = DEVICES[device].get("java_script_enabled", True)
    page.touch = DEVICES[device].get("has_touch", False)
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(f"JavaScript error: {error}"))
    page.on("response", lambda response: response.status >= 500 and page.problems.append(
        f"HTTP {response.status} for {response.url}"))
    # Everything must come from the site itself: no CDN or web fonts (mainland China).
    page.on("request", lambda req: req.url.startswith((base_url, "data:", "blob:", "about:"))
            or page.problems.append(f"request outside the site: {req.url}"))
    return context, page


@pytest.fixture
def open_page(browser, live_server, request):
    """Return a function that opens a new page for "phone", "desktop" or "nojs"."""
    opened = []

    def open_(device):
        context, page = _new_page(browser, device, live_server.url)
        opened.append((context, page))
        return page

    yield open_
    failed = getattr(request.node, "report_call", None)
    failed = failed is not None and failed.failed
    problems = []
    for index, (context, page) in enumerate(opened):
        if failed and not page.is_closed():
            save_screenshot(page, f"FAILED-{slug(request.node.name)}-{index}")
        problems.extend(page.problems)
        context.close()
    if problems and not failed:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def phone(open_page):
    return open_page("phone")


@pytest.fixture
def desktop(open_page):
    return open_page("desktop")


@pytest.fixture
def nojs(open_page):
    return open_page("nojs")


@pytest.fixture
def stored_plan():
    """Return a function that stores a plan for raw answers (as the wizard would) and returns it."""

    def store(raw):
        regions = RegionLookup()
        answers, problems = questions.clean_answers(raw, today=today(), regions=regions)
        assert not problems, problems
        return plan_create(answers=answers, today=today())

    return store
