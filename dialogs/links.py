"""How a weight toward a graph node reaches careers; shared by the loader and the scorer."""

from __future__ import annotations

from collections.abc import Iterable

from knowledge import Graph


class CareerLinks:
    """Which careers each node reaches, indexed once per graph so lookups cost nothing.

    A career reaches itself. Any other node (a category, a training step, a credential, a
    modality...) reaches every career that links to it by any relation or has it as a step
    of its pathway, so YAML can say "medical school: +2" once instead of once per career.
    """

    def __init__(self, graph: Graph, career_types: Iterable[str]) -> None:
        types = frozenset(career_types)
        self.careers = tuple(n for n in graph if n.type in types)
        reach: dict[str, list[str]] = {}
        career_ids = {c.id for c in self.careers}
        for career in self.careers:
            reach.setdefault(career.id, []).append(career.id)
            linked = {s.id for s in graph.pathway(career.id).steps}
            linked |= {n.id for n in graph.neighbours(career.id)}
            for node_id in linked - career_ids:
                reach.setdefault(node_id, []).append(career.id)
        self._reach = {k: tuple(v) for k, v in reach.items()}

    def __call__(self, node_id: str) -> tuple[str, ...]:
        """The careers a weight toward `node_id` applies to, in graph order."""
        return self._reach.get(node_id, ())


def linked_careers(graph: Graph, node_id: str, career_types: Iterable[str]) -> tuple[str, ...]:
    """One-off form of `CareerLinks(graph, career_types)(node_id)`."""
    return CareerLinks(graph, career_types)(node_id)
