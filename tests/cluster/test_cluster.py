"""Two instances behind nginx behave as one site: sessions, plans, content, rate limits and lock-outs are shared."""
import datetime
import json
import re
import time
import zlib

import pytest

from bench.prepare import wizard_steps

from .conftest import FAILURE_LIMIT, LOOKUP_LIMIT, Visitor

PREFIX_RE = re.compile(r'name="([a-z_]+)-current_step"')
PLAN_RE = re.compile(r"^/plan/([0-9A-Z]{15})/$")
FEE_RE = re.compile(r'<p class="fee-amount">(\d+) 元')
LATER_STEPS = {
    "documents": {"answer": ["old_card", "residence_permit"]},
    "has_photo_receipt": {"answer": "no"},
    "hardship": {"answer": "no"},
    "delivery": {"answer": "collect"},
    "needed_by": {"answer_0": "", "answer_1": "", "answer_2": ""},
}


@pytest.fixture(scope="module")
def content(cluster):
    """Add a clerk, a content admin and a draft of the cross-region renewal with a higher fee; return both fees."""
    script = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from procedures import selectors, services
from procedures.models import Region
from staff.models import Office, StaffMembership
User = get_user_model()
office = Office.objects.create(name="集群受理点", region=Region.objects.get(code="440300"), address="127.0.0.1")
for name in ("cluster-clerk", "locked-clerk"):
    user = User.objects.create_user(name, password="counter-pass-2026")
    user.groups.add(Group.objects.get(name="柜台工作人员"))
    StaffMembership.objects.create(user=user, office=office)
User.objects.create_superuser("cluster-admin", password="content-pass-2026")
live = selectors.live_version("cross-region-renewal")
draft = services.draft_create(source=live)
fee = draft.fee_set.get(code="renewal")
old = fee.amount_yuan
fee.amount_yuan = old + 5
fee.save()
print(json.dumps({"draft": draft.pk, "old": old, "new": old + 5,
                  "clerk": User.objects.get(username="cluster-clerk").pk}))
"""
    return json.loads(cluster.manage("shell", "-c", script).stdout.strip().splitlines()[-1])


def answer_to_summary(visitor, responses):
    """Answer every page of the wizard up to its summary; return the summary page's response."""
    today = datetime.date.today()
    planned = dict(wizard_steps(today))
    start = visitor.get("/apply/")
    responses.append(start)
    assert start.status == 302, start.status
    location = start.header("Location")
    for _ in range(20):
        page = visitor.get(location)
        responses.append(page)
        assert page.status == 200, (location, page.status)
        step = location.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
        if step == "summary":
            return page
        prefix = PREFIX_RE.search(page.text).group(1)
        fields = planned.get(step) or LATER_STEPS[step]
        data = {f"{prefix}-current_step": step, "csrfmiddlewaretoken": page.token(),
                **{f"{step}-{name}": value for name, value in fields.items()}}
        sent = visitor.post(f"/apply/{step}/", data)
        responses.append(sent)
        assert sent.status == 302, (step, sent.status, sent.text[:300])
        location = sent.header("Location")
    raise AssertionError("the wizard did not reach its summary in 20 pages")


def finish(visitor, summary, responses):
    """Press the summary's button; return (plan code, the response that made the plan)."""
    prefix = PREFIX_RE.search(summary.text).group(1)
    made = visitor.post("/apply/summary/", {f"{prefix}-current_step": "summary",
                                            "csrfmiddlewaretoken": summary.token()})
    responses.append(made)
    assert made.status == 302, (made.status, made.text[:300])
    match = PLAN_RE.match(made.header("Location"))
    assert match, made.header("Location")
    return match.group(1), made


def test_the_instances_share_their_settings_and_pass_the_deploy_checks(cluster):
    # As deployed behind HTTPS: the local cluster leaves the redirect off only because it has no certificate.
    result = cluster.manage("check", "--deploy", env={"SECURE_SSL_REDIRECT": "true"})
    assert "System check identified no issues (0 silenced)." in result.stdout, result.stdout + result.stderr
    assert len(cluster.instances) == 2


def test_a_journey_alternating_between_instances_completes_and_its_plan_reads_on_the_other(cluster):
    visitor = Visitor(cluster)
    responses = []
    summary = answer_to_summary(visitor, responses)
    code, made = finish(visitor, summary, responses)
    plan = visitor.get(f"/plan/{code}/")
    responses.append(plan)

    upstreams = [response.upstream for response in responses]
    assert None not in upstreams
    assert set(upstreams) == {f"127.0.0.1:{port}" for port in cluster.instance_ports}
    # Round robin: every request went to the other instance than the one before it.
    assert all(a != b for a, b in zip(upstreams, upstreams[1:], strict=False)), upstreams
    assert plan.status == 200
    assert plan.upstream != made.upstream  # made on one, read on the other
    assert code[:5] in plan.text
    print_sheet = visitor.get(f"/plan/{code}/print/")
    assert print_sheet.status == 200 and print_sheet.upstream == made.upstream


