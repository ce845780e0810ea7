"""The ``plan`` command's contract: one JSON object and exit 0, or one line per problem and exit 2.

Most tests run the real command in a subprocess against a migrated temporary
SQLite file (the pytest test database is invisible to another process); the rest
call it in-process with ``call_command`` against the test database.
"""
import datetime
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from wizard.models import Plan, normalise_code

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-11-25"
OUTCOMES = {"apply_here", "apply_at_hukou_place", "not_applicable"}

# Every key of the contract, for an adult who lost the card and lives in Shenzhen.
ANSWERS = {
    "reason": "lost",
    "birth_date": "1990-05-01",
    "hukou_region": "410100",
    "residence_region": "440300",
    "card_expiry_date": "2030-01-01",
    "documents": ["hukou_book"],
    "has_photo_receipt": False,
    "needed_by": None,
    "delivery": "collect",
    "hardship": False,
}


def answers(**changes):
    result = dict(ANSWERS)
    for key, value in changes.items():
        if value is ...:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def is_iso_date(value):
    return isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None \
        and datetime.date.fromisoformat(value) is not None


def codes(items):
    return [item["code"] for item in items]


# --- running the command ------------------------------------------------------------

@pytest.fixture(scope="module")
def command_env(tmp_path_factory):
    """Return the environment of a subprocess whose database is a freshly migrated SQLite file."""
    database = tmp_path_factory.mktemp("plan-command") / "db.sqlite3"
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test", DATABASE_URL=f"sqlite:///{database}")
    result = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return env


@pytest.fixture
def run(command_env, tmp_path):
    """Run ``manage.py plan`` in a subprocess; ``content`` is written as the answers file."""
    def run_command(content, *, today=TODAY, extra=(), answers_arg=None, stdin=None):
        path = tmp_path / "answers.json"
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
        command = [sys.executable, "manage.py", "plan", "--answers", answers_arg or str(path), "--today", today,
                   *extra]
        return subprocess.run(command, cwd=ROOT, env=command_env, capture_output=True, text=True, input=stdin,
                              timeout=120)
    return run_command


@pytest.fixture
def call(db, tmp_path):
    """Run the command in-process; return (exit code, stdout, stderr)."""
    def call_plan(content, *, today=TODAY, **options):
        path = tmp_path / "answers.json"
        path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("plan", answers=str(path), today=today, stdout=out, stderr=err, **options)
        except SystemExit as exit_:
            return exit_.code, out.getvalue(), err.getvalue()
        return 0, out.getvalue(), err.getvalue()
    return call_plan


def plan_of(call, content, **options):
    code, out, err = call(content, **options)
    assert (code, err) == (0, ""), err
    return json.loads(out)


# --- success: one JSON object with the whole contract -----------------------------------

def test_prints_one_json_object_with_every_contract_key(run):
    result = run(ANSWERS)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)  # the whole of stdout is one JSON value...
    assert isinstance(data, dict)  # ...and it is an object

    assert data["outcome"] in OUTCOMES
    assert data["procedure"] == "cross-region-reissue"
    assert isinstance(data["procedure_version"], int) and not isinstance(data["procedure_version"], bool)
    assert data["cross_region"] is True
    assert type(data["fee_yuan"]) is int and data["fee_yuan"] == 40
    assert isinstance(data["photo_receipt_required"], bool)
    assert is_iso_date(data["card_ready_by"])
    assert is_iso_date(data["statutory_deadline"])
    assert data["new_card_validity_years"] in (5, 10, 20, None)

    assert data["documents"]
    for document in data["documents"]:
        assert isinstance(document["code"], str) and document["code"]
        assert isinstance(document["name"], str) and document["name"]
        if "any_of" in document:
            assert isinstance(document["any_of"], list) and document["code"] in document["any_of"]
    assert data["steps"]
    for step in data["steps"]:
        assert {"code", "title", "where", "earliest", "latest"} <= set(step)
        assert is_iso_date(step["earliest"]) and is_iso_date(step["latest"])
        assert step["earliest"] <= step["latest"]
    for key in ("warnings", "urgent_options"):
        assert isinstance(data[key], list)
        for message in data[key]:
            assert isinstance(message["code"], str) and isinstance(message["text"], str) and message["text"]


