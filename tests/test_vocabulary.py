"""No policy in Python or templates: the engine and the templates never spell out a content code.

Reasons, documents, steps, notices, fees and urgent options are vocabulary
(``procedures.vocabulary``) or content rows; which applies to whom is a row with a
condition. A literal such as ``"expiring"`` or ``"mailed"`` in the engine or a
template would be a rule hidden in code, so this test fails on one.
"""
import ast
import re
from pathlib import Path

import pytest

from procedures.engine import Plan
from procedures.facts import FACTS
from procedures.models import Fee, Notice, Requirement, State, UrgentOption
from procedures.vocabulary import Delivery, HeldDocument, Reason

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ROOT / "procedures" / "engine"
TEMPLATES = ROOT / "templates"
TEMPLATE_TAG = re.compile(r"\{[{%].*?[%}]\}", re.S)
QUOTED = re.compile(r"\"([^\"]*)\"|'([^']*)'")


def _docstring_nodes(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                yield first.value


def python_literals(text):
    """Return the string constants of Python source, docstrings left out."""
    tree = ast.parse(text)
    docstrings = {id(node) for node in _docstring_nodes(tree)}
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings}


def template_literals(text):
    """Return the quoted strings inside template tags and variables."""
    return {a or b for tag in TEMPLATE_TAG.findall(text) for a, b in QUOTED.findall(tag)}


def _keys(data):
    if isinstance(data, dict):
        return set(data) | {key for value in data.values() for key in _keys(value)}
    return set()


# Words that are names, not codes, although some content code happens to be spelt the same: the
# plan's JSON keys (a published contract, "photo_receipt") and the facts ("hukou.mail_delivery").
NAMES = _keys(Plan().to_json()) | {name.rsplit(".", 1)[-1] for name in FACTS}


def content_codes():
    codes = set(Reason.values) | set(HeldDocument.values) | set(Delivery.values)
    for model in (State, Requirement, Notice, UrgentOption, Fee):
        codes |= set(model.objects.values_list("code", flat=True))
    return codes - NAMES


def test_the_scanners_find_literals():
    assert python_literals('"""Doc."""\nx = "expiring"\ndef f():\n    """Doc."""\n    return "mailed"\n') == {
        "expiring", "mailed"}
    assert template_literals('{% if a == "lost" %}x{% endif %}{{ v|f:\'old_card\' }} "outside"') == {
        "lost", "old_card"}


@pytest.mark.django_db
def test_the_seeded_codes_are_known():
    codes = content_codes()
    assert {"expiring", "old_card", "mailed", "lost", "return_old_card"} <= codes


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted(ENGINE.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_engine_spells_no_content_code(path):
    found = python_literals(path.read_text(encoding="utf-8")) & content_codes()
    assert not found, f"{path.relative_to(ROOT)} names content codes {sorted(found)}: use procedures.vocabulary"


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_spell_no_content_code(path):
    found = template_literals(path.read_text(encoding="utf-8")) & content_codes()
    assert not found, (f"{path.relative_to(ROOT)} branches on content codes {sorted(found)}: "
                       "branch on a typed field of the plan instead")
