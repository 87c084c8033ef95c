"""The careers knowledge graph: model, schema, validated YAML loading, lookups, pathways.

Knows nothing of dialogs or the advisor. The embedded default graph is `knowledge/radiology/`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import AdvisorError, KnowledgeError, Problem
from .files import EMBEDDED_DIR
from .graph import Graph, Match
from .memo import Memo
from .model import Duration, Edge, Location, Node, Pathway
from .schema import CAREER_TYPES, NODE_TYPES, RELATIONS, STEP_TYPES
from .text import MAX_INPUT_CHARS, MAX_SENTENCES, key, normalize, strip_control, tokens

if TYPE_CHECKING:
    from .loader import did_you_mean, load_graph, parse_duration, validate

_LOADER = frozenset({"did_you_mean", "load_graph", "parse_duration", "validate"})


def __getattr__(name: str) -> Any:
    """The loader (and PyYAML with it) is imported on first use, not on `import knowledge`."""
    if name in _LOADER:
        from . import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'knowledge' has no attribute {name!r}")


__all__ = [
    "CAREER_TYPES",
    "EMBEDDED_DIR",
    "MAX_INPUT_CHARS",
    "MAX_SENTENCES",
    "NODE_TYPES",
    "RELATIONS",
    "STEP_TYPES",
    "AdvisorError",
    "Duration",
    "Edge",
    "Graph",
    "KnowledgeError",
    "Location",
    "Match",
    "Memo",
    "Node",
    "Pathway",
    "Problem",
    "did_you_mean",
    "key",
    "load_graph",
    "normalize",
    "parse_duration",
    "strip_control",
    "tokens",
    "validate",
]
