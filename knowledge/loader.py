"""Load a knowledge directory in stages: read -> parse with marks -> validate -> build.

Every problem of every file is collected before anything is raised, each as file:line:col.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .errors import KnowledgeError, Problem
from .graph import Graph
from .model import Duration, Edge, Location, Node
from .record import field, record
from .schema import COMMON_FIELDS, FIELD_META, NODE_TYPES, RELATIONS, REQUIRED_FIELDS
from .text import key
from .yamlsafe import MDict, MList, read_marked

EMBEDDED_DIR = Path(__file__).resolve().parent / "radiology"
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
# The space before a range sits inside its optional group: `\s*(?:...)?\s*` backtracked
# quadratically in a run of spaces.
_DURATION = re.compile(
    r"^\s*(\d+(?:\.\d+)?)(?:\s*(?:-|–|to)\s*(\d+(?:\.\d+)?))?\s*(years?|months?)\s*$")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a close choice exists, else ''. Shared by dialogs too."""
    found = process.extractOne(word, list(choices), scorer=Levenshtein.normalized_similarity,
                               score_cutoff=0.6)
    return f" (did you mean '{found[0]}'?)" if found else ""


def yaml_files(directory: Path) -> list[Path]:
    """The .yaml/.yml files of a directory tree, in a stable order."""
    return sorted(p for p in directory.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())


