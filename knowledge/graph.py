"""The immutable knowledge graph and its queries: lookups, neighbours, pathways."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .memo import Memo
from .model import Edge, Node, Pathway
from .record import record
from .schema import STEP_TYPES
from .text import key

#: At most this much of an unknown id is shown in an error (attack 9, C1).
_SHOWN_ID = 80


@record
class Match:
    """A lookup result: the node, the name or alias that matched, and a 0-100 score."""

    node: Node
    matched: str
    score: float

    @property
    def exact(self) -> bool:
        return self.score >= 100


class Graph:
    """A loaded, validated, read-only knowledge graph. No I/O happens after construction."""

    def __init__(self, nodes: Iterable[Node], edges: Iterable[Edge],
                 meta: Mapping[str, Any] | None = None) -> None:
        self._nodes: dict[str, Node] = {n.id: n for n in nodes}
        self._order = {node_id: i for i, node_id in enumerate(self._nodes)}
        self.edges: tuple[Edge, ...] = tuple(edges)
        self.meta: Mapping[str, Any] = MappingProxyType(dict(meta or {}))
        out: dict[tuple[str, str], list[str]] = {}
        inc: dict[tuple[str, str], list[str]] = {}
        for e in self.edges:
            out.setdefault((e.source, e.relation), []).append(e.target)
            inc.setdefault((e.target, e.relation), []).append(e.source)
        self._out = {k: tuple(v) for k, v in out.items()}
        self._in = {k: tuple(v) for k, v in inc.items()}
        # Any-relation neighbours per node, in the order neighbours() always gave them.
        self._out_any = self._by_node(self._out)
        self._in_any = self._by_node(self._in)
        names: dict[str, str] = {}
        for node in self._nodes.values():
            for text in (node.name, node.id.replace("_", " "), *node.aliases):
                names.setdefault(key(text), node.id)
        names.pop("", None)
        self.names: Mapping[str, str] = MappingProxyType(names)
        # A related name ('sonologist' of the sonographer) is looked up as typed, never as a
        # typo's target: it is no name of the node ('oncologist' is two edits from it).
        related = {key(r) for node in self._nodes.values() for r in node.related}
        self._name_keys = [k for k in names
                           if k not in related or k == key(self._nodes[names[k]].name)]
        self._by_type: dict[str, tuple[Node, ...]] = {}
        for node in self._nodes.values():
            self._by_type[node.type] = (*self._by_type.get(node.type, ()), node)
        self._by_types: dict[tuple[str, ...], tuple[Node, ...]] = {}
        # Keyed by node ids only, so bounded by the graph; memos, so pickled empty.
        room = {"items": 1 << 22, "chars": 1 << 28}
        self._pathways: Memo[str, Pathway] = Memo(**room)
        self._closures: Memo[tuple[str, str], tuple[Node, ...]] = Memo(**room)
        self._neighbour_cache: Memo[tuple[str, str | None, bool], tuple[Node, ...]] = Memo(**room)

    # -- container protocol ---------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._nodes)

    def __iter__(self) -> Iterator[Node]:
        return iter(self._nodes.values())

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._nodes

    def node(self, node_id: str) -> Node:
        """The node with this id; KeyError names the id when it does not exist."""
        try:
            return self._nodes[node_id]
        except KeyError:  # (a long id shown cut: a 1 MB id is no 1 MB message)
            shown = node_id if len(str(node_id)) <= _SHOWN_ID else f"{str(node_id)[:_SHOWN_ID]}…"
            raise KeyError(f"no node with id {shown!r}") from None

    def get(self, node_id: str) -> Node | None:
        return self._nodes.get(node_id)

    def of_type(self, *types: str) -> tuple[Node, ...]:
        """Nodes of the given types, in declaration order."""
        if len(types) == 1:
            return self._by_type.get(types[0], ())
        # (callers ask a few fixed sets of types; each was a walk over the whole graph)
        found = self._by_types.get(types)
        if found is None:
            found = self._by_types[types] = tuple(n for n in self._nodes.values()
                                                  if n.type in types)
        return found

    def order(self, node_id: str) -> int:
        """Declaration order, for stable listings."""
        return self._order.get(node_id, len(self._order))

    # -- lookups --------------------------------------------------------------------------
    def lookup(self, text: str) -> Node | None:
        """Exact lookup by id, name or alias, ignoring case, accents and punctuation."""
        node_id = text if text in self._nodes else self.names.get(key(text))
        return self._nodes[node_id] if node_id else None

    def find(self, text: str, cutoff: float = 90.0) -> Match | None:
        """Typo-tolerant lookup; None when nothing is close enough or two nodes tie.

        Short queries (three letters or fewer) must match exactly: 'ct' is not 'cv'.
        """
        k = key(text)
        if not k:
            return None
        exact = self.names.get(k)
        if exact is not None:
            return Match(self._nodes[exact], k, 100.0)
        if len(k) <= 3:
            return None
        found = process.extract(k, self._name_keys, scorer=fuzz.ratio, score_cutoff=cutoff,
                                limit=4)
        if not found:
            return None
        best_key, best_score, _ = found[0]
        # A typo is an edit or two; 'cardiologist' is three away from 'radiologist'.
        if Levenshtein.distance(k, best_key) > max(1, min(2, len(k) // 5)):
            return None
        best = self.names[best_key]
        for other_key, other_score, _ in found[1:]:
            if self.names[other_key] != best and best_score - other_score < 3:
                return None  # ambiguous: better no answer than a wrong one
        return Match(self._nodes[best], best_key, float(best_score))

    # -- relations ------------------------------------------------------------------------
    def neighbours(self, node_id: str, relation: str | None = None, *,
                   incoming: bool = False) -> tuple[Node, ...]:
        """Nodes linked to `node_id` by `relation` (any when None), outgoing unless `incoming`.

        Asked many times a turn: each answer is kept (the graph never changes)."""
        cache_key = (node_id, relation, incoming)
        cached = self._neighbour_cache.get(cache_key)
        if cached is not None:
            return cached
        if relation is not None:
            index = self._in if incoming else self._out
            ids = index.get((node_id, relation), ())
        else:
            ids = (self._in_any if incoming else self._out_any).get(node_id, ())
        result = tuple(self._nodes[t] for t in ids)
        if node_id in self._nodes:  # (not for arbitrary strings: the cache stays bounded)
            self._neighbour_cache.put(cache_key, result)
        return result

    @staticmethod
    def _by_node(index: Mapping[tuple[str, str], tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        grouped: dict[str, list[str]] = {}
        for (node_id, _relation), others in index.items():
            grouped.setdefault(node_id, []).extend(others)
        return {k: tuple(dict.fromkeys(v)) for k, v in grouped.items()}

    def closure(self, node_id: str, relation: str) -> tuple[Node, ...]:
        """Everything reachable from `node_id` along `relation`, nearest first.

        The graph never changes, so each answer is kept (the advisor asks the same few
        per turn)."""
        cached = self._closures.get((node_id, relation))
        if cached is not None:
            return cached
        seen: dict[str, None] = {}
        frontier = [node_id]
        while frontier:
            nxt = []
            for current in frontier:
                for target in self._out.get((current, relation), ()):
                    if target not in seen and target != node_id:
                        seen[target] = None
                        nxt.append(target)
            frontier = nxt
        result = tuple(self._nodes[t] for t in seen)
        if node_id in self._nodes:  # (not for arbitrary strings: the cache stays bounded)
            self._closures.put((node_id, relation), result)
        return result

    def pathway(self, node_id: str) -> Pathway:
        """The ordered training steps to a node (prerequisites first) and their total length.

        Steps come from the transitive closure of `requires`; the node itself counts as a
        step when it is one (a fellowship). Steps without a stated length are reported in
        `unstated` rather than guessed.
        """
        cached = self._pathways.get(node_id)
        if cached is not None:
            return cached
        target = self.node(node_id)
        ordered: list[str] = []
        visiting: set[str] = set()

        def visit(current: str) -> None:
            if current in ordered or current in visiting:
                return
            visiting.add(current)
            prereqs = sorted(self._out.get((current, "requires"), ()), key=self.order)
            for prereq in prereqs:
                visit(prereq)
            visiting.discard(current)
            ordered.append(current)

        visit(node_id)
        steps = tuple(self._nodes[i] for i in ordered if self._nodes[i].type in STEP_TYPES)
        links = frozenset((later.id, earlier) for later in steps
                          for earlier in self._out.get((later.id, "requires"), ()))
        result = Pathway.of(target, steps, links)
        self._pathways.put(node_id, result)
        return result

    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """Nodes by type and relations by name, for `radiology-advisor check`."""
        by_type: dict[str, int] = {}
        for node in self._nodes.values():
            by_type[node.type] = by_type.get(node.type, 0) + 1
        by_rel: dict[str, int] = {}
        for edge in self.edges:
            by_rel[edge.relation] = by_rel.get(edge.relation, 0) + 1
        return by_type, by_rel
