"""The diagram highlights the states and transitions a graph check names, in the SVG and as text."""
import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from procedures import selectors
from procedures.diagram import render_svg
from procedures.diagram_marks import diagram_marks
from procedures.validation import check_procedure

from .test_validation import (  # noqa: F401  (clean_procedure is a fixture)
    clean_procedure,
    cycle_without_exit,
    dead_end,
    planned_cycle,
    terminal_with_way_out,
    unreachable,
)

TODAY = datetime.date(2026, 11, 25)
SVG = "{http://www.w3.org/2000/svg}"


def flagged(procedure):
    """Return {state code: checks} and {(source, target): checks} as drawn in the procedure's SVG."""
    graph = selectors.compiled(procedure)
    root = ET.fromstring(render_svg(graph, marks=diagram_marks(graph, check_procedure(procedure, today=TODAY))))
    states = {g.get("data-code"): g.get("data-checks") for g in root.iter(f"{SVG}g")
              if "flagged" in (g.get("class") or "").split() and g.get("data-code")}
    titles = {t.label: (t.source, t.target) for items in graph.outgoing.values() for t in items}
    edges = {titles[path.find(f"{SVG}title").text]: path.get("data-checks") for path in root.iter(f"{SVG}path")
             if "flagged" in (path.get("class") or "").split()}
    return states, edges


@pytest.mark.parametrize("breaker, states, edges", [
    pytest.param(unreachable, {"orphan": "E002"}, {}, id="unreachable-state"),
    pytest.param(dead_end, {"stuck": "E003"}, {}, id="dead-end"),
    pytest.param(cycle_without_exit, {"loop_a": "E004", "loop_b": "E004"},
                 {("loop_a", "loop_b"): "W005", ("loop_b", "loop_a"): "W005"}, id="trap-states-on-a-loop"),
    pytest.param(terminal_with_way_out, {"done": "E006"}, {("done", "after"): "E006"}, id="terminal-way-out"),
    pytest.param(planned_cycle, {}, {("start", "review"): "W005", ("review", "start"): "W005"}, id="loop"),
])
def test_the_states_and_transitions_a_check_names_are_flagged(clean_procedure, breaker, states, edges):  # noqa: F811
    breaker(clean_procedure)
    clean_procedure.refresh_from_db()

    assert flagged(clean_procedure) == (states, edges)


def test_a_clean_procedure_has_nothing_flagged(clean_procedure):  # noqa: F811
    graph = selectors.compiled(clean_procedure)
    svg = render_svg(graph, marks=diagram_marks(graph, check_procedure(clean_procedure, today=TODAY)))
    assert "flagged" not in svg and "⚠" not in svg


def test_a_flagged_state_says_which_check_in_the_drawing_itself(clean_procedure):  # noqa: F811
    unreachable(clean_procedure)
    graph = selectors.compiled(clean_procedure)
    root = ET.fromstring(render_svg(graph, marks=diagram_marks(graph, check_procedure(clean_procedure, today=TODAY))))
    orphan = next(g for g in root.iter(f"{SVG}g") if g.get("data-code") == "orphan")
    assert "⚠ E002" in [t.text for t in orphan.iter(f"{SVG}text")]


def test_the_diagram_page_lists_what_is_flagged_in_words(admin_client, clean_procedure):  # noqa: F811
    terminal_with_way_out(clean_procedure)
    dead_end(clean_procedure)

    response = admin_client.get(reverse("admin:procedures_procedure_diagram_page", args=[clean_procedure.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="state flagged"') == 2
    assert "检查指出的环节和流转" in html and "流程检查指出的环节或流转" in html  # the list and the legend
    assert "<code>procedures.E003</code>" in html and "stuck" in html
    assert "<code>procedures.E006</code>" in html and "图中标出：环节 done、流转 done → after" in html
    assert '<tr class="flagged">' in html and "⚠ E006" in html
    svg = admin_client.get(reverse("admin:procedures_procedure_diagram", args=[clean_procedure.pk]))
    assert 'class="state flagged" data-checks="E003"' in svg.content.decode()


def test_the_change_page_diagram_is_flagged_too(admin_client, clean_procedure):  # noqa: F811
    unreachable(clean_procedure)

    html = admin_client.get(reverse("admin:procedures_procedure_change", args=[clean_procedure.pk])).content.decode()

    assert 'class="state flagged" data-checks="E002" data-code="orphan"' in html
    assert "检查指出的环节和流转" in html and "<code>E002</code> 环节 orphan" in html
    assert html.count("procedures.E002") == 1  # the checks panel has the message; the diagram, where
