"""Queries over the graph: a target type plus constraints, executed in one place.

"Which careers don't need medical school?", "which fellowships are 2 years?", "jobs outside
the physician ones", "which careers use ultrasound?" are all one `Query`: the node types asked
for, and constraints on what a node requires (its pathway steps and credentials), its
category, its stated duration and the modalities it works with. `run` answers every list
question the advisor can be asked, so a filter added here works for every phrasing that
reaches it, and for another field's graph too.
"""

from __future__ import annotations

from collections.abc import Iterable

from .graph import Graph
from .model import Node
from .record import record

__all__ = ["Query", "requirements", "run"]


@record
class Query:
    """What a list question asks for. Empty constraints constrain nothing."""

    types: frozenset[str]
    requires: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()  # requirements the node must not have
    categories: tuple[str, ...] = ()
    outside: tuple[str, ...] = ()  # categories the node must not be in
    exclude: tuple[str, ...] = ()  # nodes (and their specialisations) left out
    uses: tuple[str, ...] = ()  # modalities the node works with
    years: float | None = None  # a stated duration that includes this many years
    among: tuple[str, ...] = ()  # only these nodes (what the question described)

    @property
    def constrained(self) -> bool:
        """True when the query filters by more than a type and a category (a plain listing
        answers those)."""
        return bool(self.requires or self.lacks or self.outside or self.exclude or self.uses
                    or self.years is not None)


def _inherited(graph: Graph, node: Node, relation: str) -> tuple[Node, ...]:
    """A node's neighbours by `relation`, else those of what it specialises."""
    own = graph.neighbours(node.id, relation)
    if own:
        return own
    for parent in graph.neighbours(node.id, "specializes"):
        found = _inherited(graph, parent, relation)
        if found:
            return found
    return ()


def requirements(graph: Graph, node: Node) -> frozenset[str]:
    """Everything a node needs: the steps of its pathway and its credentials."""
    steps = graph.pathway(node.id).steps
    creds = _inherited(graph, node, "certified_by")
    return frozenset(n.id for n in (*steps, *creds))


def _lineage(graph: Graph, node: Node) -> set[str]:
    return {node.id} | {n.id for n in graph.closure(node.id, "specializes")}


def _fits(graph: Graph, node: Node, q: Query) -> bool:
    needs = requirements(graph, node)
    if any(r not in needs for r in q.requires) or any(r in needs for r in q.lacks):
        return False
    if q.lacks and not needs:  # the source never says what it needs: not that it lacks any
        return False
    cats = {c.id for c in _inherited(graph, node, "in_category")}
    if q.categories and not cats & set(q.categories):
        return False
    if cats & set(q.outside) or _lineage(graph, node) & set(q.exclude):
        return False
    if q.uses:
        used = {m.id for m in graph.neighbours(node.id, "uses_modality")}
        if not used & set(q.uses):
            return False
    if q.among and node.id not in q.among:
        return False
    if q.years is not None:
        length = node.duration
        if length is None or not length.low <= q.years <= length.high:
            return False
    return True


def run(graph: Graph, q: Query, among: Iterable[str] = ()) -> list[Node]:
    """The nodes of the asked-for types that meet every constraint, in graph order (or only
    those of `among`, a list shown before, in its order)."""
    pool = [graph.node(i) for i in among if i in graph] or [
        n for n in graph if n.type in q.types]
    return [n for n in pool if n.type in q.types and _fits(graph, n, q)]
