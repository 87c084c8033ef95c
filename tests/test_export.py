"""Graph export: Mermaid and DOT that parse, with every label escaped and every edge's ends
declared, for the whole graph and for one career's pathway; and the `graph` command."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pydot
import pytest

from advisor.export import ExportError, dot_string, export_graph, mermaid_label, resolve_node
from knowledge import AdvisorError, Duration, Edge, Graph, Node, load_graph

ROOT = Path(__file__).resolve().parents[1]
NASTY = 'Say "hi" <b>#1</b> & {x} [y] |z| \\ back`tick`\nnew line \x1b[31mred'


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_graph()


def nasty_graph() -> Graph:
    """A tiny graph whose names use every character the formats treat specially."""
    nodes = [
        Node("school", "training", NASTY, "s", "sec",
             fields={"duration": Duration(4, 4)}),
        Node("cert", "credential", "Cert } { ; -> --> end", "s", "sec"),
        Node("end", "role", "end", "s", "sec"),
        Node("graph", "role", 'graph "digraph" subgraph', "s", "sec"),
    ]
    edges = [Edge("end", "requires", "school"), Edge("end", "requires", "cert"),
             Edge("graph", "works_with", "end")]
    return Graph(nodes, edges)


# -- syntax checks, independent of any renderer -------------------------------------------
_DOT_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def check_dot(text: str) -> None:
    """Balanced braces outside strings, no stray quotes, every edge's ends declared."""
    assert text.startswith("digraph ")
    bare = _DOT_STRING.sub('""', text)
    assert '"' not in bare.replace('""', ""), "a stray quote outside a string"
    depth = 0
    for ch in bare:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0, "unbalanced braces"
    declared = set(re.findall(r"^\s*(n_\w+) \[label=", bare, re.M))
    edges = re.findall(r"^\s*(n_\w+) -> (n_\w+) \[label=", bare, re.M)
    assert declared and edges
    for source, target in edges:
        assert source in declared and target in declared
    for line in bare.splitlines()[1:]:
        stripped = line.strip()
        assert stripped.endswith((";", "{", "}")), line
    assert "\x1b" not in text and "\n\n" not in text


