"""Draw a procedure's state machine as SVG, on the server, with a small layered layout.

The layout is a plain Sugiyama scheme, small enough to read: break cycles by
reversing the edges a depth-first search finds going back; give each state a layer
by its longest path from the start; put a label node on every edge between two
layers (so labels get room like states do) and a dummy node wherever an edge
crosses a layer; order each layer by the mean position of its neighbours, a few
sweeps down and up; then place nodes left to right and pull each towards its
neighbours without overlapping. Text widths are estimated (a CJK character is one
em, anything else about half), since no font metrics are at hand.
"""
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from .describe import describe_condition

FONT = 13
SMALL = 11
LINE = 17
SMALL_LINE = 14
PAD_X, PAD_Y = 10, 8
NODE_MAX_CHARS = 12
LABEL_MAX_CHARS = 18
GAP_X = 28
GAP_Y = 22
MARGIN = 16
SWEEPS = 6

ACTOR_FILL = {
    "applicant": "#e8f1fb",
    "residence_office": "#eaf6ea",
    "hukou_office": "#fdf3e1",
    "production": "#f1ecf9",
}
ACTOR_LABEL = {
    "applicant": "申请人",
    "residence_office": "居住地受理点",
    "hukou_office": "户籍地公安机关",
    "production": "制证机构",
}
UNIT_LABEL = {"calendar_days": "天", "working_days": "个工作日"}
FLAG = "#b3261e"  # a state or transition a check names: this outline and stroke, and a "⚠ E002" line


