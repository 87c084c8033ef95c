"""Texts a person reads: questions, recommendations, details, comparisons, the Markdown plan.

Every fact about a career printed here is read from the graph (names, summaries, pathway
steps and lengths, credentials, duties); the flow only contributes the person's own words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise

from knowledge import Graph, Node, Pathway
from knowledge.text import join_words

from .model import Flow, Question, SlotValue, Values
from .scoring import Fit, Recommendation

MAX_REASONS = 3


def question_text(q: Question) -> str:
    lines = [q.text]
    lines.extend(f"  {i}. {o.label}" for i, o in enumerate(q.options, 1))
    return "\n".join(lines)


def _step(step: Node) -> str:
    return f"{step.label} ({step.duration})" if step.duration else step.label


def stage_of(flow: Flow, slots: Mapping[str, Values]) -> SlotValue | None:
    """The value that says where the person stands on a pathway (one with done/current)."""
    for name, values in slots.items():
        slot = flow.slots.get(name)
        if slot is None:
            continue
        for v in values:
            spec = slot.values.get(v)
            if spec is not None and (spec.done or spec.current):
                return spec
    return None


def credentials(graph: Graph, node: Node) -> tuple[tuple[Node, ...], Node | None]:
    """The node's `certified_by` credentials, or those of the career it specialises."""
    own = graph.neighbours(node.id, "certified_by")
    if own:
        return own, None
    for parent in graph.closure(node.id, "specializes"):
        inherited = graph.neighbours(parent.id, "certified_by")
        if inherited:
            return inherited, parent
    return (), None


def next_steps(node: Node, pathway: Pathway, stage: SlotValue | None) -> tuple[str, ...]:
    """The first step(s) still ahead on the pathway, given where the person stands."""
    if not pathway.steps:
        duties = tuple(node.get("duties") or ())
        out = [f"No training steps are stated for {node.name}."]
        if duties:
            out.append("The work involves: " + "; ".join(duties) + ".")
        return tuple(out)
    done = set(stage.done) if stage else set()
    current = stage.current if stage else None
    remaining = [s for s in pathway.steps if s.id not in done]
    if not remaining:
        return ("You have already completed every training step on this pathway.",)
    out = []
    ahead = remaining
    ids = [s.id for s in remaining]
    if current in ids:
        at = ids.index(current)
        out.append(f"Finish {_step(remaining[at])}.")
        ahead = remaining[at + 1:]
    if ahead:
        # (the step the source says comes after the current one, wherever it is listed)
        first = next((s for s in ahead if (s.id, current) in pathway.links), ahead[0])
        # 'Then' only where the source states the order (fellowships come after residency).
        chain = all((b.id, a.id) in pathway.links for a, b in pairwise(pathway.steps))
        lead = ("Then" if (first.id, current) in pathway.links else "Also listed") if out \
            else ("Start with" if chain else "Listed first")
        out.append(f"{lead}: {_step(first)} — {first.summary}")
        if len(ahead) > 1 and len(out) < 2:
            joint = "Then" if (ahead[1].id, first.id) in pathway.links else "Also listed"
            out.append(f"{joint}: {_step(ahead[1])}.")
    return tuple(out)


def total_line(pathway: Pathway) -> str:
    if not pathway.steps:
        return ""
    unstated = [s.label for s in pathway.unstated]
    if pathway.total is None:
        return "No length is stated for any of these steps."
    if not unstated:
        return f"Total: {pathway.total}."
    return (f"Total: {pathway.total} for the steps with a stated length; no length is stated "
            f"for {join_words(unstated)}.")


def _credential(creds: Sequence[Node], via: Node | None) -> str:
    """'ABR certification (...), as a Radiologist.' or 'none is stated.'"""
    if not creds:
        return "none is stated."
    names = join_words([c.name if not c.get("full_name") or c.get("full_name") == c.name
                   else f"{c.name} ({c.get('full_name')})" for c in creds])
    return names + (f", as a {via.name}." if via else ".")


def _credential_line(creds: Sequence[Node], via: Node | None) -> str:
    return "Credential: " + _credential(creds, via)


