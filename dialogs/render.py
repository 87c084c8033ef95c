"""Texts a person reads: questions, recommendations, details, comparisons, the Markdown plan.

Every fact about a career printed here is read from the graph (names, summaries, pathway
steps and lengths, credentials, duties); the flow only contributes the person's own words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise

from knowledge import Graph, Node, Pathway
from knowledge.text import join_words

from .model import Flow, Question, SlotValue, Values
from .scoring import Fit, Recommendation

MAX_REASONS = 3
#: A message of the flow with its placeholders filled (`Flow.say`): every English word a
#: person reads here comes from the flow's YAML.
Say = Callable[..., str]
#: How far a ranked career's reasons are set in under it.
_INDENT = "   "


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


def next_steps(say: Say, node: Node, pathway: Pathway,
               stage: SlotValue | None) -> tuple[str, ...]:
    """The first step(s) still ahead on the pathway, given where the person stands."""
    if not pathway.steps:
        duties = tuple(node.get("duties") or ())
        out = [say("no_steps", name=node.name)]
        if duties:
            out.append(say("work_involves", duties="; ".join(duties)))
        return tuple(out)
    done = set(stage.done) if stage else set()
    current = stage.current if stage else None
    remaining = [s for s in pathway.steps if s.id not in done]
    if not remaining:
        return (say("all_steps_done"),)
    out = []
    ahead = remaining
    ids = [s.id for s in remaining]
    if current in ids:
        at = ids.index(current)
        out.append(say("finish_step", step=_step(remaining[at])))
        ahead = remaining[at + 1:]
    if ahead:
        # (the step the source says comes after the current one, wherever it is listed)
        first = next((s for s in ahead if (s.id, current) in pathway.links), ahead[0])
        # 'Then' only where the source states the order (fellowships come after residency).
        chain = all((b.id, a.id) in pathway.links for a, b in pairwise(pathway.steps))
        lead = ("lead_then" if (first.id, current) in pathway.links else "lead_also") if out \
            else ("lead_start" if chain else "lead_first")
        out.append(say("step_ahead", lead=say(lead), step=_step(first), summary=first.summary))
        if len(ahead) > 1 and len(out) < 2:
            joint = "lead_then" if (ahead[1].id, first.id) in pathway.links else "lead_also"
            out.append(say("step_after", lead=say(joint), step=_step(ahead[1])))
    return tuple(out)


def total_line(say: Say, pathway: Pathway) -> str:
    if not pathway.steps:
        return ""
    unstated = [s.label for s in pathway.unstated]
    if pathway.total is None:
        return say("total_none")
    if not unstated:
        return say("total_all", total=pathway.total)
    return say("total_some", total=pathway.total, unstated=join_words(unstated))


def _credential(say: Say, creds: Sequence[Node], via: Node | None) -> str:
    """'ABR certification (...), as a Radiologist.' or 'none is stated.'"""
    if not creds:
        return say("credential_none")
    names = join_words([c.name if not c.get("full_name") or c.get("full_name") == c.name
                   else f"{c.name} ({c.get('full_name')})" for c in creds])
    return say("credential_via", names=names, via=via.name) if via else say(
        "credential_own", names=names)


def _fit_lines(say: Say, number: int, fit: Fit,
               shared: frozenset[str] = frozenset()) -> list[str]:
    lines = [say("fit_item", number=number, name=fit.node.name, score=fit.score)]
    reasons = [r for r in fit.reasons if r not in shared]
    if reasons:
        lines.append(_INDENT + say("fit_why", reasons="; ".join(reasons[:MAX_REASONS])))
    if fit.against:
        lines.append(_INDENT + say("fit_against", reasons="; ".join(fit.against[:MAX_REASONS])))
    return lines


def shared_reasons(fits: Sequence[Fit]) -> tuple[str, ...]:
    """Reasons every listed career has: said once above the list, not once per career (five
    careers "why: you'd rather not go to medical school" tell the person nothing)."""
    if len(fits) < 2:
        return ()
    common = set(fits[0].reasons).intersection(*(f.reasons for f in fits[1:]))
    return tuple(r for r in fits[0].reasons if r in common)


def recommendation_text(say: Say, rec: Recommendation) -> str:
    """The ranking as text. Nothing before the first item names a career. The fit figures
    are the interview's own estimate, and the heading says so: the document has none."""
    what = say("scope_fellowships" if rec.scope == "fellowship" else "scope_careers")
    lines: list[str] = []
    shown = rec.shown
    if not rec.enough:
        lines.append(say("first_guess"))
    if shown:
        lines.append(say("ranking_head", what=what))
        shared = shared_reasons(shown)
        if shared:
            lines.append(say("shared_reasons", reasons="; ".join(shared)))
        for i, fit in enumerate(shown, 1):
            lines.extend(_fit_lines(say, i, fit, frozenset(shared)))
    else:
        lines.append(say("cannot_rank", what=what))
    by_reason: dict[str, list[str]] = {}
    for fit in rec.ruled_out:
        by_reason.setdefault("; ".join(fit.ruled_out), []).append(fit.node.name)
    for reason, names in by_reason.items():
        lines.append(say("ruled_out_group", reason=reason, names=", ".join(names)))
    if rec.current:
        lines.append(say("already_yours", names=", ".join(n.name for n in rec.current)))
    top = rec.top
    if top is not None and rec.pathway is not None:
        lines.append("")
        lines.append(say("top_pick", name=top.node.name, summary=top.node.summary))
        if rec.pathway.steps:
            lines.append(say("pathway_line", timeline=rec.pathway.timeline()))
            lines.append(total_line(say, rec.pathway))
        lines.append(say("credential_line",
                         credential=_credential(say, rec.credentials, rec.credential_via)))
        lines.append(say("next_steps_head"))
        lines.extend(f"- {s}" for s in rec.next_steps)
    return "\n".join(lines)