def test_reads_the_answers_from_stdin(run):
    result = run("", answers_arg="-", stdin=json.dumps(ANSWERS))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["procedure"] == "cross-region-reissue"


def test_checklist_codes_for_a_reissue_in_shenzhen(call):
    data = plan_of(call, ANSWERS)
    documents = {d["code"]: d for d in data["documents"]}
    assert {"application_form", "hukou_book", "residence_permit", "photo_receipt"} <= set(documents)
    assert data["photo_receipt_required"] is True
    assert documents["hukou_book"]["any_of"] == ["hukou_book", "residence_permit", "other_police_id"]
    assert "any_of" not in documents["application_form"]
    # Going home is the only place for a temporary card; flights and trains have their own papers.
    assert {"flight_temporary_certificate", "train_temporary_certificate"} <= set(codes(data["urgent_options"]))
    assert "temporary_card" not in codes(data["urgent_options"])
    assert data["new_card_validity_years"] == 20


def test_statutory_deadline_is_sixty_days_after_applying_today(call):
    data = plan_of(call, ANSWERS)
    assert data["statutory_deadline"] == "2027-01-24"  # 2026-11-25 + 60 days
    assert data["card_ready_by"] <= data["statutory_deadline"]
    # The timeline reaches 2027, whose holidays are not in the calendar yet.
    assert "holiday_calendar_incomplete" in codes(data["warnings"])


def test_renewal_waits_for_the_window_and_counts_the_deadline_from_there(call):
    data = plan_of(call, answers(reason="expiring", card_expiry_date="2027-09-25",  # 10 months away
                                 documents=["old_card", "residence_permit"]))
    assert data["procedure"] == "cross-region-renewal"
    assert "renewal_window_not_open" in codes(data["warnings"])
    assert "return_old_card" in codes(data["warnings"])
    assert data["apply_date"] == "2027-06-25"  # expiry minus 3 months
    assert data["statutory_deadline"] == (datetime.date(2027, 6, 25) + datetime.timedelta(days=60)).isoformat()
    assert data["steps"][0]["earliest"] == "2027-06-25"
    documents = {d["code"]: d for d in data["documents"]}
    assert documents["old_card"]["handed_back"] is True
    assert documents["residence_permit"]["any_of"] == ["residence_permit", "residence_proof"]


def test_a_minor_needs_a_guardian(call):
    data = plan_of(call, answers(birth_date="2012-03-10"))
    assert "guardian_proof" in codes(data["documents"])
    assert "guardian_must_attend" in codes(data["warnings"])
    assert data["new_card_validity_years"] == 5


def test_a_first_application_under_sixteen_is_made_where_the_child_lives(call):
    data = plan_of(call, answers(reason="first_time", birth_date="2012-03-10"))
    assert data["outcome"] == "apply_here"
    assert "guardian_proof" in codes(data["documents"])
    assert data["fee_yuan"] == 0


def test_details_changed_must_be_fixed_at_home_first(call):
    data = plan_of(call, answers(reason="details_changed", documents=["old_card", "residence_permit"]))
    assert data["outcome"] == "apply_at_hukou_place"
    assert data["procedure"] == "details-changed-at-hukou-place"
    assert codes(data["warnings"])[0] == "fix_registration_first"
    assert {"old_card", "hukou_book"} <= set(codes(data["documents"]))
    assert "residence_permit" not in codes(data["documents"])
    assert data["fee_yuan"] == 20


def test_yangtze_delta_pilot_offers_a_temporary_card_where_the_person_applies(call):
    data = plan_of(call, answers(hukou_region="320100", residence_region="310101"))
    assert "temporary_card" in codes(data["urgent_options"])
    assert data["photo_receipt_required"] is False
    assert "photo_receipt" not in codes(data["documents"])


@pytest.mark.parametrize(("birth_date", "years"), [
    pytest.param("2004-09-15", 10, id="22-years-old"),
    pytest.param("1975-01-20", None, id="51-years-old"),
])
def test_new_card_validity_by_age(call, birth_date, years):
    assert plan_of(call, answers(birth_date=birth_date))["new_card_validity_years"] == years