def _fit_lines(number: int, fit: Fit, shared: frozenset[str] = frozenset()) -> list[str]:
    lines = [f"{number}. {fit.node.name} — fit {fit.score}%"]
    reasons = [r for r in fit.reasons if r not in shared]
    if reasons:
        lines.append("   why: " + "; ".join(reasons[:MAX_REASONS]))
    if fit.against:
        lines.append("   against: " + "; ".join(fit.against[:MAX_REASONS]))
    return lines


def shared_reasons(fits: Sequence[Fit]) -> tuple[str, ...]:
    """Reasons every listed career has: said once above the list, not once per career (five
    careers "why: you'd rather not go to medical school" tell the person nothing)."""
    if len(fits) < 2:
        return ()
    common = set(fits[0].reasons).intersection(*(f.reasons for f in fits[1:]))
    return tuple(r for r in fits[0].reasons if r in common)


def recommendation_text(rec: Recommendation, shared_line: str = "") -> str:
    """The ranking as text. Nothing before the first item names a career.

    `shared_line` is a template with {reasons}: the line that gives the reasons every listed
    career shares, once."""
    what = "fellowships" if rec.scope == "fellowship" else "careers"
    lines: list[str] = []
    shown = rec.shown
    if not rec.enough:
        lines.append("I only know a little about you so far, so take this as a first guess.")
    if shown:
        lines.append(f"Here is how the {what} fit what you told me, best first:")
        shared = shared_reasons(shown) if shared_line else ()
        if shared:
            lines.append(shared_line.format(reasons="; ".join(shared)))
        for i, fit in enumerate(shown, 1):
            lines.extend(_fit_lines(i, fit, frozenset(shared)))
    else:
        lines.append(f"I can't rank the {what} yet: nothing you said points at one. Tell me what "
                     "you enjoy, or answer a few questions.")
    by_reason: dict[str, list[str]] = {}
    for fit in rec.ruled_out:
        by_reason.setdefault("; ".join(fit.ruled_out), []).append(fit.node.name)
    for reason, names in by_reason.items():
        lines.append(f"Ruled out ({reason}): {', '.join(names)}.")
    if rec.current:
        lines.append(f"Already yours: {', '.join(n.name for n in rec.current)}.")
    top = rec.top
    if top is not None and rec.pathway is not None:
        lines.append("")
        lines.append(f"Top pick: {top.node.name}. {top.node.summary}")
        if rec.pathway.steps:
            lines.append(f"Pathway: {rec.pathway.timeline()}")
            lines.append(total_line(rec.pathway))
        lines.append(_credential_line(rec.credentials, rec.credential_via))
        lines.append("Next steps:")
        lines.extend(f"- {s}" for s in rec.next_steps)
    return "\n".join(lines)


def detail_text(graph: Graph, fit: Fit | None, node: Node, rank: int | None,
                steps: Sequence[str]) -> str:
    """Everything about one career of the ranking, for "tell me more about 2"."""
    head = node.name + (f" — #{rank}, fit {fit.score}%" if fit is not None and rank else "")
    lines = [head, node.summary]
    if fit is not None:
        if fit.ruled_out:
            lines.append("Ruled out: " + "; ".join(fit.ruled_out))
        if fit.reasons:
            lines.append("Why: " + "; ".join(fit.reasons))
        if fit.against:
            lines.append("Against: " + "; ".join(fit.against))
    duties = tuple(node.get("duties") or ())
    if duties:
        lines.append("The work: " + "; ".join(duties))
    pathway = graph.pathway(node.id)
    if pathway.steps:
        lines.append(f"Pathway: {pathway.timeline()}")
        lines.append(total_line(pathway))
    lines.append(_credential_line(*credentials(graph, node)))
    if pathway.steps:
        lines.append("Next steps:")
        lines.extend(f"- {s}" for s in steps)
    else:
        lines.append(f"No training steps are stated for {node.name}.")
    return "\n".join(line for line in lines if line)


