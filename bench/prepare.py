"""Prepare the database for ``make bench`` and count SQL queries per page.

Run with the same settings and DATABASE_URL as the server under test. It
  * creates plans with ``manage.py plan --save`` (in-process ``call_command``);
  * drives the wizard with the test client, ``--sessions`` times, up to the
    ``documents`` step, so that wrk can GET and POST that step with a valid,
    partially filled session (one session per request in turn);
  * counts the SQL queries of each benchmarked page with ``CaptureQueriesContext``
    (after one warm-up request, as a worker serves it in steady state);
and writes everything wrk needs as JSON to ``--out``.
"""
import argparse
import datetime
import io
import json
import re
import secrets
import string
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}
STEP = "documents"
BIRTH = datetime.date(1980, 5, 6)


def plan_answers(today):
    """An adult from Henan living in Shenzhen whose card expires in 40 days (a rich plan)."""
    return {
        "reason": "expiring", "hukou_region": "410100", "residence_region": "440300",
        "birth_date": BIRTH.isoformat(), "card_expiry_date": (today + datetime.timedelta(days=40)).isoformat(),
        "documents": ["old_card", "residence_permit"], "has_photo_receipt": False,
        "delivery": "collect", "needed_by": None, "hardship": False,
    }


def wizard_steps(today):
    """(step, fields) up to, not including, the documents step."""
    expiry = today + datetime.timedelta(days=40)
    return [
        ("reason", {"answer": "expiring"}),
        ("hukou_province", {"answer": "410000"}),
        ("hukou_prefecture", {"answer": "410100"}),
        ("residence_province", {"answer": "440000"}),
        ("residence_prefecture", {"answer": "440300"}),
        ("birth_date", {"answer_0": str(BIRTH.year), "answer_1": str(BIRTH.month), "answer_2": str(BIRTH.day)}),
        ("card_expiry_date", {"answer_0": str(expiry.year), "answer_1": str(expiry.month),
                              "answer_2": str(expiry.day)}),
    ]


def create_plan(today):
    from django.core.management import call_command

    from wizard.models import normalise_code

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as handle:
        json.dump(plan_answers(today), handle)
    out = io.StringIO()
    call_command("plan", answers=handle.name, today=today.isoformat(), save=True, stdout=out)
    Path(handle.name).unlink()
    return normalise_code(json.loads(out.getvalue())["reference"])


class Wizard:
    def __init__(self, client):
        self.client = client
        response = client.get("/apply/", follow=True)
        assert response.status_code == 200, response.status_code
        match = re.search(r'name="([a-z_]+)-current_step"', response.content.decode())
        assert match, "no wizard management form on the first step"
        self.prefix = match.group(1)

    def post_data(self, step, fields):
        data = {f"{self.prefix}-current_step": step}
        data.update({f"{step}-{name}": value for name, value in fields.items()})
        return data

    def answer(self, step, fields):
        response = self.client.post(f"/apply/{step}/", self.post_data(step, fields))
        assert response.status_code == 302, (step, response.status_code, response.content[:500])
        return response


def new_session(today):
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    wizard = Wizard(client)
    for step, fields in wizard_steps(today):
        wizard.answer(step, fields)
    response = client.get(f"/apply/{STEP}/")
    assert response.status_code == 200, response.status_code
    return client, wizard


def count_queries(client, method, path, data=None):
    """Return (status, {"queries": n, "transaction": m}) for one request, after a warm-up request.

    Transaction statements (BEGIN, COMMIT, SAVEPOINT...) that Django logs around a write are
    counted apart from the queries that read or write rows.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call = client.post if method == "POST" else client.get
    call(path, data) if data is not None else call(path)
    with CaptureQueriesContext(connection) as captured:
        response = call(path, data) if data is not None else call(path)
    statements = [query["sql"].split(None, 1)[0].upper() for query in captured.captured_queries]
    control = sum(1 for word in statements if word in TRANSACTION_CONTROL)
    return response.status_code, {"queries": len(statements) - control, "transaction": control}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--sessions", type=int, default=64)
    args = parser.parse_args()

    import django

    django.setup()
    from urllib.parse import urlencode

    from django.test import Client
    from django.utils import timezone

    today = timezone.localdate()
    codes = [create_plan(today) for _ in range(4)]
    code = codes[0]

    post_fields = {"answer": ["old_card", "residence_permit"]}
    sessions = []
    for _ in range(args.sessions):
        client, wizard = new_session(today)
        sessions.append(client.cookies["sessionid"].value)
    post_data = wizard.post_data(STEP, post_fields)

    # A CSRF secret of our own: Django accepts the same 32-character value as cookie and form field.
    token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    checked = Client(HTTP_HOST=HOST, enforce_csrf_checks=True)
    checked.cookies["sessionid"] = sessions[0]
    checked.cookies["csrftoken"] = token
    response = checked.post(f"/apply/{STEP}/", {**post_data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and "/apply/has_photo_receipt/" in response["Location"], (
        response.status_code, response.get("Location"))

    client, _wizard = new_session(today)
    pages = {
        "hello": ("GET", "/bench/hello/", None),
        "wizard_get": ("GET", f"/apply/{STEP}/", None),
        "wizard_post": ("POST", f"/apply/{STEP}/", post_data),
        "plan": ("GET", f"/plan/{code}/", None),
        "print": ("GET", f"/plan/{code}/print/", None),
    }
    queries = {}
    for name, (method, path, data) in pages.items():
        status, count = count_queries(client, method, path, data)
        assert status in (200, 302), (name, status)
        queries[name] = count

    body = urlencode({**post_data, "csrfmiddlewaretoken": token}, doseq=True)
    result = {
        "codes": codes, "sessions": sessions, "csrftoken": token, "post_body": body,
        "paths": {name: path for name, (_m, path, _d) in pages.items()}, "queries": queries,
    }
    Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    Path(args.out).with_suffix(".sessions").write_text("\n".join(sessions) + "\n", encoding="utf-8")
    print(f"prepared: {len(codes)} plans, {len(sessions)} wizard sessions at step {STEP}; queries {queries}")


if __name__ == "__main__":
    main()