def text_width(text, size=FONT):
    """Return the estimated width of ``text`` in pixels."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.56 for ch in text)


def wrap(text, limit):
    """Split text into lines of at most ``limit`` em, breaking after punctuation or spaces when possible."""
    lines, current, width = [], "", 0.0
    for ch in text:
        unit = 1 if ord(ch) > 0x2E7F else 0.56
        if width + unit > limit and current:
            cut = max(current.rfind(" "), current.rfind("，"), current.rfind("、"))
            if cut > len(current) // 2:
                lines.append(current[:cut + 1].rstrip())
                current = current[cut + 1:].lstrip()
            else:
                lines.append(current)
                current = ""
            width = sum(1 if ord(c) > 0x2E7F else 0.56 for c in current)
        current += ch
        width += unit
    if current.strip():
        lines.append(current.strip())
    return lines or [""]


@dataclass
class Node:
    key: object
    rank: int
    width: float = 0
    height: float = 0
    kind: str = "state"  # state, label, dummy
    lines: list = field(default_factory=list)
    small: list = field(default_factory=list)
    x: float = 0
    y: float = 0
    state: object = None
    edge: object = None
    flag: str = ""  # "⚠ E002、E003": the checks that name this state or transition


@dataclass
class Edge:
    source: str
    target: str
    transition: object
    reversed: bool = False
    chain: list = field(default_factory=list)
    checks: tuple = ()


def _layers(codes, edges, initial):
    """Return {code: layer}, and the set of edges (index) reversed to break cycles."""
    adjacency = {code: [] for code in codes}
    for index, (source, target) in enumerate(edges):
        adjacency[source].append((target, index))
    reversed_edges, colour = set(), dict.fromkeys(codes, 0)
    roots = [initial] if initial in adjacency else []
    roots += [code for code in codes if code not in roots]
    for root in roots:
        if colour[root]:
            continue
        colour[root] = 1
        stack = [(root, iter(adjacency[root]))]
        while stack:
            node, children = stack[-1]
            step = next(children, None)
            if step is None:
                colour[node] = 2
                stack.pop()
                continue
            child, index = step
            if colour[child] == 1 or child == node:
                reversed_edges.add(index)
            elif colour[child] == 0:
                colour[child] = 1
                stack.append((child, iter(adjacency[child])))
    forward = {code: [] for code in codes}
    indegree = dict.fromkeys(codes, 0)
    for index, (source, target) in enumerate(edges):
        if source == target:
            continue
        if index in reversed_edges:
            source, target = target, source
        forward[source].append(target)
        indegree[target] += 1
    layer = dict.fromkeys(codes, 0)
    queue = [code for code in codes if indegree[code] == 0]
    while queue:
        node = queue.pop(0)
        for target in forward[node]:
            layer[target] = max(layer[target], layer[node] + 1)
            indegree[target] -= 1
            if indegree[target] == 0:
                queue.append(target)
    return layer, reversed_edges


def _flag(checks):
    return "⚠ " + "、".join(checks) if checks else ""


def _state_node(state, rank, checks=()):
    lines = wrap(state.name, NODE_MAX_CHARS)
    small = [state.code]
    details = [ACTOR_LABEL.get(state.actor, state.actor)]
    if state.duration_max:
        unit = UNIT_LABEL.get(state.duration_unit, "")
        span = (f"{state.duration_min}–{state.duration_max}" if state.duration_min != state.duration_max
                else str(state.duration_max))
        details.append(f"{span} {unit}")
    small.append(" · ".join(details))
    if state.subprocedure:
        small.append(_("调用子流程 %(slug)s") % {"slug": state.subprocedure})
    flag = _flag(checks)
    width = max([text_width(line) for line in lines] + [text_width(s, SMALL) for s in [*small, flag]]) + 2 * PAD_X
    height = len(lines) * LINE + (len(small) + bool(flag)) * SMALL_LINE + 2 * PAD_Y
    return Node(key=("state", state.code), rank=rank, width=max(width, 120), height=height, lines=lines,
                small=small, state=state, flag=flag)


def _label_node(edge, rank, key, checks=()):
    transition = edge.transition
    lines = wrap(transition.label, LABEL_MAX_CHARS)
    small = []
    if transition.condition:
        small = wrap(_("条件：%(text)s") % {"text": describe_condition(transition.condition)}, LABEL_MAX_CHARS + 4)
    if transition.kind == "exception":
        small.append(_("（例外）"))
    flag = _flag(checks)
    width = max([text_width(line, SMALL) for line in lines] + [text_width(s, SMALL) for s in [*small, flag]]) + 8
    height = (len(lines) + len(small) + bool(flag)) * SMALL_LINE + 6
    return Node(key=key, rank=rank, width=width, height=height, kind="label", lines=lines, small=small, edge=edge,
                flag=flag)


def layout(procedure, marks=None):
    """Return (nodes, edges, width, height) for a compiled procedure; ``marks`` (``diagram_marks``) flag parts."""
    state_checks = marks.state if marks else lambda code: ()
    edge_checks = marks.edge if marks else lambda transition: ()
    states = list(procedure.states)
    codes = [state.code for state in states]
    transitions = [t for state in states for t in procedure.outgoing.get(state.code, ())
                   if t.target in procedure.states_by_code]
    initial = next((state.code for state in states if state.is_initial), codes[0] if codes else None)
    layer, reversed_edges = _layers(codes, [(t.source, t.target) for t in transitions], initial)

    nodes = {}
    for state in states:
        node = _state_node(state, 2 * layer[state.code], state_checks(state.code))
        nodes[node.key] = node
    edges = []
    for index, transition in enumerate(transitions):
        edge = Edge(transition.source, transition.target, transition, reversed=index in reversed_edges,
                    checks=tuple(edge_checks(transition)))
        top, bottom = (edge.target, edge.source) if edge.reversed else (edge.source, edge.target)
        start, end = 2 * layer[top], 2 * layer[bottom]
        chain = [("state", top)]
        if start == end:  # a self-loop or same-layer edge: give its label a rank below
            label = _label_node(edge, start + 1, ("label", index), edge_checks(transition))
            nodes[label.key] = label
            chain += [label.key, ("state", bottom)]
        else:
            for rank in range(start + 1, end):
                key = ("label", index) if rank == start + 1 else ("dummy", index, rank)
                node = (_label_node(edge, rank, key, edge_checks(transition)) if rank == start + 1
                        else Node(key=key, rank=rank, width=4, height=SMALL_LINE, kind="dummy", edge=edge))
                nodes[key] = node
                chain.append(key)
            chain.append(("state", bottom))
        edge.chain = chain
        edges.append(edge)

    ranks = {}
    for node in nodes.values():
        ranks.setdefault(node.rank, []).append(node)
    order = {state.code: index for index, state in enumerate(states)}
    for rank_nodes in ranks.values():
        rank_nodes.sort(key=lambda n: order.get(n.key[1], 0) if n.kind == "state" else n.key[1])

    neighbours_up, neighbours_down = {}, {}
    for edge in edges:
        for upper, lower in zip(edge.chain, edge.chain[1:], strict=False):
            if nodes[upper].rank < nodes[lower].rank:
                neighbours_down.setdefault(upper, []).append(lower)
                neighbours_up.setdefault(lower, []).append(upper)

    def positions():
        return {node.key: index for rank_nodes in ranks.values() for index, node in enumerate(rank_nodes)}

    sorted_ranks = sorted(ranks)
    for sweep in range(SWEEPS):
        down = sweep % 2 == 0
        where = positions()
        for rank in (sorted_ranks if down else reversed(sorted_ranks)):
            links = neighbours_up if down else neighbours_down

            def centre(node, links=links, where=where):
                linked = links.get(node.key)
                return sum(where[k] for k in linked) / len(linked) if linked else where[node.key]

            ranks[rank].sort(key=centre)
            where = positions()

    # Place left to right, then pull each node towards its neighbours without overlap.
    for rank_nodes in ranks.values():
        x = 0.0
        for node in rank_nodes:
            node.x = x + node.width / 2
            x += node.width + GAP_X
    for _round in range(8):
        for rank in sorted_ranks:
            rank_nodes = ranks[rank]
            for node in rank_nodes:
                linked = neighbours_up.get(node.key, []) + neighbours_down.get(node.key, [])
                if linked:
                    node.x = sum(nodes[k].x for k in linked) / len(linked)
            for left, right in zip(rank_nodes, rank_nodes[1:], strict=False):
                least = left.x + (left.width + right.width) / 2 + GAP_X
                right.x = max(right.x, least)
            for left, right in reversed(list(zip(rank_nodes, rank_nodes[1:], strict=False))):
                most = right.x - (left.width + right.width) / 2 - GAP_X
                left.x = min(left.x, most)
    lowest = min((node.x - node.width / 2 for node in nodes.values()), default=0)
    for node in nodes.values():
        node.x += MARGIN - lowest
    width = max((node.x + node.width / 2 for node in nodes.values()), default=0) + MARGIN

    y = MARGIN
    for rank in sorted_ranks:
        height = max(node.height for node in ranks[rank])
        for node in ranks[rank]:
            node.y = y + height / 2
        y += height + GAP_Y
    return nodes, edges, width, y - GAP_Y + MARGIN


def _text(x, y, text, size=FONT, weight=None, fill="#1a1a1a", anchor="middle"):
    bold = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{bold}>'
            f"{escape(text)}</text>")


def _path(points):
    (x, y), rest = points[0], points[1:]
    parts = [f"M{x:.1f},{y:.1f}"]
    for nx, ny in rest:
        middle = (y + ny) / 2
        parts.append(f"C{x:.1f},{middle:.1f} {nx:.1f},{middle:.1f} {nx:.1f},{ny:.1f}")
        x, y = nx, ny
    return " ".join(parts)


def _flagged(checks, kind):
    """Return the class and data attributes of a state or an edge that checks name."""
    if not checks:
        return f'class="{kind}"'
    return f'class="{kind} flagged" data-checks="{escape(" ".join(checks))}"'


def render_svg(procedure, *, title=None, marks=None):
    """Return an SVG document (as text) drawing a compiled procedure's state machine.

    The states and transitions ``marks`` names (see ``diagram_marks``) get the class ``flagged``, a red
    outline or stroke and a "⚠ E002" line: drawn with attributes, so the file reads the same on its own.
    """
    nodes, edges, width, height = layout(procedure, marks)
    title = title or _("%(name)s（v%(version)d）状态图") % {"name": procedure.name, "version": procedure.version}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="procedure-diagram" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'font-family="system-ui, -apple-system, &quot;PingFang SC&quot;, &quot;Noto Sans CJK SC&quot;, '
        f'&quot;Microsoft YaHei&quot;, sans-serif">',
        f"<title>{escape(title)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    for edge in edges:
        points = []
        for key in edge.chain:
            node = nodes[key]
            if node.kind == "state":
                continue
            points.append((node.x, node.y))
        top, bottom = nodes[edge.chain[0]], nodes[edge.chain[-1]]
        points = [(top.x, top.y + top.height / 2), *points, (bottom.x, bottom.y - bottom.height / 2)]
        if top is bottom:  # a self-loop: out of the bottom, round the label and back in at the side
            label = nodes[edge.chain[1]]
            points = [(top.x, top.y + top.height / 2), (label.x, label.y + label.height / 2),
                      (top.x + top.width / 2, top.y)]
        if edge.reversed:
            points.reverse()
        dash = ' stroke-dasharray="5 4"' if edge.transition.kind == "exception" else ""
        colour = "#a33" if edge.transition.kind == "exception" else "#555"
        stroke = f'stroke="{FLAG}" stroke-width="3"' if edge.checks else f'stroke="{colour}" stroke-width="1.4"'
        out.append(f'<path {_flagged(edge.checks, "edge")} d="{_path(points)}" fill="none" {stroke}{dash} '
                   f'marker-end="url(#arrow)"><title>{escape(edge.transition.label)}</title></path>')
    for node in nodes.values():
        left, top = node.x - node.width / 2, node.y - node.height / 2
        if node.kind == "dummy":
            continue
        if node.kind == "label":
            t = node.edge.transition
            outline = f' stroke="{FLAG}" stroke-width="1.5"' if node.flag else ""
            out.append(f'<g {_flagged(node.edge.checks, "edge-label")}><rect x="{left:.1f}" y="{top:.1f}" '
                       f'width="{node.width:.1f}" height="{node.height:.1f}" rx="3" fill="#fff" '
                       f'fill-opacity="0.92"{outline}/>')
            y = top + SMALL_LINE - 2
            for line in node.lines:
                out.append(_text(node.x, y, line, SMALL, weight="600",
                                 fill="#a33" if t.kind == "exception" else "#222"))
                y += SMALL_LINE
            for line in node.small:
                out.append(_text(node.x, y, line, SMALL, fill="#555"))
                y += SMALL_LINE
            if node.flag:
                out.append(_text(node.x, y, node.flag, SMALL, weight="600", fill=FLAG))
            out.append("</g>")
            continue
        state = node.state
        fill = ACTOR_FILL.get(state.actor, "#f5f5f5")
        stroke = "#1f5fa8" if state.is_initial else "#444"
        stroke_width = 2.5 if state.is_initial else 1.2
        checks = marks.state(state.code) if marks else ()
        out.append(f'<g {_flagged(checks, "state")} data-code="{escape(state.code)}">')
        if checks:
            out.append(f'<rect x="{left - 4:.1f}" y="{top - 4:.1f}" width="{node.width + 8:.1f}" '
                       f'height="{node.height + 8:.1f}" rx="11" fill="none" stroke="{FLAG}" stroke-width="2.5" '
                       f'stroke-dasharray="6 3"/>')
        out.append(f'<rect x="{left:.1f}" y="{top:.1f}" width="{node.width:.1f}" height="{node.height:.1f}" '
                   f'rx="8" fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width}"/>')
        if state.is_terminal:
            out.append(f'<rect x="{left + 3:.1f}" y="{top + 3:.1f}" width="{node.width - 6:.1f}" '
                       f'height="{node.height - 6:.1f}" rx="6" fill="none" stroke="#444" stroke-width="1"/>')
        y = top + PAD_Y + FONT
        for line in node.lines:
            out.append(_text(node.x, y, line, FONT, weight="600"))
            y += LINE
        for line in node.small:
            out.append(_text(node.x, y - 2, line, SMALL, fill="#444"))
            y += SMALL_LINE
        if node.flag:
            out.append(_text(node.x, y - 2, node.flag, SMALL, weight="600", fill=FLAG))
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
