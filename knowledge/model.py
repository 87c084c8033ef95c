"""The immutable data the graph is made of: nodes, edges, durations, pathways."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from .record import field, record


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@record
class Duration:
    """A length of time as a range, because the source says 'typically 4-5 years'."""

    low: float
    high: float
    unit: str = "year"

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise ValueError(f"duration low {self.low} is above high {self.high}")

    def __add__(self, other: Duration) -> Duration:
        if other.unit != self.unit:
            factor = 12.0 if self.unit == "month" else 1 / 12
            other = Duration(other.low * factor, other.high * factor, self.unit)
        return Duration(self.low + other.low, self.high + other.high, self.unit)

    @property
    def exact(self) -> bool:
        return self.low == self.high

    def short(self) -> str:
        """Compact form for timelines: '4–5 y'."""
        span = _num(self.low) if self.exact else f"{_num(self.low)}–{_num(self.high)}"
        return f"{span} {self.unit[0]}"

    def __str__(self) -> str:
        span = _num(self.low) if self.exact else f"{_num(self.low)}–{_num(self.high)}"
        plural = "" if self.exact and self.high == 1 else "s"
        return f"{span} {self.unit}{plural}"


@record
class Location:
    """Where something was declared, so messages can point at it."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@record
class Source:
    """Where a fact comes from: the section path of the source document and the quoted line."""

    section: str
    quote: str
    line: int = 0

    def shown(self, depth: int = 2) -> str:
        """The section path as the chat shows it: its last `depth` headings joined by '›'."""
        parts = [p.strip() for p in self.section.split(">") if p.strip()]
        return " › ".join(parts[-depth:])


@record
class Fact:
    """One thing the graph states about a node and the source lines it rests on."""

    field: str
    text: str
    sources: tuple[Source, ...]


@record
class Node:
    """One thing the graph knows: a role, a training step, a credential, a skill..."""

    id: str
    type: str
    name: str
    summary: str
    section: str
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    fields: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}),
                                      compare=False)
    location: Location | None = field(default=None, compare=False)
    #: Terms that lead to this node although the source never uses them ('women's imaging'):
    #: an answer reached through one says that the document does not mention it.
    related: tuple[str, ...] = field(default=(), compare=False)
    #: Every stated fact with its sources (empty for a graph without a source document).
    facts: tuple[Fact, ...] = field(default=(), compare=False)
    #: Each declared synonym of a keyword, to the keyword the source uses ('heart': 'cardiac
    #: imaging'): a question saying the synonym asks about what the line says.
    synonyms: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}),
                                        compare=False)

    def __hash__(self) -> int:
        # Equal nodes have equal ids, so the id alone is a valid hash, and nodes are hashed
        # on every turn (de-duplicating, sets): hashing all seven fields showed in profiles.
        return hash(self.id)

    def get(self, name: str, default: Any = None) -> Any:
        """A structured fact of this node (e.g. 'duration', 'duties'), or `default`."""
        return self.fields.get(name, default)

    @property
    def duration(self) -> Duration | None:
        value = self.fields.get("duration")
        return value if isinstance(value, Duration) else None

    @property
    def label(self) -> str:
        """How the node reads as a step of a pathway ('IR fellowship')."""
        return str(self.fields.get("step_label") or self.name)


@record
class Edge:
    """A typed relation `source --relation--> target`."""

    source: str
    relation: str
    target: str


@record
class Pathway:
    """The ordered training steps to a node and their total length."""

    target: Node
    steps: tuple[Node, ...]
    total: Duration | None
    unstated: tuple[Node, ...]
    #: (later, earlier) step ids where the later one directly requires the earlier: the only
    #: order the knowledge states. Steps listed side by side state no order.
    links: frozenset[tuple[str, str]] = field(default=frozenset(), compare=False)

    @classmethod
    def of(cls, target: Node, steps: tuple[Node, ...],
           links: frozenset[tuple[str, str]] = frozenset()) -> Pathway:
        """A pathway over these steps: their total length, and the steps whose length the
        source does not state (credentials have none to state)."""
        total: Duration | None = None
        for step in steps:
            if step.duration is not None:
                total = step.duration if total is None else total + step.duration
        unstated = tuple(s for s in steps if s.duration is None and s.type != "credential")
        return cls(target, steps, total, unstated, links)

    def timeline(self) -> str:
        """'CS degree 4 years → internship 3 months' where one step requires the one before
        it; 'medical school 4 years + residency 4–5 years' where the source lists steps in no
        stated order; '...; residency → IR fellowship 2 years' where a step requires an
        earlier one that unordered steps follow. (Words, not 'y': a person reads it in a
        sentence.)"""
        out = ""
        for i, step in enumerate(self.steps):
            duration = step.duration
            part = f"{step.label} {duration}" if duration else step.label
            if i:
                earlier = [s for s in self.steps[:i - 1] if (step.id, s.id) in self.links]
                if (step.id, self.steps[i - 1].id) in self.links:
                    out += " → "
                elif earlier:  # 'residency → IR fellowship': the one order the source
                    # states, never drawn after steps it states no order for
                    out += f"; {earlier[-1].label} → "
                else:
                    out += " + "
            out += part
        return out
