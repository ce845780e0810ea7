"""Import of randomly damaged export documents: it publishes, or refuses with check messages and changes nothing.

Hypothesis takes a real export (the renewal procedure and the sub-procedure it calls)
and replaces values anywhere in it by random JSON, or drops keys: the wrong type where
a date, a state code or a string belongs, NUL and other odd characters, lists and
objects nested where scalars are expected, the top level itself. Each example runs in
a savepoint that is rolled back, so examples do not depend on each other.
"""
import copy
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procedures import imports, services
from procedures.parts import PARTS
from procedures.selectors import clear_caches

pytestmark = pytest.mark.django_db

HOSTILE = settings(max_examples=50, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                          HealthCheck.data_too_large])
KEPT = {"cross-region-renewal", "photo-receipt"}
# Values of the right shape for some field, so that mutations which still import are exercised too.
NEARLY_VALID = [
    "", "prepare", "apply", "produce", "collect", "photo-receipt", "cross-region-renewal", "main", "sub",
    "verified", "unknown", "mail", "planned", "exception", "2004-01-01", "2099-12-31", "2026-02-30", 0, 1, 20,
    -1, 2**31, 2**63, True, False, None, {}, [], {"fact": "reason", "op": "eq", "value": "lost"},
    {"fact": "no_such_fact", "op": "eq", "value": 1}, "\x00", "a\x00b", "\ud800", "x" * 300,
]
scalars = st.one_of(st.sampled_from(NEARLY_VALID), st.none(), st.booleans(), st.integers(), st.floats(),
                    st.text(max_size=12))
json_values = st.recursive(
    scalars, lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children,
                                                                                max_size=3),
    max_leaves=6)


@pytest.fixture
def exported(db):
    """Return an export trimmed to the renewal procedure and its sub-procedure (keeps examples quick)."""
    out = StringIO()
    call_command("export_procedures", stdout=out)
    document = json.loads(out.getvalue())
    document["procedures"] = [item for item in document["procedures"] if item["slug"] in KEPT]
    assert {item["slug"] for item in document["procedures"]} == KEPT
    return document


def paths(node, here=()):
    """Yield the path (keys and indexes) of every node in a document, the root first."""
    yield here
    if isinstance(node, dict):
        for key, child in node.items():
            yield from paths(child, (*here, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from paths(child, (*here, index))


def mutate(document, data):
    """Return a copy of ``document`` with one to three random replacements or deletions."""
    document = copy.deepcopy(document)
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        path = data.draw(st.sampled_from(list(paths(document))), label="path")
        if not path:
            document = data.draw(json_values, label="root")
            continue
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent, dict) and data.draw(st.booleans(), label="delete"):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(json_values, label="value")
    return document


def database():
    """Return every row of the versioned content: versions with their bookkeeping, and each part's rows."""
    rows = [sorted(services.Procedure.objects.values_list(
        "pk", "slug", "version", "status", "effective_from", "cache_token", "name"))]
    for part in PARTS:
        rows.append(sorted(part.model.objects.values_list("pk", "procedure_id")))
    return rows


@HOSTILE
@given(data=st.data())
def test_a_damaged_document_imports_or_is_refused_with_messages_and_changes_nothing(exported, data):
    document = mutate(exported, data)
    try:
        with transaction.atomic():
            before = database()
            try:
                drafts = imports.procedures_import(document=document)
            except imports.ImportRefused as refusal:
                assert refusal.problems
                for problem in refusal.problems:
                    assert problem.id.startswith("procedures.E") and str(problem.msg).strip(), problem
                assert database() == before
            else:
                assert all(version.is_draft for version in drafts)
            transaction.set_rollback(True)  # the next example starts from the seeded catalogue again
    finally:
        clear_caches()
