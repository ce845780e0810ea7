"""export_procedures and import_procedures: the round trip between databases, and all-or-nothing refusals."""
import copy
import datetime
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from procedures import exchange, selectors, services
from procedures.models import Procedure
from procedures.parts import PARTS

ROOT = Path(__file__).resolve().parent.parent


def export():
    out = StringIO()
    call_command("export_procedures", stdout=out)
    return out.getvalue()


def run_import(tmp_path, document):
    path = tmp_path / "procedures.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document, ensure_ascii=False),
                    encoding="utf-8")
    out, err = StringIO(), StringIO()
    try:
        call_command("import_procedures", str(path), stdout=out, stderr=err)
    except SystemExit as exit_info:
        return exit_info.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def entry(document, slug):
    return next(item for item in document["procedures"] if item["slug"] == slug)


def snapshot():
    return sorted(Procedure.objects.values_list("slug", "version", "status", "effective_from", "cache_token"))


# --- in-process ----------------------------------------------------------------------------

def test_every_model_that_belongs_to_a_version_is_a_part():
    """A model with a ``procedure`` key left out of ``PARTS`` would be lost on export, copy and diff."""
    belongs = {model._meta.model_name for model in apps.get_app_config("procedures").get_models()
               if any(field.name == "procedure" and field.is_relation for field in model._meta.concrete_fields)}
    assert belongs == {part.name for part in PARTS}


@pytest.mark.parametrize("part", PARTS, ids=lambda part: part.name)
def test_a_part_is_exported_in_the_order_the_admin_lists_it(part):
    ordering = [name for name in part.model._meta.ordering if name != "procedure"]
    assert list(part.order_by[:len(ordering)]) == ordering


@pytest.mark.django_db
def test_export_is_one_stable_document_of_every_live_procedure():
    text = export()
    document = json.loads(text)
    assert document["format"] == exchange.FORMAT
    assert [p["slug"] for p in document["procedures"]] == sorted(p.slug for p in selectors.live_versions())
    renewal = entry(document, "cross-region-renewal")
    assert {"states", "transitions", "requirements", "fees", "notices", "urgent_options", "validity_rules",
            "time_limits"} <= set(renewal)
    assert any(t["source_state"] == "apply" and t["target_state"] == "signoff" for t in renewal["transitions"])
    assert "version" not in renewal and "updated_at" not in renewal and "id" not in renewal
    assert export() == text


@pytest.mark.django_db
def test_importing_what_is_published_changes_nothing(tmp_path):
    before = snapshot()
    code, out, err = run_import(tmp_path, export())
    assert (code, err) == (0, "")
    assert "共导入 0 个草稿。" in out
    assert snapshot() == before


@pytest.mark.django_db
def test_a_changed_procedure_becomes_a_draft_to_publish(tmp_path):
    document = json.loads(export())
    fee = next(f for f in entry(document, "local-renewal")["fees"] if f["code"] == "renewal")
    fee["amount_yuan"] = 25
    entry(document, "local-renewal")["effective_from"] = "2027-01-01"
    old = selectors.live_version("local-renewal")

    code, out, err = run_import(tmp_path, document)

    assert code == 0, err
    assert "已建草稿 local-renewal v2（拟于 2027-01-01 生效）" in out
    assert "共导入 1 个草稿。" in out
    new = Procedure.objects.get(slug="local-renewal", version=2)
    assert new.status == Procedure.Status.DRAFT
    assert new.effective_from == datetime.date(2027, 1, 1)
    assert new.fee_set.get(code="renewal").amount_yuan == 25
    assert selectors.live_version("local-renewal") == old
    assert selectors.scheduled_versions() == []
    # A second import of the same file is refused while the draft waits, and changes nothing.
    before = snapshot()
    code, _out, err = run_import(tmp_path, document)
    assert code == 2 and "local-renewal 有未发布的草稿 v2" in err
    assert snapshot() == before
    # Published as an admin would, the scheduled version is exported; importing the file again is a no-op.
    services.procedure_publish(procedure=new, effective_from=datetime.date(2027, 1, 1),
                               today=datetime.date(2026, 12, 1))
    assert [p["effective_from"] for p in json.loads(export())["procedures"] if p["slug"] == "local-renewal"] == [
        "2004-01-01", "2027-01-01"]
    assert run_import(tmp_path, document)[1].endswith("共导入 0 个草稿。\n")