def test_hong_kong_registration_is_not_applicable(call):
    data = plan_of(call, {"reason": "lost", "hukou_region": "810000"})
    assert data["outcome"] == "not_applicable"
    assert data["steps"] and data["card_ready_by"] is None


# --- --save ---------------------------------------------------------------------

def test_save_stores_the_plan_and_prints_its_reference(call):
    data = plan_of(call, ANSWERS, save=True)
    reference = data.pop("reference")
    stored = Plan.objects.get(code=normalise_code(reference))
    assert stored.display_code == reference
    assert stored.result == data
    assert stored.channel == Plan.Channel.COMMAND
    assert (stored.procedure_slug, stored.outcome) == ("cross-region-reissue", "apply_here")
    assert stored.computed_for == datetime.date(2026, 11, 25)
    assert stored.answers["reason"] == "lost"


def test_save_in_a_subprocess_prints_a_reference(run):
    result = run(ANSWERS, extra=["--save"])
    assert result.returncode == 0, result.stderr
    reference = json.loads(result.stdout)["reference"]
    assert len(normalise_code(reference)) == 15


# --- invalid input: one line per problem on stderr, nothing on stdout, exit 2 ----------

INVALID = [
    pytest.param(answers(colour="red"), ["colour"], id="unknown-key"),
    pytest.param(answers(reason="stolen"), ["reason", "stolen"], id="unknown-value"),
    pytest.param('{"reason": "lost", "birth_date": ', ["JSON"], id="malformed-json"),
    pytest.param(answers(birth_date="1990-02-30"), ["birth_date", "1990-02-30"], id="impossible-date"),
    pytest.param(answers(birth_date="2027-01-01"), ["birth_date"], id="future-birth-date"),
    pytest.param(answers(hukou_region="999999"), ["hukou_region", "999999"], id="unknown-region"),
    pytest.param(answers(birth_date=...), ["birth_date"], id="missing-birth-date"),
    pytest.param([ANSWERS], ["JSON"], id="list-instead-of-object"),
]


def check_problems(stderr, expected_words):
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected one line, got: {lines}"
    for word in expected_words:
        assert word in lines[0]
    assert "Traceback" not in stderr


@pytest.mark.parametrize(("content", "expected_words"), INVALID)
def test_invalid_answers_exit_2_in_a_subprocess(run, content, expected_words):
    result = run(content)
    assert result.returncode == 2
    assert result.stdout == ""
    check_problems(result.stderr, expected_words)


@pytest.mark.parametrize(("content", "expected_words"), INVALID)
def test_invalid_answers_exit_2_in_process(call, content, expected_words):
    code, out, err = call(content)
    assert code == 2
    assert out == ""
    check_problems(err, expected_words)


def test_missing_answers_file(run, tmp_path):
    result = run(ANSWERS, answers_arg=str(tmp_path / "nowhere.json"))
    assert (result.returncode, result.stdout) == (2, "")
    check_problems(result.stderr, ["--answers"])


def test_bad_today(run):
    result = run(ANSWERS, today="2026-13-01")
    assert (result.returncode, result.stdout) == (2, "")
    check_problems(result.stderr, ["--today", "2026-13-01"])


def test_today_must_be_written_yyyy_mm_dd(call):
    code, out, _err = call(ANSWERS, today="2026-W48-3")
    assert (code, out) == (2, "")


def test_several_problems_give_several_lines(run):
    content = {"reason": "stolen", "birth_date": "2030-01-01", "hukou_region": "999999", "colour": 1}
    result = run(content)
    assert (result.returncode, result.stdout) == (2, "")
    lines = result.stderr.splitlines()
    # unknown key, unknown reason, unknown region, future birth date, a missing answer (hardship is
    # asked only once the answers show a fee that could be waived, which no reason here can).
    assert len(lines) == 5, lines
    for start in ("colour:", "reason:", "hukou_region:", "birth_date:", "residence_region:"):
        assert sum(line.startswith(start) for line in lines) == 1, (start, lines)
