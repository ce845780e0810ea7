"""Locust users for ``make soak``: applicants going through the wizard, people reading plans, clerks.

Loopback only. Every response is counted by status code and second (``SOAK_OUT``
gets the counts, the reference codes returned to applicants and a few 5xx bodies
as JSON when the run stops), so ``bench/soak_report.py`` can tell 503s during the
database outage from failures.

Environment: SOAK_OUT (JSON file to write), SOAK_CLERK / SOAK_CLERK_PASSWORD (a
counter clerk), SOAK_PLAN_SEED (comma-separated codes that exist before the run).
"""
import datetime
import json
import os
import random
import re
import time
from collections import Counter, defaultdict
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlencode, urlparse

from locust import FastHttpUser, between, events, task

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PREFIX_RE = re.compile(r'name="([a-z_]+)-current_step"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
PLAN_RE = re.compile(r"/plan/([0-9A-Z]{15})/")

by_second = defaultdict(Counter)  # int(time) -> Counter(status)
statuses = Counter()
samples_5xx = []
codes = set(c for c in os.environ.get("SOAK_PLAN_SEED", "").split(",") if c)
created = []


class LoopbackCookies(DefaultCookiePolicy):
    """Send the Secure session and CSRF cookies over plain HTTP to 127.0.0.1 (production settings set Secure)."""

    def return_ok_secure(self, cookie, request):
        return True


@events.test_start.add_listener
def _only_loopback(environment, **_kwargs):
    host = urlparse(environment.host or "").hostname or ""
    if not (host.startswith("127.") or host in ("localhost", "::1")):
        raise SystemExit(f"soak: refusing non-loopback host {host!r}")


@events.request.add_listener
def _count(request_type, name, response_time, response_length, response=None, exception=None, **_kwargs):
    status = getattr(response, "status_code", 0) or 0
    if exception is not None and not status:
        status = 0  # connection error or timeout
    by_second[int(time.time())][status] += 1
    statuses[status] += 1
    if status >= 500 and len(samples_5xx) < 20:
        text = getattr(response, "text", "") or ""
        samples_5xx.append({"t": time.time(), "status": status, "name": name, "body": text[:300]})


@events.test_stop.add_listener
def _write(environment, **_kwargs):
    out = os.environ.get("SOAK_OUT")
    if not out:
        return
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({"statuses": {str(k): v for k, v in statuses.items()},
                   "by_second": {str(t): {str(k): v for k, v in c.items()} for t, c in sorted(by_second.items())},
                   "created": created, "samples_5xx": samples_5xx}, handle)


def ok(response, *expected):
    if response.status_code in expected:
        response.success()
        return True
    response.failure(f"HTTP {response.status_code}")
    return False


class Base(FastHttpUser):
    abstract = True
    wait_time = between(0.2, 1.5)

    def on_start(self):
        self.client.cookiejar.set_policy(LoopbackCookies())

    def token(self, text):
        match = TOKEN_RE.search(text or "")
        return match.group(1) if match else ""


class Applicant(Base):
    """Answers the wizard one page at a time, then opens the plan and its print sheet."""

    weight = 5

    def steps(self):
        today = datetime.date.today()
        expiry = today + datetime.timedelta(days=random.randint(10, 80))
        # A card that expires this year or next was issued ten years before, at 16 to 25 (the law's 10-year
        # band): an older person's card is long-term or lasts 20 years, and the wizard refuses that expiry.
        birth = datetime.date(expiry.year - 10 - random.randint(17, 24), random.randint(1, 12), random.randint(1, 28))
        pairs = [("410000", "410100", "440000", "440300"), ("320000", "320100", "310000", None),
                 ("440000", "440100", "440000", "440300"), ("410000", "410100", "110000", None)]
        hp, hpre, rp, rpre = random.choice(pairs)
        steps = [("reason", {"answer": "expiring"}), ("hukou_province", {"answer": hp}),
                 ("hukou_prefecture", {"answer": hpre}), ("residence_province", {"answer": rp})]
        if rpre:
            steps.append(("residence_prefecture", {"answer": rpre}))
        return steps + [("birth_date", {"answer_0": birth.year, "answer_1": birth.month, "answer_2": birth.day}),
                        ("card_expiry_date", {"answer_0": expiry.year, "answer_1": expiry.month,
                                              "answer_2": expiry.day})]

    @task
    def journey(self):
        self.client.cookiejar.clear()
        with self.client.get("/apply/", name="/apply/ (start)", allow_redirects=False, catch_response=True) as r:
            if not ok(r, 302):
                return
            location = r.headers.get("Location", "")
        planned = dict(self.steps())
        prefix = None
        for _ in range(20):  # bounded: at most 20 pages a journey
            with self.client.get(location, name="/apply/[step] GET", catch_response=True) as r:
                if not ok(r, 200):
                    return
                text = r.text
            match = PREFIX_RE.search(text)
            if not match:
                return
            prefix = match.group(1)
            step = urlparse(location).path.rstrip("/").rsplit("/", 1)[-1]
            if step == "summary":
                fields = {}
            elif step in planned:
                fields = planned[step]
            elif step == "documents":
                fields = {"answer": ["old_card", "residence_permit"]}
            elif step in ("has_photo_receipt", "hardship"):
                fields = {"answer": random.choice(["yes", "no"])}
            elif step == "delivery":
                fields = {"answer": "collect"}
            elif step == "needed_by":
                fields = {"answer_0": "", "answer_1": "", "answer_2": ""}
            else:
                fields = {}
            data = {f"{prefix}-current_step": step, "csrfmiddlewaretoken": self.token(text)}
            data.update({f"{step}-{k}": v for k, v in fields.items()})
            with self.client.post(f"/apply/{step}/", data=urlencode(data, doseq=True), headers=FORM,
                                  name="/apply/[step] POST", allow_redirects=False, catch_response=True) as r:
                if not ok(r, 302):
                    return
                location = r.headers.get("Location", "")
            plan = PLAN_RE.search(location)
            if plan:
                code = plan.group(1)
                codes.add(code)
                created.append(code)
                self.read_plan(code)
                return
            if not location.startswith("/apply/"):
                return

    def read_plan(self, code):
        with self.client.get(f"/plan/{code}/", name="/plan/[code]/", catch_response=True) as r:
            ok(r, 200)
        with self.client.get(f"/plan/{code}/print/", name="/plan/[code]/print/", catch_response=True) as r:
            ok(r, 200)


class Reader(Base):
    """Opens plans already made (a saved link, a QR code) and the calendar file."""

    weight = 3

    @task(4)
    def plan(self):
        if codes:
            code = random.choice(tuple(codes))
            with self.client.get(f"/plan/{code}/", name="/plan/[code]/", catch_response=True) as r:
                ok(r, 200)

    @task(1)
    def ics(self):
        if codes:
            code = random.choice(tuple(codes))
            with self.client.get(f"/plan/{code}/calendar.ics", name="/plan/[code]/calendar.ics",
                                 catch_response=True) as r:
                ok(r, 200, 404)

    @task(1)
    def start(self):
        with self.client.get("/", name="/", catch_response=True) as r:
            ok(r, 200)


class Clerk(Base):
    """Signs in at the counter and looks plans up by code."""

    weight = 2

    def on_start(self):
        super().on_start()
        self.signed_in = False

    def sign_in(self):
        with self.client.get("/staff/login/", name="/staff/login/ GET", catch_response=True) as r:
            if not ok(r, 200):
                return
            token = self.token(r.text)
        data = {"username": os.environ["SOAK_CLERK"], "password": os.environ["SOAK_CLERK_PASSWORD"],
                "csrfmiddlewaretoken": token}
        with self.client.post("/staff/login/", data=urlencode(data), headers=FORM, name="/staff/login/ POST",
                              allow_redirects=False, catch_response=True) as r:
            self.signed_in = ok(r, 302)

    @task
    def lookup(self):
        if not self.signed_in:
            self.sign_in()
            return
        if not codes:
            return
        code = random.choice(tuple(codes))
        with self.client.get(f"/staff/lookup/?code={code}", name="/staff/lookup/", allow_redirects=False,
                             catch_response=True) as r:
            if r.status_code == 302 and "/staff/login/" in r.headers.get("Location", ""):
                r.success()
                self.signed_in = False  # the session was lost (say, during the outage): sign in again
                return
            if not ok(r, 302):
                return
        with self.client.get(f"/staff/plan/{code}/", name="/staff/plan/[code]/", catch_response=True) as r:
            ok(r, 200)