def display_name(path: Path, root: Path) -> str:
    """A path as messages show it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@record(frozen=False)
class _Draft:
    """A node as read, before cross-checks: values plus where each one stood."""

    node: Node
    file: str
    mark: tuple[int, int]
    relations: list[tuple[str, str, tuple[int, int]]]
    alias_marks: list[tuple[str, tuple[int, int]]] = field(default_factory=list)


def parse_duration(value: Any) -> Duration | None:
    """'4-5 years', '2 years', or {min: 4, max: 5, unit: year} -> Duration; None if invalid."""
    if isinstance(value, dict):
        low, high = value.get("min"), value.get("max", value.get("min"))
        unit = str(value.get("unit", "year")).rstrip("s")
        if set(value) - {"min", "max", "unit"} or unit not in {"year", "month"}:
            return None
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (low, high)):
            return None
        if low is None or high is None or low < 0 or low > high:
            return None
        return Duration(float(low), float(high), unit)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return Duration(float(value), float(value))
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            low = float(match.group(1))
            high = float(match.group(2) or match.group(1))
            if low <= high:
                return Duration(low, high, match.group(3).rstrip("s"))
    return None


class _Loader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.drafts: list[_Draft] = []
        self.meta: dict[str, Any] = {}
        #: ids of nodes refused for their own problems: references to them are not reported
        #: again as 'unknown node', which would send the editor looking for a missing node.
        self.refused_ids: set[str] = set()

    def problem(self, file: str, mark: tuple[int, int], message: str) -> None:
        self.problems.append(Problem(file, mark[0], mark[1], message))

    # -- stage 1 and 2: read and parse each file ------------------------------------------
    def read(self) -> None:
        if not self.root.is_dir():
            self.problems.append(Problem(display_name(self.root, self.root), 1, 1,
                                         "not a directory"))
            return
        files = yaml_files(self.root)
        if not files:
            self.problems.append(Problem(display_name(self.root, self.root), 1, 1,
                                         "no .yaml files found"))
        for path in files:
            name = display_name(path, self.root)
            data, problems = read_marked(path, name)
            self.problems.extend(problems)
            if problems or data is None:
                continue
            if not isinstance(data, MDict):
                self.problem(name, getattr(data, "mark", (1, 1)),
                             "a knowledge file must be a mapping with 'nodes:' (and 'field:')")
                continue
            for top in data:
                if top not in {"nodes", "field"}:
                    self.problem(name, data.key_marks[top], f"unknown top-level key {top!r}"
                                 + did_you_mean(str(top), ["nodes", "field"]))
            if "field" in data:
                self.read_meta(name, data)
            nodes = data.get("nodes")
            if nodes is None:
                continue
            if not isinstance(nodes, MList):
                self.problem(name, data.value_marks["nodes"], "'nodes' must be a list of nodes")
                continue
            for item, mark in zip(nodes, nodes.item_marks, strict=True):
                self.read_node(name, item, mark)

    def read_meta(self, name: str, data: MDict) -> None:
        meta = data["field"]
        if not isinstance(meta, MDict):
            self.problem(name, data.value_marks["field"], "'field' must be a mapping")
            return
        if self.meta:
            self.problem(name, data.key_marks["field"], "'field' is declared in more than one file")
            return
        for k, v in meta.items():
            kind = FIELD_META.get(k)
            if kind is None:
                self.problem(name, meta.key_marks[k], f"unknown field {k!r} in 'field'"
                             + did_you_mean(str(k), FIELD_META))
            elif not self.kind_ok(kind, v):
                self.problem(name, meta.value_marks[k], f"'field.{k}' must be {_KIND_TEXT[kind]}")
        self.meta = {k: (tuple(v) if isinstance(v, list) else v) for k, v in meta.items()
                     if k in FIELD_META}

    @staticmethod
    def kind_ok(kind: str, value: Any) -> bool:
        if kind in {"text", "id"}:
            return isinstance(value, str) and bool(value.strip())
        if kind == "texts":
            return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        return True

    def read_node(self, name: str, item: Any, mark: tuple[int, int]) -> None:
        if not isinstance(item, MDict):
            self.problem(name, mark,
                         "a node must be a mapping with id, type, name, summary, section")
            return
        node_id = item.get("id")
        label = f"node {node_id!r}" if isinstance(node_id, str) else "node"
        node_type = item.get("type")
        # A list or mapping as type is reported by the field-kind check below (and must not
        # reach `in NODE_TYPES`, where an unhashable value would crash the loader).
        known_type = isinstance(node_type, str) and node_type in NODE_TYPES
        type_fields: dict[str, str] = {}
        ok = True
        if known_type:
            type_fields = NODE_TYPES[str(node_type)]
        elif isinstance(node_type, str) and node_type.strip():
            ok = False
            self.problem(name, item.value_marks["type"], f"unknown node type {node_type!r}"
                         + did_you_mean(node_type, NODE_TYPES)
                         + f"; known types: {', '.join(NODE_TYPES)}")
        allowed = {**COMMON_FIELDS, **type_fields}
        if not known_type:
            # The type is missing or wrong, which is reported once; do not also report every
            # field that belongs to the intended type ('duties' of a 'rol') as unknown.
            for fields_of_type in NODE_TYPES.values():
                allowed.update(fields_of_type)
        for field_name in REQUIRED_FIELDS:
            if field_name not in item:
                ok = False
                self.problem(name, mark, f"{label} is missing required field '{field_name}'")
        for k, v in item.items():
            kind = allowed.get(k)
            if kind is None:
                ok = False
                where = f"a {node_type}" if known_type else "a node"
                self.problem(name, item.key_marks[k], f"unknown field {k!r} for {where}"
                             + did_you_mean(str(k), allowed))
            elif kind in {"text", "texts", "id"} and not self.kind_ok(kind, v):
                ok = False
                self.problem(name, item.value_marks[k], f"field '{k}' of {label} must be "
                             f"{_KIND_TEXT[kind]}")
            elif kind == "duration" and parse_duration(v) is None:
                ok = False
                self.problem(name, item.value_marks[k], f"field '{k}' of {label} must be a "
                             "duration like '4-5 years' or {min: 4, max: 5, unit: year}")
        if isinstance(node_id, str) and not _ID.match(node_id):
            ok = False
            self.problem(name, item.value_marks["id"], f"id {node_id!r} must be lower-case "
                         "letters, digits and underscores, starting with a letter")
        relations: list[tuple[str, str, tuple[int, int]]] = []
        rels = item.get("relations")
        if rels is not None:
            if not isinstance(rels, MDict):
                ok = False
                self.problem(name, item.value_marks["relations"], f"'relations' of {label} must "
                             "be a mapping of relation name to a list of node ids")
            else:
                for rel, targets in rels.items():
                    if rel not in RELATIONS:
                        ok = False
                        self.problem(name, rels.key_marks[rel], f"unknown relation {rel!r}"
                                     + did_you_mean(str(rel), RELATIONS))
                        continue
                    if isinstance(targets, str):
                        relations.append((str(rel), targets, rels.value_marks[rel]))
                    elif isinstance(targets, MList) and all(isinstance(t, str) for t in targets):
                        relations.extend((str(rel), t, m)
                                         for t, m in zip(targets, targets.item_marks, strict=True))
                    else:
                        ok = False
                        self.problem(name, rels.value_marks[rel], f"relation '{rel}' of {label} "
                                     "must be a node id or a list of node ids")
        if not ok:
            if isinstance(node_id, str):
                self.refused_ids.add(node_id)
            return
        fields: dict[str, Any] = {}
        for k, kind in type_fields.items():
            if k in item:
                value = item[k]
                if kind == "duration":
                    value = parse_duration(value)
                elif kind == "texts":
                    value = tuple(str(v).strip() for v in value)
                fields[k] = value
        if "statements" in item:
            fields["statements"] = tuple(str(v).strip() for v in item["statements"])
        node = Node(
            id=str(node_id), type=str(node_type), name=str(item["name"]).strip(),
            summary=str(item["summary"]).strip(), section=str(item["section"]).strip(),
            aliases=tuple(str(a).strip() for a in item.get("aliases", ())),
            keywords=tuple(str(k).strip() for k in item.get("keywords", ())),
            fields=MappingProxyType(fields), location=Location(name, *mark),
        )
        draft = _Draft(node, name, mark, relations)
        if "aliases" in item:
            draft.alias_marks = list(zip(node.aliases, item["aliases"].item_marks, strict=True))
        self.drafts.append(draft)

    # -- stage 3: checks across nodes -----------------------------------------------------
    def cross_check(self) -> list[Edge]:
        by_id: dict[str, _Draft] = {}
        for draft in self.drafts:
            first = by_id.get(draft.node.id)
            if first is not None:
                self.problem(draft.file, draft.mark, f"duplicate id '{draft.node.id}' (first "
                             f"defined at {first.file}:{first.mark[0]}:{first.mark[1]})")
            else:
                by_id[draft.node.id] = draft
        claimed: dict[str, str] = {}
        for draft in by_id.values():
            names = [(draft.node.name, draft.mark), (draft.node.id.replace("_", " "), draft.mark),
                     *draft.alias_marks]
            for text, mark in names:
                k = key(text)
                owner = claimed.get(k)
                if owner is not None and owner != draft.node.id:
                    self.problem(draft.file, mark, f"alias {text!r} of '{draft.node.id}' is "
                                 f"already claimed by '{owner}'")
                elif k:
                    claimed[k] = draft.node.id
        edges: list[Edge] = []
        for draft in by_id.values():
            for rel, target, mark in draft.relations:
                rule = RELATIONS[rel]
                target_draft = by_id.get(target)
                if target_draft is None:
                    if target not in self.refused_ids:
                        self.problem(draft.file, mark, f"unknown node {target!r} in '{rel}'"
                                     + did_you_mean(target, [*by_id, *sorted(self.refused_ids)]))
                    continue
                if rule.sources is not None and draft.node.type not in rule.sources:
                    self.problem(draft.file, mark, f"relation '{rel}' cannot start at a "
                                 f"{draft.node.type} ('{draft.node.id}'); allowed: "
                                 f"{', '.join(sorted(rule.sources))}")
                    continue
                if rule.targets is not None and target_draft.node.type not in rule.targets:
                    self.problem(draft.file, mark, f"relation '{rel}' cannot point to a "
                                 f"{target_draft.node.type} ('{target}'); allowed: "
                                 f"{', '.join(sorted(rule.targets))}")
                    continue
                edges.append(Edge(draft.node.id, rel, target))
        for rel, rule in RELATIONS.items():
            if rule.acyclic:
                self.find_cycles(rel, [e for e in edges if e.relation == rel], by_id)
        return edges

    def find_cycles(self, rel: str, edges: list[Edge], by_id: dict[str, _Draft]) -> None:
        graph: dict[str, list[str]] = {}
        for edge in edges:
            graph.setdefault(edge.source, []).append(edge.target)
        state: dict[str, int] = {}
        reported: set[frozenset[str]] = set()

        def visit(start: str) -> None:
            stack: list[tuple[str, int]] = [(start, 0)]
            path: list[str] = []
            while stack:
                node_id, index = stack.pop()
                if index == 0:
                    state[node_id] = 1
                    path.append(node_id)
                targets = graph.get(node_id, [])
                if index < len(targets):
                    stack.append((node_id, index + 1))
                    nxt = targets[index]
                    if state.get(nxt) == 1:
                        cycle = [*path[path.index(nxt):], nxt]
                        members = frozenset(cycle)
                        if members not in reported:
                            reported.add(members)
                            draft = by_id[nxt]
                            self.problem(draft.file, draft.mark, f"cycle in '{rel}': "
                                         + " -> ".join(cycle))
                    elif nxt not in state:
                        stack.append((nxt, 0))
                else:
                    state[node_id] = 2
                    path.pop()

        for node_id in list(graph):
            if node_id not in state:
                visit(node_id)


_KIND_TEXT = {"text": "non-empty text", "id": "non-empty text",
              "texts": "a list of non-empty texts"}


def validate(directory: str | Path | None = None) -> tuple[Graph | None, list[Problem]]:
    """Load a knowledge directory, returning the graph (when valid) and every problem found."""
    loader = _Loader(Path(directory) if directory is not None else EMBEDDED_DIR)
    loader.read()
    edges = loader.cross_check()
    if loader.problems:
        # Cross-file checks run after every file is read; report file by file, top to bottom,
        # as yamllint and flake8 do, so an editor can walk the list in order.
        return None, sorted(loader.problems, key=lambda p: (p.file, p.line, p.col))
    nodes = [d.node for d in loader.drafts]
    return Graph(nodes, edges, loader.meta), []


def load_graph(directory: str | Path | None = None) -> Graph:
    """Load and validate a knowledge directory (default: the embedded radiology graph).

    Raises KnowledgeError listing every problem, each as file:line:col.
    """
    graph, problems = validate(directory)
    if graph is None:
        raise KnowledgeError(problems)
    return graph