def test_a_draft_published_through_one_instance_is_served_by_the_other_at_once(cluster, content):
    applicant = Visitor(cluster)
    responses = []
    # Both instances answer wizard pages, so both hold the live catalogue before the publish.
    summary = answer_to_summary(applicant, responses)
    assert {r.upstream for r in responses} == {f"127.0.0.1:{port}" for port in cluster.instance_ports}
    code, _made = finish(applicant, summary, responses)
    assert FEE_RE.search(applicant.get(f"/plan/{code}/").text).group(1) == str(content["old"])
    summary = answer_to_summary(applicant, responses)

    admin = Visitor(cluster)
    signed_in = admin.sign_in("cluster-admin", "content-pass-2026", path="/admin/login/")
    assert signed_in.status == 302, signed_in.text[:300]
    publish_url = f"/admin/procedures/procedure/{content['draft']}/publish/"
    form = admin.get(publish_url)
    assert form.status == 200
    published = admin.post(publish_url, {"effective_from": datetime.date.today().isoformat(),
                                         "csrfmiddlewaretoken": form.token()})
    assert published.status == 302, published.text[:300]

    # nginx's next request goes to the other instance; it makes the plan with the new fee.
    code, made = finish(applicant, summary, responses)
    assert made.upstream != published.upstream
    plan = applicant.get(f"/plan/{code}/")
    assert FEE_RE.search(plan.text).group(1) == str(content["new"])


def seconds_left_in_window(user_pk, period=60):
    """Return the seconds before django-ratelimit's window for this user ends (its windows are skewed per key)."""
    now = int(time.time())
    end = now - now % period + zlib.crc32(str(user_pk).encode()) % period
    return (end if end >= now else end + period) - now


def test_the_lookup_limit_holds_across_instances(cluster, content):
    clerk = Visitor(cluster)
    assert clerk.sign_in("cluster-clerk", "counter-pass-2026").status == 302
    if seconds_left_in_window(content["clerk"]) < 10:  # all the look-ups must fall in one window
        time.sleep(seconds_left_in_window(content["clerk"]) + 1)
    lookups = [clerk.get("/staff/lookup/?code=ABCDEABCDEABCDE") for _ in range(LOOKUP_LIMIT + 3)]
    # Unknown code: 404 while allowed; then the limit, counted once for both instances.
    assert [r.status for r in lookups] == [404] * LOOKUP_LIMIT + [429] * 3
    assert len({r.upstream for r in lookups[:LOOKUP_LIMIT]}) == 2


def test_the_lock_out_holds_across_instances(cluster, content):
    person = Visitor(cluster)
    token = person.get("/staff/login/").token()

    def attempt(password):
        return person.post("/staff/login/", {"username": "locked-clerk", "password": password,
                                             "csrfmiddlewaretoken": token})

    failures = [attempt("wrong-password") for _ in range(FAILURE_LIMIT)]
    assert {r.status for r in failures} <= {200, 429}  # the form again, with its error (the last may lock)
    assert failures[0].status == 200
    assert len({r.upstream for r in failures}) == 2
    # The right password no longer helps, on either instance.
    attempts = [attempt("counter-pass-2026") for _ in range(2)]
    assert [r.status for r in attempts] == [429, 429]
    assert len({r.upstream for r in attempts}) == 2


STYLESHEET_RE = re.compile(r'<link rel="stylesheet" href="(/static/[^"]+\.css)"')


def test_nginx_compresses_pages_and_serves_the_static_files_itself(cluster):
    visitor = Visitor(cluster)
    responses = []
    code, _made = finish(visitor, answer_to_summary(visitor, responses), responses)
    plan = visitor.get(f"/plan/{code}/", headers={"Accept-Encoding": "gzip"})
    assert plan.status == 200
    assert plan.header("Content-Encoding") == "gzip"  # the page itself, not only its stylesheet
    assert plan.upstream in {f"127.0.0.1:{port}" for port in cluster.instance_ports}
    assert code[:5] in plan.text

    stylesheet = STYLESHEET_RE.search(plan.text)
    assert stylesheet, "no stylesheet linked from the plan page"
    css = visitor.get(stylesheet.group(1), headers={"Accept-Encoding": "gzip"})
    assert css.status == 200 and "{" in css.text
    assert css.header("Content-Encoding") == "gzip"
    assert css.upstream == "-", css.log_line  # answered by nginx from STATIC_ROOT, no instance asked
    assert css.header("Cache-Control") == "public, max-age=31536000, immutable"

    uncompressed = visitor.get(f"/plan/{code}/")
    assert uncompressed.header("Content-Encoding") is None  # only for clients that ask for it