def broken(document, how):
    document = copy.deepcopy(document)
    item = entry(document, "local-renewal")
    if how == "dead-end":
        item["transitions"] = [t for t in item["transitions"] if t["source_state"] != "apply"]
    elif how == "bad-condition":
        item["fees"][0]["condition"] = {"fact": "reason", "op": "eq", "value": "stolen"}
    elif how == "unknown-state":
        item["transitions"][0]["target_state"] = "nowhere"
    elif how == "two-initial":
        for state in item["states"]:
            state["is_initial"] = True
    elif how == "no-format":
        del document["format"]
    elif how == "bad-field":
        item["fees"][0]["amount_yuan"] = -5
    return document


@pytest.mark.parametrize(("how", "check_id"), [
    pytest.param("dead-end", "procedures.E003", id="E003-graph"),
    pytest.param("two-initial", "procedures.E001", id="E001-graph"),
    pytest.param("bad-condition", "procedures.E005", id="E005-condition"),
    pytest.param("unknown-state", "procedures.E101", id="E101-unknown-state"),
    pytest.param("bad-field", "procedures.E101", id="E101-field"),
    pytest.param("no-format", "procedures.E100", id="E100-format"),
])
@pytest.mark.django_db
def test_a_document_with_any_problem_changes_nothing_and_exits_2(tmp_path, how, check_id):
    document = json.loads(export())
    entry(document, "cross-region-renewal")["name"] = "改过的名字"  # a good change, refused along with the bad
    before = snapshot()

    code, out, err = run_import(tmp_path, broken(document, how))

    assert code == 2
    assert check_id in err
    assert all(line.startswith("procedures.E") for line in err.splitlines()[:-1])
    assert snapshot() == before


@pytest.mark.django_db
def test_unreadable_files_exit_2(tmp_path):
    code, _out, err = run_import(tmp_path, "{not json")
    assert code == 2 and "procedures.E100" in err


def hostile(document, how):
    """Return a copy of an export with one value an export never holds."""
    document = copy.deepcopy(document)
    item = entry(document, "cross-region-renewal")
    fee, state, transition = item["fees"][0], item["states"][0], item["transitions"][0]
    sub_state = next(s for s in item["states"] if s["subprocedure"])
    changes = {
        "date-number": lambda: fee.update(last_checked=5),
        "fee-valid-from-number": lambda: fee.update(valid_from=5),
        "empty-date": lambda: fee.update(last_checked=""),
        "source-state-list": lambda: transition.update(source_state=["prepare"]),
        "target-state-dict": lambda: transition.update(target_state={"code": "apply"}),
        "subprocedure-list": lambda: sub_state.update(subprocedure=["photo-receipt"]),
        "nul-in-label": lambda: fee.update(label="工本费\x00"),
        "nul-in-slug": lambda: item.update(slug="cross-region-renewal\x00"),
        "nul-in-condition": lambda: fee.update(condition={"fact": "reason", "op": "eq", "value": "lost\x00"}),
        "nul-in-key": lambda: state.update({"code\x00": "x"}),
        "lone-surrogate": lambda: item.update(name="异地\ud800"),
        "number-for-string": lambda: item.update(name=5),
        "number-for-state-code": lambda: state.update(code=7),
        "null-for-text": lambda: fee.update(source=None),
        "list-for-condition": lambda: fee.update(condition=[]),
        "bool-for-integer": lambda: fee.update(amount_yuan=True),
        "string-for-boolean": lambda: state.update(is_initial="yes"),
        "section-number": lambda: item.update(fees=5),
        "section-object": lambda: item.update(fees={"code": "renewal"}),
        "row-not-object": lambda: item["fees"].append("renewal"),
        "missing-state-reference": lambda: transition.pop("target_state"),
        "procedure-not-object": lambda: document["procedures"].append(["cross-region-renewal"]),
        "procedures-missing": lambda: document.pop("procedures"),
    }
    if how == "top-level-list":
        return [document]
    changes[how]()
    return document