def compare_text(graph: Graph, items: Sequence[tuple[Node, Fit | None, int | None]]) -> str:
    """Two or more careers side by side: fit, pathway and length, credential, reasons."""
    lines = [" vs ".join(node.name for node, _, _ in items)]
    for node, fit, rank in items:
        pathway = graph.pathway(node.id)
        lines.append("")
        head = node.name
        if fit is not None:
            head += f" (#{rank}, fit {fit.score}%)" if rank else f" (fit {fit.score}%)"
        lines.append(head)
        lines.append(f"- {node.summary}")
        if pathway.steps:
            length = f" — {pathway.total}" if pathway.total else ""
            lines.append(f"- pathway: {pathway.timeline()}{length}")
            if pathway.unstated:
                unstated = join_words([s.label for s in pathway.unstated])
                lines.append(f"- no length stated for: {unstated}")
        else:
            lines.append("- pathway: no training steps are stated")
        lines.append("- credential: " + _credential(*credentials(graph, node)))
        if fit is not None and fit.ruled_out:
            lines.append("- ruled out: " + "; ".join(fit.ruled_out))
        if fit is not None and fit.reasons:
            lines.append("- why: " + "; ".join(fit.reasons[:MAX_REASONS]))
        if fit is not None and fit.against:
            lines.append("- against: " + "; ".join(fit.against[:MAX_REASONS]))
    return "\n".join(lines)


def profile(flow: Flow, slots: Mapping[str, Values], topics: Mapping[str, int],
            implied: Mapping[str, Values] | None = None,
            said: Mapping[str, str] | None = None) -> list[str]:
    """What the person told us, as short "you ..." phrases from the flow (values merely
    implied by another answer are left out: the person did not say them)."""
    out: list[str] = []
    implied = implied or {}
    for slot in flow.slots.values():
        for v in slots.get(slot.name, ()):
            spec = slot.values.get(v)
            if spec is not None and v not in implied.get(slot.name, ()):
                out.append(spec.says)
    for evidence in flow.evidence:
        count = topics.get(evidence.id, 0)
        if count:
            template = flow.mentioned if count > 0 else flow.avoided
            out.append(template.format(label=evidence.label))
    for quote, sign in (said or {}).items():  # the person's own words, quoted, once each
        template = flow.mentioned if sign == "+" else flow.avoided
        out.append(template.format(label=flow.say("quote", words=quote)))
    return out


def plan_markdown(flow: Flow, graph: Graph, rec: Recommendation, slots: Mapping[str, Values],
                  topics: Mapping[str, int], implied: Mapping[str, Values],
                  said: Mapping[str, str] | None = None) -> str:
    """The plan as Markdown: what was said, the best fit, its pathway, next steps, the rest."""
    lines = [f"# {flow.title}: your plan", ""]
    told = profile(flow, slots, topics, implied, said)
    lines.append("## What you told me")
    lines.extend(f"- {t[0].upper()}{t[1:]}" for t in told) if told else lines.append(
        "- Nothing yet.")
    lines.append("")
    top = rec.top
    if top is None or rec.pathway is None:
        lines.append("## Best fit")
        lines.append("Not enough is known yet to recommend a career.")
        return "\n".join(lines) + "\n"
    node = top.node
    lines.append(f"## Best fit: {node.name} (fit {top.score}%)")
    lines.append(node.summary)
    lines.append("")
    for reason in top.reasons:
        lines.append(f"- Why: {reason}")
    for reason in top.against:
        lines.append(f"- Against: {reason}")
    lines.append("")
    lines.append("## Training pathway")
    if rec.pathway.steps:
        for i, step in enumerate(rec.pathway.steps, 1):
            length = str(step.duration) if step.duration else (
                "credential" if step.type == "credential" else "no stated length")
            lines.append(f"{i}. {step.label} — {length}")
        lines.append("")
        lines.append(total_line(rec.pathway))
    else:
        lines.append(f"No training steps are stated for {node.name}.")
    lines.append("")
    lines.append("## Credential")
    lines.append(_credential(rec.credentials, rec.credential_via))
    lines.append("")
    lines.append("## Next steps")
    lines.extend(f"- {s}" for s in rec.next_steps)
    others = rec.shown[1:]
    if others:
        lines.append("")
        lines.append("## Other options")
        for i, fit in enumerate(others, 2):
            why = f": {'; '.join(fit.reasons[:MAX_REASONS])}" if fit.reasons else ""
            lines.append(f"{i}. {fit.node.name} — fit {fit.score}%{why}")
    if rec.ruled_out:
        lines.append("")
        lines.append("## Ruled out")
        lines.extend(f"- {f.node.name}: {'; '.join(f.ruled_out)}" for f in rec.ruled_out)
    return "\n".join(lines) + "\n"
