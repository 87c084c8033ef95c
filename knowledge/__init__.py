"""The careers knowledge graph: model, schema, validated YAML loading, lookups, pathways.

Knows nothing of dialogs or the advisor. The embedded default graph is `knowledge/radiology/`.
"""

from __future__ import annotations

from .errors import AdvisorError, KnowledgeError, Problem
from .graph import Graph, Match
from .loader import EMBEDDED_DIR, did_you_mean, load_graph, parse_duration, validate
from .model import Duration, Edge, Location, Node, Pathway
from .schema import CAREER_TYPES, NODE_TYPES, RELATIONS, STEP_TYPES
from .text import key, normalize, strip_control, tokens

__all__ = [
    "CAREER_TYPES",
    "EMBEDDED_DIR",
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