HOSTILE = ["date-number", "fee-valid-from-number", "empty-date", "source-state-list", "target-state-dict",
           "subprocedure-list", "nul-in-label", "nul-in-slug", "nul-in-condition", "nul-in-key", "lone-surrogate",
           "number-for-string", "number-for-state-code", "null-for-text", "list-for-condition", "bool-for-integer",
           "string-for-boolean", "section-number", "section-object", "row-not-object", "missing-state-reference",
           "procedure-not-object", "procedures-missing", "top-level-list"]


@pytest.mark.parametrize("how", HOSTILE)
@pytest.mark.django_db
def test_a_hostile_document_is_refused_with_readable_lines_and_changes_nothing(tmp_path, how):
    document = json.loads(export())
    entry(document, "local-renewal")["name"] = "改过的名字"  # a good change, refused along with the bad
    before = snapshot()

    # ASCII JSON, so a lone surrogate reaches the command as the escape a hostile file would hold.
    code, _out, err = run_import(tmp_path, json.dumps(hostile(document, how)))

    assert code == 2, err
    lines = err.splitlines()
    assert lines[-1].startswith("没有导入任何内容：")
    assert lines[:-1] and all(line.startswith(("procedures.E100 ", "procedures.E101 ")) for line in lines[:-1])
    assert "Traceback" not in err
    assert snapshot() == before


@pytest.mark.parametrize("text", [
    pytest.param("[" * 100_000, id="deeply-nested"),
    pytest.param('{"n": ' + "9" * 5000 + "}", id="huge-integer"),
])
@pytest.mark.django_db
def test_json_that_python_cannot_read_exits_2(tmp_path, text):
    code, _out, err = run_import(tmp_path, text)
    assert code == 2 and "procedures.E100" in err


# --- between two freshly migrated databases ------------------------------------------------

def manage(database, *args, stdin=None):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test", DATABASE_URL=f"sqlite:///{database}")
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, input=stdin, timeout=300)


# What an admin does after an import: publish each draft on the date it proposes.
PUBLISH_DRAFTS = """
import datetime
from procedures import services
from procedures.models import Procedure
for draft in Procedure.objects.filter(status="draft"):
    services.procedure_publish(procedure=draft, effective_from=draft.effective_from,
                               today=datetime.date(2026, 12, 1))
"""


def test_export_import_export_between_fresh_databases_is_identical(tmp_path):
    first, second = tmp_path / "first.sqlite3", tmp_path / "second.sqlite3"
    for database in (first, second):
        assert manage(database, "migrate", "--noinput", "-v", "0").returncode == 0
    # Make the first database differ from the seed: a fee change taking effect later.
    document = json.loads(manage(first, "export_procedures").stdout)
    renewal = entry(document, "cross-region-renewal")
    next(f for f in renewal["fees"] if f["code"] == "renewal")["amount_yuan"] = 25
    renewal["effective_from"] = "2099-01-01"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert manage(first, "import_procedures", str(changed)).returncode == 0
    assert manage(first, "shell", "-c", PUBLISH_DRAFTS).returncode == 0

    exported = manage(first, "export_procedures").stdout
    path = tmp_path / "exported.json"
    path.write_text(exported, encoding="utf-8")
    result = manage(second, "import_procedures", str(path))
    assert result.returncode == 0, result.stderr
    assert "共导入 1 个草稿。" in result.stdout
    assert manage(second, "shell", "-c", PUBLISH_DRAFTS).returncode == 0
    again = manage(second, "export_procedures").stdout

    assert again == exported
    # Every seeded procedure, plus the scheduled renewal next to the live one.
    assert len(json.loads(again)["procedures"]) == len(json.loads(exported)["procedures"]) == len(
        document["procedures"]) + 1