def check_mermaid(text: str) -> None:
    """Known statements only, labels quoted without raw quotes, ends declared, blocks closed."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    declared: set[str] = set()
    edges: list[tuple[str, str]] = []
    depth = 0
    for line in lines[1:]:
        s = line.strip()
        if s.startswith("%%"):
            continue
        if m := re.fullmatch(r'subgraph (t_\w+)\["([^"]*)"\]', s):
            depth += 1
            continue
        if s == "end":
            depth -= 1
            assert depth >= 0
            continue
        if m := re.fullmatch(r'(n_\w+)\["([^"]*)"\]', s):
            declared.add(m.group(1))
            continue
        if m := re.fullmatch(r'(n_\w+) (?:-->|==>)\|"([^"|]*)"\| (n_\w+)', s):
            edges.append((m.group(1), m.group(3)))
            continue
        if re.fullmatch(r"classDef c_\w+ fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6}", s):
            continue
        if m := re.fullmatch(r"class ([\w,]+) c_\w+", s):
            assert set(m.group(1).split(",")) <= declared
            continue
        raise AssertionError(f"unexpected mermaid line: {line!r}")
    assert depth == 0
    assert declared and edges
    for source, target in edges:
        assert source in declared and target in declared
    assert "\x1b" not in text


# -- the whole graph ------------------------------------------------------------------------
def test_mermaid_whole_graph(graph: Graph) -> None:
    text = export_graph(graph, "mermaid")
    check_mermaid(text)
    for node in graph:
        assert f'n_{node.id}["{mermaid_label(node.name)}"]' in text
    assert text.count("-->") == len(set(graph.edges))
    assert 'subgraph t_role["role"]' in text and "classDef c_role" in text
    assert '|"requires"|' in text


def test_dot_whole_graph(graph: Graph) -> None:
    text = export_graph(graph, "dot")
    check_dot(text)
    for node in graph:
        assert f"n_{node.id} [label={dot_string(node.name)}" in text
    assert text.count(" -> ") == len(set(graph.edges))
    assert "subgraph cluster_role {" in text
    assert '[label="requires"]' in text


# -- one career's pathway -------------------------------------------------------------------
def test_focus_pathway_in_order_with_durations(graph: Graph) -> None:
    text = export_graph(graph, "mermaid", "interventional_radiology")
    check_mermaid(text)
    steps = re.findall(r'\["(\d)\. ([^"(]+) \(([^)]*)\)', text)
    assert sorted(int(s[0]) for s in steps) == list(range(1, len(steps) + 1))
    # 'then' only where the source states an order: fellowships come after residency
    assert 'n_diagnostic_radiology_residency ==>|"then"| n_interventional_radiology' in text
    assert 'n_medical_school ==>|"and"|' in text
    assert steps[0][1] == "medical school" and steps[0][2] == "4 y"
    assert any("length not stated" in s[2] for s in steps)
    assert "total 10–11 years" in text
    # the chain of steps is drawn with emphasis, and the direct neighbours are there
    assert "n_medical_school ==>" in text
    for other in graph.neighbours("interventional_radiology"):
        assert f"n_{other.id}[" in text
    assert "n_sonographer" not in text  # not a neighbour


def test_focus_by_name_or_alias_and_dot(graph: Graph) -> None:
    by_name = export_graph(graph, "dot", "Sonographer")
    assert by_name == export_graph(graph, "dot", "sonographer")
    assert by_name == export_graph(graph, "dot", "ultrasound tech")
    check_dot(by_name)
    assert '"1. sonography training (length not stated)"' in by_name
    assert "(credential)" in by_name


def test_focus_without_steps(graph: Graph) -> None:
    text = export_graph(graph, "mermaid", "qa_specialist")
    check_mermaid(text)
    assert '"Quality Assurance Specialist"' in text and "==>" not in text


def test_unknown_focus_suggests(graph: Graph) -> None:
    with pytest.raises(ExportError, match=r"^unknown node 'sonografer' \(did you mean "
                                          r"'sonographer'\?\)$") as info:
        export_graph(graph, "dot", "sonografer")
    assert isinstance(info.value, AdvisorError) and isinstance(info.value, ValueError)
    with pytest.raises(ExportError, match=r"did you mean 'neuroradiology'"):
        resolve_node(graph, "neuroradiolgy_x")
    with pytest.raises(ExportError, match=r"^unknown node 'zzzzzz'$"):
        export_graph(graph, "mermaid", "zzzzzz")


def test_unknown_format(graph: Graph) -> None:
    with pytest.raises(ExportError, match="did you mean 'dot'"):
        export_graph(graph, "dott")


# -- escaping -------------------------------------------------------------------------------
def test_labels_escaped_for_mermaid() -> None:
    text = export_graph(nasty_graph(), "mermaid")
    check_mermaid(text)
    assert "#quot;hi#quot;" in text and "#lt;b#gt;#35;1#lt;/b#gt;" in text
    assert "#amp;" in text and "#123;x#125;" in text and "#124;z#124;" in text
    assert "#92;" in text and "#96;" in text
    assert "new line" in text and "#91;31mred" in text  # ESC itself removed
    assert "\x1b" not in text
    # 'end' and 'graph' as ids would break Mermaid: ids are generated
    assert 'n_end["end"]' in text


def test_labels_escaped_for_dot() -> None:
    text = export_graph(nasty_graph(), "dot")
    check_dot(text)
    assert r'Say \"hi\"' in text and "\\\\ back" in text
    assert dot_string('a"b\\c') == r'"a\"b\\c"'
    assert dot_string("two\nlines\x07") == '"two lines"'


def test_focus_labels_escaped() -> None:
    g = nasty_graph()
    check_mermaid(export_graph(g, "mermaid", "end"))
    check_dot(export_graph(g, "dot", "end"))
    assert "1. Say #quot;hi#quot;" in export_graph(g, "mermaid", "end")


@pytest.mark.parametrize("focus", [None, "interventional_radiology", "sonographer"])
def test_graphviz_reads_it(graph: Graph, focus: str | None) -> None:
    """pydot's DOT grammar (pure Python, so this runs everywhere) reads every node and edge;
    where Graphviz itself is installed, `dot` renders it too."""
    for g in (graph, nasty_graph()):
        node = focus if focus is None or focus in g else "end"
        text = export_graph(g, "dot", node)
        [parsed] = pydot.graph_from_dot_data(text)
        names = {n.get_name() for sub in [parsed, *parsed.get_subgraphs()]
                 for n in sub.get_nodes()} - {"node", "edge", "graph"}
        assert len(names) == text.count("[label=") - len(parsed.get_edges()) > 0
        if shutil.which("dot"):
            result = subprocess.run(["dot", "-Tsvg"], input=text, capture_output=True,
                                    text=True, timeout=30)
            assert result.returncode == 0, result.stderr
            assert "<svg" in result.stdout


# -- through the command line ---------------------------------------------------------------
def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RADIOLOGY_ADVISOR")}
    return subprocess.run([sys.executable, "-m", "advisor", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=60)


def test_cli_graph_formats(graph: Graph) -> None:
    mermaid = run("graph")
    assert mermaid.returncode == 0 and mermaid.stderr == ""
    check_mermaid(mermaid.stdout.rstrip("\n"))
    dot = run("graph", "--format", "dot", "--focus", "interventional_radiology")
    assert dot.returncode == 0
    check_dot(dot.stdout.rstrip("\n"))
    assert dot.stdout.rstrip("\n") == export_graph(graph, "dot", "interventional_radiology")


def test_cli_graph_unknown_focus_exit_2() -> None:
    result = run("graph", "--focus", "sonografer")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == ("radiology-advisor: error: unknown node 'sonografer' "
                             "(did you mean 'sonographer'?)\n")


def test_cli_graph_bad_format_exit_2() -> None:
    result = run("graph", "--format", "png")
    assert result.returncode == 2
    assert "invalid choice: 'png'" in result.stderr
