"""The knowledge graph as a picture source: Mermaid flowcharts and Graphviz DOT.

`export_graph(graph, "mermaid")` draws every node (grouped by type) and every relation
(labelled); with `focus` it draws one career's pathway, step by step with durations, plus the
node's direct neighbours. Labels come from data files, so each format's escaping is applied
to every label and identifiers are generated, never copied from the data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge import AdvisorError, Graph, Node, did_you_mean, strip_control

FORMATS = ("mermaid", "dot")

#: Fill colours per node type, shared by both formats so pictures look alike.
_COLOURS = {
    "category": "#e8eaf6", "role": "#bbdefb", "subspecialty": "#c8e6c9",
    "training": "#fff9c4", "credential": "#ffe0b2", "modality": "#f8bbd0",
    "skill": "#d1c4e9", "topic": "#eeeeee", "concept": "#e0f2f1",
}
_DEFAULT_COLOUR = "#ffffff"


class ExportError(AdvisorError, ValueError):
    """A graph export was asked for something that does not exist (format or focus node).

    Avoid it by using a format from FORMATS and a node id, name or alias the graph has
    (`radiology-advisor check` lists the counts; the message suggests the closest id).
    """


def resolve_node(graph: Graph, text: str) -> Node:
    """The node an id, name or alias names; ExportError with a suggestion otherwise."""
    node = graph.get(text) or graph.lookup(text)
    if node is not None:
        return node
    match = graph.find(text)
    if match is not None:
        hint = f" (did you mean '{match.node.id}'?)"
    else:
        hint = did_you_mean(text, [n.id for n in graph])
    raise ExportError(f"unknown node '{_quote_free(text)}'{hint}")


def _quote_free(text: str) -> str:
    return strip_control(text).replace("'", "’")[:80]


def export_graph(graph: Graph, fmt: str, focus: str | None = None) -> str:
    """Mermaid or DOT source for the whole graph, or for `focus`'s pathway and neighbours."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{_quote_free(fmt)}'{did_you_mean(fmt, FORMATS)}; "
                          f"choose one of {', '.join(FORMATS)}")
    picture = _focus(graph, resolve_node(graph, focus)) if focus is not None else _whole(graph)
    return _mermaid(picture) if fmt == "mermaid" else _dot(picture)


# -- a format-neutral picture ---------------------------------------------------------------
class _Picture:
    """Nodes (id, label, type, group) and labelled edges, in drawing order."""

    def __init__(self, title: str, grouped: bool) -> None:
        self.title = title
        self.grouped = grouped
        self.nodes: dict[str, tuple[tuple[str, ...], str]] = {}  # id -> (label lines, type)
        self.edges: list[tuple[str, str, str, bool]] = []  # source, target, label, emphasis

    def add_node(self, node: Node, *label: str) -> None:
        if node.id not in self.nodes:
            self.nodes[node.id] = (label or (node.name,), node.type)

    def add_edge(self, source: str, target: str, label: str, emphasis: bool = False) -> None:
        edge = (source, target, label, emphasis)
        if edge not in self.edges:
            self.edges.append(edge)


def _whole(graph: Graph) -> _Picture:
    title = str(graph.meta.get("title") or graph.meta.get("name") or "knowledge graph")
    picture = _Picture(title, grouped=True)
    for node in graph:
        picture.add_node(node)
    for edge in graph.edges:
        if edge.source in picture.nodes and edge.target in picture.nodes:
            picture.add_edge(edge.source, edge.target, edge.relation)
    return picture


def _focus(graph: Graph, node: Node) -> _Picture:
    pathway = graph.pathway(node.id)
    picture = _Picture(f"pathway to {node.name}", grouped=False)
    total = f"total {pathway.total}" if pathway.total is not None else "total not stated"
    previous: str | None = None
    for number, step in enumerate(pathway.steps, 1):
        length = step.duration.short() if step.duration else "length not stated"
        if step.type == "credential":
            length = "credential"
        lines = [f"{number}. {step.label} ({length})"]
        if step.id == node.id:
            lines.append(f"{node.name}: {total}")
        picture.add_node(step, *lines)
        if previous is not None:  # 'then' only where the source states the order, from
            # the step it states (residency), wherever that is listed
            stated = next((s.id for s in reversed(pathway.steps[:number - 1])
                           if (step.id, s.id) in pathway.links), None)
            picture.add_edge(stated or previous, step.id, "then" if stated else "and",
                             emphasis=True)
        previous = step.id
    if pathway.steps:
        picture.add_node(node, node.name, total)
    else:
        picture.add_node(node)
    if previous is not None and previous != node.id:
        picture.add_edge(previous, node.id, "then", emphasis=True)
    for edge in graph.edges:
        if node.id not in (edge.source, edge.target):
            continue
        other = graph.node(edge.target if edge.source == node.id else edge.source)
        picture.add_node(other)
        picture.add_edge(edge.source, edge.target, edge.relation)
    return picture


