"""Structure a page draws that the reply's text only spells out: the ranking and a timeline.

Computed from the public Advisor API (the graph, the interviewer, the session's interview
state), added beside the reply's own fields, so the Reply JSON stays that of `ask --json`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from knowledge import CAREER_TYPES

if TYPE_CHECKING:
    from dialogs.scoring import Recommendation
    from knowledge import Graph, Node, Pathway

    from ..core import Advisor
    from ..reply import Reply
    from ..session import Session

#: Replies about how to get somewhere get that place's pathway as a timeline.
_PATHWAY_INTENTS = frozenset({"education", "duration", "interview_detail"})
_SCOPES = ("auto", "fellowship", "career")


def _node(node: Node) -> dict[str, str]:
    return {"id": node.id, "name": node.name}


def pathway_data(path: Pathway) -> dict[str, Any]:
    """A pathway's steps with their lengths and the sum of the stated ones. `follows` says
    whether the knowledge states that a step comes after the one before it; `ordered`,
    whether it states the whole order (else the steps are only listed together)."""
    steps = path.steps
    follows = [i > 0 and (s.id, steps[i - 1].id) in path.links for i, s in enumerate(steps)]
    return {
        "target": _node(path.target),
        "steps": [{**_node(s), "label": s.label, "type": s.type,
                   "duration": str(s.duration) if s.duration else None, "follows": follows[i]}
                  for i, s in enumerate(steps)],
        "ordered": all(follows[1:]),
        "total": str(path.total) if path.total else None,
        "unstated": [s.label for s in path.unstated],
    }


def _recommendation(advisor: Advisor, session: Session, listed: tuple[str, ...]
                    ) -> Recommendation | None:
    """The ranking the reply lists (all its careers, or the ones shown): the session picks the
    scope from the wording, so find the scope whose ranking that is (the interviewer caches
    each)."""
    for scope in _SCOPES:
        rec = advisor.interviewer.recommend(session.dialog, scope=scope)
        if tuple(f.node.id for f in rec.fits[: len(listed)]) == listed:  # all, or the shown
            return rec
    return None


def ranking_data(rec: Recommendation) -> dict[str, Any]:
    """Careers best first with fit, reasons and what counts against; what is ruled out."""
    top = rec.top
    data: dict[str, Any] = {
        "scope": rec.scope,
        "fits": [{**_node(f.node), "fit": f.score, "reasons": list(f.reasons),
                  "against": list(f.against)} for f in rec.fits[: rec.show]],
        "ruled_out": [{**_node(f.node), "why": list(f.ruled_out)} for f in rec.ruled_out],
        "current": [_node(n) for n in rec.current],
    }
    if top is not None:
        data["top"] = {**_node(top.node), "fit": top.score,
                       "credentials": [c.name for c in rec.credentials],
                       "next_steps": list(rec.next_steps)}
        if rec.pathway is not None:
            data["top"]["pathway"] = pathway_data(rec.pathway)
    return data


def _pathway_for(graph: Graph, reply: Reply) -> dict[str, Any] | None:
    if reply.intent not in _PATHWAY_INTENTS or len(reply.entities) != 1:
        return None
    node_id = reply.entities[0]
    if node_id not in graph:
        return None
    node = graph.node(node_id)
    if node.type not in CAREER_TYPES and node.type != "training":
        return None
    path = graph.pathway(node_id)
    return pathway_data(path) if len(path.steps) >= 2 else None


def structure(advisor: Advisor, session: Session, reply: Reply) -> dict[str, Any]:
    """The fields to add to a reply's JSON for the page: `ranking` and/or `pathway`."""
    out: dict[str, Any] = {}
    if reply.kind == "recommendation" and reply.listed:
        rec = _recommendation(advisor, session, reply.listed)
        if rec is not None:
            out["ranking"] = ranking_data(rec)
        return out
    path = _pathway_for(advisor.graph, reply)
    if path is not None:
        out["pathway"] = path
    return out