def detail_text(say: Say, graph: Graph, fit: Fit | None, node: Node, rank: int | None,
                steps: Sequence[str]) -> str:
    """Everything about one career of the ranking, for "tell me more about 2"."""
    head = say("detail_head", name=node.name, rank=rank, score=fit.score) \
        if fit is not None and rank else node.name
    lines = [head, node.summary]
    if fit is not None:
        for key, items in (("detail_ruled_out", fit.ruled_out), ("detail_why", fit.reasons),
                           ("detail_against", fit.against)):
            if items:
                lines.append(say(key, reasons="; ".join(items)))
    duties = tuple(node.get("duties") or ())
    if duties:
        lines.append(say("detail_work", duties="; ".join(duties)))
    pathway = graph.pathway(node.id)
    if pathway.steps:
        lines.append(say("pathway_line", timeline=pathway.timeline()))
        lines.append(total_line(say, pathway))
    lines.append(say("credential_line", credential=_credential(say, *credentials(graph, node))))
    if pathway.steps:
        lines.append(say("next_steps_head"))
        lines.extend(f"- {s}" for s in steps)
    else:
        lines.append(say("no_steps", name=node.name))
    return "\n".join(line for line in lines if line)


def compare_text(say: Say, graph: Graph,
                 items: Sequence[tuple[Node, Fit | None, int | None]]) -> str:
    """Two or more careers side by side: fit, pathway and length, credential, reasons."""
    lines = [" vs ".join(node.name for node, _, _ in items)]
    for node, fit, rank in items:
        pathway = graph.pathway(node.id)
        lines.append("")
        head = node.name
        if fit is not None:
            head = say("compare_head_rank", name=node.name, rank=rank, score=fit.score) \
                if rank else say("compare_head_fit", name=node.name, score=fit.score)
        lines.append(head)
        lines.append(f"- {node.summary}")
        if pathway.steps:
            lines.append(say("compare_pathway_total", timeline=pathway.timeline(),
                             total=pathway.total) if pathway.total else say(
                "compare_pathway", timeline=pathway.timeline()))
            if pathway.unstated:
                unstated = join_words([s.label for s in pathway.unstated])
                lines.append(say("compare_unstated", unstated=unstated))
        else:
            lines.append(say("compare_no_steps"))
        lines.append(say("compare_credential",
                         credential=_credential(say, *credentials(graph, node))))
        if fit is not None:
            for key, items_ in (("compare_ruled_out", fit.ruled_out),
                                ("compare_why", fit.reasons[:MAX_REASONS]),
                                ("compare_against", fit.against[:MAX_REASONS])):
                if items_:
                    lines.append(say(key, reasons="; ".join(items_)))
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
    say = flow.say
    lines = [say("plan_title", title=flow.title), ""]
    told = profile(flow, slots, topics, implied, said)
    lines.append(say("plan_told"))
    lines.extend(f"- {t[0].upper()}{t[1:]}" for t in told) if told else lines.append(
        say("plan_nothing"))
    lines.append("")
    top = rec.top
    if top is None or rec.pathway is None:
        lines.append(say("plan_best_none"))
        lines.append(say("plan_not_enough"))
        return "\n".join(lines) + "\n"
    node = top.node
    lines.append(say("plan_best", name=node.name, score=top.score))
    lines.append(node.summary)
    lines.append(say("plan_fit_note"))
    lines.append("")
    lines.extend(say("plan_why", reason=reason) for reason in top.reasons)
    lines.extend(say("plan_against", reason=reason) for reason in top.against)
    lines.append("")
    lines.append(say("plan_pathway"))
    if rec.pathway.steps:
        for i, step in enumerate(rec.pathway.steps, 1):
            length = str(step.duration) if step.duration else say(
                "plan_credential_step" if step.type == "credential" else "plan_no_length")
            lines.append(say("plan_step", number=i, label=step.label, length=length))
        lines.append("")
        lines.append(total_line(say, rec.pathway))
    else:
        lines.append(say("no_steps", name=node.name))
    lines.append("")
    lines.append(say("plan_credential"))
    lines.append(_credential(say, rec.credentials, rec.credential_via))
    lines.append("")
    lines.append(say("plan_next"))
    lines.extend(f"- {s}" for s in rec.next_steps)
    others = rec.shown[1:]
    if others:
        lines.append("")
        lines.append(say("plan_others"))
        for i, fit in enumerate(others, 2):
            why = say("plan_other_why", reasons="; ".join(fit.reasons[:MAX_REASONS])) \
                if fit.reasons else ""
            lines.append(say("plan_other", number=i, name=fit.node.name, score=fit.score,
                             why=why))
    if rec.ruled_out:
        lines.append("")
        lines.append(say("plan_ruled"))
        lines.extend(say("plan_ruled_item", name=f.node.name, reasons="; ".join(f.ruled_out))
                     for f in rec.ruled_out)
    return "\n".join(lines) + "\n"