def _ids(node_ids: Iterable[str]) -> dict[str, str]:
    """Safe, unique identifiers for a format ('n_' prefix: 'end' and 'graph' are keywords)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for node_id in node_ids:
        base = "n_" + re.sub(r"[^A-Za-z0-9_]", "_", node_id)
        candidate, n = base, 1
        while candidate in used:
            n += 1
            candidate = f"{base}_{n}"
        used.add(candidate)
        out[node_id] = candidate
    return out


def _slug(prefix: str, text: str) -> str:
    return prefix + re.sub(r"[^A-Za-z0-9_]", "_", text)


def _clean(text: str) -> str:
    return " ".join(strip_control(text).split())


# -- Mermaid --------------------------------------------------------------------------------
_MERMAID_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;",
                     "`": "#96;", "|": "#124;", "{": "#123;", "}": "#125;", "[": "#91;",
                     "]": "#93;", "\\": "#92;"}


def mermaid_label(text: str) -> str:
    """A label for inside Mermaid double quotes: markup characters as entity codes."""
    return "".join(_MERMAID_ENTITIES.get(ch, ch) for ch in _clean(text))


def _mermaid(p: _Picture) -> str:
    ids = _ids(p.nodes)
    lines = ["flowchart LR", f"  %% {mermaid_label(p.title)}"]
    by_type: dict[str, list[str]] = {}
    for node_id, (_label, node_type) in p.nodes.items():
        by_type.setdefault(node_type, []).append(node_id)
    for node_type, members in by_type.items():
        indent = "  "
        if p.grouped:
            lines.append(f'  subgraph {_slug("t_", node_type)}["{mermaid_label(node_type)}"]')
            indent = "    "
        for node_id in members:
            label = "<br>".join(mermaid_label(line) for line in p.nodes[node_id][0])
            lines.append(f'{indent}{ids[node_id]}["{label}"]')
        if p.grouped:
            lines.append("  end")
    for source, target, label, emphasis in p.edges:
        arrow = "==>" if emphasis else "-->"
        lines.append(f'  {ids[source]} {arrow}|"{mermaid_label(label)}"| {ids[target]}')
    for node_type, members in by_type.items():
        cls = _slug("c_", node_type)
        colour = _COLOURS.get(node_type, _DEFAULT_COLOUR)
        lines.append(f"  classDef {cls} fill:{colour},stroke:#555555")
        lines.append(f"  class {','.join(ids[m] for m in members)} {cls}")
    return "\n".join(lines)


# -- Graphviz DOT ---------------------------------------------------------------------------
def dot_string(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, one line."""
    return '"' + _clean(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot(p: _Picture) -> str:
    ids = _ids(p.nodes)
    lines = [f"digraph {dot_string(p.title)} {{", "  rankdir=LR;",
             '  node [shape=box, style="rounded,filled", fontname="Helvetica"];',
             '  edge [fontname="Helvetica", fontsize=10];']
    by_type: dict[str, list[str]] = {}
    for node_id, (_label, node_type) in p.nodes.items():
        by_type.setdefault(node_type, []).append(node_id)
    for node_type, members in by_type.items():
        colour = _COLOURS.get(node_type, _DEFAULT_COLOUR)
        indent = "  "
        if p.grouped:
            lines.append(f"  subgraph {_slug('cluster_', node_type)} {{")
            lines.append(f"    label={dot_string(node_type)};")
            indent = "    "
        for node_id in members:
            label = "\\n".join(dot_string(line)[1:-1] for line in p.nodes[node_id][0])
            lines.append(f'{indent}{ids[node_id]} [label="{label}", '
                         f"fillcolor={dot_string(colour)}];")
        if p.grouped:
            lines.append("  }")
    for source, target, label, emphasis in p.edges:
        extra = ", penwidth=2" if emphasis else ""
        lines.append(f"  {ids[source]} -> {ids[target]} [label={dot_string(label)}{extra}];")
    lines.append("}")
    return "\n".join(lines)
